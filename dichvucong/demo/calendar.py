"""Demo seeder of the working-day calendar: this year's and next year's Vietnamese holidays."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dichvucong.agencies.calendar_days import seed_holidays
from dichvucong.core import clock

if TYPE_CHECKING:
    from dichvucong.demo.seeders import SeedContext


def seed_calendar(ctx: SeedContext) -> None:
    """Public holidays and swapped working days of this year and the next (idempotent)."""
    year = clock.now().year
    added = seed_holidays(actor=None, years=[year, year + 1])
    ctx.log(f"calendar: {added} days added for {year}–{year + 1}")
