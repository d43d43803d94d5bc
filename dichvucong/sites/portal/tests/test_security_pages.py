"""The "Bảo mật tài khoản" page: sign-in history, sessions (revoke one, all others), password change,
turning the second factor on and off; and the back-office side (history, admin reset)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.test import Client, RequestFactory
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from dichvucong.accounts.constants import Role
from dichvucong.core.models import AuditEntry
from dichvucong.security.models import UserSession
from dichvucong.security.testing import login_verified
from dichvucong.sites.conftest import PASSWORD

pytestmark = pytest.mark.django_db

PAGE = "portal:account_security"
FIREFOX = "Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0"


@pytest.fixture(autouse=True)
def fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def _signed_in(user, **headers: str) -> Client:
    client = Client(**headers)
    assert (
        client.post(reverse("portal:login"), {"username": user.username, "password": PASSWORD}).status_code
        == 302
    )
    return client


def test_page_needs_a_login() -> None:
    """Given no session, when the page is opened, then the login page is asked for."""
    response = Client().get(reverse(PAGE))
    assert response.status_code == 302 and response["Location"].startswith(reverse("portal:login"))


def test_citizen_sees_history_and_sessions_with_the_current_one_marked(citizen) -> None:
    """Given a failed and two successful logins from two browsers, when the page opens, then the history
    shows them and the sessions list both browsers, this one marked."""
    Client().post(reverse("portal:login"), {"username": citizen.username, "password": "sai-mat-khau"})
    _signed_in(citizen, HTTP_USER_AGENT=FIREFOX)
    client = _signed_in(citizen)
    html = client.get(reverse(PAGE)).content.decode()
    assert "Lịch sử đăng nhập" in html and "Không thành công" in html and "Thành công" in html
    assert "Firefox · Android" in html and "Phiên này" in html
    assert html.count("Đăng xuất<span") == 1  # only the other session has its own button


def test_revoking_another_users_session_is_a_404(citizen, make_officer) -> None:
    """Given someone else's session id, when posted to revoke, then 404 and their session lives on."""
    other = make_officer()
    other_client = login_verified(Client(), other)
    other_client.get(reverse("backoffice:home"))
    theirs = UserSession.objects.get(user=other)
    client = _signed_in(citizen)
    assert client.post(reverse("portal:session_revoke", args=[theirs.pk])).status_code == 404
    assert other_client.get(reverse("backoffice:home")).status_code == 200


def test_revoking_one_session_signs_that_browser_out(citizen) -> None:
    """Given two sessions, when one is revoked from the other, then that browser is anonymous."""
    phone = _signed_in(citizen, HTTP_USER_AGENT=FIREFOX)
    client = _signed_in(citizen)
    row = UserSession.objects.get(user=citizen, user_agent=FIREFOX)
    assert client.post(reverse("portal:session_revoke", args=[row.pk])).status_code == 302
    assert phone.get(reverse(PAGE)).status_code == 302
    assert client.get(reverse(PAGE)).status_code == 200


def test_sign_out_everywhere_else_keeps_only_this_session(citizen) -> None:
    """Given three sessions, when "sign out everywhere else" is posted, then only this one is left."""
    others = [_signed_in(citizen), _signed_in(citizen, HTTP_USER_AGENT=FIREFOX)]
    client = _signed_in(citizen)
    client.post(reverse("portal:sessions_revoke_others"))
    assert all(other.get(reverse(PAGE)).status_code == 302 for other in others)
    assert UserSession.objects.filter(user=citizen).count() == 1


def test_a_password_change_signs_out_the_other_sessions(citizen) -> None:
    """Given two sessions, when the password is changed in one (Django's session hash update), then the
    other is signed out and no longer listed."""
    other = _signed_in(citizen, HTTP_USER_AGENT=FIREFOX)
    client = _signed_in(citizen)
    citizen.set_password("mat-khau-moi-2026-rat-dai")
    citizen.save()
    request = RequestFactory().get("/")
    request.session = client.session
    request.user = citizen
    update_session_auth_hash(request, citizen)  # what a password-change view does (new session key)
    request.session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = request.session.session_key
    assert other.get(reverse(PAGE)).status_code == 302
    html = client.get(reverse(PAGE)).content.decode()
    assert "Firefox · Android" not in html.split("sessions-title")[1].split("history-title")[0]


def test_citizen_turns_two_factor_on_and_off(citizen) -> None:
    """Given a citizen, when they enrol from the page, then it shows "on"; a wrong code does not turn
    it off, a right code does."""
    client = _signed_in(citizen)
    client.get(reverse("portal:two_factor_enrol"))
    device = TOTPDevice.objects.get(user=citizen)
    client.post(reverse("portal:two_factor_enrol"), {"code": f"{totp(device.bin_key):06d}"})
    assert "Đang bật" in client.get(reverse(PAGE)).content.decode()
    client.post(reverse("portal:two_factor_disable"), {"disable-code": "000000"})
    assert TOTPDevice.objects.filter(user=citizen, confirmed=True).exists()
    client.post(reverse("portal:two_factor_disable"), {"disable-code": f"{totp(device.bin_key, t0=-30):06d}"})
    assert not TOTPDevice.objects.filter(user=citizen).exists()


def test_backup_codes_are_regenerated_and_shown_once(citizen) -> None:
    """Given 2FA on, when new backup codes are asked for, then ten are shown and the old ones stop."""
    from dichvucong.security import services

    _device, old = services.confirm_enrolment(
        user=citizen, token=f"{totp(services.start_enrolment(user=citizen).bin_key):06d}"
    )
    client = login_verified(Client(), citizen)
    html = client.post(reverse("portal:backup_codes_regenerate")).content.decode()
    assert html.count("<code>") == 10 and old[0] not in html
    with pytest.raises(services.SecurityError):
        services.verify_second_factor(user=citizen, token=old[0])


def test_admin_sees_an_officers_login_history_and_resets_their_second_factor(make_officer) -> None:
    """Given an agency admin and an officer of the ward with 2FA, when the admin opens the officer, then
    the sign-in history shows; after the reset the officer has no authenticator, the reset is audited."""
    admin = make_officer(role=Role.AGENCY_ADMIN)
    officer = make_officer()
    _signed_in(officer)  # a password sign-in into the history
    TOTPDevice.objects.create(user=officer, confirmed=True)
    client = login_verified(Client(), admin)
    html = client.get(reverse("backoffice:user_detail", args=[officer.pk])).content.decode()
    assert "Lịch sử đăng nhập" in html and "Đặt lại xác thực hai lớp" in html
    response = client.post(reverse("backoffice:user_reset_two_factor", args=[officer.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert AuditEntry.objects.filter(action="security.reset_two_factor").exists()


def test_admin_of_another_ward_cannot_reset(make_officer, ward) -> None:
    """Given an officer outside the admin's scope, when the reset is posted, then 404 and nothing changes."""
    from dichvucong.agencies.constants import AgencyKind
    from dichvucong.agencies.services import create_agency

    other_ward = create_agency(
        actor=None, code="000.50.69.H29", name="UBND Phường Sài Gòn", kind=AgencyKind.WARD, parent=ward.parent
    )
    admin = make_officer(role=Role.AGENCY_ADMIN, agency=other_ward)
    officer = make_officer()
    TOTPDevice.objects.create(user=officer, confirmed=True)
    client = login_verified(Client(), admin)
    assert client.post(reverse("backoffice:user_reset_two_factor", args=[officer.pk])).status_code == 404
    assert TOTPDevice.objects.filter(user=officer).exists()
