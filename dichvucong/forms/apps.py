from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FormsConfig(AppConfig):
    """Form definitions and versions, field templates, rendering, validation and prefill plugins."""

    name = "dichvucong.forms"
    label = "forms"
    verbose_name = _("Biểu mẫu điện tử")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dichvucong.forms.prefill_plugins import register_default_plugins

        register_default_plugins()
