from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "dichvucong.sites.portal"
    label = "portal"
    verbose_name = "Public Service Portal"

    def ready(self) -> None:
        from dichvucong.dossiers.hooks import register_event_listener
        from dichvucong.sites.portal.wallet import LISTENER_NAME, add_results_to_wallet

        # Results returned to a citizen join their document wallet (once-only documents).
        register_event_listener(LISTENER_NAME, add_results_to_wallet)
