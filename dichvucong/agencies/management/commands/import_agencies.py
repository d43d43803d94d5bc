"""``manage.py import_agencies [--file CSV] [--units CSV]``: load or refresh the agency tree.

Defaults to the project's own fixtures in ``dichvucong/agencies/data/``. All or nothing: a bad row
stops the import with its row number and column, and nothing is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dichvucong.agencies.errors import AgencyImportError
from dichvucong.agencies.importer import DEFAULT_AGENCIES_CSV, DEFAULT_UNITS_CSV
from dichvucong.agencies.services import import_agencies


class Command(BaseCommand):
    help = "Import the agency list (QCVN 102 codes, kinds, parents, NSO unit codes) from CSV; idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=DEFAULT_AGENCIES_CSV, help="agency CSV")
        parser.add_argument(
            "--units", type=Path, default=DEFAULT_UNITS_CSV, help="ward-level units CSV (NSO codes)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for key in ("file", "units"):
            if not options[key].is_file():
                raise CommandError(f"{options[key]}: no such file")
        try:
            result = import_agencies(actor=None, agencies_csv=options["file"], units_csv=options["units"])
        except AgencyImportError as exc:
            raise CommandError(f"{options['file']}: {exc.message}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Agencies: {result.created} created, {result.updated} updated, {result.unchanged} unchanged."
            )
        )
