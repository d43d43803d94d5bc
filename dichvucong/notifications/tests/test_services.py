"""notify(): inbox row, deliveries per preference, transactions, idempotency, enqueue-time errors."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from dichvucong.core.models import OutboxMessage
from dichvucong.notifications.constants import (
    DELIVER_TOPIC,
    Category,
    Channel,
    DeliveryStatus,
    NotificationErrorCode,
)
from dichvucong.notifications.errors import NotificationError
from dichvucong.notifications.models import Delivery, Notification
from dichvucong.notifications.services import (
    mark_all_notifications_read,
    mark_notification_read,
    notify,
    set_channel_preferences,
)


def _channels(notification: Notification) -> dict[str, str]:
    return dict(notification.deliveries.values_list("channel", "status"))


def test_notify_defaults_inbox_and_email(make_user, no_sms):
    """Given a user with an e-mail and no choices, when notified, then inbox (sent) and e-mail (queued)."""
    user = make_user()
    notification = notify(recipient=user, template="account.welcome", context={}, idempotency_key="welcome:1")

    assert _channels(notification) == {
        Channel.INBOX: DeliveryStatus.SENT,
        Channel.EMAIL: DeliveryStatus.QUEUED,
    }
    email = notification.deliveries.get(channel=Channel.EMAIL)
    message = OutboxMessage.objects.get(topic=DELIVER_TOPIC)
    assert message.payload == {"delivery_id": email.pk}
    assert email.address == user.email


def test_notify_user_without_email_gets_inbox_only(make_user, no_sms):
    """Given a user without e-mail, when notified, then only the inbox is used (e-mail is off by default)."""
    user = make_user(email="")
    notification = notify(recipient=user, template="account.welcome", context={}, idempotency_key="k")
    assert _channels(notification) == {Channel.INBOX: DeliveryStatus.SENT}
    assert not OutboxMessage.objects.exists()


def test_notify_respects_email_opt_out(make_user, no_sms):
    """Given a user who turned e-mail off for account notices, when notified, then no e-mail is queued."""
    user = make_user()
    set_channel_preferences(user=user, choices={(Category.ACCOUNT, Channel.EMAIL): False})
    notification = notify(recipient=user, template="account.welcome", context={}, idempotency_key="k")
    assert _channels(notification) == {Channel.INBOX: DeliveryStatus.SENT}


def test_opt_out_of_one_category_keeps_others(make_user, no_sms):
    """Given e-mail off for account notices only, when a system notice comes, then it is e-mailed."""
    user = make_user()
    set_channel_preferences(user=user, choices={(Category.ACCOUNT, Channel.EMAIL): False})
    notification = notify(
        recipient=user, template="system.test", context={"sent_by": "ops"}, idempotency_key="k"
    )
    assert Channel.EMAIL in _channels(notification)


def test_security_notice_is_emailed_even_after_opt_out_attempt(make_user, no_sms):
    """Given the security category, when the user tries to turn e-mail off, then it is refused and sent."""
    user = make_user()
    with pytest.raises(NotificationError) as error:
        set_channel_preferences(user=user, choices={(Category.SECURITY, Channel.EMAIL): False})
    assert error.value.code == NotificationErrorCode.MANDATORY_CHANNEL
    notification = notify(
        recipient=user,
        template="account.password_changed",
        context={"changed_at": timezone.now()},
        idempotency_key="pw:1",
    )
    assert _channels(notification)[Channel.EMAIL] == DeliveryStatus.QUEUED


def test_sms_is_off_unless_chosen(make_user, sms_gateway):
    """Given a phone number and a gateway but no choice, when notified, then no SMS is queued."""
    user = make_user(phone="0912345678")
    notification = notify(recipient=user, template="account.welcome", context={}, idempotency_key="k")
    assert Channel.SMS not in _channels(notification)


def test_sms_chosen_is_queued_with_e164_address(make_user, sms_gateway):
    """Given SMS chosen and a gateway, when notified, then an SMS delivery is queued to +84…."""
    user = make_user(phone="0912 345 678")
    set_channel_preferences(user=user, choices={(Category.ACCOUNT, Channel.SMS): True})
    notification = notify(recipient=user, template="account.welcome", context={}, idempotency_key="k")
    sms = notification.deliveries.get(channel=Channel.SMS)
    assert (sms.status, sms.address) == (DeliveryStatus.QUEUED, "+84912345678")
    assert OutboxMessage.objects.filter(idempotency_key=sms.outbox_key).exists()


def test_sms_chosen_without_gateway_is_skipped_with_reason(make_user, no_sms):
    """Given SMS chosen but SMS_GATEWAY_URL unset, then the SMS is skipped, not faked."""
    user = make_user(phone="0912345678")
    set_channel_preferences(user=user, choices={(Category.ACCOUNT, Channel.SMS): True})
    notification = notify(recipient=user, template="account.welcome", context={}, idempotency_key="k")
    sms = notification.deliveries.get(channel=Channel.SMS)
    assert sms.status == DeliveryStatus.SKIPPED
    assert sms.error == "sms_disabled"
    assert not OutboxMessage.objects.filter(idempotency_key=sms.outbox_key).exists()


def test_sms_to_invalid_number_fails_at_enqueue(make_user, sms_gateway):
    """Given SMS chosen and a landline number, then the SMS fails with no request."""
    user = make_user(phone="028 3829 6052")
    set_channel_preferences(user=user, choices={(Category.ACCOUNT, Channel.SMS): True})
    notification = notify(recipient=user, template="account.welcome", context={}, idempotency_key="k")
    assert notification.deliveries.get(channel=Channel.SMS).status == DeliveryStatus.FAILED
    assert sms_gateway.requests_received == 0


def test_rollback_leaves_nothing_to_send(make_user, no_sms, django_capture_on_commit_callbacks):
    """Given notify() inside a transaction that rolls back, then no row, no outbox message, no callback."""
    user = make_user()
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        notify(recipient=user, template="account.welcome", context={}, idempotency_key="k")
        raise RuntimeError("the caller's change failed")
    assert callbacks == []
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []


def test_commit_publishes_one_message_per_channel(make_user, no_sms, django_capture_on_commit_callbacks):
    """Given notify() in a committed transaction, then one on-commit publish per e-mail/SMS delivery."""
    user = make_user()
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        notify(recipient=user, template="account.welcome", context={}, idempotency_key="k")
    assert len(callbacks) == 1


def test_same_key_twice_creates_nothing_new(make_user, no_sms):
    """Given a notification sent with a key, when notify() is called again with it, then nothing is added."""
    user = make_user()
    first = notify(recipient=user, template="account.welcome", context={}, idempotency_key="welcome:7")
    second = notify(recipient=user, template="account.welcome", context={}, idempotency_key="welcome:7")
    assert first.pk == second.pk
    assert (Notification.objects.count(), Delivery.objects.count(), OutboxMessage.objects.count()) == (
        1,
        2,
        1,
    )


def test_same_key_for_another_template_is_a_conflict(make_user, no_sms):
    """Given a key used for one template, when reused for another, then IDEMPOTENCY_CONFLICT is raised."""
    user = make_user()
    notify(recipient=user, template="account.welcome", context={}, idempotency_key="k")
    with pytest.raises(NotificationError) as error:
        notify(recipient=user, template="system.test", context={"sent_by": "ops"}, idempotency_key="k")
    assert error.value.code == NotificationErrorCode.IDEMPOTENCY_CONFLICT


def test_unknown_template_fails_at_enqueue(make_user):
    """Given an unregistered template key, then UNKNOWN_TEMPLATE, nothing saved."""
    user = make_user()
    with pytest.raises(NotificationError) as error:
        notify(recipient=user, template="account.nope", context={}, idempotency_key="k")
    assert error.value.code == NotificationErrorCode.UNKNOWN_TEMPLATE
    assert not Notification.objects.exists()


def test_missing_context_fails_at_enqueue(make_user):
    """Given password_changed without changed_at, when notify() is called, then MISSING_CONTEXT naming it."""
    user = make_user()
    with pytest.raises(NotificationError, match="changed_at") as error:
        notify(recipient=user, template="account.password_changed", context={}, idempotency_key="k")
    assert error.value.code == NotificationErrorCode.MISSING_CONTEXT
    assert not Notification.objects.exists()


def test_inbox_row_is_rendered_in_recipient_language(make_user, no_sms):
    """Given an English-speaking user, when notified, then the stored subject and body are English."""
    user = make_user(preferred_language="en", full_name="Jane Doe")
    notification = notify(recipient=user, template="account.welcome", context={}, idempotency_key="k")
    assert notification.language == "en"
    assert notification.subject == "Welcome to the Public Service Portal, Jane Doe"
    assert "Dear Jane Doe" in notification.body


def test_link_is_made_absolute_in_the_text(make_user, no_sms, settings):
    """Given a site path as link, when notified, then the body has the absolute URL."""
    settings.SITE_URL = "https://dichvucong.example.vn"
    user = make_user()
    notification = notify(
        recipient=user, template="account.welcome", context={}, link="/ho-so/ABC/", idempotency_key="k"
    )
    assert notification.link == "/ho-so/ABC/"
    assert "https://dichvucong.example.vn/ho-so/ABC/" in notification.body


def test_mark_read_only_touches_own_notification(make_user, no_sms):
    """Given two users, when one marks the other's notification read, then DoesNotExist, it stays unread."""
    owner, other = make_user(), make_user()
    notification = notify(recipient=owner, template="account.welcome", context={}, idempotency_key="k")
    with pytest.raises(Notification.DoesNotExist):
        mark_notification_read(user=other, notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.read_at is None
    mark_notification_read(user=owner, notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_mark_all_read_counts_only_own_unread(make_user, no_sms):
    """Given two unread notices for one user and one for another, when marking all read, then 2 change."""
    owner, other = make_user(), make_user()
    for key in ("a", "b"):
        notify(recipient=owner, template="account.welcome", context={}, idempotency_key=key)
    notify(recipient=other, template="account.welcome", context={}, idempotency_key="a")
    assert mark_all_notifications_read(user=owner) == 2
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).count() == 1
