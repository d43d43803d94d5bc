from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    """Strong authentication: officer TOTP, login history, idle timeouts."""

    name = "dichvucong.security"
    label = "security"
    verbose_name = _("Bảo mật đăng nhập")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dichvucong.security import notification_templates  # noqa: F401 - registers the keys
