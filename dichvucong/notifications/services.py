"""Writes of notifications: ``notify`` (the one way to tell someone something), read marks, preferences.

``notify`` runs in the caller's transaction: the inbox row, one ``Delivery`` per channel and one
outbox message per e-mail/SMS delivery commit with the caller's change or not at all. The outbox
hands each delivery to ``sending.send_delivery`` after the commit.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from dichvucong.accounts.models import User
from dichvucong.clients.sms import InvalidPhoneNumber, normalize_phone_number, sms_enabled
from dichvucong.core import clock
from dichvucong.core.audit import record_audit
from dichvucong.core.outbox import enqueue_message
from dichvucong.notifications.constants import (
    DELIVER_TOPIC,
    OPTIONAL_CHANNELS,
    Category,
    Channel,
    DeliveryStatus,
    NotificationErrorCode,
    SkipReason,
)
from dichvucong.notifications.errors import NotificationError
from dichvucong.notifications.models import ChannelPreference, Delivery, Notification
from dichvucong.notifications.selectors import default_enabled, get_enabled_channels, is_mandatory
from dichvucong.notifications.templates import get_template, render_message


def notify(
    *,
    recipient: User,
    template: str,
    context: Mapping[str, Any],
    link: str = "",
    idempotency_key: str,
) -> Notification:
    """Put a notification in ``recipient``'s inbox and queue it on the channels they chose.

    ``context`` feeds the template; ``site_url``, ``link`` (absolute) and ``recipient_name`` are
    added unless given. Raises ``NotificationError`` for an unknown template or a missing context
    value. Calling again with the same ``idempotency_key`` for the same recipient returns the first
    notification and creates nothing (``IDEMPOTENCY_CONFLICT`` if it was another template).
    """
    entry = get_template(template)
    if not idempotency_key or len(idempotency_key) > 200:
        raise ValueError("idempotency_key must be a non-empty string of at most 200 characters")
    if link and not link.startswith(("/", "https://", "http://")):
        raise ValueError("link must be a site path (/…) or an http(s) URL")
    full_context = {
        "site_url": settings.SITE_URL,
        "link": absolute_url(link),
        "recipient_name": recipient.display_name,
        **context,
    }
    rendered = render_message(template, full_context, language=recipient.preferred_language)

    existing = Notification.objects.filter(recipient=recipient, idempotency_key=idempotency_key).first()
    if existing is not None:
        return _same_notification(existing, template)

    now = clock.now()
    with transaction.atomic():  # all or nothing, even when the caller runs in autocommit
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=recipient,
                    template=template,
                    category=entry.category,
                    language=rendered.language,
                    subject=rendered.subject,
                    body=rendered.body,
                    body_html=rendered.body_html,
                    link=link,
                    idempotency_key=idempotency_key,
                    created_at=now,
                )
        except IntegrityError:  # a concurrent call with the same key won
            existing = Notification.objects.get(recipient=recipient, idempotency_key=idempotency_key)
            return _same_notification(existing, template)
        for channel in get_enabled_channels(user=recipient, category=entry.category):
            _create_delivery(notification, channel, now)
    return notification


def _same_notification(existing: Notification, template: str) -> Notification:
    if existing.template != template:
        raise NotificationError(
            NotificationErrorCode.IDEMPOTENCY_CONFLICT,
            f"idempotency key {existing.idempotency_key!r} was used for {existing.template!r}, "
            f"not {template!r}",
        )
    return existing


def _create_delivery(notification: Notification, channel: Channel, now: datetime) -> Delivery:
    recipient = notification.recipient
    status, address, error, sent_at = DeliveryStatus.QUEUED, "", "", None
    if channel == Channel.INBOX:
        status, sent_at = DeliveryStatus.SENT, now
    elif channel == Channel.EMAIL:
        address = recipient.email
        if not address:
            status, error = DeliveryStatus.SKIPPED, str(SkipReason.NO_EMAIL.value)
    elif channel == Channel.SMS:
        if not sms_enabled():
            status, error = DeliveryStatus.SKIPPED, str(SkipReason.SMS_DISABLED.value)
        elif not recipient.phone:
            status, error = DeliveryStatus.SKIPPED, str(SkipReason.NO_PHONE.value)
        else:
            try:
                address = normalize_phone_number(recipient.phone)
            except InvalidPhoneNumber as exc:
                status, address, error = DeliveryStatus.FAILED, recipient.phone[:254], str(exc)
    delivery = Delivery.objects.create(
        notification=notification,
        channel=channel,
        status=status,
        address=address,
        error=error,
        created_at=now,
        updated_at=now,
        sent_at=sent_at,
    )
    if status == DeliveryStatus.QUEUED:
        enqueue_message(
            topic=DELIVER_TOPIC, payload={"delivery_id": delivery.pk}, idempotency_key=delivery.outbox_key
        )
    return delivery


def absolute_url(link: str) -> str:
    if link.startswith("/"):
        return f"{settings.SITE_URL}{link}"
    return link


# --- Inbox ----------------------------------------------------------------------------------------


def mark_notification_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of the person's own notifications read (``Notification.DoesNotExist`` otherwise)."""
    notification = Notification.objects.get(pk=notification_id, recipient=user)
    if notification.read_at is None:
        notification.read_at = clock.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def mark_all_notifications_read(*, user: User) -> int:
    """Mark every unread notification of the person read; returns how many changed."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=clock.now())


# --- Preferences ----------------------------------------------------------------------------------


def set_channel_preferences(
    *, user: User, choices: Mapping[tuple[str, str], bool], actor: User | None = None
) -> int:
    """Store the person's choices ``{(category, channel): enabled}``; returns how many changed.

    The inbox cannot be switched off, nor a mandatory channel of a category
    (``NotificationError`` ``MANDATORY_CHANNEL`` when asked to turn one off). The change is audited.
    """
    for (category, channel), enabled in choices.items():
        if category not in Category.values or channel not in OPTIONAL_CHANNELS:
            raise ValueError(f"no such preference: {category}/{channel} (the inbox is always on)")
        if is_mandatory(category, channel) and not enabled:
            raise NotificationError(
                NotificationErrorCode.MANDATORY_CHANNEL, f"{channel} cannot be switched off for {category}"
            )
    now = clock.now()
    before: dict[str, bool] = {}
    after: dict[str, bool] = {}
    with transaction.atomic():
        current = {
            (pref.category, pref.channel): pref
            for pref in ChannelPreference.objects.select_for_update().filter(user=user)
        }
        for (category, channel), enabled in choices.items():
            if is_mandatory(category, channel):
                continue
            pref = current.get((category, channel))
            old = pref.enabled if pref is not None else default_enabled(user=user, channel=channel)
            if pref is not None and pref.enabled == enabled:
                continue
            if pref is None:
                ChannelPreference.objects.create(
                    user=user, category=category, channel=channel, enabled=enabled, updated_at=now
                )
            else:
                pref.enabled, pref.updated_at = enabled, now
                pref.save(update_fields=["enabled", "updated_at"])
            if old != enabled:
                before[f"{category}.{channel}"], after[f"{category}.{channel}"] = old, enabled
        if after:
            record_audit(
                actor=actor or user,
                action="notifications.preferences_update",
                target=user,
                before=before,
                after=after,
            )
    return len(after)
