"""The working-day calendar, one test per legal rule (SPEC-VN §5), plus property-based checks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from dichvucong.agencies import workdays
from dichvucong.agencies.calendar_days import declare_calendar_day, seed_holidays
from dichvucong.agencies.constants import AgencyKind, CalendarDayKind, SlaState
from dichvucong.agencies.errors import AgencyError
from dichvucong.agencies.models import Agency
from dichvucong.agencies.services import set_office_hours
from dichvucong.agencies.tests.factories import make_agency

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=HCM)


@pytest.fixture
def department(db: None) -> Agency:
    return make_agency(kind=AgencyKind.DEPARTMENT, name="Sở Tư pháp")


@pytest.fixture
def ward(db: None) -> Agency:
    return make_agency(kind=AgencyKind.WARD, name="Phường Bến Thành")


@pytest.fixture
def calendar_2026(db: None) -> None:
    seed_holidays(actor=None, years=[2026])


# --- Public holidays (Labour Code 2019 Art. 112) -------------------------------------------------


def test_seeded_tet_2026_gives_mung_1_on_17_february_and_five_weekdays_off(calendar_2026: None) -> None:
    """Given the 2026 holidays seeded from the package, when asking about Tết, then Mon 16 – Fri 20 Feb
    (Mùng 1 = Tue 17 Feb) are days off, so with the weekends the office is closed 14–22 Feb."""
    closed = [dt.date(2026, 2, day) for day in range(14, 23)]
    assert [workdays.is_working_day(None, day) for day in closed] == [False] * 9
    assert workdays.is_working_day(None, dt.date(2026, 2, 13))
    assert workdays.is_working_day(None, dt.date(2026, 2, 23))


def test_a_working_day_duration_crosses_tet_2026(calendar_2026: None, department: Agency) -> None:
    """Given a dossier received Friday 13 Feb 2026 at 08:00 with 2 working days, when computing the due
    date, then Tết (14–22 Feb) is skipped and it is due Tuesday 24 Feb at 08:00."""
    due = workdays.due_at(department, at(2026, 2, 13, 8), Decimal(2), "working_days")
    assert due == at(2026, 2, 24, 8)


def test_declared_tet_table_wins_over_weekday_rhythm(db: None, department: Agency) -> None:
    """Given no package data but a declared table of Tết 2026 days (16–20 Feb), when adding 1 working
    day to Friday 13 Feb, then the result is Monday 23 Feb."""
    for day in range(16, 21):
        declare_calendar_day(
            actor=None, date=dt.date(2026, 2, day), kind=CalendarDayKind.HOLIDAY, name="Tết Nguyên Đán"
        )
    assert workdays.add_working_days(department, dt.date(2026, 2, 13), 1) == dt.date(2026, 2, 23)


def test_tet_2030_starts_on_saturday_2_february(db: None) -> None:
    """Given the 2030 holidays seeded, when checking Tết, then Mùng 1 (Sat 2 Feb) and the weekdays
    around it (Thu 31 Jan – Wed 6 Feb) are off and Thursday 7 Feb is a working day again."""
    seed_holidays(actor=None, years=[2030])
    assert not workdays.is_working_day(None, dt.date(2030, 1, 31))
    assert not workdays.is_working_day(None, dt.date(2030, 2, 6))
    assert workdays.is_working_day(None, dt.date(2030, 1, 30))
    assert workdays.is_working_day(None, dt.date(2030, 2, 7))
    assert workdays.add_working_days(None, dt.date(2030, 1, 30), 1) == dt.date(2030, 2, 7)


def test_gio_to_hung_vuong_2026_falls_on_sunday_and_is_taken_on_monday(calendar_2026: None) -> None:
    """Given 2026 (Giỗ Tổ on Sunday 26 Apr), when checking Monday 27 Apr, then it is the day off in lieu."""
    assert not workdays.is_working_day(None, dt.date(2026, 4, 27))
    assert workdays.add_working_days(None, dt.date(2026, 4, 24), 1) == dt.date(2026, 4, 28)


def test_national_day_2026_with_its_adjacent_day(calendar_2026: None) -> None:
    """Given 2026, when checking 2/9, then 1/9 and 2/9 are off (2/9 + one adjacent day), and 30/4, 1/5
    and 1/1 too."""
    for day in (dt.date(2026, 9, 1), dt.date(2026, 9, 2), dt.date(2026, 4, 30), dt.date(2026, 5, 1)):
        assert not workdays.is_working_day(None, day), day
    assert not workdays.is_working_day(None, dt.date(2026, 1, 1))
    assert workdays.is_working_day(None, dt.date(2026, 9, 3))


def test_swapped_working_saturday_counts(calendar_2026: None, department: Agency) -> None:
    """Given Saturday 22 Aug 2026 declared a working day (in exchange for Monday 31 Aug), when adding
    working days from Friday 21 Aug, then the Saturday counts and the Monday does not."""
    assert workdays.is_working_day(department, dt.date(2026, 8, 22))
    assert not workdays.is_working_day(department, dt.date(2026, 8, 31))
    assert workdays.add_working_days(department, dt.date(2026, 8, 21), 1) == dt.date(2026, 8, 22)
    assert workdays.add_working_days(department, dt.date(2026, 8, 21), 2) == dt.date(2026, 8, 24)
    assert workdays.add_working_days(department, dt.date(2026, 8, 28), 1) == dt.date(2026, 9, 3)


def test_swapped_saturday_is_a_full_working_day(db: None, department: Agency) -> None:
    """Given a declared swapped working Saturday, when a dossier received that Saturday at 07:30 has 1
    working day, then it is due at 17:00 the same day (weekday windows apply)."""
    declare_calendar_day(
        actor=None, date=dt.date(2026, 10, 10), kind=CalendarDayKind.WORKING_DAY, name="Làm bù"
    )
    assert workdays.due_at(department, at(2026, 10, 10, 7, 30), 1, "working_days") == at(2026, 10, 10, 17)


def test_holiday_declared_for_one_agency_only(db: None, department: Agency, ward: Agency) -> None:
    """Given a day off declared for one ward only, when checking that date, then the ward is closed and
    another agency works as usual."""
    declare_calendar_day(
        actor=None,
        date=dt.date(2026, 10, 14),
        kind=CalendarDayKind.DAY_OFF,
        name="Sự kiện phường",
        agency=ward,
    )
    assert not workdays.is_working_day(ward, dt.date(2026, 10, 14))
    assert workdays.is_working_day(department, dt.date(2026, 10, 14))


def test_agency_working_day_overrides_city_holiday(db: None, department: Agency, ward: Agency) -> None:
    """Given a city-wide day off and the ward declared working that day, then only the ward works."""
    declare_calendar_day(actor=None, date=dt.date(2026, 10, 17), kind=CalendarDayKind.HOLIDAY, name="Nghỉ")
    declare_calendar_day(
        actor=None, date=dt.date(2026, 10, 17), kind=CalendarDayKind.WORKING_DAY, name="Trực", agency=ward
    )
    assert workdays.is_working_day(ward, dt.date(2026, 10, 17))
    assert not workdays.is_working_day(department, dt.date(2026, 10, 17))


# --- Receipt time (Decree 45/2020) and afternoon cut-off (Decree 61/2018 Art. 19) ----------------


def test_submission_friday_16_59_is_received_then_but_counts_from_monday(
    db: None, department: Agency
) -> None:
    """Given an online submission on Friday 2 Oct 2026 at 16:59, when received, then it is received at
    16:59 (office open) but, being after the 15:00 cut-off, 1 working day runs Monday 07:30–17:00."""
    assert workdays.reception_time(department, at(2026, 10, 2, 16, 59)) == at(2026, 10, 2, 16, 59)
    assert workdays.due_at(department, at(2026, 10, 2, 16, 59), 1, "working_days") == at(2026, 10, 5, 17)


def test_submission_friday_17_01_is_received_monday_morning(db: None, department: Agency) -> None:
    """Given an online submission on Friday at 17:01, when received, then it counts as received on
    Monday at 07:30 (start of the next working period)."""
    assert workdays.reception_time(department, at(2026, 10, 2, 17, 1)) == at(2026, 10, 5, 7, 30)
    assert workdays.due_at(department, at(2026, 10, 2, 17, 1), 1, "working_days") == at(2026, 10, 5, 17)


def test_without_cut_off_friday_16_59_uses_its_last_minute(db: None, department: Agency, settings) -> None:
    """Given the cut-off moved to 17:00, when a dossier is received Friday at 16:59 with 4 working
    hours, then one minute counts on Friday and it is due Monday at 11:29."""
    settings.AFTERNOON_CUTOFF = dt.time(17, 0)
    assert workdays.due_at(department, at(2026, 10, 2, 16, 59), 4, "hours") == at(2026, 10, 5, 11, 29)


def test_submission_during_lunch_break_counts_from_afternoon(db: None, department: Agency) -> None:
    """Given a submission at 12:15 on a Tuesday, when received, then it counts from 13:00 and 2 working
    hours end at 15:00."""
    assert workdays.reception_time(department, at(2026, 10, 6, 12, 15)) == at(2026, 10, 6, 13)
    assert workdays.due_at(department, at(2026, 10, 6, 12, 15), 2, "hours") == at(2026, 10, 6, 15)


def test_submission_on_a_holiday_is_received_next_working_day(
    calendar_2026: None, department: Agency
) -> None:
    """Given a submission on 2/9/2026 at 10:00, when received, then it counts from Thursday 3/9 07:30."""
    assert workdays.reception_time(department, at(2026, 9, 2, 10)) == at(2026, 9, 3, 7, 30)


def test_saturday_morning_ward_receives_but_deadline_counts_from_monday(db: None, ward: Agency) -> None:
    """Given a ward open Saturday mornings, when a dossier arrives Saturday 3 Oct 2026 at 09:00, then it
    is received at 09:00, and 1 working day runs on Monday (Saturdays do not count by default)."""
    assert workdays.reception_time(ward, at(2026, 10, 3, 9)) == at(2026, 10, 3, 9)
    assert not workdays.is_working_day(ward, dt.date(2026, 10, 3))
    assert workdays.due_at(ward, at(2026, 10, 3, 9), 1, "working_days") == at(2026, 10, 5, 17)


def test_saturday_counts_for_deadlines_when_the_policy_says_so(db: None, ward: Agency, settings) -> None:
    """Given DEADLINE_COUNT_SATURDAYS on, when a ward dossier arrives Saturday at 09:00 with 4 working
    hours, then 2.5 h count on Saturday morning and it is due Monday at 09:00."""
    settings.DEADLINE_COUNT_SATURDAYS = True
    assert workdays.is_working_day(ward, dt.date(2026, 10, 3))
    assert workdays.due_at(ward, at(2026, 10, 3, 9), 4, "hours") == at(2026, 10, 5, 9)


def test_department_closed_on_saturday_receives_monday(db: None, department: Agency) -> None:
    """Given a department closed on Saturdays, when a dossier arrives Saturday at 09:00, then it is
    received Monday at 07:30."""
    assert workdays.reception_time(department, at(2026, 10, 3, 9)) == at(2026, 10, 5, 7, 30)


# --- Durations ------------------------------------------------------------------------------------


def test_zero_duration_is_due_when_the_clock_starts(db: None, department: Agency) -> None:
    """Given a 0-day procedure received Tuesday 10:00, then it is due at once (Tuesday 10:00)."""
    assert workdays.due_at(department, at(2026, 10, 6, 10), 0, "working_days") == at(2026, 10, 6, 10)


def test_half_a_working_day_is_four_hours(db: None, department: Agency) -> None:
    """Given 0.5 working day from Tuesday 08:00, then it is due at 13:30 (3.5 h morning + 0.5 h)."""
    assert workdays.due_at(department, at(2026, 10, 6, 8), Decimal("0.5"), "working_days") == at(
        2026, 10, 6, 13, 30
    )


def test_working_days_end_at_same_clock_time(db: None, department: Agency) -> None:
    """Given 3 working days from Wednesday 10:00, then it is due Monday 10:00 (the weekend skipped)."""
    assert workdays.due_at(department, at(2026, 10, 7, 10), 3, "working_days") == at(2026, 10, 12, 10)


def test_working_days_from_opening_end_at_closing(db: None, department: Agency) -> None:
    """Given 1 working day from Tuesday 07:30, then it is due Tuesday 17:00, not Wednesday 07:30."""
    assert workdays.due_at(department, at(2026, 10, 6, 7, 30), 1, "working_days") == at(2026, 10, 6, 17)


def test_calendar_days_ending_on_sunday_move_to_monday(db: None, department: Agency) -> None:
    """Given 5 calendar days from Tuesday 6 Oct 2026, then the date would be Sunday 11 Oct and the
    dossier is due Monday 12 Oct at 17:00."""
    assert workdays.due_at(department, at(2026, 10, 6, 9), 5, "days") == at(2026, 10, 12, 17)


def test_calendar_days_optionally_skip_holidays(calendar_2026: None, department: Agency) -> None:
    """Given 3 calendar days from Tuesday 28 Apr 2026, when skipping holidays (30/4, 1/5), then the
    date is Sunday 3 May → Monday 4 May; without skipping it is Friday 1 May (holiday) → Monday 4 May."""
    assert workdays.due_at(department, at(2026, 4, 28, 9), 3, "days", skip_holidays=True) == at(
        2026, 5, 4, 17
    )
    assert workdays.due_at(department, at(2026, 4, 28, 9), 2, "days") == at(2026, 5, 4, 17)
    assert workdays.due_at(department, at(2026, 4, 28, 9), 1, "days") == at(2026, 4, 29, 17)


def test_months_add_calendar_months(db: None, department: Agency) -> None:
    """Given 1 month from Friday 30 Jan 2026, then it is due Friday 27 Feb at 17:00 (28 Feb is a Saturday
    → pushed to Monday 2 Mar)."""
    assert workdays.due_at(department, at(2026, 1, 30, 9), 1, "months") == at(2026, 3, 2, 17)


def test_no_fixed_return_date(db: None, department: Agency) -> None:
    """Given a procedure without a fixed time limit, then there is no due date."""
    assert workdays.due_at(department, at(2026, 10, 6, 9), None, "working_days") is None
    assert workdays.due_at(department, at(2026, 10, 6, 9), 5, "none") is None


def test_bad_duration_is_refused(db: None, department: Agency) -> None:
    """Given a negative duration or an unknown unit, then due_at refuses it."""
    with pytest.raises(ValueError):
        workdays.due_at(department, at(2026, 10, 6, 9), -1, "working_days")
    with pytest.raises(ValueError):
        workdays.due_at(department, at(2026, 10, 6, 9), 1, "weeks")


def test_agency_without_any_office_hours_is_refused(db: None, department: Agency) -> None:
    """Given an agency with no office hours at all, when computing a due date, then a clear error."""
    set_office_hours(actor=None, agency=department, windows=[(6, dt.time(8), dt.time(9))])
    with pytest.raises(AgencyError):
        workdays.due_at(department, at(2026, 10, 6, 9), 1, "working_days")


def test_changed_office_hours_apply_at_once(db: None, department: Agency) -> None:
    """Given a due date computed once (cached), when the office hours change to 08:00–16:00, then the
    next computation uses the new hours."""
    assert workdays.due_at(department, at(2026, 10, 6, 7, 30), 1, "working_days") == at(2026, 10, 6, 17)
    set_office_hours(actor=None, agency=department, windows=[(d, dt.time(8), dt.time(16)) for d in range(5)])
    assert workdays.due_at(department, at(2026, 10, 6, 8), 1, "working_days") == at(2026, 10, 6, 16)


# --- Near due, SLA state, supplement policy -------------------------------------------------------


def test_sla_state_near_due_is_at_least_one_working_day(db: None, department: Agency) -> None:
    """Given a 3-working-day dossier (threshold = max(20% of 24 h, 8 h) = 8 h), then it is on time with
    more than 8 working hours left, near due with 8 h or less, overdue after its due time."""
    received = at(2026, 10, 5, 7, 30)
    due = workdays.due_at(department, received, 3, "working_days")
    assert due == at(2026, 10, 7, 17)
    dossier = SimpleNamespace(received_at=received, due_at=due, agency_id=department.pk)
    assert workdays.sla_state(dossier, now=at(2026, 10, 6, 16)) == SlaState.ON_TIME
    assert workdays.sla_state(dossier, now=at(2026, 10, 6, 17)) == "near_due"
    assert workdays.sla_state(dossier, now=at(2026, 10, 7, 17, 1)) == "overdue"


def test_near_due_percentage_is_configurable(db: None, department: Agency, settings) -> None:
    """Given 20 working days (160 h) and DEADLINE_NEAR_DUE_PERCENT=50, then the threshold is 80 h."""
    settings.DEADLINE_NEAR_DUE_PERCENT = 50
    received = at(2026, 10, 5, 7, 30)
    due = workdays.due_at(department, received, 20, "working_days")
    assert due is not None
    assert workdays.near_due_threshold(received, due, agency=department.pk) == dt.timedelta(hours=80)


def test_no_due_date_is_always_on_time(db: None) -> None:
    """Given a dossier without a fixed return date, then it is never near due nor overdue."""
    dossier = SimpleNamespace(received_at=at(2020, 1, 2, 8), due_at=None)
    assert workdays.sla_state(dossier, now=at(2030, 1, 1)) == SlaState.ON_TIME


def test_supplement_policy_default_is_restart(settings) -> None:
    """Given no configuration, the clock restarts after a supplement; the setting switches to pause."""
    assert workdays.supplement_clock_policy() == "restart"
    settings.SUPPLEMENT_CLOCK_POLICY = "pause"
    assert workdays.supplement_clock_policy() == "pause"


def test_pause_policy_shifts_due_date_by_paused_working_time(db: None, department: Agency) -> None:
    """Given a due date Friday 17:00, paused Monday 07:30 → Wednesday 07:30 (2 working days), then the new
    due date is 2 working days later: Tuesday 17:00."""
    due = at(2026, 10, 9, 17)
    new = workdays.resume_due_at(
        department, due, paused_at=at(2026, 10, 5, 7, 30), resumed_at=at(2026, 10, 7, 7, 30)
    )
    assert new == at(2026, 10, 13, 17)


# --- Properties -----------------------------------------------------------------------------------

_instants = st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2027, 12, 31)).map(
    lambda d: d.replace(second=0, microsecond=0, tzinfo=HCM)
)
_durations = st.decimals(min_value=0, max_value=40, places=1)
_units = st.sampled_from(["working_days", "hours", "days", "months"])
_HYPOTHESIS = hsettings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _inside_office_hours(agency: Agency, moment: dt.datetime) -> bool:
    local = moment.astimezone(HCM)
    if not workdays.is_working_day(agency, local.date()):
        return False
    weekday = local.weekday() if local.weekday() < 5 else 0  # a swapped weekend day works weekday hours
    hours = agency.office_hours.filter(weekday=weekday)
    return any(h.opens <= local.time() <= h.closes for h in hours)


@_HYPOTHESIS
@given(received=_instants, first=_durations, second=_durations, unit=_units)
def test_due_at_is_monotonic_never_early_and_inside_office_hours(
    calendar_2026: None, ward: Agency, received: dt.datetime, first: Decimal, second: Decimal, unit: str
) -> None:
    """Given any receipt time and two durations, then the due time never precedes the receipt, grows
    with the duration, and falls inside office hours on a working day."""
    short, long = sorted((first, second))
    due_short = workdays.due_at(ward, received, short, unit)
    due_long = workdays.due_at(ward, received, long, unit)
    assert due_short is not None and due_long is not None
    assert received <= due_short <= due_long
    assert _inside_office_hours(ward, due_short)
    assert _inside_office_hours(ward, due_long)


@_HYPOTHESIS
@given(
    day=st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 12, 31)),
    n=st.integers(min_value=0, max_value=40),
    m=st.integers(min_value=0, max_value=40),
)
def test_adding_n_then_m_working_days_is_adding_n_plus_m(
    calendar_2026: None, department: Agency, day: dt.date, n: int, m: int
) -> None:
    """Given any day, adding n then m working days lands on the same day as adding n + m."""
    assert workdays.add_working_days(
        department, workdays.add_working_days(department, day, n), m
    ) == workdays.add_working_days(department, day, n + m)


@_HYPOTHESIS
@given(received=_instants, n=st.integers(min_value=0, max_value=80), m=st.integers(min_value=1, max_value=80))
def test_working_hours_are_additive_without_cut_off(
    calendar_2026: None,
    department: Agency,
    settings,
    received: dt.datetime,
    n: int,
    m: int,
) -> None:
    """Given no afternoon cut-off, when adding n working hours then m (≥ 1) more, then it equals adding
    n + m (a due time at a window's end restarts at the next window's start)."""
    settings.AFTERNOON_CUTOFF = dt.time(23, 59)
    middle = workdays.due_at(department, received, n, "hours")
    assert middle is not None
    assert workdays.due_at(department, middle, m, "hours") == workdays.due_at(
        department, received, n + m, "hours"
    )
