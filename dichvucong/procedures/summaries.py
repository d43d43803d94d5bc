"""Short texts about a published version, shared by the portal pages and the assistant.

``fee_summary`` ("Miễn phí", "50.000 đồng", "từ 8.000 đến 50.000 đồng"), ``time_summary`` (the
shortest processing time over the channels) and ``format_vnd``. They read the version's prefetched
``options``/``fees``/``documents`` when present (``prefetch_details``), so a result list costs three
queries, not three per row.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import prefetch_related_objects
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dichvucong.procedures.constants import DurationUnit
from dichvucong.procedures.models import Fee, ProcedureVersion, ProcessingOption


def prefetch_details(versions: Iterable[ProcedureVersion]) -> None:
    prefetch_related_objects(list(versions), "options", "fees", "documents")


def _is_english() -> bool:
    return (get_language() or "vi").startswith("en")


def format_number(value: Decimal | int | float) -> str:
    """``1234567.5`` → ``1.234.567,5`` (vi) or ``1,234,567.5`` (en); no trailing zero decimals."""
    number = Decimal(value).normalize()
    whole, _dot, fraction = f"{number:f}".partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    thousands, decimal = (",", ".") if _is_english() else (".", ",")
    text = sign + thousands.join(groups or ["0"])
    return f"{text}{decimal}{fraction}" if fraction else text


def format_vnd(amount: Decimal | int) -> str:
    """``50000`` → ``50.000 đồng`` (vi) / ``50,000 VND`` (en)."""
    return _("%(amount)s đồng") % {"amount": format_number(amount)}


def fee_summary(version: ProcedureVersion) -> str:
    fees: list[Fee] = list(version.fees.all())
    amounts = sorted({fee.amount for fee in fees if fee.amount is not None})
    if not fees:
        return _("Không thu phí, lệ phí")
    if not amounts:
        return _("Theo quy định (xem chi tiết)")
    if amounts[-1] == 0:
        if any(fee.amount is None for fee in fees):
            return _("Theo quy định (xem chi tiết)")
        return _("Miễn phí")
    positive = [a for a in amounts if a > 0]
    if len(positive) == 1:
        text = format_vnd(positive[0])
    else:
        text = _("từ %(low)s đến %(high)s") % {
            "low": format_number(positive[0]),
            "high": format_vnd(positive[-1]),
        }
    return text


def duration_text(option: ProcessingOption) -> str:
    if option.duration_unit == DurationUnit.NONE or option.duration is None:
        return _("Không quy định thời hạn")
    return f"{format_number(option.duration)} {DurationUnit(option.duration_unit).label}"


def time_summary(version: ProcedureVersion) -> str:
    """The shortest stated processing time over the channels (working days before hours etc. as given)."""
    options = [
        o for o in version.options.all() if o.duration is not None and o.duration_unit != DurationUnit.NONE
    ]
    if not options:
        return _("Không quy định thời hạn") if list(version.options.all()) else _("Chưa có thông tin")
    factor = {DurationUnit.HOURS: Decimal("0.125"), DurationUnit.MONTHS: Decimal("22")}
    best = min(options, key=lambda o: o.duration * factor.get(o.duration_unit, Decimal(1)))
    return duration_text(best)


def localized_name(version: ProcedureVersion) -> str:
    """The English name when the language is English and one exists, else the Vietnamese name."""
    return version.name_en if _is_english() and version.name_en else version.name
