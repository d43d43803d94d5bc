"""Services of strong authentication: history, second factor, backup codes, admin reset, unlock links."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from dichvucong.accounts.constants import Role
from dichvucong.core import clock
from dichvucong.core.models import AuditEntry
from dichvucong.notifications.models import Notification
from dichvucong.security import selectors, services
from dichvucong.security.constants import BACKUP_CODE_COUNT, LoginFailureReason, LoginMethod
from dichvucong.security.errors import SecurityError
from dichvucong.security.models import LoginEvent, UnlockToken
from dichvucong.security.useragents import describe_user_agent

pytestmark = pytest.mark.django_db

CHROME_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"
FIREFOX_ANDROID = "Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0"


@pytest.fixture(autouse=True)
def no_throttle(settings):
    """django-otp waits after a wrong code; these tests check the outcome, not the waiting."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def _code(device: TOTPDevice, *, steps: int = 0) -> str:
    return f"{totp(device.bin_key, t0=-30 * steps):06d}"


def _enrolled(user) -> tuple[TOTPDevice, list[str]]:
    device = services.start_enrolment(user=user)
    return services.confirm_enrolment(user=user, token=_code(device))


def test_user_agents_are_named_by_browser_and_system() -> None:
    """Given common User-Agent headers, when described, then browser and system are recognised."""
    assert describe_user_agent(CHROME_WINDOWS) == "Chrome · Windows"
    assert describe_user_agent(FIREFOX_ANDROID) == "Firefox · Android"
    assert (
        describe_user_agent("Mozilla/5.0 (Windows NT 10.0) Chrome/120 Safari/537 Edg/120.0")
        == "Edge · Windows"
    )
    assert describe_user_agent("") == ""


def test_a_sign_in_from_a_new_device_sends_a_security_notification(citizen) -> None:
    """Given a citizen who signed in with Chrome on Windows, when they sign in again there, then no
    notification; when they sign in with Firefox on Android, then a security notification names it."""
    services.record_login_success(user=citizen, ip_address="203.0.113.1", user_agent=CHROME_WINDOWS)
    services.record_login_success(user=citizen, ip_address="203.0.113.1", user_agent=CHROME_WINDOWS)
    assert not Notification.objects.filter(recipient=citizen, template="security.new_device").exists()
    services.record_login_success(user=citizen, ip_address="198.51.100.9", user_agent=FIREFOX_ANDROID)
    notice = Notification.objects.get(recipient=citizen, template="security.new_device")
    assert (
        notice.category == "security" and "Firefox · Android" in notice.body and "198.51.100.9" in notice.body
    )


def test_a_failed_sign_in_keeps_the_typed_name_even_for_unknown_accounts(citizen) -> None:
    """Given a wrong password for an existing and for an unknown name, when recorded, then both rows keep
    the typed name; only the first is linked to the account."""
    services.record_login_failure(
        username=citizen.username.upper(),
        reason=LoginFailureReason.BAD_CREDENTIALS,
        ip_address=None,
        user_agent="",
    )
    services.record_login_failure(
        username="khong-ton-tai", reason=LoginFailureReason.BAD_CREDENTIALS, ip_address=None, user_agent=""
    )
    known, unknown = LoginEvent.objects.order_by("pk")
    assert known.user == citizen and not known.success
    assert unknown.user is None and unknown.username == "khong-ton-tai"


def test_history_survives_deactivation_and_is_never_cascaded(make_officer) -> None:
    """Given an officer with sign-in history, when deactivated, then the rows stay linked, and the link
    is SET_NULL (never CASCADE) with the typed user name kept on every row."""
    from django.db import models

    from dichvucong.agencies.services import set_officer_active

    officer = make_officer()
    services.record_login_success(user=officer, ip_address="10.0.0.1", user_agent=CHROME_WINDOWS)
    set_officer_active(actor=None, officer=officer, active=False)
    event = LoginEvent.objects.get(user=officer)
    assert event.username == officer.username
    assert LoginEvent._meta.get_field("user").remote_field.on_delete is models.SET_NULL


def test_enrolment_with_a_wrong_code_is_refused_and_nothing_is_confirmed(citizen) -> None:
    """Given an enrolment in progress, when the code is wrong, then an error and no confirmed device."""
    device = services.start_enrolment(user=citizen)
    wrong = f"{(int(_code(device)) + 1) % 1_000_000:06d}"
    with pytest.raises(SecurityError):
        services.confirm_enrolment(user=citizen, token=wrong)
    assert not selectors.has_two_factor(citizen)


def test_enrolment_confirms_the_device_and_gives_single_use_backup_codes(citizen) -> None:
    """Given a correct first code, when confirmed, then the device works and ten backup codes exist; a
    backup code works once only."""
    _device, codes = _enrolled(citizen)
    assert selectors.has_two_factor(citizen) and len(codes) == BACKUP_CODE_COUNT == len(set(codes))
    assert services.verify_second_factor(user=citizen, token=codes[0]) is not None
    assert selectors.count_backup_codes(citizen) == BACKUP_CODE_COUNT - 1
    with pytest.raises(SecurityError):
        services.verify_second_factor(user=citizen, token=codes[0])


def test_a_totp_code_cannot_be_replayed(citizen) -> None:
    """Given a code accepted once, when the same code is given again in the same time step, then it is
    refused; a wrong code is refused too."""
    device, _codes = _enrolled(citizen)
    # The enrolment used the current step; take the next step's code (within the allowed drift).
    later = _code(device, steps=1)
    assert services.verify_second_factor(user=citizen, token=later) == device
    with pytest.raises(SecurityError):
        services.verify_second_factor(user=citizen, token=later)
    with pytest.raises(SecurityError):
        services.verify_second_factor(user=citizen, token="000000" if later != "000000" else "111111")


def test_wrong_codes_are_throttled(citizen, settings) -> None:
    """Given django-otp's throttling, when a wrong code was just given, then even the right code waits."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 10
    device, _codes = _enrolled(citizen)
    with pytest.raises(SecurityError):
        services.verify_second_factor(user=citizen, token="12345x")
    with pytest.raises(SecurityError) as refused:
        services.verify_second_factor(user=citizen, token=_code(device, steps=1))
    assert refused.value.code == "throttled"


def test_citizen_disables_with_a_code_but_officers_cannot(citizen, make_officer) -> None:
    """Given 2FA on, when a citizen disables it with a valid code, then it is off; an officer is refused."""
    device, _codes = _enrolled(citizen)
    with pytest.raises(SecurityError):
        services.disable_two_factor(user=citizen, token="999999" if _code(device) != "999999" else "888888")
    assert selectors.has_two_factor(citizen)
    services.disable_two_factor(user=citizen, token=_code(device, steps=1))
    assert not selectors.has_two_factor(citizen)
    officer = make_officer()
    _enrolled(officer)
    with pytest.raises(SecurityError):
        services.disable_two_factor(user=officer, token="123456")
    assert selectors.has_two_factor(officer)


def test_agency_admin_resets_an_officer_in_scope_audited(make_officer, ward) -> None:
    """Given an agency admin of a ward, when they reset the 2FA of an officer there, then it is gone and
    audited; for an officer of another ward it is refused and kept."""
    admin = make_officer(role=Role.AGENCY_ADMIN)
    mine, theirs = make_officer(), make_officer(agency=ward[1])
    _enrolled(mine)
    _enrolled(theirs)
    services.reset_two_factor(actor=admin, user=mine)
    assert not selectors.has_two_factor(mine)
    assert AuditEntry.objects.filter(action="security.reset_two_factor", actor=admin).exists()
    with pytest.raises(SecurityError):
        services.reset_two_factor(actor=admin, user=theirs)
    assert selectors.has_two_factor(theirs)


def _lock(username: str) -> None:
    AccessAttempt.objects.create(
        username=username,
        ip_address="127.0.0.1",
        user_agent="t",
        failures_since_start=5,
        get_data="",
        post_data="",
    )


def _token_from_notice(user) -> str:
    link = Notification.objects.filter(recipient=user, template="security.unlock").latest("pk").link
    return link.rstrip("/").rsplit("/", 1)[-1]


def test_unlock_link_is_sent_once_per_interval_and_never_for_unknown_names(citizen) -> None:
    """Given a locked-out name, when the lock-out page asks twice, then one link is sent; an unknown
    name sends nothing (and the caller cannot tell the difference from the page)."""
    assert services.request_unlock_link(username=citizen.username)
    assert not services.request_unlock_link(username=citizen.username)
    assert not services.request_unlock_link(username="khong-ton-tai")
    assert Notification.objects.filter(recipient=citizen, template="security.unlock").count() == 1


def test_unlock_link_clears_the_lock_and_works_only_once(citizen) -> None:
    """Given a lock and a mailed link, when used, then the lock is cleared; used again, it is refused."""
    _lock(citizen.username)
    services.request_unlock_link(username=citizen.username)
    token = _token_from_notice(citizen)
    assert services.unlock_account(token=token) == citizen
    assert not AccessAttempt.objects.filter(username=citizen.username).exists()
    with pytest.raises(SecurityError) as reused:
        services.unlock_account(token=token)
    assert reused.value.code == "invalid_link"


def test_expired_unlock_link_is_refused_and_the_lock_stays(citizen, monkeypatch, settings) -> None:
    """Given a link older than UNLOCK_LINK_MINUTES, when used, then it is refused and the lock stays."""
    _lock(citizen.username)
    services.request_unlock_link(username=citizen.username)
    token = _token_from_notice(citizen)
    later = clock.now() + timedelta(minutes=settings.UNLOCK_LINK_MINUTES + 1)
    monkeypatch.setattr(clock, "now", lambda: later)
    with pytest.raises(SecurityError) as expired:
        services.unlock_account(token=token)
    assert expired.value.code == "expired_link"
    assert AccessAttempt.objects.filter(username=citizen.username).exists()
    assert UnlockToken.objects.get().used_at is None


def test_officer_and_superuser_must_use_two_factor(citizen, make_officer) -> None:
    """Given the three kinds of people, then officers and superusers must, citizens may."""
    assert selectors.must_use_two_factor(make_officer())
    assert not selectors.must_use_two_factor(citizen)
    citizen.is_superuser = True
    assert selectors.must_use_two_factor(citizen)


def test_login_methods_are_recorded(citizen) -> None:
    """Given an SSO sign-in recorded by another app, then its method is kept for the history page."""
    event = services.record_login_success(
        user=citizen, method=LoginMethod.SSO, ip_address=None, user_agent=""
    )
    assert event.get_method_display() == "Đăng nhập một lần (SSO)"
