"""Procedure page views, counted in the cache and written to the database once a minute.

Every view of a procedure page used to run ``UPDATE … SET view_count = view_count + 1`` on the
procedure's row. Under load the most viewed procedures are the same few rows, so every request
queued on one row lock (and on SQLite, on the database's single writer). A view now increments a
counter in Django's cache (an atomic ``INCR`` on Redis; on the file cache of a one-machine install,
increments racing in the same instant may be lost, which a popularity signal tolerates), and
``flush_view_counts`` — a beat task every ``VIEW_FLUSH_SECONDS`` — adds the counters to the rows and
takes them off the cache. When the cache is unavailable the view is written directly, as before.
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import transaction
from django.db.models import F

from dichvucong.procedures.models import Procedure

logger = logging.getLogger(__name__)

PREFIX = "procedures:views:"


def _key(procedure_id: int) -> str:
    return f"{PREFIX}{procedure_id}"


def count_view(procedure_id: int) -> None:
    """One more view of the procedure, buffered in the cache."""
    key = _key(procedure_id)
    try:
        cache.add(key, 0, timeout=None)
        cache.incr(key)
    except Exception:
        logger.warning("view counter cache unavailable; counting directly", exc_info=True)
        Procedure.objects.filter(pk=procedure_id).update(view_count=F("view_count") + 1)


def pending_views(procedure_ids: list[int]) -> dict[int, int]:
    """Views counted in the cache and not yet written, per procedure (only those with some)."""
    found = cache.get_many([_key(pk) for pk in procedure_ids])
    return {int(key.removeprefix(PREFIX)): int(value) for key, value in found.items() if value}


def flush_view_counts() -> int:
    """Add the buffered views to ``Procedure.view_count``; how many views were written."""
    ids = list(Procedure.objects.values_list("pk", flat=True))
    written = 0
    for procedure_id, views in pending_views(ids).items():
        # Take the views off the counter first: a view counted meanwhile stays for the next flush.
        cache.decr(_key(procedure_id), views)
        with transaction.atomic():
            Procedure.objects.filter(pk=procedure_id).update(view_count=F("view_count") + views)
        written += views
    return written
