"""Login and logout on the portal: where users land, safe ``next``, lockout, CSRF."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from dichvucong.accounts.constants import Role
from dichvucong.sites.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client: Client, username: str, password: str = PASSWORD, **extra: str):
    return client.post(reverse("portal:login"), {"username": username, "password": password, **extra})


def test_login_page_labels_every_field() -> None:
    """Given the login page, when it renders, then both fields have a label and autocomplete hints."""
    html = Client().get(reverse("portal:login")).content.decode()
    assert '<label for="id_username">' in html and '<label for="id_password">' in html
    assert 'autocomplete="username"' in html and 'autocomplete="current-password"' in html


def test_citizen_lands_on_the_portal_and_sees_the_account_name(citizen) -> None:
    """Given a citizen, when they log in without ``next``, then they land on the portal home and the
    account menu shows their display name."""
    client = Client()
    response = _login(client, citizen.username)
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    html = client.get(reverse("portal:home")).content.decode()
    assert "Nguyễn Văn An" in html and "Đăng xuất" in html


def test_officer_lands_on_the_back_office(make_officer) -> None:
    """Given an officer with a role and an authenticator, when they log in without ``next`` and give
    the code, then they land on the back office."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    officer = make_officer(role=Role.SPECIALIST)
    device = TOTPDevice.objects.create(user=officer, confirmed=True)
    client = Client()
    response = _login(client, officer.username)
    assert response["Location"].startswith(reverse("portal:two_factor_verify"))
    response = client.post(response["Location"], {"code": f"{totp(device.bin_key):06d}"})
    assert response["Location"] == reverse("backoffice:home")


def test_a_safe_next_is_respected(citizen) -> None:
    """Given a same-site ``next``, when the user logs in, then they go there."""
    response = _login(Client(), citizen.username, next="/tuyen-bo-tro-nang/")
    assert response["Location"] == "/tuyen-bo-tro-nang/"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "http://testserver.evil.example/", "javascript:alert(1)"],
)
def test_an_open_redirect_is_refused(citizen, target: str) -> None:
    """Given a ``next`` pointing off-site, when the user logs in, then it is ignored for the default."""
    response = _login(Client(), citizen.username, next=target)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")


def test_wrong_password_shows_a_translated_error(citizen) -> None:
    """Given a wrong password, when the form is posted, then the page repeats with an error summary."""
    response = _login(Client(), citizen.username, password="sai-mat-khau")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html and "Chưa đăng nhập được" in html


def test_logout_needs_a_post_and_ends_the_session(citizen) -> None:
    """Given a logged-in user, when logout is requested by GET it is refused; by POST it logs out."""
    client = Client()
    client.force_login(citizen)
    assert client.get(reverse("portal:logout")).status_code == 405
    response = client.post(reverse("portal:logout"))
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    assert "_auth_user_id" not in client.session


def test_login_form_requires_the_csrf_token(citizen) -> None:
    """Given a client that enforces CSRF, when the login form is posted without the token, then 403."""
    client = Client(enforce_csrf_checks=True)
    assert _login(client, citizen.username).status_code == 403


def test_lockout_after_the_failure_limit_returns_429_translated(citizen) -> None:
    """Given LOGIN_FAILURE_LIMIT failures for one username and address, when the user tries again,
    then the answer is 429 with a translated lockout page, even with the right password."""
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, citizen.username, password="sai-mat-khau").status_code == 200
    locked = _login(client, citizen.username, password="sai-mat-khau")
    assert locked.status_code == 429
    assert "Tạm khóa đăng nhập" in locked.content.decode()
    assert _login(client, citizen.username).status_code == 429
    client.cookies["dvc_language"] = "en"
    english = _login(client, citizen.username).content.decode()
    assert "Sign-in temporarily blocked" in english and "Tạm khóa" not in english
