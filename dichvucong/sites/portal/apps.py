from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "dichvucong.sites.portal"
    label = "portal"
    verbose_name = "Public Service Portal"
