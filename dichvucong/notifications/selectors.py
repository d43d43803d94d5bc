"""Reads of notifications: a person's inbox, unread count, and effective channel choices."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from dichvucong.accounts.models import User
from dichvucong.clients.sms import sms_enabled
from dichvucong.notifications.constants import MANDATORY_CHANNELS, OPTIONAL_CHANNELS, Category, Channel
from dichvucong.notifications.models import ChannelPreference, Delivery, Notification


def list_notifications(*, user: User, unread_only: bool = False) -> QuerySet[Notification]:
    """The person's own notifications, newest first (``notif_inbox_idx`` serves both filters)."""
    queryset = Notification.objects.filter(recipient=user)
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return queryset.order_by("-created_at", "-id")


def get_notification(*, user: User, notification_id: int) -> Notification:
    """One of the person's own notifications; ``Notification.DoesNotExist`` for anyone else's."""
    return Notification.objects.get(pk=notification_id, recipient=user)


def count_unread_notifications(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def list_deliveries(*, notification: Notification) -> QuerySet[Delivery]:
    return notification.deliveries.order_by("pk")


def is_mandatory(category: str, channel: str) -> bool:
    return channel == Channel.INBOX or channel in MANDATORY_CHANNELS.get(category, frozenset())


def default_enabled(*, user: User, channel: str) -> bool:
    """Without a choice: e-mail is on when the account has an address, SMS is off."""
    if channel == Channel.INBOX:
        return True
    if channel == Channel.EMAIL:
        return bool(user.email)
    return False


def get_enabled_channels(*, user: User, category: str) -> list[Channel]:
    """Channels the person receives ``category`` on, inbox first (addresses are checked later)."""
    chosen = dict(
        ChannelPreference.objects.filter(user=user, category=category).values_list("channel", "enabled")
    )
    channels = [Channel.INBOX]
    for channel in OPTIONAL_CHANNELS:
        if is_mandatory(category, channel) or chosen.get(
            channel, default_enabled(user=user, channel=channel)
        ):
            channels.append(channel)
    return channels


@dataclass(frozen=True)
class ChannelChoice:
    category: Category
    channel: Channel
    enabled: bool
    mandatory: bool
    available: bool  # the account has the address and the platform the channel


@dataclass(frozen=True)
class CategoryChoices:
    category: Category
    choices: list[ChannelChoice]

    @property
    def mandatory(self) -> bool:
        return any(choice.mandatory for choice in self.choices)


def get_channel_choices(*, user: User) -> list[CategoryChoices]:
    """Every category × optional channel with its effective state, for the preferences page."""
    chosen = {
        (category, channel): enabled
        for category, channel, enabled in ChannelPreference.objects.filter(user=user).values_list(
            "category", "channel", "enabled"
        )
    }
    available = {Channel.EMAIL: bool(user.email), Channel.SMS: bool(user.phone) and sms_enabled()}
    rows = []
    for category in Category:
        choices = []
        for channel in OPTIONAL_CHANNELS:
            mandatory = is_mandatory(category, channel)
            enabled = mandatory or chosen.get(
                (category, channel), default_enabled(user=user, channel=channel)
            )
            choices.append(
                ChannelChoice(
                    category=category,
                    channel=channel,
                    enabled=enabled,
                    mandatory=mandatory,
                    available=available[channel],
                )
            )
        rows.append(CategoryChoices(category=category, choices=choices))
    return rows
