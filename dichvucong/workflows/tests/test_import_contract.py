"""Only ``workflows/engine.py`` imports SpiffWorkflow (the import-linter contract, checked here too)."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
ROOT = PACKAGE.parent


def spiff_importers() -> set[str]:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            if any(name == "SpiffWorkflow" or name.startswith("SpiffWorkflow.") for name in names):
                found.add(str(path.relative_to(ROOT)))
    return found


def test_only_the_engine_port_imports_spiffworkflow() -> None:
    """No module of dichvucong but the port imports the engine library."""
    assert spiff_importers() == {"dichvucong/workflows/engine.py"}


def test_the_import_linter_contract_forbids_it() -> None:
    """pyproject.toml carries the forbidden contract that ``make lint`` enforces."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    contracts = [c for c in config["contracts"] if c["type"] == "forbidden"]
    assert any(
        c["source_modules"] == ["dichvucong"]
        and c["forbidden_modules"] == ["SpiffWorkflow"]
        and c.get("ignore_imports") == ["dichvucong.workflows.engine -> SpiffWorkflow"]
        for c in contracts
    )
    assert config["include_external_packages"] is True
