"""Back-office working-day calendar: city admins list, add and remove days; others are refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from dichvucong.accounts.constants import Role
from dichvucong.agencies import workdays
from dichvucong.agencies.calendar_days import declare_calendar_day
from dichvucong.agencies.constants import AgencyKind, CalendarDayKind
from dichvucong.agencies.models import CalendarDay
from dichvucong.agencies.tests.factories import make_agency, make_officer
from dichvucong.core.models import AuditEntry
from dichvucong.security.testing import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def city_admin():
    city = make_agency(kind=AgencyKind.CITY, code="000.00.00.H29")
    return make_officer(agency=city, role=Role.CITY_ADMIN)[0]


def _client(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def test_city_admin_sees_the_years_days(city_admin):
    """Given a declared holiday in 2026, when the city admin opens the 2026 calendar, then it is listed."""
    declare_calendar_day(
        actor=None, date=dt.date(2026, 9, 2), kind=CalendarDayKind.HOLIDAY, name="Quốc khánh"
    )
    response = _client(city_admin).get(reverse("backoffice:calendar"), {"year": "2026"})
    assert response.status_code == 200
    assert "Quốc khánh" in response.content.decode()


def test_city_admin_adds_a_swapped_working_saturday(city_admin):
    """Given the form, when the admin declares Saturday 10/10/2026 a working day, then it is stored,
    audited, and deadlines count that Saturday."""
    response = _client(city_admin).post(
        reverse("backoffice:calendar"),
        {"date": "2026-10-10", "kind": CalendarDayKind.WORKING_DAY, "name": "Làm bù", "agency": ""},
    )
    assert response.status_code == 302
    assert CalendarDay.objects.filter(date=dt.date(2026, 10, 10), kind=CalendarDayKind.WORKING_DAY).exists()
    assert AuditEntry.objects.filter(action="agencies.declare_calendar_day").exists()
    assert workdays.is_working_day(None, dt.date(2026, 10, 10))


def test_weekday_swapped_working_day_is_an_error_and_nothing_stored(city_admin):
    """Given a Tuesday declared a swapped working day, then the page answers 400 with the error."""
    response = _client(city_admin).post(
        reverse("backoffice:calendar"),
        {"date": "2026-10-13", "kind": CalendarDayKind.WORKING_DAY, "name": "Làm bù", "agency": ""},
    )
    assert response.status_code == 400
    assert "thứ Bảy hoặc Chủ Nhật" in response.content.decode()
    assert not CalendarDay.objects.exists()


def test_missing_date_is_tied_to_its_field(city_admin):
    """Given no date, then the date control is marked invalid and described by its error."""
    response = _client(city_admin).post(
        reverse("backoffice:calendar"), {"date": "", "kind": CalendarDayKind.HOLIDAY, "name": "X"}
    )
    assert response.status_code == 400
    assert 'aria-describedby="id_date_error"' in response.content.decode()


def test_city_admin_removes_a_day(city_admin):
    """Given a declared day off, when removed from the page, then the date is a working day again."""
    day = declare_calendar_day(
        actor=None, date=dt.date(2026, 10, 13), kind=CalendarDayKind.DAY_OFF, name="Bão"
    )
    response = _client(city_admin).post(reverse("backoffice:calendar_remove", args=[day.pk]))
    assert response.status_code == 302
    assert not CalendarDay.objects.exists()
    assert workdays.is_working_day(None, dt.date(2026, 10, 13))


def test_agency_admin_is_forbidden(city_admin):
    """Given a ward's agency admin, when opening or posting to the calendar, then 403 and nothing changes."""
    day = declare_calendar_day(
        actor=None, date=dt.date(2026, 10, 13), kind=CalendarDayKind.DAY_OFF, name="Bão"
    )
    admin = make_officer(agency=make_agency(), role=Role.AGENCY_ADMIN)[0]
    client = _client(admin)
    assert client.get(reverse("backoffice:calendar")).status_code == 403
    assert client.post(reverse("backoffice:calendar_remove", args=[day.pk])).status_code == 403
    assert CalendarDay.objects.filter(pk=day.pk).exists()
