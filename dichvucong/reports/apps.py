from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Decree 61 statistics: rollups maintained with every dossier event, Biểu 06, exports."""

    name = "dichvucong.reports"
    label = "reports"
    verbose_name = _("Báo cáo, thống kê")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dichvucong.dossiers.hooks import register_event_listener
        from dichvucong.reports import notification_templates  # noqa: F401 - registers the keys
        from dichvucong.reports.rollups import record_event

        register_event_listener("reports.rollups", record_event)
