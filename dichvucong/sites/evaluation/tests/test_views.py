"""The kiosk welcome screen and its dossier-code form."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_welcome_screen_has_the_labelled_code_form_and_the_idle_script() -> None:
    """Given the kiosk, when the welcome screen loads, then it has one h1, a labelled code field with a
    CSRF token, and the inactivity script loaded from a file with the CSP nonce."""
    html = Client().get(reverse("evaluation:home")).content.decode()
    assert html.count("<h1") == 1
    assert '<label class="kiosk-label" for="id_code">' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'src="/static/evaluation/kiosk.js" nonce="' in html
    assert f'data-idle-url="{reverse("evaluation:home")}?reset=1"' in html


def test_a_valid_code_moves_on_normalised() -> None:
    """Given a code typed with spaces and lower case, when it is sent, then the kiosk moves on to the
    stages of that dossier, with the code normalised."""
    response = Client().post(reverse("evaluation:home"), {"code": " 000.00.00.h29-241127-0001 "})
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluation:choose_stage", args=["000.00.00.H29-241127-0001"])


def test_an_invalid_code_is_refused_with_an_accessible_error() -> None:
    """Given a code with forbidden characters, when it is sent, then 400 with the error tied to the field."""
    response = Client().post(reverse("evaluation:home"), {"code": "<script>"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'aria-invalid="true"' in html and 'id="code-errors"' in html and 'value="&lt;script&gt;"' in html


def test_the_code_form_requires_the_csrf_token() -> None:
    """Given a client that enforces CSRF, when the code is posted without the token, then 403."""
    response = Client(enforce_csrf_checks=True).post(reverse("evaluation:home"), {"code": "000.00.00.H29-1"})
    assert response.status_code == 403


def test_the_kiosk_switches_to_english() -> None:
    """Given English chosen, when the welcome screen loads, then it is English."""
    client = Client()
    client.cookies["dvc_language"] = "en"
    html = client.get(reverse("evaluation:home")).content.decode()
    assert '<html lang="en"' in html and "Enter your dossier code" in html


def test_reset_returns_to_the_welcome_screen_in_vietnamese() -> None:
    """Given a kiosk left in English, when the idle timer asks for the reset, then it redirects to the
    welcome screen and the language is Vietnamese again."""
    client = Client()
    client.cookies["dvc_language"] = "en"
    response = client.get(reverse("evaluation:home"), {"reset": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("evaluation:home")
    html = client.get(reverse("evaluation:home")).content.decode()
    assert '<html lang="vi"' in html and "Nhập mã hồ sơ" in html
