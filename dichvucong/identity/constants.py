"""Vocabularies of single sign-on: the scopes a client or a token may hold."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    """What a client of our OIDC provider, or a personal API token, may see or do.

    The label is what the consent screen and the token page show the citizen, in plain words.
    """

    OPENID = "openid", _("Biết bạn là ai (mã định danh tài khoản)")
    PROFILE = "profile", _("Họ tên và tên đăng nhập của bạn")
    EMAIL = "email", _("Địa chỉ thư điện tử của bạn")
    PHONE = "phone", _("Số điện thoại của bạn")
    CCCD = "cccd", _("Số căn cước công dân của bạn")
    ROLES = "roles", _("Vai trò cán bộ của bạn tại các cơ quan")
    PROCEDURES_READ = "procedures:read", _("Xem danh mục thủ tục hành chính")
    DOSSIERS_READ = "dossiers:read", _("Xem hồ sơ của bạn")
    DOSSIERS_WRITE = "dossiers:write", _("Nộp và cập nhật hồ sơ thay bạn")
    PROFILE_READ = "profile:read", _("Đọc thông tin tài khoản của bạn qua API")


# Scopes a personal API token may carry (the OIDC identity scopes make no sense there).
API_SCOPES: tuple[str, ...] = (
    Scope.PROCEDURES_READ,
    Scope.DOSSIERS_READ,
    Scope.DOSSIERS_WRITE,
    Scope.PROFILE_READ,
)


class TokenKind(models.TextChoices):
    """Which kind of bearer token called the API."""

    PERSONAL = "personal", _("Mã truy cập cá nhân")
    OAUTH = "oauth", _("Mã truy cập OIDC của ứng dụng")


# The three shells are first-party clients on one origin: they share the session and skip consent.
FIRST_PARTY_CLIENTS: dict[str, tuple[str, str]] = {
    # code: (display name, path of the redirect URI under SITE_URL)
    "portal": ("Cổng Dịch vụ công", "/"),
    "backoffice": ("Hệ thống một cửa điện tử", "/backoffice/"),
    "kiosk": ("Hệ thống đánh giá sự hài lòng", "/evaluation/"),
}

PERSONAL_TOKEN_PREFIX = "dvcpat_"  # noqa: S105 - a public marker, not a secret
PERSONAL_TOKEN_MAX_DAYS = 366
# A token's use is written at most once per this many seconds (see services.record_token_use).
TOKEN_USE_WRITE_INTERVAL = 60
