from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    """The dossier lifecycle: intake (online, counter, post), codes, deadlines, decisions, results."""

    name = "dichvucong.dossiers"
    label = "dossiers"
    verbose_name = _("Hồ sơ thủ tục hành chính")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dichvucong.dossiers import notification_templates  # noqa: F401 - registers the keys
        from dichvucong.dossiers.workflow_subject import SUBJECT_TYPE, describe_dossier
        from dichvucong.workflows.hooks import register_subject_describer

        register_subject_describer(SUBJECT_TYPE, describe_dossier)
