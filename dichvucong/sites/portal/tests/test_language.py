"""Vietnamese by default whatever the browser says; English when chosen, remembered on the account."""

from __future__ import annotations

import pytest
from django.test import Client

from dichvucong.accounts.services import register_citizen

pytestmark = pytest.mark.django_db


def test_a_browser_asking_for_english_still_gets_vietnamese_by_default() -> None:
    """Given a phone set to English (Accept-Language: en-US) and no choice made, when the portal opens,
    then it is in Vietnamese: the default of a Vietnamese city's portal."""
    response = Client(headers={"accept-language": "en-US,en;q=0.9"}).get("/")
    assert response.headers["Content-Language"] == "vi"
    assert '<html lang="vi"' in response.content.decode()


def test_choosing_english_sets_the_cookie_and_the_next_page_is_english() -> None:
    """Given the language switch, when English is posted, then later pages come in English."""
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/")
    assert response.headers["Content-Language"] == "en"
    assert '<html lang="en"' in response.content.decode()


def test_a_signed_in_persons_choice_is_saved_and_follows_them_to_another_device() -> None:
    """Given a citizen who chooses English on one device, when they sign in on another device (no
    cookie), then the portal opens in English there too."""
    user = register_citizen(username="lan", full_name="Trần Thị Lan", password="mat-khau-rat-dai-2026")
    laptop = Client()
    laptop.force_login(user)
    laptop.post("/i18n/setlang/", {"language": "en", "next": "/"})
    user.refresh_from_db()
    assert user.preferred_language == "en"

    phone = Client()
    phone.force_login(user)
    assert phone.get("/").headers["Content-Language"] == "en"


def test_an_unknown_language_is_ignored() -> None:
    """Given a forged switch to an unsupported language, when posted, then nothing changes: Vietnamese."""
    client = Client()
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert client.get("/").headers["Content-Language"] == "vi"
