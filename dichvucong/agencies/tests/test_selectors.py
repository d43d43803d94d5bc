"""Public (unscoped) agency look-ups and the scoped search."""

from __future__ import annotations

import datetime as dt

import pytest

from dichvucong.accounts.constants import Role
from dichvucong.agencies import selectors
from dichvucong.agencies.models import Agency
from dichvucong.agencies.services import update_agency
from dichvucong.agencies.tests.factories import make_officer

pytestmark = pytest.mark.django_db


def test_list_active_agencies_drops_superseded_units(tree):
    """Given ward B merged into ward A on 1/7/2025, then it is listed before that day and not after."""
    update_agency(actor=None, agency=tree.ward_b, valid_until=dt.date(2025, 7, 1), superseded_by=tree.ward_a)
    assert tree.ward_b in selectors.list_active_agencies(on=dt.date(2025, 6, 30))
    assert tree.ward_b not in selectors.list_active_agencies(on=dt.date(2025, 7, 1))
    assert tree.ward_a in selectors.list_active_agencies()


def test_get_agency_by_code(tree):
    """An agency is found by its QCVN code; an unknown code raises DoesNotExist."""
    assert selectors.get_agency_by_code("000.50.68.H29") == tree.ward_a
    with pytest.raises(Agency.DoesNotExist):
        selectors.get_agency_by_code("999.99.99.Z99")


def test_search_is_accent_insensitive_and_scoped(tree):
    """Given ward A's admin, "sai gon" finds nothing (out of scope); "BEN THANH" finds A and its unit."""
    admin, _ = make_officer(agency=tree.ward_a, role=Role.AGENCY_ADMIN)
    assert list(selectors.list_agencies(admin, query="sai gon")) == []
    assert list(selectors.list_agencies(admin, query="BEN THANH")) == [tree.ward_a, tree.unit_a1]
    assert list(selectors.list_agencies(admin, query="000.50.68.A01")) == [tree.unit_a1]
