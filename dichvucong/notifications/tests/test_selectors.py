"""Effective channel choices: defaults, explicit choices, mandatory channels."""

from __future__ import annotations

from dichvucong.core.models import AuditEntry
from dichvucong.notifications.constants import Category, Channel
from dichvucong.notifications.selectors import get_channel_choices, get_enabled_channels
from dichvucong.notifications.services import set_channel_preferences


def _choice(user, category, channel):
    for row in get_channel_choices(user=user):
        for choice in row.choices:
            if (choice.category, choice.channel) == (category, channel):
                return choice
    raise AssertionError("no such choice")


def test_defaults_email_on_with_address_sms_off(make_user):
    """Given no choices, then e-mail is on when there is an address and SMS is off."""
    with_email, without = make_user(), make_user(email="")
    assert get_enabled_channels(user=with_email, category=Category.DOSSIER) == [Channel.INBOX, Channel.EMAIL]
    assert get_enabled_channels(user=without, category=Category.DOSSIER) == [Channel.INBOX]


def test_choices_override_defaults(make_user):
    """Given SMS on and e-mail off for dossiers, then dossiers go to inbox and SMS only."""
    user = make_user()
    set_channel_preferences(
        user=user, choices={(Category.DOSSIER, Channel.SMS): True, (Category.DOSSIER, Channel.EMAIL): False}
    )
    assert get_enabled_channels(user=user, category=Category.DOSSIER) == [Channel.INBOX, Channel.SMS]


def test_mandatory_email_for_security_even_without_choice(make_user):
    """Given the security category, then its e-mail choice is mandatory and enabled."""
    choice = _choice(make_user(), Category.SECURITY, Channel.EMAIL)
    assert choice.mandatory and choice.enabled


def test_sms_available_only_with_phone_and_gateway(make_user, sms_gateway, settings):
    """Given a phone, SMS is available with a gateway and unavailable without one."""
    user = make_user(phone="0912345678")
    assert _choice(user, Category.DOSSIER, Channel.SMS).available
    settings.SMS_GATEWAY_URL = ""
    assert not _choice(user, Category.DOSSIER, Channel.SMS).available


def test_preference_change_is_audited_once(make_user):
    """Given a change of one choice, then one audit entry with before/after; saving again adds none."""
    user = make_user()
    assert set_channel_preferences(user=user, choices={(Category.SYSTEM, Channel.EMAIL): False}) == 1
    assert set_channel_preferences(user=user, choices={(Category.SYSTEM, Channel.EMAIL): False}) == 0
    entry = AuditEntry.objects.get(action="notifications.preferences_update")
    assert (entry.before, entry.after) == ({"system.email": True}, {"system.email": False})
    assert entry.actor == user
