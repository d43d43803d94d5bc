"""The Django admin is for city admins (and superusers) only; changes made there go through the services."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from dichvucong.accounts.constants import Role
from dichvucong.accounts.services import create_officer_account
from dichvucong.agencies.models import Agency
from dichvucong.agencies.tests.factories import PASSWORD, make_citizen, make_officer
from dichvucong.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    # Admin and back office need a session verified by a second factor (django-otp).
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.create(user=user, confirmed=True).persistent_id
    session.save()
    return client


@pytest.mark.parametrize("role", [Role.AGENCY_ADMIN, Role.COUNTER_OFFICER, Role.AUDITOR])
def test_non_city_admins_are_sent_to_admin_login(tree, role):
    """Given a ward admin, a counter officer or an auditor (even with is_staff), when opening /admin/, then
    they are redirected to the admin login."""
    user, _ = make_officer(agency=tree.ward_a, role=role)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    response = _client(user).get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_citizen_is_sent_to_admin_login(tree):
    """Given a citizen, when opening /admin/, then they are redirected to the admin login."""
    response = _client(make_citizen()).get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_city_admin_gets_in_and_sees_agencies(tree):
    """Given a city admin without is_staff, when opening the admin and the agency list, then both load."""
    admin, _ = make_officer(agency=tree.city, role=Role.CITY_ADMIN)
    client = _client(admin)
    assert client.get(reverse("admin:index")).status_code == 200
    response = client.get(reverse("admin:agencies_agency_changelist"))
    assert response.status_code == 200
    assert "000.50.68.H29" in response.content.decode()
    assert client.get(reverse("admin:agencies_agency_change", args=[tree.ward_a.pk])).status_code == 200
    for name in ("agencies_assignment", "accounts_user", "accounts_organisation"):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_ended_city_admin_is_locked_out(tree):
    """Given a city admin whose assignment ended, then /admin/ redirects to login."""
    from dichvucong.agencies.services import end_assignment

    admin, assignment = make_officer(agency=tree.city, role=Role.CITY_ADMIN)
    end_assignment(actor=None, assignment=assignment)
    assert _client(admin).get(reverse("admin:index")).status_code == 302


def test_city_admin_can_log_in_through_admin_login_form(tree):
    """Given a city admin (not is_staff) with a password, when posting the admin login form, then it is
    accepted; a ward admin with valid credentials is refused."""
    city_admin = create_officer_account(
        actor=None, username="tp-admin", full_name="Quản trị TP", password=PASSWORD
    )
    from dichvucong.agencies.services import create_assignment

    create_assignment(actor=None, user=city_admin, agency=tree.city, role=Role.CITY_ADMIN)
    ward_admin = create_officer_account(
        actor=None, username="phuong-admin", full_name="Quản trị P", password=PASSWORD
    )
    create_assignment(actor=None, user=ward_admin, agency=tree.ward_a, role=Role.AGENCY_ADMIN)
    ok = Client().post(
        reverse("admin:login"), {"username": "tp-admin", "password": PASSWORD, "next": "/admin/"}
    )
    assert ok.status_code == 302 and ok["Location"] == "/admin/"
    refused = Client().post(reverse("admin:login"), {"username": "phuong-admin", "password": PASSWORD})
    assert refused.status_code == 200


def test_admin_edit_of_code_and_parent_goes_through_services(tree):
    """Given a city admin, when moving ward A under ward B and changing its code in the admin, then the
    subtree paths follow and the change is audited; a cycle is refused with a form error."""
    admin, _ = make_officer(agency=tree.city, role=Role.CITY_ADMIN)
    client = _client(admin)
    url = reverse("admin:agencies_agency_change", args=[tree.ward_a.pk])
    base = {
        "name": tree.ward_a.name,
        "name_en": "",
        "kind": tree.ward_a.kind,
        "nso_unit_code": "",
        "office_hours-TOTAL_FORMS": 0,
        "office_hours-INITIAL_FORMS": 0,
        "office_hours-MIN_NUM_FORMS": 0,
        "office_hours-MAX_NUM_FORMS": 1000,
    }
    response = client.post(url, {**base, "code": "000.50.68.H30", "parent": tree.unit_a1.pk})
    assert response.status_code == 200 and "cấp dưới" in response.content.decode()
    response = client.post(url, {**base, "code": "000.50.68.H30", "parent": tree.ward_b.pk})
    assert response.status_code == 302, response.content.decode()[:3000]
    ward_a, unit = Agency.objects.get(pk=tree.ward_a.pk), Agency.objects.get(pk=tree.unit_a1.pk)
    assert ward_a.code == "000.50.68.H30"
    assert unit.path.startswith(Agency.objects.get(pk=tree.ward_b.pk).path)
    assert AuditEntry.objects.filter(
        action="agencies.update_agency", target_id=str(ward_a.pk), actor=admin
    ).exists()


def _admin_change_form(ward, parent, *, delete_weekday=None, add=None) -> dict:
    """The admin change form of ``ward`` as posted: its fields, its current office hours (minus those
    of ``delete_weekday``) and one extra window ``add = (weekday, opens, closes)``."""
    hours = list(ward.office_hours.order_by("weekday", "opens"))
    data = {
        "code": ward.code,
        "name": ward.name,
        "name_en": "",
        "kind": ward.kind,
        "parent": parent.pk,
        "nso_unit_code": "",
        "office_hours-TOTAL_FORMS": len(hours) + 1,
        "office_hours-INITIAL_FORMS": len(hours),
        "office_hours-MIN_NUM_FORMS": 0,
        "office_hours-MAX_NUM_FORMS": 1000,
    }
    for i, h in enumerate(hours):
        data.update(
            {
                f"office_hours-{i}-id": h.pk,
                f"office_hours-{i}-agency": ward.pk,
                f"office_hours-{i}-weekday": h.weekday,
                f"office_hours-{i}-opens": h.opens.strftime("%H:%M"),
                f"office_hours-{i}-closes": h.closes.strftime("%H:%M"),
            }
        )
        if h.weekday == delete_weekday:
            data[f"office_hours-{i}-DELETE"] = "on"
    if add is not None:
        n = len(hours)
        weekday, opens, closes = add
        data.update(
            {
                f"office_hours-{n}-agency": ward.pk,
                f"office_hours-{n}-weekday": weekday,
                f"office_hours-{n}-opens": opens,
                f"office_hours-{n}-closes": closes,
            }
        )
    return data


def test_admin_inline_edits_office_hours_through_service(tree):
    """Given a city admin, when the admin inline deletes Saturday and adds Sunday morning, then the other
    windows stay and the change is audited."""
    admin, _ = make_officer(agency=tree.city, role=Role.CITY_ADMIN)
    ward = tree.ward_a
    data = _admin_change_form(ward, tree.city, delete_weekday=5, add=(6, "08:00", "11:00"))
    response = _client(admin).post(reverse("admin:agencies_agency_change", args=[ward.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    days = sorted(ward.office_hours.values_list("weekday", flat=True))
    assert days == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 6]
    assert AuditEntry.objects.filter(action="agencies.set_office_hours", actor=admin).exists()


def test_admin_inline_refuses_overlapping_windows(tree):
    """Given a city admin, when the inline adds a Monday window overlapping the morning, then the form
    shows the error and the stored hours stay."""
    admin, _ = make_officer(agency=tree.city, role=Role.CITY_ADMIN)
    ward = tree.ward_b
    before = ward.office_hours.count()
    data = _admin_change_form(ward, tree.city, add=(0, "10:00", "12:00"))
    response = _client(admin).post(reverse("admin:agencies_agency_change", args=[ward.pk]), data)
    assert response.status_code == 200
    assert "chồng lên nhau" in response.content.decode()
    assert ward.office_hours.count() == before


def test_city_admin_sees_the_read_only_audit_outbox_and_notification_pages_of_lower_apps(tree):
    """Given a city admin who is not a superuser, when they open the admin pages that core and
    notifications register (those apps cannot know about roles), then the pages load; a ward admin
    still cannot reach them."""
    city_admin, _ = make_officer(agency=tree.city, role=Role.CITY_ADMIN)
    ward_admin, _ = make_officer(agency=tree.ward_a, role=Role.AGENCY_ADMIN)
    urls = ("/admin/core/auditentry/", "/admin/core/outboxmessage/", "/admin/notifications/notification/")
    for url in urls:
        assert _client(city_admin).get(url).status_code == 200, url
        assert _client(ward_admin).get(url).status_code == 302, url
