"""Officer and title measures (issue 9): what each officer did in a period, exact, scoped, rebuildable."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from dichvucong.accounts.constants import Role
from dichvucong.accounts.models import User
from dichvucong.agencies.scopes import get_data_scope
from dichvucong.agencies.tests.factories import make_officer
from dichvucong.dossiers import services
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.tests.factories import VN, pdf
from dichvucong.reports.errors import ReportError, ReportErrorCode
from dichvucong.reports.models import OfficerDailyRollup, OfficerMonthlyRollup
from dichvucong.reports.officers import OFFICER_REPORT_ROLES, OfficerReport, get_officer_report
from dichvucong.reports.rebuild import rebuild_rollups
from dichvucong.reports.selectors import ReportScope
from dichvucong.reports.tests import factories as f

pytestmark = pytest.mark.django_db

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def moment(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=VN)


def counter_dossier(world: f.StatsWorld, officer: User) -> Dossier:
    return services.record_counter_dossier(
        officer=officer,
        procedure_version=world.procedure.current_version,
        agency=world.ward,
        applicant=services.ApplicantData(name="Trần Thị Bình"),
        form_data={},
        uploads={},
    )


def resolve(dossier: Dossier, officer: User) -> None:
    services.attach_result(
        dossier=dossier, officer=officer, upload=pdf("ket-qua.pdf"), title="Giấy khai sinh"
    )
    services.resolve(dossier=dossier, officer=officer)


def rows(report: OfficerReport) -> dict[str, dict[str, int]]:
    return {row.label: row.figures for row in report.rows}


def test_each_officer_row_counts_what_that_officer_did(db: None) -> None:
    """Given a counter officer who received three dossiers, a specialist who resolved one early and one
    late, and a unit head who asked for a supplement, when March is read per officer, then each row has
    exactly that officer's work (with the agency), the total adds up, and the on-time rate is 50 %."""
    world = f.make_stats_world()
    reception, _a = make_officer(agency=world.ward, role=Role.COUNTER_OFFICER)
    specialist, _b = make_officer(agency=world.ward, role=Role.SPECIALIST)
    head, _c = make_officer(agency=world.ward, role=Role.UNIT_HEAD)
    with f.at(moment(2)):
        early, late, incomplete = (counter_dossier(world, reception) for _ in range(3))
    with f.at(moment(3)):
        resolve(early, specialist)
        services.request_supplement(
            dossier=incomplete, officer=head, items=[{"title": "Bản sao giấy tờ tùy thân", "reason": "Mờ"}]
        )
    with f.at(moment(9)):  # Thursday's due date has passed
        resolve(late, specialist)

    report = get_officer_report(period_from=MARCH[0], period_to=MARCH[1], group_by="officer")

    got = rows(report)
    assert set(got) == {reception.full_name, specialist.full_name, head.full_name}
    assert {row.agency for row in report.rows} == {world.ward.name}
    assert got[reception.full_name] == {
        **dict.fromkeys(got[reception.full_name], 0),
        "received": 3,
        "steps": 3,
    }
    assert got[specialist.full_name] == {
        **dict.fromkeys(got[specialist.full_name], 0),
        "resolved_total": 2,
        "resolved_early": 1,
        "resolved_late": 1,
        "steps": 4,  # two results attached, two resolutions
    }
    assert got[head.full_name] == {**dict.fromkeys(got[head.full_name], 0), "supplement_in": 1, "steps": 1}
    by_officer = {row.label: row for row in report.rows}
    assert by_officer[specialist.full_name].on_time_rate == 50.0
    assert by_officer[reception.full_name].on_time_rate is None
    assert report.total is not None
    assert report.total.figures["steps"] == 8 and report.total.figures["received"] == 3

    # The same figures from the daily rows (a partial month), and after a rebuild from the log.
    partial = get_officer_report(period_from=date(2026, 3, 2), period_to=date(2026, 3, 20))
    assert rows(partial) == got
    daily = sorted(OfficerDailyRollup.objects.values_list())
    monthly = sorted(OfficerMonthlyRollup.objects.values_list())
    rebuild_rollups()
    strip = lambda found: sorted(row[1:] for row in found)  # noqa: E731 - ids differ
    assert strip(OfficerDailyRollup.objects.values_list()) == strip(daily)
    assert strip(OfficerMonthlyRollup.objects.values_list()) == strip(monthly)

    titles = get_officer_report(period_from=MARCH[0], period_to=MARCH[1], group_by="title")
    assert {row.label: row.figures["steps"] for row in titles.rows} == {
        "Cán bộ một cửa": 3,
        "Chuyên viên": 4,
        "Lãnh đạo phòng": 1,
    }
    assert {row.code for row in titles.rows} == {Role.COUNTER_OFFICER, Role.SPECIALIST, Role.UNIT_HEAD}


def test_an_officer_outside_the_viewers_data_area_is_not_listed(db: None) -> None:
    """Given officers who received dossiers at two wards, when the leader of one ward reads the officer
    report with their data scope, then only the officer of that ward is listed and counted."""
    world = f.make_stats_world()
    here, _a = make_officer(agency=world.ward, role=Role.COUNTER_OFFICER)
    there, _b = make_officer(agency=world.other_ward, role=Role.COUNTER_OFFICER)
    leader, _c = make_officer(agency=world.ward, role=Role.AGENCY_LEADER)
    with f.at(moment(2)):
        counter_dossier(world, here)
        services.record_counter_dossier(
            officer=there,
            procedure_version=world.procedure.current_version,
            agency=world.other_ward,
            applicant=services.ApplicantData(name="Lê Văn Cường"),
            form_data={},
            uploads={},
        )
    scope = ReportScope(data_scope=get_data_scope(leader), roles=OFFICER_REPORT_ROLES)
    report = get_officer_report(period_from=MARCH[0], period_to=MARCH[1], scope=scope)
    assert [row.label for row in report.rows] == [here.full_name]
    assert report.total is not None and report.total.figures["received"] == 1
    city_wide = get_officer_report(period_from=MARCH[0], period_to=MARCH[1])
    assert {row.label for row in city_wide.rows} == {here.full_name, there.full_name}


def test_an_unknown_grouping_or_a_reversed_period_is_refused(db: None) -> None:
    """Given a grouping that is not officer or title, or "from" after "to", then a coded ReportError."""
    with pytest.raises(ReportError) as grouping:
        get_officer_report(period_from=MARCH[0], period_to=MARCH[1], group_by="field")
    assert grouping.value.code == ReportErrorCode.INVALID_GROUP
    with pytest.raises(ReportError) as reversed_period:
        get_officer_report(period_from=MARCH[1], period_to=MARCH[0])
    assert reversed_period.value.code == ReportErrorCode.REVERSED_PERIOD
