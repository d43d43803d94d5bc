"""GET /api/v1/agencies/: the public list of agencies in force, for filters and integrations."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from dichvucong.agencies.constants import AgencyKind
from dichvucong.agencies.services import update_agency
from dichvucong.agencies.tests.factories import make_agency

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    city = make_agency(kind=AgencyKind.CITY, name="Ủy ban nhân dân Thành phố", code="000.00.00.H29")
    ben_thanh = make_agency(
        parent=city, kind=AgencyKind.WARD, name="Ủy ban nhân dân Phường Bến Thành", code="000.50.68.H29"
    )
    finance = make_agency(parent=city, kind=AgencyKind.DEPARTMENT, name="Sở Tài chính", code="000.00.12.H29")
    return city, ben_thanh, finance


def test_lists_agencies_with_their_parent_code_anonymously(tree) -> None:
    """Given the tree, when anyone asks for the agencies, then each comes with code, name, kind and the
    parent's code, in tree order, without logging in."""
    response = Client().get("/api/v1/agencies/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert rows[0]["code"] == "000.00.00.H29"
    ward = next(row for row in rows if row["code"] == "000.50.68.H29")
    assert ward["parent_code"] == "000.00.00.H29" and ward["kind"] == "ward"


def test_search_ignores_diacritics_and_matches_codes(tree) -> None:
    """Given "ben thanh" typed without accents, or the start of a code, when searching, then Phường
    Bến Thành (or the matching code) is found and nothing else."""
    by_name = Client().get("/api/v1/agencies/", {"q": "ben thanh"}).json()["results"]
    assert [row["code"] for row in by_name] == ["000.50.68.H29"]
    by_code = Client().get("/api/v1/agencies/", {"q": "000.00.12"}).json()["results"]
    assert [row["name"] for row in by_code] == ["Sở Tài chính"]


def test_kind_filter_and_a_clear_error_for_an_unknown_kind(tree) -> None:
    """Given ?kind=department the list has only departments; given ?kind=castle the answer is a 400
    naming the field, in the shared error shape."""
    rows = Client().get("/api/v1/agencies/", {"kind": "department"}).json()["results"]
    assert {row["code"] for row in rows} == {"000.00.12.H29"}
    bad = Client().get("/api/v1/agencies/", {"kind": "castle"})
    assert bad.status_code == 400
    assert "kind" in bad.json()["error"]["fields"]


def test_agencies_no_longer_in_force_are_not_listed(tree) -> None:
    """Given a ward merged away (valid until yesterday), when listing, then it is absent."""
    _city, ben_thanh, _finance = tree
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    update_agency(actor=None, agency=ben_thanh, valid_until=yesterday)
    codes = {row["code"] for row in Client().get("/api/v1/agencies/").json()["results"]}
    assert "000.50.68.H29" not in codes
