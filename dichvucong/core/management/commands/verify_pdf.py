"""``manage.py verify_pdf FILE``: print the status of each signature in a PDF (a receipt, a notice).

Exit status 0 when the PDF has at least one signature and every one is intact, valid, trusted and
covers the whole file; 1 otherwise (for scripts). Offline: no OCSP/CRL fetching.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dichvucong.core.signing import default_trust_roots, verify_pdf


class Command(BaseCommand):
    help = (
        "Verify the PAdES signatures of a PDF against the configured chain's root (or the local test CA, "
        "or --trust FILE): prints signer, time, integrity, validity, trust and coverage."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the PDF to check")
        parser.add_argument(
            "--trust",
            action="append",
            default=[],
            metavar="PEM",
            help="a trusted root certificate (PEM or DER); repeatable. Default: the configured root.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from pyhanko.keys import load_certs_from_pemder

        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}") from exc
        try:
            roots = (
                list(load_certs_from_pemder(options["trust"])) if options["trust"] else default_trust_roots()
            )
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read the trusted certificates: {exc}") from exc
        try:
            reports = verify_pdf(data, trust_roots=roots)
        except Exception as exc:  # a file that is not a PDF makes pyHanko raise its own types
            raise CommandError(f"{path} is not a readable PDF: {exc}") from exc
        if not reports:
            raise CommandError(f"{path}: no signature", returncode=1)
        for report in reports:
            self.stdout.write(f"Signature {report.field_name}")
            self.stdout.write(f"  signer:   {report.signer}")
            signed_at = report.signed_at.isoformat() if report.signed_at else "-"
            self.stdout.write(f"  signed at: {signed_at}")
            self.stdout.write(f"  intact:   {_yes(report.intact)}")
            self.stdout.write(f"  valid:    {_yes(report.valid)}")
            self.stdout.write(f"  trusted:  {_yes(report.trusted)}")
            self.stdout.write(f"  coverage: {report.coverage}")
        good = all(r.intact and r.valid and r.trusted and r.covers_entire_file for r in reports)
        if not good:
            raise CommandError(f"{path}: signature NOT OK", returncode=1)
        self.stdout.write(self.style.SUCCESS(f"OK: {len(reports)} signature(s) valid and trusted"))


def _yes(value: bool) -> str:
    return "yes" if value else "NO"
