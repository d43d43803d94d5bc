from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    """Single sign-on: our OIDC provider, the national SSO federation and personal API tokens."""

    name = "dichvucong.identity"
    label = "identity"
    verbose_name = _("Định danh và đăng nhập một lần")
    default_auto_field = "django.db.models.BigAutoField"
