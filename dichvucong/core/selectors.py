"""Reads of the shared kernel: the audit trail for auditors and the back office.

Each filter matches an index on ``AuditEntry`` (actor, action prefix, target, time range); the
result is newest first and lazy, so the caller paginates.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from dichvucong.core.models import AuditEntry


def list_audit_entries(
    *,
    actor_id: int | None = None,
    action_prefix: str | None = None,
    target_type: str | None = None,
    target_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AuditEntry]:
    """Audit entries matching every given filter, newest first.

    ``action_prefix="agency."`` matches ``agency.update`` and ``agency.merge``; ``since`` is
    inclusive and ``until`` exclusive.
    """
    entries = AuditEntry.objects.select_related("actor")
    if actor_id is not None:
        entries = entries.filter(actor_id=actor_id)
    if action_prefix:
        entries = entries.filter(action__startswith=action_prefix)
    if target_type:
        entries = entries.filter(target_type=target_type)
    if target_id is not None and target_id != "":
        entries = entries.filter(target_id=str(target_id))
    if since is not None:
        entries = entries.filter(created_at__gte=since)
    if until is not None:
        entries = entries.filter(created_at__lt=until)
    return entries.order_by("-sequence")
