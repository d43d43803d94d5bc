from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "dichvucong.sites.backoffice"
    label = "backoffice"
    verbose_name = "One-Stop-Shop back office"
