"""Notification templates of task deadlines (files in ``templates/notifications/<key>/``)."""

from __future__ import annotations

from dichvucong.notifications.constants import Category
from dichvucong.notifications.templates import register_template

_BASE = ("task_name", "subject_label", "agency_name", "due_at")

register_template("workflows.task_near_due", category=Category.DOSSIER, variables=_BASE, html=False)
register_template(
    "workflows.task_overdue", category=Category.DOSSIER, variables=(*_BASE, "assignee_name"), html=False
)
