"""The back-office dashboard: the officer's name, roles and data scope in words."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from dichvucong.accounts.constants import Role
from dichvucong.security.testing import login_verified

pytestmark = pytest.mark.django_db


def _dashboard(user, language: str = "vi") -> str:
    client = Client()
    login_verified(client, user)  # back office: second factor passed
    client.cookies["dvc_language"] = language
    response = client.get(reverse("backoffice:home"))
    assert response.status_code == 200
    return response.content.decode()


def test_dashboard_shows_name_roles_and_scope_in_words(make_officer) -> None:
    """Given a counter officer of one ward, when they open the dashboard, then it greets them by name,
    lists the role and states the scope as that ward with all fields."""
    html = _dashboard(make_officer(role=Role.COUNTER_OFFICER))
    assert "Xin chào, Trần Thị Bình" in html
    assert "Cán bộ một cửa" in html
    assert "Phạm vi dữ liệu: UBND Phường Bến Thành; lĩnh vực: tất cả." in html


def test_dashboard_names_the_fields_of_a_field_limited_officer(make_officer) -> None:
    """Given a specialist limited to two fields, when they open the dashboard, then the fields are named."""
    html = _dashboard(make_officer(role=Role.SPECIALIST, fields=["G01", "H02"]))
    assert "Phạm vi dữ liệu: UBND Phường Bến Thành; lĩnh vực: G01, H02." in html


def test_dashboard_counts_subordinate_units_of_a_subtree_scope(make_officer) -> None:
    """Given a unit head (scope = agency subtree), when they open the dashboard, then the ward is named
    with the number of subordinate units."""
    html = _dashboard(make_officer(role=Role.UNIT_HEAD))
    assert "UBND Phường Bến Thành (gồm 1 đơn vị trực thuộc)" in html


def test_dashboard_of_a_city_admin_says_the_whole_city(make_officer) -> None:
    """Given a city admin, when they open the dashboard, then the scope is the whole city."""
    html = _dashboard(make_officer(role=Role.CITY_ADMIN))
    assert "Phạm vi dữ liệu: toàn Thành phố; lĩnh vực: tất cả." in html


def test_dashboard_in_english_uses_english_agency_names(make_officer) -> None:
    """Given English, when a counter officer opens the dashboard, then roles, scope sentence and the
    agency name are English."""
    html = _dashboard(make_officer(role=Role.COUNTER_OFFICER), language="en")
    assert "Data scope: Ben Thanh Ward People&#x27;s Committee; fields: all." in html
    assert "Hello, Trần Thị Bình" in html
    assert "Phạm vi" not in html


def test_navigation_marks_the_dashboard_as_current(make_officer) -> None:
    """Given the dashboard, when it renders, then the menu shows it as the current page."""
    html = _dashboard(make_officer())
    assert f'<a href="{reverse("backoffice:home")}" aria-current="page">Tổng quan</a>' in html
