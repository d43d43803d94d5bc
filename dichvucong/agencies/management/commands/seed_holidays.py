"""``manage.py seed_holidays YEAR [YEAR …]``: fill the working-day calendar from the Vietnam holidays.

Adds the city-wide holidays, substitute days off and swapped working days that the ``holidays``
package knows for each year (Labour Code 2019 Art. 112: 1/1, Tết, Giỗ Tổ, 30/4, 1/5, 2/9 and its
adjacent day). Idempotent: dates already in the table (seeded or declared by an admin) are kept.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dichvucong.agencies.calendar_days import SEED_YEARS, seed_holidays


class Command(BaseCommand):
    help = "Add the Vietnamese public holidays of the given years to the working-day calendar; idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("years", nargs="+", type=int, choices=SEED_YEARS, metavar="YEAR")

    def handle(self, *args: Any, **options: Any) -> None:
        added = seed_holidays(actor=None, years=options["years"])
        years = ", ".join(str(year) for year in sorted(set(options["years"])))
        self.stdout.write(self.style.SUCCESS(f"Calendar {years}: {added} days added."))
