"""Back office: CCCD and phone numbers masked in the user detail; audited reveal for admins."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from dichvucong.accounts.constants import Role
from dichvucong.accounts.models import PersonalDataAccess
from dichvucong.accounts.services import register_citizen, set_cccd
from dichvucong.agencies.constants import AgencyKind
from dichvucong.agencies.tests.factories import make_agency, make_officer
from dichvucong.core.models import AuditEntry
from dichvucong.security.testing import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(db):
    user = register_citizen(
        username="an", full_name="Nguyễn Văn An", password="mat-khau-dai-2026", phone="0912345689"
    )
    return set_cccd(user=user, cccd="079012345612")


@pytest.fixture
def root(db):
    return make_agency(kind=AgencyKind.CITY, name="Ủy ban nhân dân Thành phố", code="000.00.00.H29")


def _client(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def test_user_detail_shows_masked_numbers(person, root) -> None:
    """Given a city admin opening a citizen, then CCCD and phone are masked and the full values absent."""
    admin, _ = make_officer(agency=root, role=Role.CITY_ADMIN)
    html = _client(admin).get(reverse("backoffice:user_detail", args=[person.pk])).content.decode()
    assert "0790******12" in html and "09******89" in html
    assert "079012345612" not in html and "0912345689" not in html


def test_admin_reveal_shows_value_and_is_logged(person, root) -> None:
    """Given a city admin with a reason, when revealing the CCCD, then it is shown, the person's access
    log names the admin and an audit entry is written."""
    admin, _ = make_officer(agency=root, role=Role.CITY_ADMIN)
    response = _client(admin).post(
        reverse("backoffice:user_reveal", args=[person.pk]), {"field": "cccd", "reason": "Đối chiếu hồ sơ"}
    )
    assert response.status_code == 200 and "079012345612" in response.content.decode()
    assert PersonalDataAccess.objects.get(subject=person).accessed_by == admin
    assert AuditEntry.objects.filter(action="accounts.reveal_personal_data").count() == 1


def test_reveal_without_reason_refused(person, root) -> None:
    """Given no reason, when revealing, then the value stays masked and nothing is logged."""
    admin, _ = make_officer(agency=root, role=Role.CITY_ADMIN)
    response = _client(admin).post(reverse("backoffice:user_reveal", args=[person.pk]), {"field": "cccd"})
    assert response.status_code == 400 and "079012345612" not in response.content.decode()
    assert not PersonalDataAccess.objects.exists()


def test_auditor_cannot_reveal(person, root) -> None:
    """Given an auditor (sees everyone, needs no full numbers), when posting a reveal, then it is refused."""
    auditor, _ = make_officer(agency=root, role=Role.AUDITOR)
    response = _client(auditor).post(
        reverse("backoffice:user_reveal", args=[person.pk]), {"field": "cccd", "reason": "Tò mò thôi"}
    )
    assert response.status_code == 403
    assert not PersonalDataAccess.objects.exists()
