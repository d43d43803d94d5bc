"""The kiosk look-up screen (/evaluation/tra-cuu/): scan or type a code, read the status, auto-reset."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from dichvucong.dossiers.tests.factories import make_received, make_world

pytestmark = pytest.mark.django_db


def test_the_empty_screen_has_the_autofocused_field_and_a_60_second_reset() -> None:
    """Given the kiosk, when the look-up screen opens, then it has one h1, a labelled autofocused code
    field, the idle script from a file, and a 60-second reset back to this empty screen."""
    html = Client().get(reverse("evaluation:lookup")).content.decode()
    assert html.count("<h1") == 1
    assert '<label class="kiosk-label" for="lookup-code">' in html and "autofocus" in html
    assert 'src="/static/evaluation/kiosk.js" nonce="' in html
    assert 'data-idle-seconds="60"' in html
    assert f'data-idle-url="{reverse("evaluation:lookup")}?reset=1"' in html
    assert "kiosk-result" not in html


def test_a_scanned_code_shows_the_status_with_a_masked_name() -> None:
    """Given a received dossier, when its code arrives as the scanner types it (with a trailing space),
    then the status, dates and masked name are on screen with a "new look-up" link; no full name."""
    dossier = make_received(make_world())
    html = Client().get(reverse("evaluation:lookup"), {"ma": f"{dossier.code} "}).content.decode()
    assert f"Hồ sơ {dossier.code}" in html and "Được tiếp nhận" in html
    assert "Nguyễn V** A*" in html and "Nguyễn Văn An" not in html
    assert f'href="{reverse("evaluation:lookup")}">Tra cứu hồ sơ khác' in html


def test_unknown_and_malformed_codes_are_answered_alike() -> None:
    """Given no such dossier, when an unknown and a malformed code are looked up, then both say the
    dossier was not found, in the same words."""

    def result(code: str) -> str:
        html = Client().get(reverse("evaluation:lookup"), {"ma": code}).content.decode()
        return html[html.index('<section class="kiosk-result"') : html.index("</section>")]

    unknown = result("000.00.00.H29-260101-9999")
    assert "Không tìm thấy hồ sơ" in unknown and unknown == result("'; drop table--")


def test_reset_clears_the_screen_and_the_language() -> None:
    """Given a kiosk left in English on a result, when the idle timer asks for the reset, then it goes
    back to the empty look-up screen in Vietnamese."""
    client = Client()
    client.cookies["dvc_language"] = "en"
    response = client.get(reverse("evaluation:lookup"), {"reset": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("evaluation:lookup")
    html = client.get(reverse("evaluation:lookup")).content.decode()
    assert '<html lang="vi"' in html


def test_the_kiosk_lookup_in_english() -> None:
    """Given English chosen, when the look-up screen opens, then it is in English."""
    client = Client()
    client.cookies["dvc_language"] = "en"
    html = client.get(reverse("evaluation:lookup")).content.decode()
    assert '<html lang="en"' in html and "Check the status of a dossier" in html
