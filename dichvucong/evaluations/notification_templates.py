"""Notification templates of the evaluation app (files in ``templates/notifications/<key>/``)."""

from __future__ import annotations

from dichvucong.notifications.constants import Category
from dichvucong.notifications.templates import register_template

register_template(
    "evaluation.unhappy",
    category=Category.FEEDBACK,
    variables=("dossier_ref", "agency_name", "stage", "reason"),
    html=False,
)
register_template(
    "evaluation.invite",
    category=Category.DOSSIER,
    variables=("dossier_ref", "procedure_name", "agency_name"),
    html=False,
)
