"""``manage.py load_life_events [FILE]``: create/update the life events and link their procedures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dichvucong.procedures.lifeevents import LIFE_EVENTS_FILE, load_life_events


class Command(BaseCommand):
    help = "Load the life events (sinh con, kết hôn, …) and link them to the procedures of the catalog."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", default=str(LIFE_EVENTS_FILE), help="life events (JSON)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = load_life_events(path=Path(options["file"]))
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"cannot load {options['file']}: {exc}") from None
        self.stdout.write(
            f"life events: {report.created} created, {report.updated} updated, {report.links} procedure links"
        )
        for slug, codes in report.missing_codes.items():
            self.stdout.write(f"  {slug}: not in the catalog (import it first): {', '.join(codes)}")
