"""The read-only admin of notifications renders for operators."""

from __future__ import annotations

import io

from django.core.management import call_command

from dichvucong.notifications.models import Notification


def test_admin_lists_notifications_and_deliveries(make_user, no_sms, admin_client):
    """Given a notification, when an administrator opens the admin lists, then they render read-only."""
    notify_user = make_user()
    call_command("send_test_notification", notify_user.username, stdout=io.StringIO())
    notification = Notification.objects.get()
    for url in (
        "/admin/notifications/notification/",
        f"/admin/notifications/notification/{notification.pk}/change/",
        "/admin/notifications/delivery/",
        "/admin/notifications/channelpreference/",
    ):
        assert admin_client.get(url).status_code == 200, url
