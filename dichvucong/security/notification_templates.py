"""Notification templates of the security context (files in ``templates/notifications/<key>/``)."""

from __future__ import annotations

from dichvucong.notifications.constants import Category
from dichvucong.notifications.templates import register_template

register_template(
    "security.new_device", category=Category.SECURITY, variables=("device", "ip_address", "signed_in_at")
)
register_template("security.unlock", category=Category.SECURITY, variables=("valid_minutes",))
