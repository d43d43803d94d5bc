"""Every environment variable read in config/settings.py is documented for operators.

Settings are read only through ``config.env`` getters (``env_str("NAME", …)`` and friends), so a
variable is "read" exactly when such a call names it. It must appear in ``.env.example`` (the file an
operator copies), in the configuration table of ``docs/operations.md`` and in that of ``README.md``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENV_CALL = re.compile(r"""\benv_\w+\(\s*["']([A-Z][A-Z0-9_]*)["']""")
EXAMPLE_LINE = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.MULTILINE)
TABLE_ROW = re.compile(r"^\|\s*`?([A-Z][A-Z0-9_]*)`?\s*\|", re.MULTILINE)
# Read by processes other than Django (the Procfile), documented but never passed to env_*().
NOT_DJANGO = {"PORT"}


def names_read_by_settings() -> set[str]:
    return set(ENV_CALL.findall((ROOT / "config" / "settings.py").read_text(encoding="utf-8")))


def test_settings_read_variables_through_config_env() -> None:
    """Given config/settings.py, when scanned, then it reads its variables through env_*() calls."""
    names = names_read_by_settings()
    assert {"DJANGO_ENV", "DATABASE_URL", "DJANGO_SECRET_KEY", "REDIS_URL"} <= names
    source = (ROOT / "config" / "settings.py").read_text(encoding="utf-8")
    assert "os.environ" not in source and "os.getenv" not in source, "read variables through config.env only"


def test_env_example_documents_every_variable() -> None:
    """Given .env.example, when compared with settings, then every variable read has a line there."""
    documented = set(EXAMPLE_LINE.findall((ROOT / ".env.example").read_text(encoding="utf-8")))
    missing = sorted(names_read_by_settings() - documented)
    assert not missing, f".env.example lacks: {', '.join(missing)}"


def test_env_example_documents_nothing_stale() -> None:
    """Given .env.example, when compared with settings, then it names no variable settings no longer read."""
    documented = set(EXAMPLE_LINE.findall((ROOT / ".env.example").read_text(encoding="utf-8")))
    stale = sorted(documented - names_read_by_settings() - NOT_DJANGO)
    assert not stale, f".env.example documents variables nothing reads: {', '.join(stale)}"


@pytest.mark.parametrize("document", ["docs/operations.md", "README.md"])
def test_configuration_table_lists_every_variable(document: str) -> None:
    """Given a document's configuration table, when compared with settings, then no variable is missing."""
    rows = set(TABLE_ROW.findall((ROOT / document).read_text(encoding="utf-8")))
    missing = sorted(names_read_by_settings() - rows)
    assert not missing, f"{document} configuration table lacks: {', '.join(missing)}"
