"""Biểu 06 figures for concrete histories, scopes and groupings, and refused report requests."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from dichvucong.accounts.constants import Role
from dichvucong.agencies.scopes import get_data_scope
from dichvucong.agencies.tests.factories import make_officer
from dichvucong.dossiers import services
from dichvucong.dossiers.tests.factories import VN
from dichvucong.reports.errors import ReportError, ReportErrorCode
from dichvucong.reports.models import DailyRollup
from dichvucong.reports.rebuild import rebuild_rollups
from dichvucong.reports.selectors import ReportScope, find_agency, find_field, get_form06
from dichvucong.reports.tests import factories as f

pytestmark = pytest.mark.django_db

MON = date(2026, 3, 2)


def moment(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=VN)


@pytest.fixture
def world() -> f.StatsWorld:
    return f.make_stats_world()


def figures(start: date, end: date, **scope: object) -> dict[str, int]:
    report = get_form06(period_from=start, period_to=end, scope=ReportScope(**scope))  # type: ignore[arg-type]
    assert report.total is not None
    return report.total.figures


def test_a_supplement_restarts_the_clock_and_moves_the_dossier_out_of_overdue(world: f.StatsWorld) -> None:
    """Given an online dossier received Monday (due Thursday) with a supplement requested Tuesday and
    sent the next Monday, when pending figures are read, then it is within the deadline while waiting,
    the new due date (3 working days later) decides afterwards, and rebuilding gives the same rows."""
    with f.at(moment(MON)):
        dossier = f.submit_online(world, agency=world.ward, procedure=world.procedure)
        services.receive(dossier=dossier, officer=world.officer)
    with f.at(moment(MON + timedelta(days=1))):
        f.request_supplement(world, dossier)
    thursday = MON + timedelta(days=3)
    waiting = figures(thursday, thursday)
    assert (waiting["pending_total"], waiting["pending_overdue"], waiting["supplement_waiting"]) == (1, 0, 1)
    with f.at(moment(MON + timedelta(days=7))):
        f.supplement(world, dossier)
    dossier.refresh_from_db()
    assert dossier.due_at is not None and dossier.due_at.astimezone(VN).date() == date(2026, 3, 12)
    before_due = figures(date(2026, 3, 11), date(2026, 3, 11))
    after_due = figures(date(2026, 3, 12), date(2026, 3, 12))
    assert (before_due["pending_in_time"], before_due["pending_overdue"]) == (1, 0)
    assert (after_due["pending_in_time"], after_due["pending_overdue"]) == (0, 1)
    rows = sorted(DailyRollup.objects.values_list("day", "due_day", "received", "shifted_in", "shifted_out"))
    rebuild_rollups()
    assert (
        sorted(DailyRollup.objects.values_list("day", "due_day", "received", "shifted_in", "shifted_out"))
        == rows
    )


def test_early_on_time_and_late_resolutions_and_the_carried_over_stock(world: f.StatsWorld) -> None:
    """Given three counter dossiers received on Monday (due Thursday 09:00) resolved Wednesday, Thursday
    at 08:00 and the next Monday, when read per period, then they are early, on time and late, and
    what is not resolved is carried over into the next period."""
    dossiers = []
    with f.at(moment(MON)):
        for _n in range(3):
            dossiers.append(f.record_counter(world, agency=world.ward, procedure=world.procedure))
    for dossier, when in zip(
        dossiers,
        (
            moment(MON + timedelta(days=2)),
            moment(MON + timedelta(days=3), 8),
            moment(MON + timedelta(days=7)),
        ),
        strict=True,
    ):
        with f.at(when):
            f.resolve(world, dossier)
    week = figures(MON, MON + timedelta(days=4))
    assert week["received_direct"] == 3
    assert (week["resolved_early"], week["resolved_on_time"], week["resolved_late"]) == (1, 1, 0)
    assert (week["pending_total"], week["pending_overdue"]) == (1, 1)
    next_week = figures(MON + timedelta(days=7), MON + timedelta(days=11))
    assert (next_week["carried_over"], next_week["received_total"], next_week["resolved_late"]) == (1, 0, 1)


def test_withdrawn_refused_and_returned_are_counted_when_they_happen(world: f.StatsWorld) -> None:
    """Given an online dossier refused, one withdrawn after reception and a counter dossier resolved
    and returned, when the day is read, then each is counted once and the withdrawn one is no longer
    pending."""
    with f.at(moment(MON)):
        refused = f.submit_online(world, agency=world.ward, procedure=world.procedure)
        services.refuse(dossier=refused, officer=world.officer, reason="Sai thẩm quyền")
        withdrawn = f.submit_online(world, agency=world.ward, procedure=world.procedure)
        services.receive(dossier=withdrawn, officer=world.officer)
        services.withdraw(dossier=withdrawn, actor=world.citizen, reason="Không cần nữa")
        returned = f.record_counter(world, agency=world.ward, procedure=world.procedure)
        f.resolve(world, returned)
        f.return_result(world, returned)
    day = figures(MON, MON)
    assert (day["refused"], day["withdrawn"], day["returned"]) == (1, 1, 1)
    assert (day["received_online"], day["received_direct"], day["pending_total"]) == (1, 1, 0)


def test_an_agency_subtree_field_and_officer_scope_limit_the_figures(world: f.StatsWorld) -> None:
    """Given dossiers at two wards of the city in two fields, when read for the city, one ward, one
    field, or by a ward leader's data scope, then each sees only its part."""
    with f.at(moment(MON)):
        f.record_counter(world, agency=world.ward, procedure=world.procedure)
        f.record_counter(world, agency=world.other_ward, procedure=world.procedure)
        f.record_counter(world, agency=world.other_ward, procedure=world.other_procedure)
    leader, _assignment = make_officer(agency=world.ward, role=Role.AGENCY_LEADER)
    assert figures(MON, MON, agency=world.city)["received_total"] == 3
    assert figures(MON, MON, agency=world.other_ward)["received_total"] == 2
    assert figures(MON, MON, field=world.other_field)["received_total"] == 1
    assert figures(MON, MON, data_scope=get_data_scope(leader))["received_total"] == 1
    assert (
        figures(MON, MON, agency=world.other_ward, data_scope=get_data_scope(leader))["received_total"] == 0
    )


@pytest.mark.parametrize(
    ("group_by", "expected"),
    [
        ("field", {"Hộ tịch": 2, "Chứng thực": 1}),
        ("level", {"Cấp xã": 3}),
        ("channel", {"Trực tiếp": 2, "Qua bưu chính công ích": 1}),
    ],
)
def test_rows_are_grouped_and_labelled(world: f.StatsWorld, group_by: str, expected: dict[str, int]) -> None:
    """Given three receptions, when grouped, then each row has its readable label and its count."""
    with f.at(moment(MON)):
        f.record_counter(world, agency=world.ward, procedure=world.procedure)
        f.record_counter(world, agency=world.ward, procedure=world.procedure, channel=3)
        f.record_counter(world, agency=world.other_ward, procedure=world.other_procedure)
    report = get_form06(period_from=MON, period_to=MON, group_by=group_by)
    assert {row.label: row.figures["received_total"] for row in report.rows} == expected


def test_rows_by_agency_and_procedure_carry_public_codes(world: f.StatsWorld) -> None:
    """Given a reception, when grouped by agency or procedure, then rows carry their codes."""
    with f.at(moment(MON)):
        f.record_counter(world, agency=world.ward, procedure=world.procedure)
    by_agency = get_form06(period_from=MON, period_to=MON, group_by="agency")
    by_procedure = get_form06(period_from=MON, period_to=MON, group_by="procedure")
    assert [row.code for row in by_agency.rows] == [world.ward.code]
    assert [row.code for row in by_procedure.rows] == [world.procedure.code]


@pytest.mark.parametrize(
    ("start", "end", "group_by", "code"),
    [
        (date(2026, 3, 2), date(2026, 3, 1), None, ReportErrorCode.REVERSED_PERIOD),
        (date(2000, 1, 1), date(2026, 3, 1), None, ReportErrorCode.PERIOD_TOO_LONG),
        (date(2026, 3, 1), date(2026, 3, 2), "officer", ReportErrorCode.INVALID_GROUP),
        # A typo for a year (9999: the day after the last would not even exist) or one before 1900.
        (date(9999, 12, 1), date(9999, 12, 31), None, ReportErrorCode.INVALID_DATE),
        (date(202, 1, 1), date(202, 3, 31), None, ReportErrorCode.INVALID_DATE),
    ],
)
def test_bad_requests_are_refused_with_a_code(
    start: date, end: date, group_by: str | None, code: str
) -> None:
    """Given a reversed or absurd period or an unknown grouping, when the report is asked, then a
    translated ReportError with its code is raised."""
    with pytest.raises(ReportError) as info:
        get_form06(period_from=start, period_to=end, group_by=group_by)
    assert info.value.code == code
    assert info.value.message


def test_unknown_agency_and_field_codes_are_refused() -> None:
    """Given codes that do not exist, when looked up for a report, then ReportError names them."""
    with pytest.raises(ReportError) as agency:
        find_agency("999.99.99.Z99")
    with pytest.raises(ReportError) as field:
        find_field("khong-co")
    assert (agency.value.code, field.value.code) == (
        ReportErrorCode.UNKNOWN_AGENCY,
        ReportErrorCode.UNKNOWN_FIELD,
    )
    assert "999.99.99.Z99" in agency.value.message


def test_a_rescheduled_dossier_leaves_the_overdue_bucket(world: f.StatsWorld) -> None:
    """Given a counter dossier received Monday (due Thursday) and rescheduled on Friday by 3 working
    days (Mẫu 04), when read, then it is overdue at the end of Thursday, within the deadline from
    Friday, and rebuilding the rollups gives the same rows."""
    from dichvucong.dossiers import processing

    with f.at(moment(MON)):
        dossier = f.record_counter(world, agency=world.ward, procedure=world.procedure)
    with f.at(moment(MON + timedelta(days=4))):
        processing.reschedule(dossier=dossier, officer=world.officer, reason="Chờ xác minh", extra_days=3)
    thursday, friday = MON + timedelta(days=3), MON + timedelta(days=4)
    assert figures(thursday, thursday)["pending_overdue"] == 1
    assert (figures(friday, friday)["pending_in_time"], figures(friday, friday)["pending_overdue"]) == (1, 0)
    rows = sorted(DailyRollup.objects.values_list("day", "due_day", "received", "shifted_in", "shifted_out"))
    rebuild_rollups()
    assert (
        sorted(DailyRollup.objects.values_list("day", "due_day", "received", "shifted_in", "shifted_out"))
        == rows
    )


def test_a_grouped_report_takes_a_fixed_number_of_queries(
    world: f.StatsWorld, django_assert_max_num_queries
) -> None:
    """Given receptions in two fields and computed monthly openings, when a grouped report is read,
    then it takes at most six queries however many rows there are."""
    from dichvucong.reports.stock import advance_openings

    with f.at(moment(MON)):
        f.record_counter(world, agency=world.ward, procedure=world.procedure)
        f.record_counter(world, agency=world.other_ward, procedure=world.other_procedure)
    advance_openings(until=date(2026, 5, 1))
    with django_assert_max_num_queries(6):
        report = get_form06(period_from=date(2026, 4, 1), period_to=date(2026, 4, 30), group_by="procedure")
    assert [row.figures["carried_over"] for row in report.rows] == [1, 1]


def figures_without_daily_rows(period_from: date, period_to: date) -> dict[str, int]:
    """The period's total figures, asserting that no query touched the daily rollup table."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        report = get_form06(period_from=period_from, period_to=period_to)
    daily_table = DailyRollup._meta.db_table
    assert not [q["sql"] for q in queries.captured_queries if daily_table in q["sql"]]
    assert report.total is not None
    return report.total.figures


def test_a_past_quarter_is_read_from_monthly_rows_and_openings_without_any_daily_row(
    world: f.StatsWorld,
) -> None:
    """Given a history over March–May with the monthly openings computed, when Biểu 06 is read for the
    quarter April–June (whole months), then no daily rollup row is read — the cost does not grow with
    the days in the period — and the figures still match the history: a March dossier carried over,
    an April dossier received and resolved late in May."""
    from dichvucong.reports.stock import advance_openings

    with f.at(moment(MON)):
        f.record_counter(world, agency=world.ward, procedure=world.procedure)
    with f.at(moment(date(2026, 4, 6))):
        april = f.record_counter(world, agency=world.other_ward, procedure=world.other_procedure)
    with f.at(moment(date(2026, 5, 4))):
        f.resolve(world, april)
    advance_openings(until=date(2026, 7, 1))
    got = figures_without_daily_rows(date(2026, 4, 1), date(2026, 6, 30))
    wanted = {"carried_over": 1, "received_total": 1, "resolved_late": 1, "pending_total": 1}
    assert {name: got[name] for name in wanted} == wanted


def test_a_legal_period_15th_to_14th_reads_half_months_and_the_15ths_openings_without_any_daily_row(
    world: f.StatsWorld,
) -> None:
    """Given a March dossier resolved on 20 April and an April dossier still pending, with the openings
    of every 1st and 15th computed, when Biểu 06 is read for the legal period 15 March – 14 May
    (Decree 09/2019: 15th to 14th), then no daily rollup row is read and the figures match: the March
    dossier (received 2 March) carried over and resolved, the April one received and pending."""
    from dichvucong.reports.stock import advance_openings

    with f.at(moment(MON)):
        march = f.record_counter(world, agency=world.ward, procedure=world.procedure)
    with f.at(moment(date(2026, 4, 6))):
        f.record_counter(world, agency=world.other_ward, procedure=world.other_procedure)
    with f.at(moment(date(2026, 4, 20))):
        f.resolve(world, march)
    advance_openings(until=date(2026, 6, 1))
    got = figures_without_daily_rows(date(2026, 3, 15), date(2026, 5, 14))
    wanted = {"carried_over": 1, "received_total": 1, "resolved_total": 1, "pending_total": 1}
    assert {name: got[name] for name in wanted} == wanted


def test_a_dossier_overdue_for_months_is_one_folded_bucket_in_later_openings_and_still_overdue(
    world: f.StatsWorld,
) -> None:
    """Given a dossier received on 2 March (due three working days later) and never resolved, when the
    openings up to June are computed, then the openings more than a month after its due day keep it
    under ``LONG_OVERDUE`` (one bucket per key, however old the due days), earlier ones under its
    due day; and a report for late April still counts it carried over, pending and overdue."""
    from dichvucong.reports.constants import LONG_OVERDUE
    from dichvucong.reports.models import StockOpening
    from dichvucong.reports.stock import advance_openings

    with f.at(moment(MON)):
        dossier = f.record_counter(world, agency=world.ward, procedure=world.procedure)
    advance_openings(until=date(2026, 6, 1))
    due = timezone.localdate(dossier.due_at)
    assert StockOpening.objects.get(month=date(2026, 3, 15)).due_day == due
    assert StockOpening.objects.get(month=date(2026, 5, 1)).due_day == LONG_OVERDUE
    got = figures(date(2026, 4, 20), date(2026, 4, 30))
    assert (got["carried_over"], got["pending_total"], got["pending_overdue"]) == (1, 1, 1)


def test_today_opening_replaces_yesterdays(world: f.StatsWorld) -> None:
    """Given a dossier received on 2 March, when today's opening is refreshed on Tuesday 3 and then on
    Wednesday 4 March, then only Wednesday's opening remains (no month has begun since the first
    flow), it holds the pending dossier, and a report for Wednesday reads one day of flows after it."""
    from dichvucong.reports.models import StockMonth, StockOpening
    from dichvucong.reports.selectors import _plan
    from dichvucong.reports.stock import refresh_today_opening

    with f.at(moment(MON)):
        f.record_counter(world, agency=world.ward, procedure=world.procedure)
    assert refresh_today_opening(today=MON + timedelta(days=1))
    assert refresh_today_opening(today=MON + timedelta(days=2))
    wednesday = MON + timedelta(days=2)
    assert sorted(StockMonth.objects.values_list("month", flat=True)) == [wednesday]
    assert StockOpening.objects.get(month=wednesday).pending == 1
    plan = _plan(wednesday, wednesday)
    assert plan.end_opening == wednesday and plan.end_days == (wednesday, wednesday + timedelta(days=1))
    assert figures(wednesday, wednesday)["pending_total"] == 1
