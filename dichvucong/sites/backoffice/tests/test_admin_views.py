"""Back-office administration pages: agencies and officers, with the data scope enforced on every view."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from dichvucong.accounts.constants import Role
from dichvucong.accounts.models import User
from dichvucong.agencies.constants import AgencyKind
from dichvucong.agencies.models import Agency, Assignment
from dichvucong.agencies.tests.factories import make_agency, make_citizen, make_officer
from dichvucong.security.testing import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(db):
    root = make_agency(kind=AgencyKind.CITY, name="Ủy ban nhân dân Thành phố", code="000.00.00.H29")
    ward_a = make_agency(parent=root, name="Ủy ban nhân dân Phường Bến Thành", code="000.50.68.H29")
    unit_a1 = make_agency(
        parent=ward_a, kind=AgencyKind.OFFICE, name="Bộ phận Một cửa Bến Thành", code="000.50.68.A01"
    )
    ward_b = make_agency(parent=root, name="Ủy ban nhân dân Phường Sài Gòn", code="000.50.69.H29")
    return {"root": root, "a": ward_a, "a1": unit_a1, "b": ward_b}


def _client(user: User) -> Client:
    client = Client()
    login_verified(client, user)  # back office: second factor passed
    return client


def test_ward_admin_lists_only_agencies_in_its_subtree(city):
    """Given ward A's admin, when listing agencies, then ward A and its unit appear, nothing else."""
    admin, _ = make_officer(agency=city["a"], role=Role.AGENCY_ADMIN)
    html = _client(admin).get(reverse("backoffice:agencies")).content.decode()
    assert "Phường Bến Thành" in html and "Bộ phận Một cửa Bến Thành" in html
    assert "Phường Sài Gòn" not in html and "Ủy ban nhân dân Thành phố" not in html


def test_agency_search_by_unaccented_name_and_code(city):
    """Given a city admin, when searching "ben thanh" or a code, then the matching agencies are listed."""
    admin, _ = make_officer(agency=city["root"], role=Role.CITY_ADMIN)
    client = _client(admin)
    html = client.get(reverse("backoffice:agencies"), {"q": "ben thanh"}).content.decode()
    assert "Phường Bến Thành" in html and "Phường Sài Gòn" not in html
    html = client.get(reverse("backoffice:agencies"), {"q": "000.50.69"}).content.decode()
    assert "Phường Sài Gòn" in html and "Phường Bến Thành" not in html


def test_agency_detail_shows_office_hours_and_404s_out_of_scope(city):
    """Given ward A's counter officer, then its own ward's detail shows office hours; ward B's is a 404."""
    officer, _ = make_officer(agency=city["a"])
    client = _client(officer)
    response = client.get(reverse("backoffice:agency_detail", args=[city["a"].pk]))
    assert response.status_code == 200
    assert "Thứ Bảy 07:30–11:30" in response.content.decode()
    assert client.get(reverse("backoffice:agency_detail", args=[city["b"].pk])).status_code == 404
    assert client.get(reverse("backoffice:agency_detail", args=[999999])).status_code == 404


def test_ward_admin_edits_own_ward_hours(city):
    """Given ward A's admin, when saving a new English name and Saturday removed, then both are stored."""
    admin, _ = make_officer(agency=city["a"], role=Role.AGENCY_ADMIN)
    client = _client(admin)
    url = reverse("backoffice:agency_edit", args=[city["a"].pk])
    assert client.get(url).status_code == 200
    windows = [(d, o, c) for d in range(5) for o, c in (("07:30", "11:30"), ("13:00", "17:00"))] + [
        (5, "07:30", "11:30")
    ]
    data = {
        "name": city["a"].name,
        "name_en": "Ben Thanh Ward",
        "hours-TOTAL_FORMS": 13,
        "hours-INITIAL_FORMS": 11,
        "hours-MIN_NUM_FORMS": 0,
        "hours-MAX_NUM_FORMS": 1000,
    }
    for i, (day, opens, closes) in enumerate(windows):
        data.update({f"hours-{i}-weekday": day, f"hours-{i}-opens": opens, f"hours-{i}-closes": closes})
    data["hours-10-DELETE"] = "on"  # Saturday morning
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    ward = Agency.objects.get(pk=city["a"].pk)
    assert ward.name_en == "Ben Thanh Ward"
    assert not ward.office_hours.filter(weekday=5).exists()
    assert ward.office_hours.count() == 10


def test_ward_admin_cannot_open_or_post_another_wards_edit_page(city):
    """Given ward A's admin, when opening or posting ward B's edit page, then 404 and nothing changes."""
    admin, _ = make_officer(agency=city["a"], role=Role.AGENCY_ADMIN)
    client = _client(admin)
    url = reverse("backoffice:agency_edit", args=[city["b"].pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "Bị sửa"}).status_code == 404
    assert Agency.objects.get(pk=city["b"].pk).name == "Ủy ban nhân dân Phường Sài Gòn"


def test_read_only_roles_cannot_edit_even_own_agency(city):
    """Given a leader of ward A, when opening its edit page, then 403 (no admin role at all)."""
    leader, _ = make_officer(agency=city["a"], role=Role.AGENCY_LEADER)
    assert _client(leader).get(reverse("backoffice:agency_edit", args=[city["a"].pk])).status_code == 403


def test_ward_admin_edit_form_hides_code_but_city_admin_changes_it(city):
    """Given ward A's admin, the edit form has no code field; a city admin changes ward B's code."""
    admin, _ = make_officer(agency=city["a"], role=Role.AGENCY_ADMIN)
    assert (
        'name="code"'
        not in _client(admin).get(reverse("backoffice:agency_edit", args=[city["a"].pk])).content.decode()
    )
    city_admin, _ = make_officer(agency=city["root"], role=Role.CITY_ADMIN)
    ward_b = city["b"]
    data = {
        "name": ward_b.name,
        "name_en": "",
        "code": "000.50.70.H29",
        "kind": ward_b.kind,
        "parent": city["root"].pk,
        "hours-TOTAL_FORMS": 0,
        "hours-INITIAL_FORMS": 0,
        "hours-MIN_NUM_FORMS": 0,
        "hours-MAX_NUM_FORMS": 1000,
    }
    response = _client(city_admin).post(reverse("backoffice:agency_edit", args=[ward_b.pk]), data)
    assert response.status_code == 302
    assert Agency.objects.get(pk=ward_b.pk).code == "000.50.70.H29"


def test_city_admin_reparent_cycle_shows_translated_error(city):
    """Given a city admin, when moving ward A under its own unit, then the form shows the cycle error."""
    city_admin, _ = make_officer(agency=city["root"], role=Role.CITY_ADMIN)
    ward_a = city["a"]
    data = {
        "name": ward_a.name,
        "name_en": "",
        "code": ward_a.code,
        "kind": ward_a.kind,
        "parent": city["a1"].pk,
        "hours-TOTAL_FORMS": 0,
        "hours-INITIAL_FORMS": 0,
        "hours-MIN_NUM_FORMS": 0,
        "hours-MAX_NUM_FORMS": 1000,
    }
    response = _client(city_admin).post(reverse("backoffice:agency_edit", args=[ward_a.pk]), data)
    assert response.status_code == 200
    assert "vòng lặp" in response.content.decode()


def test_user_list_is_scoped(city):
    """Given staff in wards A and B and a citizen, then ward A's admin lists only ward A's staff, and a
    city admin lists everybody including the citizen."""
    admin, _ = make_officer(agency=city["a"], role=Role.AGENCY_ADMIN, username="quantri-a")
    make_officer(agency=city["a1"], username="canbo-a1")
    make_officer(agency=city["b"], username="canbo-b")
    make_citizen("congdan")
    html = _client(admin).get(reverse("backoffice:users")).content.decode()
    assert "canbo-a1" in html and "canbo-b" not in html and "congdan" not in html
    city_admin, _ = make_officer(agency=city["root"], role=Role.CITY_ADMIN)
    html = _client(city_admin).get(reverse("backoffice:users")).content.decode()
    assert "canbo-a1" in html and "canbo-b" in html and "congdan" in html


def test_user_detail_404_out_of_scope_and_hides_foreign_assignments(city):
    """Given ward A's admin, ward B's officer is a 404; an officer of both wards shows only ward A's role."""
    admin, _ = make_officer(agency=city["a"], role=Role.AGENCY_ADMIN)
    other, _ = make_officer(agency=city["b"])
    shared, _ = make_officer(agency=city["a"], role=Role.SPECIALIST)
    from dichvucong.agencies.services import create_assignment

    create_assignment(actor=None, user=shared, agency=city["b"], role=Role.UNIT_HEAD)
    client = _client(admin)
    assert client.get(reverse("backoffice:user_detail", args=[other.pk])).status_code == 404
    html = client.get(reverse("backoffice:user_detail", args=[shared.pk])).content.decode()
    assert "Chuyên viên" in html and "Phường Sài Gòn" not in html and "Lãnh đạo phòng" not in html
    # and it may not lock an officer who also works in ward B
    assert (
        client.post(reverse("backoffice:user_set_active", args=[shared.pk]), {"active": "0"}).status_code
        == 404
    )
    assert User.objects.get(pk=shared.pk).is_active


def test_ward_admin_creates_officer_in_own_ward(city):
    """Given ward A's admin, when creating a specialist at ward A, then the account and assignment exist."""
    admin, _ = make_officer(agency=city["a"], role=Role.AGENCY_ADMIN)
    client = _client(admin)
    assert client.get(reverse("backoffice:user_create")).status_code == 200
    response = client.post(
        reverse("backoffice:user_create"),
        {
            "username": "chuyenvien-moi",
            "full_name": "Trần Thị Mới",
            "agency": city["a"].pk,
            "role": Role.SPECIALIST,
            "fields": "ho-tich, chung-thuc",
        },
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get(user__username="chuyenvien-moi")
    assert (assignment.agency_id, assignment.role, assignment.fields) == (
        city["a"].pk,
        Role.SPECIALIST,
        ["chung-thuc", "ho-tich"],
    )


def test_ward_admin_cannot_create_officer_in_another_ward_or_as_city_admin(city):
    """Given ward A's admin, posting ward B or the city-admin role is refused, no account."""
    admin, _ = make_officer(agency=city["a"], role=Role.AGENCY_ADMIN)
    client = _client(admin)
    for agency, role in ((city["b"], Role.SPECIALIST), (city["a"], Role.CITY_ADMIN)):
        response = client.post(
            reverse("backoffice:user_create"),
            {
                "username": "xam-nhap",
                "full_name": "Xâm Nhập",
                "agency": agency.pk,
                "role": role,
            },
        )
        assert response.status_code == 200
    assert not User.objects.filter(username="xam-nhap").exists()


@pytest.mark.parametrize(
    "role", [Role.COUNTER_OFFICER, Role.SPECIALIST, Role.UNIT_HEAD, Role.AGENCY_LEADER, Role.AUDITOR]
)
def test_non_admins_cannot_create_officers(city, role):
    """Given a non-admin role, when opening the create-officer page, then 403."""
    user, _ = make_officer(agency=city["a"], role=role)
    assert _client(user).get(reverse("backoffice:user_create")).status_code == 403


def test_citizen_gets_403_on_admin_pages(city):
    """Given a citizen, when opening the agency or user list, then 403."""
    client = _client(make_citizen())
    assert client.get(reverse("backoffice:agencies")).status_code == 403
    assert client.get(reverse("backoffice:users")).status_code == 403


def test_agency_list_query_count_is_bounded(city, django_assert_max_num_queries):
    """Given many agencies, then the list page runs a bounded number of queries."""
    for _ in range(15):
        make_agency(parent=city["a"])
    admin, _ = make_officer(agency=city["root"], role=Role.CITY_ADMIN)
    client = _client(admin)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("backoffice:agencies")).status_code == 200


def test_admin_home_redirects_to_agencies(city):
    """The "Quản trị" menu entry leads to the agency list."""
    admin, _ = make_officer(agency=city["a"], role=Role.AGENCY_ADMIN)
    response = _client(admin).get(reverse("backoffice:admin_home"))
    assert response.status_code == 302 and response["Location"] == reverse("backoffice:agencies")


def test_agency_pages_in_english(city):
    """Given the English language cookie, then the agency list and kinds are in English."""
    admin, _ = make_officer(agency=city["a"], role=Role.AGENCY_ADMIN)
    client = _client(admin)
    client.cookies["dvc_language"] = "en"
    html = client.get(reverse("backoffice:agencies")).content.decode()
    assert "Agencies and units" in html and "Ward" in html
    html = client.get(reverse("backoffice:agency_detail", args=[city["a"].pk])).content.decode()
    assert "Office hours" in html and "Saturday 07:30–11:30" in html
