"""Indices 5, 6, 8 and 9 at agency level: the 2/1/0 rules on their edge cases, then the facts taken
from dossiers, the catalog, follow-ups and the officer's publicity check."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from dichvucong.accounts.constants import Role
from dichvucong.agencies.constants import AgencyKind
from dichvucong.agencies.tests.factories import make_agency, make_officer
from dichvucong.dossiers import services as dossier_services
from dichvucong.dossiers.constants import ReturnMethod
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.tests.factories import pdf
from dichvucong.evaluations.agency_indices import (
    agency_level,
    compute_agency_indices,
    feedback_points,
    one_stop_points,
    online_points,
    publicity_points,
)
from dichvucong.evaluations.constants import RatingStage
from dichvucong.evaluations.errors import EvaluationError
from dichvucong.evaluations.models import FollowUp, PublicityCheck
from dichvucong.evaluations.periods import current_quarter, parse_period
from dichvucong.evaluations.services import close_follow_up, record_publicity_check
from dichvucong.evaluations.tests.factories import (
    make_received,
    make_returned,
    make_world,
    rate,
    unhappy,
)
from dichvucong.procedures.constants import OnlineLevel
from dichvucong.procedures.tests.factories import make_procedure

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


# --- index 5: one-stop shop -----------------------------------------------------------------------


def test_index_5_without_finished_dossiers_is_no_data_not_zero() -> None:
    assert (
        one_stop_points(finished=0, outside_one_stop=0, procedures=0, decided_at_one_stop=0, level="ward")
        is None
    )


def test_index_5_is_zero_when_one_dossier_bypassed_the_one_stop_shop() -> None:
    assert (
        one_stop_points(finished=10, outside_one_stop=1, procedures=4, decided_at_one_stop=4, level="city")
        == 0
    )


@pytest.mark.parametrize(
    ("level", "procedures", "decided", "points"),
    [
        ("city", 5, 1, 2),  # 20 % decided at the one-stop shop: the city threshold, reached exactly
        ("city", 6, 1, 1),  # 16.7 %: all received there, below the threshold
        ("ward", 3, 3, 2),  # a ward needs 100 %
        ("ward", 3, 2, 1),
    ],
)
def test_index_5_two_points_need_the_levels_share_decided_at_the_one_stop_shop(
    level: str, procedures: int, decided: int, points: int
) -> None:
    assert (
        one_stop_points(
            finished=8, outside_one_stop=0, procedures=procedures, decided_at_one_stop=decided, level=level
        )
        == points
    )


def test_wards_communes_and_the_special_zone_are_ward_level() -> None:
    assert agency_level(make_agency(kind=AgencyKind.COMMUNE)) == "ward"
    assert agency_level(make_agency(kind=AgencyKind.DEPARTMENT)) == "city"


def test_index_5_from_dossiers_received_resolved_and_returned_by_the_counter() -> None:
    """Given a ward whose one dossier was received, resolved and returned by its counter officer,
    then index 5 is 2; when another procedure's dossier is resolved by a specialist, it drops to 1;
    when a specialist hands a result over at the counter, it is 0."""
    world = make_world()
    make_returned(world)
    period = current_quarter()
    assert compute_agency_indices(period, [world.agency.pk])[world.agency.pk]["idx5"] == 2

    specialist, _a = make_officer(agency=world.agency, role=Role.SPECIALIST)
    other = make_procedure(name="Chứng thực bản sao", min_assurance_level=1, agencies=[world.agency])
    received = make_received(dataclasses.replace(world, procedure=other))
    dossier_services.attach_result(dossier=received, officer=specialist, upload=pdf("kq.pdf"), title="KQ")
    resolved = dossier_services.resolve(dossier=received, officer=specialist)
    assert compute_agency_indices(period, [world.agency.pk])[world.agency.pk]["idx5"] == 1

    dossier_services.return_result(dossier=resolved, officer=specialist, method=ReturnMethod.COUNTER)
    assert compute_agency_indices(period, [world.agency.pk])[world.agency.pk]["idx5"] == 0


def test_index_5_a_dossier_also_resolved_outside_the_one_stop_shop_was_not_decided_there() -> None:
    """Given a ward whose only dossier was received, resolved and returned by its counter officer
    (index 5: 2), when the log also shows a resolution by a specialist (reopened and decided again
    behind the counter), then its procedure no longer counts as decided at the one-stop shop and a ward,
    which needs all of them, gets 1; and so does the whole procedure when only one of its dossiers
    was."""
    from dichvucong.dossiers.constants import EventAction
    from dichvucong.dossiers.models import DossierEvent

    world = make_world()
    first = make_returned(world)
    make_returned(world)
    period = current_quarter()
    assert compute_agency_indices(period, [world.agency.pk])[world.agency.pk]["idx5"] == 2
    DossierEvent.objects.create(
        dossier=first, at=first.resolved_at, action=EventAction.RESOLVED, actor_role=Role.SPECIALIST
    )
    assert compute_agency_indices(period, [world.agency.pk])[world.agency.pk]["idx5"] == 1


# --- index 6: publicity ----------------------------------------------------------------------------


def test_index_6_without_active_procedures_is_no_data() -> None:
    assert publicity_points(procedures=0, electronic_complete=False, posted=True) is None


@pytest.mark.parametrize(
    ("electronic", "posted", "points"),
    [
        (True, True, 2),
        (True, None, 1),
        (True, False, 1),
        (False, True, 1),
        (False, None, 0),
        (False, False, 0),
    ],
)
def test_index_6_counts_electronic_and_posted_publicity(
    electronic: bool, posted: bool | None, points: int
) -> None:
    assert publicity_points(procedures=3, electronic_complete=electronic, posted=posted) == points


def test_index_6_from_the_catalog_and_the_recorded_posting() -> None:
    """Given a ward whose procedures are published with channels and documents, then index 6 is 1;
    after its leader records that they are posted at the office it is 2 (audited); a procedure
    published without any required document makes the electronic half incomplete."""
    from dichvucong.core.models import AuditEntry

    world = make_world()
    period = current_quarter()
    assert compute_agency_indices(period, [world.agency.pk])[world.agency.pk]["idx6"] == 1
    leader, _a = make_officer(agency=world.agency, role=Role.AGENCY_LEADER)
    record_publicity_check(
        actor=leader, period=period, agency=world.agency, posted=True, note="Bảng niêm yết"
    )
    assert compute_agency_indices(period, [world.agency.pk])[world.agency.pk]["idx6"] == 2
    assert AuditEntry.objects.filter(action="evaluation.publicity_check").exists()
    make_procedure(name="Thủ tục thiếu thành phần hồ sơ", documents=(), agencies=[world.agency])
    assert compute_agency_indices(period, [world.agency.pk])[world.agency.pk]["idx6"] == 1


def test_a_ward_leader_may_not_record_another_wards_posting() -> None:
    world, other = make_world(), make_world()
    leader, _a = make_officer(agency=world.agency, role=Role.AGENCY_LEADER)
    with pytest.raises(EvaluationError):
        record_publicity_check(actor=leader, period=current_quarter(), agency=other.agency, posted=True)
    assert not PublicityCheck.objects.exists()


# --- index 8: feedback handled on time --------------------------------------------------------------


def test_index_8_with_no_activity_at_all_is_no_data() -> None:
    assert feedback_points(active=False, on_time=0, late=0, prolonged=0) is None


def test_index_8_an_active_agency_without_complaints_gets_full_points() -> None:
    assert feedback_points(active=True, on_time=0, late=0, prolonged=0) == 2


@pytest.mark.parametrize(
    ("on_time", "late", "prolonged", "points"),
    [
        (5, 0, 0, 2),  # 100 % on time
        (9, 1, 0, 1),  # exactly 90 %
        (8, 1, 0, 0),  # 88.9 %
        (10, 0, 1, 0),  # one prolonged case costs everything
    ],
)
def test_index_8_on_time_share_and_prolonged_cases(
    on_time: int, late: int, prolonged: int, points: int
) -> None:
    assert feedback_points(active=True, on_time=on_time, late=late, prolonged=prolonged) == points


def _at(day: int, month: int = 1) -> datetime:
    return datetime(2026, month, day, 9, 0, tzinfo=VN)


def test_index_8_from_follow_ups_closed_on_time_late_or_still_open() -> None:
    """Given follow-ups opened in 2026-Q1 with a 10-working-day limit, when one is closed on time the
    index is 2; a second closed three weeks late makes it 0 (50 %); a third still open at the end of
    the quarter is prolonged."""
    world = make_world()
    q1 = parse_period("2026-Q1")
    head, _a = make_officer(agency=world.agency, role=Role.UNIT_HEAD)

    def follow_up(opened: datetime, closed: datetime | None) -> None:
        rate(make_received(world), answers=unhappy(), reason="Chờ lâu")
        item = FollowUp.objects.order_by("-pk").first()
        if closed is not None:
            close_follow_up(actor=head, follow_up=item, note="Đã xử lý")
        FollowUp.objects.filter(pk=item.pk).update(opened_at=opened, closed_at=closed)

    follow_up(_at(5), _at(9))
    assert compute_agency_indices(q1, [world.agency.pk])[world.agency.pk]["idx8"] == 2
    follow_up(_at(5), _at(10, 2))
    assert compute_agency_indices(q1, [world.agency.pk])[world.agency.pk]["idx8"] == 0
    FollowUp.objects.filter(closed_at=_at(10, 2)).delete()
    follow_up(_at(2, 3), None)  # due mid-March, still open on 31 March
    assert compute_agency_indices(q1, [world.agency.pk])[world.agency.pk]["idx8"] == 0


def test_index_8_a_follow_up_not_yet_due_at_the_end_of_the_period_is_not_counted() -> None:
    """Given a follow-up opened on 30 March and still open, then 2026-Q1 counts nothing late: 2."""
    world = make_world()
    rate(make_received(world), answers=unhappy(), reason="Chờ lâu")
    FollowUp.objects.update(opened_at=_at(30, 3))
    q1 = parse_period("2026-Q1")
    assert (
        compute_agency_indices(q1, [world.agency.pk], active_ids=[world.agency.pk])[world.agency.pk]["idx8"]
        == 2
    )


# --- index 9: online services ----------------------------------------------------------------------


def test_index_9_without_procedures_or_without_dossiers_is_no_data() -> None:
    assert (
        online_points(procedures=0, online_procedures=0, received=5, received_online=5, late_online=0) is None
    )
    assert (
        online_points(procedures=4, online_procedures=4, received=0, received_online=0, late_online=0) is None
    )


@pytest.mark.parametrize(
    ("procedures", "online_procedures", "received", "online", "late", "points"),
    [
        (10, 2, 10, 3, 0, 2),  # 20 % of procedures, 30 % online: both thresholds reached exactly
        (10, 1, 10, 3, 0, 1),  # 10 % of procedures online: deployed, not enough for 2
        (10, 2, 100, 29, 0, 1),  # 29 % of dossiers online
        (10, 2, 100, 15, 0, 1),  # 15 %: the lower bound of 1 point
        (10, 2, 100, 14, 0, 0),
        (10, 5, 10, 10, 1, 0),  # one late online dossier
        (10, 0, 10, 0, 0, 0),  # nothing online
    ],
)
def test_index_9_thresholds(
    procedures: int, online_procedures: int, received: int, online: int, late: int, points: int
) -> None:
    assert (
        online_points(
            procedures=procedures,
            online_procedures=online_procedures,
            received=received,
            received_online=online,
            late_online=late,
        )
        == points
    )


def test_index_9_from_online_dossiers_and_online_procedures(monkeypatch: pytest.MonkeyPatch) -> None:
    """Given a ward with one fully online procedure and one dossier received online in time (on a
    Wednesday at 09:00, before the afternoon cut-off), then index 9 is 2; once that dossier is past
    its due time unresolved the next day, it is 0."""
    from datetime import timedelta

    from dichvucong.core import clock
    from dichvucong.dossiers.tests.factories import WEDNESDAY_9AM

    monkeypatch.setattr(clock, "now", lambda: WEDNESDAY_9AM)
    world = make_world()
    dossier = make_received(world)
    period = current_quarter()
    assert compute_agency_indices(period, [world.agency.pk])[world.agency.pk]["idx9"] == 2
    Dossier.objects.filter(pk=dossier.pk).update(due_at=dossier.received_at)
    monkeypatch.setattr(clock, "now", lambda: WEDNESDAY_9AM + timedelta(days=1))
    assert compute_agency_indices(period, [world.agency.pk])[world.agency.pk]["idx9"] == 0


def test_index_9_procedures_offered_only_at_the_counter_do_not_count_as_online() -> None:
    """Given a ward whose only procedure is direct-only, then index 9 is 0 although dossiers exist."""
    world = make_world()
    make_received(world)
    world.version.__class__.objects.filter(pk=world.version.pk).update(online_level=OnlineLevel.DIRECT)
    period = current_quarter()
    assert compute_agency_indices(period, [world.agency.pk])[world.agency.pk]["idx9"] == 0


def test_an_agency_with_nothing_in_the_period_has_no_data_on_5_8_and_9() -> None:
    """Given a ward with published procedures but no dossier, rating or follow-up, then indices 5, 8
    and 9 are no data (None), not 0; index 6 still reads its catalog."""
    world = make_world()
    assert compute_agency_indices(current_quarter(), [world.agency.pk])[world.agency.pk] == {
        "idx5": None,
        "idx6": 1,
        "idx8": None,
        "idx9": None,
    }


def test_agency_figures_carry_the_agency_level_indices() -> None:
    """Given a returned, rated dossier, when the figures are read, then indices 5, 6, 8 and 9 have values."""
    from dichvucong.evaluations.selectors import list_agency_figures

    world = make_world()
    rate(make_returned(world), stage=RatingStage.RETURN)
    [row] = list_agency_figures(current_quarter(), agency_ids=[world.agency.pk])
    assert {k: row.indices[k] for k in ("idx5", "idx6", "idx8", "idx9")} == {
        "idx5": 2.0,
        "idx6": 1.0,
        "idx8": 2.0,
        "idx9": 2.0,
    }
