"""Titles of the pages the shells render for this app (kept here so the strings live in its catalog)."""

from django.utils.translation import gettext_lazy as _

TOKENS_TITLE = _("Mã truy cập API")
CLIENTS_TITLE = _("Ứng dụng đăng nhập một lần (OIDC)")
CLIENT_NEW_TITLE = _("Đăng ký ứng dụng")
