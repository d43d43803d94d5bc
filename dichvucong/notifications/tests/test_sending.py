"""Sending deliveries through the outbox: e-mail via Django mail, SMS via the gateway double."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from dichvucong.core.constants import OutboxStatus
from dichvucong.core.models import OutboxMessage
from dichvucong.notifications.constants import Category, Channel, DeliveryStatus
from dichvucong.notifications.models import Delivery
from dichvucong.notifications.sending import send_delivery
from dichvucong.notifications.services import notify, set_channel_preferences

CHANGED_AT = datetime(2026, 3, 5, 2, 30, tzinfo=UTC)  # 09:30 in Ho Chi Minh City


def _password_changed(user, key="pw:1"):
    return notify(
        recipient=user,
        template="account.password_changed",
        context={"changed_at": CHANGED_AT},
        idempotency_key=key,
    )


def test_email_in_vietnamese(make_user, no_sms, outbox):
    """Given a Vietnamese-speaking user, when the outbox runs, then one UTF-8 e-mail in Vietnamese is sent."""
    user = make_user(full_name="Trần Thị Bích", email="bich@example.vn")
    notification = _password_changed(user)
    assert outbox.run() == 1

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["bich@example.vn"]
    assert message.subject == "Mật khẩu tài khoản của bạn đã được thay đổi"
    assert "Kính gửi Trần Thị Bích," in message.body
    assert "09:30 ngày 05/03/2026" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "<strong>09:30 ngày 05/03/2026</strong>" in html
    delivery = notification.deliveries.get(channel=Channel.EMAIL)
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.provider_message_id == message.extra_headers["Message-ID"]
    assert delivery.attempts == 1
    assert delivery.sent_at is not None


def test_email_in_english(make_user, no_sms, outbox):
    """Given an English-speaking user, when the outbox runs, then the e-mail is in English."""
    user = make_user(full_name="Jane Doe", preferred_language="en")
    _password_changed(user)
    outbox.run()
    message = mail.outbox[0]
    assert message.subject == "Your account password has been changed"
    assert "Dear Jane Doe," in message.body
    assert "09:30 on 5 March 2026" in message.body
    assert "Mật khẩu" not in message.body


def test_html_part_escapes_context(make_user, no_sms, outbox):
    """Given a name with markup, when e-mailed, then the HTML part escapes it and the text part keeps it."""
    user = make_user(full_name="<b>Bình</b>")
    _password_changed(user)
    outbox.run()
    message = mail.outbox[0]
    assert "&lt;b&gt;Bình&lt;/b&gt;" in message.alternatives[0][0]
    assert "Kính gửi <b>Bình</b>," in message.body


def test_delivery_sent_once_when_run_twice(make_user, no_sms, outbox):
    """Given a sent e-mail delivery, when its handler runs again (at least once), then no second mail."""
    user = make_user()
    notification = _password_changed(user)
    outbox.run()
    delivery = notification.deliveries.get(channel=Channel.EMAIL)
    send_delivery(delivery_id=delivery.pk)
    assert len(mail.outbox) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 1


def test_email_server_down_is_retried_by_the_outbox(make_user, no_sms, outbox, settings):
    """Given an unreachable SMTP server, when the outbox runs, then the delivery stays queued for a retry."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    user = make_user()
    notification = _password_changed(user)
    assert outbox.run() == 0

    delivery = notification.deliveries.get(channel=Channel.EMAIL)
    assert delivery.status == DeliveryStatus.QUEUED
    message = OutboxMessage.objects.get(idempotency_key=delivery.outbox_key)
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 1)
    assert "mail server unavailable" in message.last_error


# --- SMS through the gateway double over HTTP -------------------------------------------------------


@pytest.fixture
def sms_user(make_user, sms_gateway):
    user = make_user(phone="0912345678", email="")
    set_channel_preferences(user=user, choices={(Category.SECURITY, Channel.SMS): True})
    return user


def test_sms_sent_through_gateway(sms_user, sms_gateway, outbox, settings):
    """Given SMS chosen, when the outbox runs, then the gateway receives one message and its id is kept."""
    settings.SMS_SENDER_NAME = "HCMC-DVC"
    notification = _password_changed(sms_user)
    assert outbox.run() == 1

    assert len(sms_gateway.messages) == 1
    sent = sms_gateway.messages[0]
    assert sent["to"] == "+84912345678"
    assert sent["from"] == "HCMC-DVC"
    assert sent["text"] == "Mật khẩu tài khoản của bạn đã được thay đổi"
    delivery = notification.deliveries.get(channel=Channel.SMS)
    assert sent["client_ref"] == delivery.outbox_key
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.provider_message_id == sent["message_id"]


def test_sms_503_then_success_through_outbox_retry(sms_user, sms_gateway, outbox):
    """Given the gateway answers 503 once, when the outbox retries after its backoff, then the SMS is sent."""
    sms_gateway.fail_next(1, status=503)
    notification = _password_changed(sms_user)
    delivery = notification.deliveries.get(channel=Channel.SMS)

    assert outbox.run() == 0
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.QUEUED
    assert outbox.run() == 0  # not due yet: backoff
    assert sms_gateway.requests_received == 1

    outbox.later(timedelta(hours=1))
    assert outbox.run() == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert delivery.attempts == 2
    assert "503" in delivery.error  # the earlier attempt's error stays visible
    assert len(sms_gateway.messages) == 1


def test_sms_permanent_400_fails_without_retry(sms_user, sms_gateway, outbox):
    """Given the gateway answers 400, when the outbox runs, then the delivery fails and is never retried."""
    sms_gateway.fail_next(1, status=400)
    notification = _password_changed(sms_user)
    delivery = notification.deliveries.get(channel=Channel.SMS)

    outbox.run()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert "400" in delivery.error
    message = OutboxMessage.objects.get(idempotency_key=delivery.outbox_key)
    assert message.status == OutboxStatus.SENT  # handled: the outbox does not try again

    outbox.later(timedelta(days=1))
    assert outbox.run() == 0
    assert sms_gateway.requests_received == 1
    assert sms_gateway.messages == []


def test_sms_outage_longer_than_retries_dead_letters(sms_user, sms_gateway, outbox, settings):
    """Given the gateway down for every attempt, when retries run out, then the message is dead-lettered
    and the delivery is still queued, so an operator retry can send it."""
    settings.OUTBOX_MAX_ATTEMPTS = 3
    sms_gateway.fail_next(3, status=503)
    notification = _password_changed(sms_user)
    for _ in range(3):
        outbox.run()
        outbox.later(timedelta(hours=7))
    delivery = notification.deliveries.get(channel=Channel.SMS)
    assert delivery.status == DeliveryStatus.QUEUED
    assert OutboxMessage.objects.get(idempotency_key=delivery.outbox_key).status == OutboxStatus.FAILED
    assert sms_gateway.messages == []


def test_sms_gateway_removed_after_enqueue_skips(sms_user, sms_gateway, outbox, settings):
    """Given an SMS queued, when SMS_GATEWAY_URL is unset before sending, then the delivery is skipped."""
    notification = _password_changed(sms_user)
    settings.SMS_GATEWAY_URL = ""
    outbox.run()
    delivery = notification.deliveries.get(channel=Channel.SMS)
    assert (delivery.status, delivery.error) == (DeliveryStatus.SKIPPED, "sms_disabled")


def test_sms_text_carries_absolute_link(sms_user, sms_gateway, outbox, settings):
    """Given a notification with a link, when sent by SMS, then the text ends with the absolute link."""
    settings.SITE_URL = "https://dvc.example.vn"
    notify(
        recipient=sms_user,
        template="account.password_changed",
        context={"changed_at": CHANGED_AT},
        link="/tai-khoan/",
        idempotency_key="pw:link",
    )
    outbox.run()
    assert sms_gateway.messages[0]["text"].endswith(" https://dvc.example.vn/tai-khoan/")


def test_no_delivery_rows_left_queued_without_outbox_message(make_user, sms_gateway):
    """Given notifications on every channel, then each queued delivery has exactly one outbox message."""
    user = make_user(phone="0987654321")
    set_channel_preferences(user=user, choices={(Category.ACCOUNT, Channel.SMS): True})
    notify(recipient=user, template="account.welcome", context={}, idempotency_key="k")
    queued = Delivery.objects.filter(status=DeliveryStatus.QUEUED)
    assert queued.count() == 2
    for delivery in queued:
        assert OutboxMessage.objects.filter(idempotency_key=delivery.outbox_key).count() == 1
