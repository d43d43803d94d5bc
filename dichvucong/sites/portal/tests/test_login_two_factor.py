"""Login with a second factor: officers must enrol/verify before the back office, admin or API;
citizens who turned it on are asked for a code; idle sessions end; lock-outs offer an unlock link."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from dichvucong.accounts.constants import Role
from dichvucong.core import clock
from dichvucong.notifications.models import Notification
from dichvucong.security.models import LoginEvent
from dichvucong.sites.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def _login(client: Client, username: str, password: str = PASSWORD, **extra: str):
    return client.post(reverse("portal:login"), {"username": username, "password": password, **extra})


def _code(device: TOTPDevice, steps: int = 0) -> str:
    return f"{totp(device.bin_key, t0=-30 * steps):06d}"


def test_officer_with_the_right_password_but_no_second_factor_cannot_reach_the_back_office(
    make_officer,
) -> None:
    """Given an officer without an authenticator, when they log in with the right password, then they
    are sent to enrolment, and the back office itself redirects instead of opening."""
    officer = make_officer(role=Role.SPECIALIST)
    client = Client()
    response = _login(client, officer.username)
    assert response["Location"].startswith(reverse("portal:two_factor_enrol"))
    blocked = client.get(reverse("backoffice:home"))
    assert blocked.status_code == 302 and blocked["Location"].startswith(reverse("portal:two_factor_enrol"))
    assert client.get(reverse("backoffice:users")).status_code == 302


def test_officer_enrols_sees_backup_codes_once_and_reaches_the_back_office(make_officer) -> None:
    """Given an officer sent to enrolment, when they scan the key and confirm a code, then backup codes
    are shown and the back office opens."""
    officer = make_officer(role=Role.SPECIALIST)
    client = Client()
    _login(client, officer.username)
    page = client.get(reverse("portal:two_factor_enrol") + "?next=/backoffice/").content.decode()
    assert "<svg" in page and 'style="' not in page
    secret = re.search(r"data-totp-secret>([A-Z2-7 ]+)<", page).group(1).replace(" ", "")
    from base64 import b32decode

    code = f"{totp(b32decode(secret)):06d}"
    done = client.post(reverse("portal:two_factor_enrol"), {"code": code, "next": "/backoffice/"})
    html = done.content.decode()
    assert done.status_code == 200 and html.count("<code>") == 10
    assert client.get(reverse("backoffice:home")).status_code == 200


def test_wrong_code_at_enrolment_shows_an_error_tied_to_the_field(make_officer) -> None:
    """Given the enrolment page, when a wrong code is posted, then an error is described on the field and
    the back office stays closed."""
    officer = make_officer()
    client = Client()
    _login(client, officer.username)
    client.get(reverse("portal:two_factor_enrol"))
    device = TOTPDevice.objects.get(user=officer)
    wrong = f"{(int(_code(device)) + 1) % 1_000_000:06d}"
    html = client.post(reverse("portal:two_factor_enrol"), {"code": wrong}).content.decode()
    assert 'aria-invalid="true"' in html and "id_code-errors" in html and "Mã xác thực không đúng" in html
    assert client.get(reverse("backoffice:home")).status_code == 302


def test_verify_step_refuses_wrong_and_replayed_codes(make_officer) -> None:
    """Given an officer with an authenticator, when a wrong code is given, then refused and recorded;
    a right code lets them in; the same code in a new login is refused (replay)."""
    officer = make_officer()
    device = TOTPDevice.objects.create(user=officer, confirmed=True)
    client = Client()
    assert _login(client, officer.username)["Location"].startswith(reverse("portal:two_factor_verify"))
    code = _code(device)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    refused = client.post(reverse("portal:two_factor_verify"), {"code": wrong})
    assert (
        refused.status_code == 200 and "Mã xác thực không đúng hoặc đã được dùng" in refused.content.decode()
    )
    assert LoginEvent.objects.filter(user=officer, method="otp", success=False, reason="bad_code").exists()
    assert client.post(reverse("portal:two_factor_verify"), {"code": code})["Location"] == reverse(
        "backoffice:home"
    )
    assert client.get(reverse("backoffice:home")).status_code == 200

    replay = Client()
    _login(replay, officer.username)
    assert replay.post(reverse("portal:two_factor_verify"), {"code": code}).status_code == 200
    assert replay.get(reverse("backoffice:home")).status_code == 302


def test_citizen_with_two_factor_is_asked_for_a_code_and_without_is_not(citizen) -> None:
    """Given a citizen without 2FA, when they log in, then they land on the portal; after turning it on,
    the next login asks for a code and other portal pages wait for it."""
    assert _login(Client(), citizen.username)["Location"] == reverse("portal:home")
    device = TOTPDevice.objects.create(user=citizen, confirmed=True)
    client = Client()
    assert _login(client, citizen.username)["Location"].startswith(reverse("portal:two_factor_verify"))
    assert client.get(reverse("portal:account_security"))["Location"].startswith(
        reverse("portal:two_factor_verify")
    )
    assert client.post(reverse("portal:two_factor_verify"), {"code": _code(device)})["Location"] == "/"
    assert client.get(reverse("portal:account_security")).status_code == 200


def test_the_django_admin_refuses_a_city_admin_session_without_a_second_factor(make_officer) -> None:
    """Given a city admin logged in with a password only, when they open /admin/, then they are sent to
    the second step; once verified, the admin opens."""
    city_admin = make_officer(role=Role.CITY_ADMIN)
    device = TOTPDevice.objects.create(user=city_admin, confirmed=True)
    client = Client()
    _login(client, city_admin.username)
    assert client.get("/admin/")["Location"].startswith(reverse("portal:two_factor_verify"))
    client.post(reverse("portal:two_factor_verify"), {"code": _code(device)})
    assert client.get("/admin/").status_code == 200


def test_the_api_refuses_an_unverified_officer_session_in_the_error_shape(make_officer) -> None:
    """Given an officer past the password only, when they call the API, then 403 with the API's error."""
    officer = make_officer()
    client = Client()
    _login(client, officer.username)
    response = client.get("/api/v1/agencies/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "second_factor_required"


def _at(monkeypatch, moment) -> None:
    monkeypatch.setattr(clock, "now", lambda: moment)


def test_idle_officer_is_signed_out_and_the_login_page_says_why(make_officer, monkeypatch) -> None:
    """Given a verified officer, when idle longer than OFFICER_IDLE_TIMEOUT_MINUTES, then the next request
    is anonymous and the login page says the session expired; within the limit, the session stays."""
    from dichvucong.security.testing import login_verified

    officer = make_officer()
    client = login_verified(Client(), officer)
    start = clock.now()
    _at(monkeypatch, start)
    assert client.get(reverse("backoffice:home")).status_code == 200
    _at(monkeypatch, start + timedelta(minutes=settings.OFFICER_IDLE_TIMEOUT_MINUTES - 1))
    assert client.get(reverse("backoffice:home")).status_code == 200
    _at(monkeypatch, start + timedelta(minutes=2 * settings.OFFICER_IDLE_TIMEOUT_MINUTES))
    response = client.get(reverse("backoffice:home"), follow=True)
    assert response.request["PATH_INFO"] == reverse("portal:login")
    assert "Phiên làm việc đã hết hạn" in response.content.decode()


def test_citizen_idle_limit_is_longer(citizen, monkeypatch) -> None:
    """Given a citizen, when idle longer than the officer limit but within CITIZEN_IDLE_TIMEOUT_MINUTES,
    then still signed in; past it, signed out."""
    client = Client()
    client.force_login(citizen)
    start = clock.now()
    _at(monkeypatch, start)
    client.get(reverse("portal:home"))
    _at(monkeypatch, start + timedelta(minutes=settings.OFFICER_IDLE_TIMEOUT_MINUTES + 5))
    assert client.get(reverse("portal:account_security")).status_code == 200
    _at(
        monkeypatch,
        start
        + timedelta(
            minutes=settings.OFFICER_IDLE_TIMEOUT_MINUTES + 5 + settings.CITIZEN_IDLE_TIMEOUT_MINUTES + 1
        ),
    )
    assert client.get(reverse("portal:account_security")).status_code == 302


def test_login_failures_and_successes_are_in_the_history(citizen) -> None:
    """Given a wrong then a right password, then both are recorded with the method and reason."""
    _login(Client(), citizen.username, password="sai-mat-khau")
    _login(Client(), citizen.username)
    failure, success = LoginEvent.objects.filter(user=citizen).order_by("pk")
    assert (failure.success, failure.reason, failure.method) == (False, "bad_credentials", "password")
    assert success.success and success.method == "password"


def test_lockout_page_offers_an_unlock_link_without_revealing_the_account(citizen) -> None:
    """Given a locked-out citizen with an e-mail address and an unknown name, when locked out, then both
    pages say the same; only the real account gets an unlock link, which unlocks once."""
    citizen.email = "an@example.vn"
    citizen.save()
    pages = []
    for name in (citizen.username, "khong-ton-tai"):
        client = Client()
        for _ in range(settings.AXES_FAILURE_LIMIT):
            response = _login(client, name, password="sai-mat-khau")
        assert response.status_code == 429
        pages.append(re.sub(r'(csrfmiddlewaretoken" value|nonce)="[^"]+"', "", response.content.decode()))
    assert "liên kết để mở khóa" in pages[0] and pages[0] == pages[1]
    assert LoginEvent.objects.filter(username=citizen.username, reason="locked_out").exists()
    link = Notification.objects.get(recipient=citizen, template="security.unlock").link
    path = link.replace(settings.SITE_URL, "")
    assert Client().get(path).status_code == 200
    assert Client().post(path).status_code == 200
    assert _login(Client(), citizen.username)["Location"] == reverse("portal:home")
    reused = Client().post(path)
    assert reused.status_code == 400 and "không hợp lệ hoặc đã được dùng" in reused.content.decode()
