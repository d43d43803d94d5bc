"""Notification templates of dossier events (files in ``templates/notifications/<key>/``)."""

from __future__ import annotations

from dichvucong.notifications.constants import Category
from dichvucong.notifications.templates import register_template

_BASE = ("dossier_ref", "procedure_name", "agency_name")

register_template(
    "dossier.submitted", category=Category.DOSSIER, variables=(*_BASE, "submitted_at"), html=False
)
register_template(
    "dossier.received",
    category=Category.DOSSIER,
    variables=(*_BASE, "code", "received_at", "due_at"),
    html=False,
)
register_template("dossier.refused", category=Category.DOSSIER, variables=(*_BASE, "reason"), html=False)
register_template(
    "dossier.supplement_requested",
    category=Category.DOSSIER,
    variables=(*_BASE, "items", "deadline", "note"),
    html=False,
)
register_template("dossier.resolved", category=Category.DOSSIER, variables=(*_BASE, "results"), html=False)
register_template(
    "dossier.returned", category=Category.DOSSIER, variables=(*_BASE, "method", "returned_at"), html=False
)
register_template("dossier.withdrawn", category=Category.DOSSIER, variables=(*_BASE, "reason"), html=False)
register_template(
    "dossier.processing", category=Category.DOSSIER, variables=(*_BASE, "task_name"), html=False
)
register_template("dossier.stopped", category=Category.DOSSIER, variables=(*_BASE, "reason"), html=False)
register_template(
    "dossier.rescheduled",
    category=Category.DOSSIER,
    # ``deadline``: the return date before; ``due_at``: the new one.
    variables=(*_BASE, "reason", "deadline", "due_at"),
    html=False,
)
