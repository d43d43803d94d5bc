"""``manage.py rebuild_rollups``: recompute the statistics rollups from the dossier event log.

Use after bulk loads that bypass the services (``generate_dossiers``), or to repair the read model.
One transaction, set-based SQL (see ``dichvucong.reports.rebuild``).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from dichvucong.reports.rebuild import rebuild_rollups


class Command(BaseCommand):
    help = "Recompute all Decree 61 statistics rollups from the dossier event log."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        rows = rebuild_rollups()
        took = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Rebuilt {rows:,} rollup rows in {took:.1f} s"))
