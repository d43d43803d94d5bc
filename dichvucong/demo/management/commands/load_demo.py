"""``manage.py load_demo``: the demo city (agencies, demo accounts, and every app's demo seeders).

Idempotent, one transaction. Refuses to run unless ``DEMO_MODE`` is on, so a production database
never gets accounts with a published password.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from dichvucong.accounts.services import AccountError
from dichvucong.agencies.errors import AgencyError
from dichvucong.demo.seeders import SEEDERS, SeedContext


class Command(BaseCommand):
    help = "Load the demo city and the demo accounts (password: DEMO_PASSWORD). Needs DEMO_MODE=true."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError(
                "DEMO_MODE is off: demo accounts (with the published DEMO_PASSWORD) are not created. "
                "Set DEMO_MODE=true on a demo or development machine; to load only the agency tree "
                "use `manage.py import_agencies`."
            )
        ctx = SeedContext(password=settings.DEMO_PASSWORD, log=lambda line: self.stdout.write(f"  {line}"))
        try:
            with transaction.atomic():
                for seeder in SEEDERS:
                    seeder(ctx)
        except ValidationError as exc:
            raise CommandError(
                f"DEMO_PASSWORD is refused by the password rules: {' '.join(exc.messages)}"
            ) from exc
        except (AccountError, AgencyError) as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS("Demo city loaded."))
