"""The audit trail page: auditors and city admins only, filters, and an on-demand chain check."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from dichvucong.accounts.constants import Role
from dichvucong.agencies.constants import AgencyKind
from dichvucong.agencies.tests.factories import make_agency, make_citizen, make_officer
from dichvucong.core.models import AuditEntry
from dichvucong.security.testing import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    return make_agency(kind=AgencyKind.CITY, name="Ủy ban nhân dân Thành phố", code="000.00.00.H29")


@pytest.fixture
def ward(city):
    return make_agency(parent=city, kind=AgencyKind.WARD, name="Ủy ban nhân dân Phường Bến Thành")


def _client(user) -> Client:
    client = Client()
    login_verified(client, user)  # back office: second factor passed
    return client


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.CITY_ADMIN])
def test_auditors_and_city_admins_see_the_trail_newest_first(city, ward, role) -> None:
    """Given changes recorded by the services (creating agencies and officers), when an auditor or a
    city admin opens the audit trail, then the entries are listed newest first with their actions."""
    user, _ = make_officer(agency=city, role=role)
    response = _client(user).get("/backoffice/audit/")
    assert response.status_code == 200
    sequences = [entry.sequence for entry in response.context["page"].object_list]
    assert sequences == sorted(sequences, reverse=True) and len(sequences) >= 3
    assert "agencies.create_agency" in response.content.decode()


@pytest.mark.parametrize("role", [Role.AGENCY_ADMIN, Role.COUNTER_OFFICER, Role.AGENCY_LEADER])
def test_other_officers_are_refused(ward, role) -> None:
    """Given a ward officer of any other role, when they open the audit trail, then they get 403."""
    user, _ = make_officer(agency=ward, role=role)
    assert _client(user).get("/backoffice/audit/").status_code == 403


def test_citizens_are_refused(db) -> None:
    """Given a citizen, when they open the audit trail, then they get 403."""
    assert _client(make_citizen()).get("/backoffice/audit/").status_code == 403


def test_the_action_filter_narrows_the_list(city, ward) -> None:
    """Given agency and assignment entries, when filtered by the action prefix "agencies.", then only
    agency actions are listed."""
    auditor, _ = make_officer(agency=city, role=Role.AUDITOR)
    response = _client(auditor).get("/backoffice/audit/", {"action": "agencies."})
    actions = {entry.action for entry in response.context["page"].object_list}
    assert actions and all(action.startswith("agencies.") for action in actions)


def test_a_reversed_date_range_is_refused_with_a_message(city) -> None:
    """Given a start date after the end date, when filtering, then a translated error is shown and no
    entry is listed."""
    auditor, _ = make_officer(agency=city, role=Role.AUDITOR)
    response = _client(auditor).get("/backoffice/audit/", {"since": "2026-05-02", "until": "2026-05-01"})
    assert response.status_code == 200
    assert not response.context["page"].object_list
    assert "Ngày bắt đầu phải trước" in response.content.decode()


def test_verifying_an_intact_chain_says_so_and_is_itself_recorded(city) -> None:
    """Given an untouched chain, when the auditor asks for a check, then the page reports it intact
    and an audit.verify entry by the auditor is appended."""
    auditor, _ = make_officer(agency=city, role=Role.AUDITOR)
    client = _client(auditor)
    response = client.post("/backoffice/audit/verify/", follow=True)
    assert "Chuỗi nhật ký toàn vẹn" in response.content.decode()
    last = AuditEntry.objects.order_by("-sequence").first()
    assert last.action == "audit.verify" and last.actor_id == auditor.pk


def test_verifying_a_tampered_chain_reports_the_problem(city, ward) -> None:
    """Given an entry edited behind the application's back (raw SQL), when the auditor asks for a
    check, then the page reports the tampering."""
    auditor, _ = make_officer(agency=city, role=Role.AUDITOR)
    victim = AuditEntry.objects.order_by("sequence").first()
    table = AuditEntry._meta.db_table
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL's trigger refuses the raw UPDATE (tested in core)")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET action = %s WHERE id = %s", ["agencies.delete_agency", victim.pk])  # noqa: S608
    response = _client(auditor).post("/backoffice/audit/verify/", follow=True)
    assert "Phát hiện" in response.content.decode()


def test_verify_needs_post(city) -> None:
    """Given the verify address, when fetched with GET, then it is refused (405) and nothing is recorded."""
    auditor, _ = make_officer(agency=city, role=Role.AUDITOR)
    before = AuditEntry.objects.count()
    assert _client(auditor).get("/backoffice/audit/verify/").status_code == 405
    assert AuditEntry.objects.count() == before


def test_the_next_page_link_keeps_the_filter(city) -> None:
    """Given more agency entries than fit on one page, when filtered by "agencies.", then the link to
    page 2 carries the same filter, and page 2 lists only agency actions."""
    for _ in range(55):
        make_agency(parent=city, kind=AgencyKind.WARD)
    auditor, _ = make_officer(agency=city, role=Role.AUDITOR)
    client = _client(auditor)
    html = client.get("/backoffice/audit/", {"action": "agencies."}).content.decode()
    assert 'href="?action=agencies.&amp;page=2"' in html
    second = client.get("/backoffice/audit/", {"action": "agencies.", "page": 2})
    actions = {entry.action for entry in second.context["page"].object_list}
    assert actions and all(action.startswith("agencies.") for action in actions)
