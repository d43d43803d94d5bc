from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "dichvucong.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from dichvucong.accounts import verification  # noqa: F401  (registers the outbox handler)
