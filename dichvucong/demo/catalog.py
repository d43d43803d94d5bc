"""Demo seeder for the procedure catalog: the project's own copy of the national catalog."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dichvucong.procedures.importer import DEFAULT_CATALOG, import_catalog, read_lines
from dichvucong.procedures.models import Procedure

if TYPE_CHECKING:
    from dichvucong.demo.seeders import SeedContext

# The fixture holds 2,642 procedures; fewer means a first run or an interrupted one. Tests point
# CATALOG_FILE at a small sample (dichvucong/demo/tests/conftest.py).
CATALOG_FILE = DEFAULT_CATALOG
EXPECTED_PROCEDURES = 2642


def seed_catalog(ctx: SeedContext) -> None:
    """Import the catalog fixture unless it is already loaded (a re-import would change nothing anyway)."""
    expected = EXPECTED_PROCEDURES if CATALOG_FILE == DEFAULT_CATALOG else 1
    if Procedure.objects.filter(current_version__isnull=False).count() >= expected:
        ctx.log("catalog: already loaded")
        return
    report = import_catalog(read_lines(CATALOG_FILE), actor=None)
    if not report.ok:
        line, message = report.errors[0]
        raise RuntimeError(f"catalog fixture line {line}: {message}")
    ctx.log(
        f"catalog: {report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
        f"{report.variants_created} local variants"
    )
