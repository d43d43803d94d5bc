"""Who gets into the back office: officers with a role; others a translated 403 or the login page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from dichvucong.security.testing import login_verified

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_login() -> None:
    """Given no session, when the back office is opened, then the user is redirected to the login page
    with ``next`` back to it."""
    response = Client().get(reverse("backoffice:home"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('portal:login')}?next={reverse('backoffice:home')}"


def test_a_citizen_gets_a_translated_403(citizen) -> None:
    """Given a citizen, when they open the back office, then 403 with a clear Vietnamese explanation;
    in English, the English one."""
    client = Client()
    client.force_login(citizen)
    response = client.get(reverse("backoffice:home"))
    assert response.status_code == 403
    assert "chỉ dành cho cán bộ, công chức" in response.content.decode()
    client.cookies["dvc_language"] = "en"
    assert "only for civil servants" in client.get(reverse("backoffice:home")).content.decode()


def test_an_officer_without_a_role_gets_403(db: None) -> None:
    """Given an officer account with no assignment, when it opens the back office, then 403."""
    from dichvucong.accounts.services import create_officer_account

    officer = create_officer_account(actor=None, username="chuaphancong", full_name="Lê Văn Cường")
    client = Client()
    login_verified(client, officer)  # second factor passed, still no role
    assert client.get(reverse("backoffice:home")).status_code == 403
