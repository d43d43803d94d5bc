from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "dichvucong.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from dichvucong.notifications import handlers, templates  # noqa: F401 - registers handler and keys
