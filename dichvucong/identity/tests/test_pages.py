"""The token page in the portal and the client registration in the back office."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from dichvucong.identity.models import PersonalAccessToken

pytestmark = pytest.mark.django_db


def test_citizen_creates_sees_once_and_revokes_a_token(citizen: Any) -> None:
    """Given a signed-in citizen, when they create a token on /tai-khoan/ma-truy-cap/, then the token is
    shown once (not on the next visit) and listed by name; revoking marks it revoked; bad input is a
    400 with the error tied to the field and nothing created."""
    client = Client()
    client.force_login(citizen)
    bad = client.post("/tai-khoan/ma-truy-cap/", {"name": "", "expires_in_days": "30"})
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.content.decode()
    assert not PersonalAccessToken.objects.exists()
    made = client.post(
        "/tai-khoan/ma-truy-cap/", {"name": "Kế toán", "scopes": ["profile:read"], "expires_in_days": "30"}
    )
    token = PersonalAccessToken.objects.get()
    assert made.status_code == 200 and f'value="{token.prefix}_' in made.content.decode()
    again = client.get("/tai-khoan/ma-truy-cap/").content.decode()
    assert "Kế toán" in again and f'value="{token.prefix}_' not in again
    assert client.post(f"/tai-khoan/ma-truy-cap/{token.pk}/thu-hoi/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_nobody_revokes_another_persons_token(citizen: Any) -> None:
    """Given another user's token, when someone else posts its revoke URL, then 404 and it stays active."""
    from dichvucong.accounts.services import register_citizen
    from dichvucong.identity.services import create_personal_token

    other = register_citizen(username="other", full_name="B", password="mat-khau-thu-nghiem-2026")
    import datetime as dt

    from dichvucong.core import clock

    created = create_personal_token(
        owner=other, name="x", scopes=["profile:read"], expires_at=clock.now() + dt.timedelta(days=3)
    )
    client = Client()
    client.force_login(citizen)
    assert client.post(f"/tai-khoan/ma-truy-cap/{created.token.pk}/thu-hoi/").status_code == 404
    created.token.refresh_from_db()
    assert created.token.revoked_at is None


def test_only_city_admins_register_clients_and_see_the_secret_once(make_officer_in_db: Any) -> None:
    """Given a city admin, when they register a confidential client, then the page shows the client id
    and the secret once (201, no-store) and the list shows the client; a counter officer gets 403."""
    from dichvucong.accounts.constants import Role
    from dichvucong.security.testing import login_verified

    admin = make_officer_in_db(role=Role.CITY_ADMIN)
    client = login_verified(Client(), admin)
    answer = client.post(
        "/backoffice/oidc/new/",
        {
            "name": "Hộ tịch điện tử",
            "redirect_uris": "https://hotich.example/cb",
            "confidential": "1",
            "allowed_scopes": ["profile", "email"],
            "post_logout_redirect_uris": "",
        },
    )
    assert answer.status_code == 201 and answer["Cache-Control"] == "no-store"
    assert 'id="client-secret"' in answer.content.decode()
    assert "Hộ tịch điện tử" in client.get("/backoffice/oidc/").content.decode()
    bad = client.post(
        "/backoffice/oidc/new/", {"name": "X", "redirect_uris": "javascript:alert(1)", "confidential": "1"}
    )
    assert bad.status_code == 400
    clerk = login_verified(Client(), make_officer_in_db(role=Role.COUNTER_OFFICER))
    assert clerk.get("/backoffice/oidc/").status_code == 403


@pytest.fixture
def make_officer_in_db(db: None) -> Any:
    from dichvucong.agencies.constants import AgencyKind
    from dichvucong.agencies.services import create_agency, create_officer

    city = create_agency(actor=None, code="000.00.00.H29", name="UBND Thành phố", kind=AgencyKind.CITY)
    counter = iter(range(1, 100))

    def make(*, role: str) -> Any:
        user, _assignment = create_officer(
            actor=None,
            username=f"canbo{next(counter)}",
            full_name="Cán bộ",
            password="mat-khau-thu-nghiem-2026",
            agency=city,
            role=role,
        )
        return user

    return make
