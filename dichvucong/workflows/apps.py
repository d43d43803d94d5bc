from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    """BPMN processes, running instances, the open-task projection, task deadlines and SLA states."""

    name = "dichvucong.workflows"
    label = "workflows"
    verbose_name = _("Quy trình xử lý")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dichvucong.workflows import notification_templates  # noqa: F401 - registers the keys
