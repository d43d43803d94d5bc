"""``manage.py recount_evaluations [--period 2026-Q1]``: recompute the published figures from the raw
rows and list every difference; exits with status 1 when a figure differs."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dichvucong.evaluations.recount import recount


class Command(BaseCommand):
    help = "Recompute published evaluation figures from ratings and dossiers and report differences."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        checked, differences = recount(period_key=options["period"])
        for difference in differences:
            self.stdout.write(str(difference))
        self.stdout.write(f"checked {checked} published figures sets; {len(differences)} differences")
        if differences:
            raise SystemExit(1)
