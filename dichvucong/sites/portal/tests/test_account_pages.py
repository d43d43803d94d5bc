"""Portal account pages: registration, password reset, profile, businesses, data download."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from dichvucong.accounts.models import PersonalDataAccess, User
from dichvucong.core.crypto import open_sealed
from dichvucong.core.models import OutboxMessage

PASSWORD = "mat-khau-dang-ky-2026"


def _last_code() -> str:
    message = OutboxMessage.objects.filter(topic="accounts.send_code").order_by("-id").first()
    return open_sealed(message.payload["sealed"], max_age_seconds=10**9) or ""


def _register(client, contact="an@example.vn", **extra):
    data = {"full_name": "Nguyễn Văn An", "contact": contact, "password": PASSWORD, "password2": PASSWORD}
    return client.post(reverse("portal:register"), {**data, **extra})


@pytest.mark.django_db
def test_register_verify_and_land_signed_in(client) -> None:
    """Given the registration form, when it is sent and the e-mailed code entered, then the person lands
    on their profile signed in."""
    response = _register(client)
    assert response.status_code == 302 and response.url == reverse("portal:register_verify")
    page = client.get(reverse("portal:register_verify"))
    assert "an***@example.vn" in page.content.decode()
    response = client.post(reverse("portal:register_verify"), {"action": "verify", "code": _last_code()})
    assert response.url == reverse("portal:account_profile")
    profile = client.get(response.url)
    assert profile.status_code == 200 and "Mức 1" in profile.content.decode()


@pytest.mark.django_db
def test_register_bad_input_shows_errors_tied_to_fields(client) -> None:
    """Given mismatched passwords and a bad CCCD, then the form comes back with each error announced on
    its field and nothing is created."""
    response = _register(client, password2="khac-hoan-toan-2026")
    html = response.content.decode()
    assert response.status_code == 200 and "Hai mật khẩu không khớp" in html
    assert 'aria-describedby="id_password2_errors"' in html and 'aria-invalid="true"' in html
    response = _register(client, cccd="123")
    assert "12 chữ số" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_wrong_code_is_refused_on_the_page(client) -> None:
    """Given a pending registration, when a wrong code is entered, then the page says so and the person
    is not signed in."""
    _register(client)
    code = _last_code()
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(reverse("portal:register_verify"), {"action": "verify", "code": wrong})
    assert "Mã không đúng" in response.content.decode()
    assert client.get(reverse("portal:account_profile")).status_code == 302


@pytest.mark.django_db
def test_password_reset_by_email_says_the_same_for_unknown_addresses(client, mailoutbox) -> None:
    """Given one known and one unknown address, then both lead to the same page; only the known one
    gets a link, which sets a new password."""
    from dichvucong.accounts.services import register_citizen

    register_citizen(username="an", full_name="An", password=PASSWORD, email="an@example.vn")
    unknown = client.post(reverse("portal:password_reset"), {"email": "ai@example.vn"})
    known = client.post(reverse("portal:password_reset"), {"email": "an@example.vn"})
    assert unknown.url == known.url == reverse("portal:password_reset_done")
    assert len(mailoutbox) == 1
    link = next(line for line in mailoutbox[0].body.splitlines() if "/dat-lai-mat-khau/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, follow=True)
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "mat-khau-moi-2026!", "new_password2": "mat-khau-moi-2026!"},
    )
    assert response.url == reverse("portal:password_reset_complete")
    assert User.objects.get(username="an").check_password("mat-khau-moi-2026!")


@pytest.mark.django_db
def test_password_reset_by_phone_does_not_reveal_unknown_numbers(client) -> None:
    """Given an unknown phone number, then the next page is the same as for a known one and any code
    is refused as wrong."""
    response = client.post(reverse("portal:password_reset_phone"), {"phone": "0900000001"})
    assert response.url == reverse("portal:password_reset_phone_code")
    response = client.post(response.url, {"code": "123456", "new_password": "mat-khau-moi-2026!"})
    assert "Mã không đúng" in response.content.decode()


@pytest.mark.django_db
def test_profile_shows_assurance_and_saves_details(client, citizen) -> None:
    """Given a signed-in citizen, then the profile shows the level and how to raise it, the shared account
    menu, and saves a new address."""
    client.force_login(citizen)
    html = client.get(reverse("portal:account_profile")).content.decode()
    assert (
        "VNeID" in html
        and reverse("portal:account_business") in html
        and reverse("portal:account_data") in html
    )
    response = client.post(
        reverse("portal:account_profile"),
        {
            "action": "profile",
            "full_name": "Nguyễn Văn An",
            "address": "1 Lê Lợi",
            "preferred_language": "vi",
        },
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.address == "1 Lê Lợi"


@pytest.mark.django_db
def test_business_pages_only_for_members(client, citizen) -> None:
    """Given a business of one citizen, when another citizen opens it, then it is not found."""
    from dichvucong.accounts.services import register_citizen

    client.force_login(citizen)
    response = client.post(
        reverse("portal:account_business"), {"name": "Công ty An Phát", "tax_code": "0312345678"}
    )
    detail = response.url
    assert "Công ty An Phát" in client.get(detail).content.decode()
    other = register_citizen(username="khac", full_name="Khác", password=PASSWORD)
    client.force_login(other)
    assert client.get(detail).status_code == 404


@pytest.mark.django_db
def test_data_download_is_json_and_logged(client, citizen) -> None:
    """Given a signed-in citizen, when they download their data, then they get JSON with their profile,
    and the download appears in their access log."""
    client.force_login(citizen)
    response = client.post(reverse("portal:account_data_download"))
    data = json.loads(response.content)
    assert data["profile"]["full_name"] == citizen.full_name and "notifications" in data
    assert response["Content-Disposition"].startswith("attachment")
    assert PersonalDataAccess.objects.filter(subject=citizen, action="downloaded").exists()
    assert client.get(reverse("portal:account_data_download")).status_code == 405
