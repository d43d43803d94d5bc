"""Declared calendar days: city admins declare and remove them, the seed command fills them once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from dichvucong.accounts.constants import Role
from dichvucong.agencies import workdays
from dichvucong.agencies.calendar_days import declare_calendar_day, list_calendar_days, remove_calendar_day
from dichvucong.agencies.constants import AgencyKind, CalendarDayKind
from dichvucong.agencies.errors import AgencyError, OutOfScopeError
from dichvucong.agencies.models import CalendarDay
from dichvucong.agencies.tests.factories import make_agency, make_officer
from dichvucong.core.models import AuditEntry


def test_seed_holidays_command_is_idempotent(db: None) -> None:
    """Given an empty calendar, when seed_holidays 2026 runs twice, then the second run adds nothing and
    the Tết, 2/9 and swapped-Saturday rows are there once."""
    call_command("seed_holidays", "2026")
    count = CalendarDay.objects.count()
    call_command("seed_holidays", "2026")
    assert CalendarDay.objects.count() == count
    assert CalendarDay.objects.get(date=dt.date(2026, 2, 17)).kind == CalendarDayKind.HOLIDAY
    assert CalendarDay.objects.get(date=dt.date(2026, 8, 22)).kind == CalendarDayKind.WORKING_DAY
    assert CalendarDay.objects.get(date=dt.date(2026, 8, 31)).kind == CalendarDayKind.DAY_OFF
    assert "Tết" in CalendarDay.objects.get(date=dt.date(2026, 2, 17)).name


def test_seed_keeps_a_day_an_admin_already_declared(db: None) -> None:
    """Given 1/9/2026 already declared a day off with the admin's own name, when seeding 2026, then the
    admin's row is kept as it was."""
    declare_calendar_day(
        actor=None, date=dt.date(2026, 9, 1), kind=CalendarDayKind.DAY_OFF, name="Nghỉ liền kề"
    )
    call_command("seed_holidays", "2026")
    assert CalendarDay.objects.get(date=dt.date(2026, 9, 1), agency=None).name == "Nghỉ liền kề"


def test_declare_is_audited_and_changes_the_calendar_at_once(db: None) -> None:
    """Given a weekday computed as working (cached), when a city admin declares it a day off, then it is
    no longer working and the audit log names the change."""
    admin, _assignment = make_officer(agency=make_agency(kind=AgencyKind.CITY), role=Role.CITY_ADMIN)
    assert workdays.is_working_day(None, dt.date(2026, 10, 13))
    declare_calendar_day(actor=admin, date=dt.date(2026, 10, 13), kind=CalendarDayKind.DAY_OFF, name="Bão")
    assert not workdays.is_working_day(None, dt.date(2026, 10, 13))
    assert AuditEntry.objects.filter(action="agencies.declare_calendar_day").count() == 1


def test_remove_restores_the_weekly_rhythm(db: None) -> None:
    """Given a declared day off, when removed, then the date is a working day again and it is audited."""
    day = declare_calendar_day(
        actor=None, date=dt.date(2026, 10, 13), kind=CalendarDayKind.DAY_OFF, name="Bão"
    )
    assert not workdays.is_working_day(None, dt.date(2026, 10, 13))
    remove_calendar_day(actor=None, day=day)
    assert workdays.is_working_day(None, dt.date(2026, 10, 13))
    assert AuditEntry.objects.filter(action="agencies.remove_calendar_day").count() == 1


def test_counter_officer_may_not_declare_days(db: None) -> None:
    """Given a counter officer, when declaring a day off, then it is refused and nothing is stored."""
    officer, _assignment = make_officer(agency=make_agency())
    with pytest.raises(OutOfScopeError):
        declare_calendar_day(
            actor=officer, date=dt.date(2026, 10, 13), kind=CalendarDayKind.DAY_OFF, name="X"
        )
    assert not CalendarDay.objects.exists()


@pytest.mark.parametrize(
    ("date", "kind", "name"),
    [
        (dt.date(2026, 10, 13), CalendarDayKind.WORKING_DAY, "Làm bù thứ Ba"),  # not a weekend day
        (dt.date(2026, 10, 13), CalendarDayKind.HOLIDAY, "   "),  # no name
        (dt.date(2026, 10, 13), "party", "Liên hoan"),  # unknown kind
    ],
)
def test_bad_declarations_are_refused(db: None, date: dt.date, kind: str, name: str) -> None:
    """Given a bad declaration, then a translated error and nothing stored."""
    with pytest.raises(AgencyError):
        declare_calendar_day(actor=None, date=date, kind=kind, name=name)
    assert not CalendarDay.objects.exists()


def test_same_date_twice_in_one_scope_is_refused_but_allowed_per_agency(db: None) -> None:
    """Given a city-wide day, when declaring it again city-wide, then refused; for one agency, accepted."""
    ward = make_agency()
    declare_calendar_day(actor=None, date=dt.date(2026, 10, 13), kind=CalendarDayKind.DAY_OFF, name="Bão")
    with pytest.raises(AgencyError):
        declare_calendar_day(actor=None, date=dt.date(2026, 10, 13), kind=CalendarDayKind.HOLIDAY, name="Lại")
    declare_calendar_day(
        actor=None,
        date=dt.date(2026, 10, 13),
        kind=CalendarDayKind.DAY_OFF,
        name="Phường nghỉ",
        agency=ward,
    )
    assert list_calendar_days(year=2026, agency=ward).count() == 2
    assert list_calendar_days(year=2026).count() == 2
