"""A data scope in words for the officer's dashboard: which agencies and which fields (lĩnh vực).

"Phạm vi dữ liệu: UBND Phường Bến Thành; lĩnh vực: tất cả". For a subtree only its top agencies are
named, with the number of subordinate units. Agency names follow the active language when an
English name exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language, gettext, ngettext

MAX_NAMED_AGENCIES = 3


@dataclass(frozen=True)
class ScopeSummary:
    agencies: str
    fields: str


def _agency_rows(user: Any) -> list[dict[str, Any]]:
    from dichvucong.agencies.selectors import list_agencies  # lazily: the agencies app owns the tree

    return list(list_agencies(user).values("pk", "parent_id", "name", "name_en"))


def _agencies_text(user: Any, agency_ids: frozenset[int] | None) -> str:
    if agency_ids is None:
        return gettext("toàn Thành phố")
    if not agency_ids:
        return gettext("không có")
    rows = _agency_rows(user)
    english = (get_language() or "").startswith("en")
    listed = {row["pk"] for row in rows}
    tops = [row for row in rows if row["parent_id"] not in listed]
    names = [(row["name_en"] if english and row["name_en"] else row["name"]) for row in tops]
    shown = names[:MAX_NAMED_AGENCIES]
    text = ", ".join(shown)
    others = len(names) - len(shown)
    if others:
        text = ngettext(
            "%(names)s và %(count)d cơ quan khác", "%(names)s và %(count)d cơ quan khác", others
        ) % {"names": text, "count": others}
    below = len(rows) - len(tops)
    if below:
        text = ngettext(
            "%(names)s (gồm %(count)d đơn vị trực thuộc)",
            "%(names)s (gồm %(count)d đơn vị trực thuộc)",
            below,
        ) % {"names": text, "count": below}
    return text


def _fields_text(field_codes: frozenset[str] | None) -> str:
    if field_codes is None:
        return gettext("tất cả")
    if not field_codes:
        return gettext("không có")
    return ", ".join(sorted(field_codes))


def summarise_scope(user: Any, scope: Any) -> ScopeSummary:
    """``scope`` is ``user``'s data scope (``agencies.scopes.get_data_scope``)."""
    return ScopeSummary(
        agencies=_agencies_text(user, scope.agency_ids), fields=_fields_text(scope.field_codes)
    )
