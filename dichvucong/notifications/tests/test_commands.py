"""Operator commands: send_test_notification and run_sms_gateway_double."""

from __future__ import annotations

import io
import json

import pytest
import requests
from django.core import mail
from django.core.management import CommandError, call_command

from dichvucong.clients.testing.sms_gateway import SmsGatewayDouble
from dichvucong.core.models import AuditEntry
from dichvucong.notifications.constants import Channel, DeliveryStatus
from dichvucong.notifications.models import Notification


def test_send_test_notification_queues_and_reports(make_user, no_sms):
    """Given a user, when the command runs, then a system.test notice is queued and each channel printed."""
    user = make_user(username="nguyenvana")
    out = io.StringIO()
    call_command("send_test_notification", "nguyenvana", "--sent-by", "Tổ vận hành", stdout=out)
    notification = Notification.objects.get(recipient=user)
    assert notification.template == "system.test"
    assert "Tổ vận hành" in notification.body
    assert "inbox  sent" in out.getvalue()
    assert "email  queued" in out.getvalue()
    assert AuditEntry.objects.filter(action="notifications.test_send").count() == 1


def test_send_test_notification_now_sends_email(make_user, no_sms):
    """Given --now, when the command runs, then the e-mail is sent in-process and reported sent."""
    user = make_user(username="tranthib", email="b@example.vn")
    out = io.StringIO()
    call_command("send_test_notification", "tranthib", "--now", stdout=out)
    assert [m.to for m in mail.outbox] == [["b@example.vn"]]
    assert "email  sent" in out.getvalue()
    delivery = Notification.objects.get(recipient=user).deliveries.get(channel=Channel.EMAIL)
    assert delivery.status == DeliveryStatus.SENT


def test_send_test_notification_twice_sends_twice(make_user, no_sms):
    """Given two runs, then two notifications (each run is a new test)."""
    make_user(username="u1")
    call_command("send_test_notification", "u1", stdout=io.StringIO())
    call_command("send_test_notification", "u1", stdout=io.StringIO())
    assert Notification.objects.count() == 2


def test_send_test_notification_unknown_user(db):
    """Given an unknown username, then a CommandError names it."""
    with pytest.raises(CommandError, match="nobody"):
        call_command("send_test_notification", "nobody")


def test_run_sms_gateway_double_serves_and_prints(monkeypatch):
    """Given the command, when a message is posted to it, then it is accepted and printed as JSON."""

    def serve_one_request_then_interrupt(self: SmsGatewayDouble) -> None:
        self.start()
        try:
            response = requests.post(
                f"{self.url}/messages",
                json={"to": "+84912345678", "from": "DICHVUCONG", "text": "Chào bạn", "client_ref": "r"},
                headers={"Authorization": "Bearer dev-key"},
                timeout=5,
            )
            assert response.status_code == 201
        finally:
            self.stop()
        raise KeyboardInterrupt

    monkeypatch.setattr(SmsGatewayDouble, "serve_forever", serve_one_request_then_interrupt)
    out = io.StringIO()
    call_command("run_sms_gateway_double", "--port", "0", "--api-key", "dev-key", stdout=out)
    lines = out.getvalue().splitlines()
    assert "SMS_GATEWAY_API_KEY=dev-key" in lines[0]
    assert json.loads(lines[1])["text"] == "Chào bạn"
    assert lines[-1] == "stopped"
