"""Sending one delivery: e-mail through Django's mail API, SMS through the gateway adapter.

Runs from the outbox handler, outside any transaction (``core.outbox.dispatch_message``), so no
database lock is held while the mail server or SMS gateway answers:

1. a short transaction checks that the delivery is still ``queued`` and records the attempt;
2. the message is sent, with no transaction open;
3. the outcome is written: ``sent`` (with the provider's id), ``failed`` for a permanent failure
   (invalid number, recipient refused, 4xx from the gateway — returned normally so the outbox does
   not retry), ``skipped`` when the channel is not configured. A temporary failure records the error
   on the delivery and *raises* ``DeliveryRetry`` so that the outbox retries with backoff.

A delivery that is no longer ``queued`` is left alone, so a message run twice sends once; the rare
overlap of two workers (a lease that expired mid-send) is absorbed by the provider-side keys: the
stable e-mail Message-ID and the SMS ``client_ref``.
"""

from __future__ import annotations

import logging
import smtplib
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.utils.html import escape

from dichvucong.clients.sms import SmsError, get_sms_gateway
from dichvucong.core import clock
from dichvucong.notifications.constants import Channel, DeliveryStatus, SkipReason
from dichvucong.notifications.models import Delivery, Notification
from dichvucong.notifications.services import absolute_url

logger = logging.getLogger(__name__)

SMS_MAX_CHARS = 1000


class DeliveryRetry(Exception):
    """A temporary failure: raised so that the outbox tries the delivery again later."""


class _Permanent(Exception):
    pass


def send_delivery(*, delivery_id: int) -> Delivery:
    """Send one queued delivery once; see the module docstring for what happens on failure."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().select_related("notification").get(pk=delivery_id)
        if delivery.status != DeliveryStatus.QUEUED:
            return delivery
        delivery.attempts += 1
        delivery.last_attempt_at = clock.now()
        delivery.save(update_fields=["attempts", "last_attempt_at"])
    try:
        if delivery.channel == Channel.EMAIL:
            provider_id = _send_email(delivery)
        elif delivery.channel == Channel.SMS:
            provider_id = _send_sms(delivery)
        else:
            raise _Permanent(f"channel {delivery.channel} is not sent through the outbox")
    except _Permanent as exc:
        _finish(delivery, DeliveryStatus.FAILED, error=str(exc))
        logger.warning("Delivery %s (%s) failed permanently: %s", delivery.pk, delivery.channel, exc)
        return delivery
    except _Skip as skip:
        _finish(delivery, DeliveryStatus.SKIPPED, error=skip.reason)
        return delivery
    except DeliveryRetry as exc:
        delivery.error = str(exc)[:2000]
        delivery.updated_at = clock.now()
        delivery.save(update_fields=["error", "updated_at"])
        raise
    _finish(delivery, DeliveryStatus.SENT, provider_message_id=provider_id)
    return delivery


def _finish(
    delivery: Delivery, status: DeliveryStatus, *, error: str | None = None, provider_message_id: str = ""
) -> None:
    now = clock.now()
    delivery.status = status
    delivery.updated_at = now
    if error is not None:
        delivery.error = error[:2000]
    if provider_message_id:
        delivery.provider_message_id = provider_message_id[:200]
    if status == DeliveryStatus.SENT:
        delivery.sent_at = now
    delivery.save(
        update_fields=[
            "status",
            "error",
            "provider_message_id",
            "attempts",
            "last_attempt_at",
            "sent_at",
            "updated_at",
        ]
    )


class _Skip(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- E-mail ---------------------------------------------------------------------------------------


def message_id_for(delivery: Delivery) -> str:
    """A stable Message-ID: a retried delivery carries the same id, so receivers can drop duplicates."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "dichvucong.local"
    return f"<notification-{delivery.notification_id}.{delivery.outbox_key}@{domain}>"


def _send_email(delivery: Delivery) -> str:
    notification: Notification = delivery.notification
    if not delivery.address:
        raise _Skip(str(SkipReason.NO_EMAIL.value))
    message_id = message_id_for(delivery)
    email = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.address],
        headers={"Message-ID": message_id, "Content-Language": notification.language},
        connection=get_connection(fail_silently=False),
    )
    if notification.body_html:
        email.attach_alternative(html_document(notification), "text/html")
    try:
        email.send()
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _msg in exc.recipients.values()]
        if codes and all(code >= 500 for code in codes):
            raise _Permanent(f"recipient refused by the mail server: {exc.recipients}") from exc
        raise DeliveryRetry(f"recipient temporarily refused: {exc.recipients}") from exc
    except smtplib.SMTPDataError as exc:
        if exc.smtp_code >= 500:
            raise _Permanent(
                f"message refused by the mail server: {exc.smtp_code} {exc.smtp_error!r}"
            ) from exc
        raise DeliveryRetry(f"mail server deferred the message: {exc.smtp_code} {exc.smtp_error!r}") from exc
    except ValueError as exc:  # an address Django cannot encode
        raise _Permanent(f"invalid e-mail address: {exc}") from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryRetry(f"mail server unavailable: {type(exc).__name__}: {exc}") from exc
    return message_id


def html_document(notification: Notification) -> str:
    """The stored HTML fragment as a complete document in the recipient's language."""
    return (
        f'<!doctype html><html lang="{notification.language}"><head><meta charset="utf-8">'
        f"<title>{escape(notification.subject)}</title></head><body>{notification.body_html}</body></html>"
    )


# --- SMS ------------------------------------------------------------------------------------------


def sms_text(notification: Notification) -> str:
    """The short form sent by SMS: the subject, then the link when there is one."""
    text = notification.subject
    if notification.link:
        text = f"{text} {absolute_url(notification.link)}"
    return text[:SMS_MAX_CHARS]


def _send_sms(delivery: Delivery) -> str:
    gateway = get_sms_gateway()
    if gateway is None:
        raise _Skip(str(SkipReason.SMS_DISABLED.value))
    try:
        result = gateway.send(
            to=delivery.address, text=sms_text(delivery.notification), idempotency_key=delivery.outbox_key
        )
    except SmsError as exc:
        if exc.retryable:
            raise DeliveryRetry(str(exc)) from exc
        raise _Permanent(str(exc)) from exc
    return result.message_id
