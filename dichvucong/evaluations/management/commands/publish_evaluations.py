"""``manage.py publish_evaluations 2026-Q1``: store the period's figures per agency as published."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dichvucong.evaluations.periods import parse_period
from dichvucong.evaluations.services import publish_results


class Command(BaseCommand):
    help = "Publish the evaluation figures of a period (2026-Q1, 2026-03 or 2026)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("period")

    def handle(self, *args: Any, **options: Any) -> None:
        period = parse_period(options["period"])
        if period is None:
            raise CommandError("period must look like 2026-Q1, 2026-03 or 2026")
        count = publish_results(actor=None, period=period)
        self.stdout.write(f"published {period.key}: {count} agencies")
