from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    """Satisfaction evaluation: questionnaire, ratings, follow-ups, scores."""

    name = "dichvucong.evaluations"
    label = "evaluations"
    verbose_name = _("Đánh giá sự hài lòng")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from dichvucong.dossiers.hooks import register_evaluation_link, register_event_listener
        from dichvucong.evaluations import notification_templates  # noqa: F401 - registers the keys
        from dichvucong.evaluations.links import evaluation_link
        from dichvucong.evaluations.listeners import LISTENER_NAME, invite_after_return

        register_event_listener(LISTENER_NAME, invite_after_return)
        register_evaluation_link(evaluation_link)
