from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "dichvucong.notifications"
    label = "notifications"
    verbose_name = "Notifications"
