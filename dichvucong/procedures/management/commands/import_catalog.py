"""``manage.py import_catalog [FILE]``: load or refresh the procedure catalog from JSONL (gzip or not).

Defaults to the project's own fixture ``dichvucong/procedures/data/tthc-national-catalog-2026.jsonl.gz``.
All or nothing: a malformed line stops the import with its line number and nothing is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dichvucong.procedures.importer import (
    DEFAULT_CATALOG,
    DEFAULT_NAMES_EN,
    PARSED_FIELDS,
    import_catalog,
    load_names_en,
    read_lines,
)


class Command(BaseCommand):
    help = (
        "Import the national procedure catalog (crawl JSONL or LayThuTuc JSONL); idempotent, all or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_CATALOG, help="JSONL or JSONL.gz")
        parser.add_argument("--names-en", type=Path, default=DEFAULT_NAMES_EN, help="code,name_en CSV")
        parser.add_argument(
            "--show-problems", type=int, default=10, help="how many parse problems to list (0 = none)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            report = import_catalog(read_lines(path), actor=None, names_en=load_names_en(options["names_en"]))
        except (OSError, UnicodeDecodeError, EOFError) as exc:
            raise CommandError(f"{path}: cannot read ({exc})") from exc
        if not report.ok:
            for line, message in report.errors[:50]:
                self.stderr.write(f"{path}:{line}: {message}")
            raise CommandError(f"{len(report.errors)} invalid line(s) in {path}; nothing was imported.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Catalog: {report.total} records, {report.created} created, {report.updated} updated, "
                f"{report.unchanged} unchanged, {report.variants_created} local variants created, "
                f"{len(report.problems)} parse problems in "
                f"{report.total - report.records_without_problems} records."
            )
        )
        if report.total:
            parsed = ", ".join(f"{name} {report.fully_parsed[name]}/{report.total}" for name in PARSED_FIELDS)
            self.stdout.write(f"Fully parsed per field: {parsed}.")
        for line, code, field, message in report.problems[: options["show_problems"]]:
            self.stdout.write(f"  line {line} {code} [{field}]: {message}")
