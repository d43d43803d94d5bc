"""``manage.py ensure_oidc_clients``: register the portal, back office and kiosk as first-party
clients of our OIDC provider (idempotent; the demo loader runs it too)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from dichvucong.identity.services import ensure_first_party_clients


class Command(BaseCommand):
    help = "Register (or update) the first-party OIDC clients portal, backoffice and kiosk."

    def handle(self, *args: Any, **options: Any) -> None:
        for application in ensure_first_party_clients():
            self.stdout.write(
                f"{application.policy.code}: client_id={application.client_id} → {application.redirect_uris}"
            )
