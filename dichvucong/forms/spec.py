"""``FormSpec``: what rendering and validation need of a form version, detached from the database."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FormSpec:
    """A form's ``schema`` (JSON Schema 2020-12) and ``ui_schema`` (``{"version": 1, "fields": […]}``).

    ``key`` and ``number`` identify the version (they are signed into rendered forms so a POST for
    another version is refused)."""

    schema: dict[str, Any]
    ui_schema: dict[str, Any]
    key: str = "preview"
    number: int = 0

    @property
    def fields(self) -> list[dict[str, Any]]:
        items = self.ui_schema.get("fields") if isinstance(self.ui_schema, dict) else None
        return items if isinstance(items, list) else []

    def iter_fields(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every field (group children included) with its JSON pointer, in order."""
        for item in self.fields:
            if not isinstance(item, dict) or "key" not in item:
                continue
            yield f"/{item['key']}", item
            if item.get("type") == "group":
                for child in item.get("fields") or []:
                    if isinstance(child, dict) and "key" in child:
                        yield f"/{item['key']}/*/{child['key']}", child
