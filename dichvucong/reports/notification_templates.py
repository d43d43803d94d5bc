"""Notification templates of the statistics (files in ``templates/notifications/<key>/``)."""

from __future__ import annotations

from dichvucong.notifications.constants import Category
from dichvucong.notifications.templates import register_template

register_template("reports.monthly_report", category=Category.SYSTEM, variables=("month", "unit"), html=False)
