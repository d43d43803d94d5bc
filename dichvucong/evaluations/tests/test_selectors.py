"""Scores: indices from dossier data, satisfaction ratios, 18-point score and grade, ranking."""

from __future__ import annotations

import pytest
from django.test import override_settings

from dichvucong.dossiers import services as dossier_services
from dichvucong.dossiers.constants import ReturnMethod
from dichvucong.evaluations.constants import Grade, RatingStage
from dichvucong.evaluations.periods import current_quarter, parse_period, previous_quarters
from dichvucong.evaluations.selectors import (
    dossier_indices,
    get_city_satisfaction,
    grade_for,
    list_agency_figures,
    list_officer_figures,
    list_stage_states,
)
from dichvucong.evaluations.tests.factories import make_received, make_returned, make_world, rate, unhappy

pytestmark = pytest.mark.django_db


def test_a_dossier_finished_before_its_due_day_scores_full_time_points() -> None:
    """Given a dossier resolved on its reception day with a 3-working-day limit and no supplement,
    when its indices are computed, then idx1 and idx2 are 2, idx3 is 2 and idx4 is 1 (counter)."""
    dossier = make_returned(make_world())
    assert dossier_indices(dossier) == {"idx1": 2, "idx2": 2, "idx3": 2, "idx4": 1}


def test_a_supplement_round_costs_a_point_on_index_3() -> None:
    """Given a dossier with one supplement request, when its indices are computed, then idx3 is 1."""
    world = make_world()
    dossier = make_received(world)
    dossier_services.request_supplement(
        dossier=dossier, officer=world.officer, items=[{"title": "Bản sao CCCD", "reason": "Mờ"}]
    )
    assert dossier_indices(dossier)["idx3"] == 1


def test_agency_figures_give_the_766_ratio_the_score_and_the_grade() -> None:
    """Given two returned dossiers of one agency, one rated happy and one unhappy, when the quarter's
    figures are computed, then the 766 ratio is 50%, the counts are right and the score is graded."""
    world = make_world()
    rate(make_returned(world), stage=RatingStage.RETURN)
    rate(make_returned(world), stage=RatingStage.RETURN, answers=unhappy(), reason="Chậm")
    [row] = list_agency_figures(current_quarter(), agency_ids=[world.agency.pk])
    assert (row.ratings, row.very_satisfied, row.dissatisfied) == (2, 1, 1)
    assert (row.finished_dossiers, row.unhappy_dossiers, row.satisfaction_rate) == (2, 1, 50.0)
    assert row.happy_share == 50.0
    assert row.indices["idx1"] == 2.0 and row.citizen["idx7"] == 1.5
    # idx1–4 = 2, 2, 2, 1; agency level idx5 = 2 (one-stop), idx6 = 1 (electronic only), idx8 = 2
    # (the follow-up is not due yet), idx9 = 2 (online); idx7 = 1.5 → 15.5 of 18
    assert row.score == 15.5 and row.grade == Grade.EXCELLENT and row.rank == 1


def test_the_city_satisfaction_rate_counts_in_the_database_whatever_the_number_of_dossiers(
    django_assert_max_num_queries,
) -> None:
    """Given three returned dossiers in two agencies, one rated unhappy, when the city's Decision 766
    rate is read, then it is 2 of 3 (66.7 %), the same as the agencies' rows sum to, in at most two
    queries (counts, not a loop over the finished dossiers: the public statistics page reads it)."""
    world, other = make_world(), make_world()
    rate(make_returned(world), stage=RatingStage.RETURN)
    rate(make_returned(world), stage=RatingStage.RETURN, answers=unhappy(), reason="Chậm")
    make_returned(other)
    quarter = current_quarter()
    rows = list_agency_figures(quarter, with_agency_indices=False)
    assert sum(r.finished_dossiers for r in rows) == 3 and sum(r.unhappy_dossiers for r in rows) == 1
    with django_assert_max_num_queries(2):
        assert get_city_satisfaction(quarter) == 66.7


def test_index_averages_in_the_database_equal_the_rules_dossier_by_dossier() -> None:
    """Given finished dossiers that are early, on their due day, late or without a due date, with 0,
    1 or 2 supplement rounds, inter-agency hand-overs returned early, late or not yet, and online or
    counter returns, when the agencies' index averages are computed in the database, then each equals
    the average of ``dossier_indices`` over the same dossiers (the rules stay in one place)."""
    from collections import defaultdict
    from datetime import timedelta

    from dichvucong.dossiers.models import Dossier, InterAgencyTransfer, SupplementRequest
    from dichvucong.evaluations.selectors import _avg, _index_averages

    world, other = make_world(), make_world()
    made = [make_returned(world) for _ in range(4)] + [make_returned(other) for _ in range(3)]
    for n, dossier in enumerate(made):
        resolved = dossier.resolved_at
        due = [
            resolved + timedelta(days=2),  # early
            resolved + timedelta(minutes=30),  # on the due day, before the due time
            resolved - timedelta(hours=1),  # late
            None,  # no due date
        ][n % 4]
        Dossier.objects.filter(pk=dossier.pk).update(
            due_at=due, return_method=ReturnMethod.ONLINE if n % 3 == 0 else ReturnMethod.COUNTER
        )
        for _ in range(n % 3):
            SupplementRequest.objects.create(
                dossier=dossier, requested_by=world.officer, requested_at=resolved
            )
        if n % 2:
            InterAgencyTransfer.objects.create(
                dossier=dossier,
                from_agency=dossier.agency,
                to_agency=other.agency,
                sent_by=world.officer,
                sent_at=resolved - timedelta(days=3),
                due_at=resolved - timedelta(days=1),
                returned_at=resolved - timedelta(days=2 if n % 4 == 1 else 0),
            )
    finished = Dossier.objects.filter(pk__in=[d.pk for d in made])
    expected: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for dossier in finished.prefetch_related("supplement_requests", "transfers"):
        for key, value in dossier_indices(dossier).items():
            if value is not None:
                expected[dossier.agency_id][key].append(value)
    got = _index_averages(finished)
    assert {agency: count for agency, (count, _found) in got.items()} == {
        world.agency.pk: 4,
        other.agency.pk: 3,
    }
    for agency_id, (_count, found) in got.items():
        assert found == {
            key: _avg(expected[agency_id].get(key, [])) for key in ("idx1", "idx2", "idx3", "idx4")
        }
    assert {v for found in got.values() for v in found[1].values()} - {None, 1.0, 2.0}  # a real mix


def test_agencies_are_ranked_by_score() -> None:
    """Given two agencies whose applicants rated the officer's attitude differently, when ranked, then
    the better-rated agency comes first."""
    world, other = make_world(), make_world()
    rate(make_returned(world), stage=RatingStage.RETURN)
    rate(make_returned(other), stage=RatingStage.RETURN, answers=unhappy(), reason="Chậm")
    rows = list_agency_figures(current_quarter(), agency_ids=[world.agency.pk, other.agency.pk])
    assert [r.agency_id for r in rows] == [world.agency.pk, other.agency.pk]
    assert [r.rank for r in rows] == [1, 2]


def test_officer_figures_count_the_ratings_of_their_stages() -> None:
    """Given an officer who received two rated dossiers (one unhappy), when their figures are read,
    then they have two ratings, one unhappy and an attitude average of 1.5."""
    world = make_world()
    rate(make_received(world))
    rate(make_received(world), answers=unhappy(), reason="Thái độ")
    [row] = list_officer_figures(current_quarter(), agency_ids=[world.agency.pk])
    assert (row.officer_id, row.ratings, row.unhappy, row.attitude, row.happy_share) == (
        world.officer.pk,
        2,
        1,
        1.5,
        50.0,
    )


@override_settings(EVALUATION_GRADE_THRESHOLDS=((16.0, "xuat_sac"), (10.0, "tot")))
def test_grade_thresholds_come_from_settings() -> None:
    """Given thresholds 16 / 10, when scores are graded, then 15.3 is Tốt and 9 is Yếu."""
    assert grade_for(15.3) == Grade.GOOD and grade_for(9) == Grade.WEAK and grade_for(None) is None


def test_stage_states_show_what_is_reached_and_who_did_it() -> None:
    """Given a received dossier, when its stages are listed, then reception is reached with its
    officer, processing and return are not."""
    world = make_world()
    states = list_stage_states(make_received(world))
    assert [(s.stage, s.reached, s.rateable) for s in states] == [
        ("reception", True, True),
        ("processing", False, False),
        ("return", False, False),
    ]
    assert states[0].officer_names == world.officer.display_name


def test_periods_parse_and_step_back() -> None:
    """Given period keys, when parsed, then quarters, months and years have their bounds; garbage is None."""
    q = parse_period("2026-Q1")
    assert (q.first_day.isoformat(), q.last_day.isoformat()) == ("2026-01-01", "2026-03-31")
    assert parse_period("2026-02").last_day.day == 28 and parse_period("2026").last_day.month == 12
    assert parse_period("2026-Q5") is None and parse_period("<x>") is None
    assert [p.key for p in previous_quarters(q, 3)] == ["2025-Q3", "2025-Q4", "2026-Q1"]


def test_verified_points_sit_beside_the_computed_score_and_decide_the_rank() -> None:
    """Given two agencies, the better computed one verified down to 8 points, when ranked, then its
    verified total and grade are shown beside the computed score and it ranks second."""
    from dichvucong.accounts.constants import Role
    from dichvucong.agencies.tests.factories import make_officer
    from dichvucong.evaluations.errors import EvaluationError
    from dichvucong.evaluations.services import record_verified_score

    world, other = make_world(), make_world()
    rate(make_returned(world), stage=RatingStage.RETURN)
    rate(make_returned(other), stage=RatingStage.RETURN, answers=unhappy(), reason="Chậm")
    admin, _a = make_officer(agency=world.agency, role=Role.CITY_ADMIN)
    period = current_quarter()
    with pytest.raises(EvaluationError):
        record_verified_score(actor=admin, period=period, agency=world.agency, points={"idx1": 3})
    with pytest.raises(EvaluationError):
        record_verified_score(actor=world.officer, period=period, agency=world.agency, points={})
    points = {f"idx{n}": 1 for n in range(1, 9)} | {"idx9": 0}
    record_verified_score(
        actor=admin, period=period, agency=world.agency, points=points, note="Thiếu niêm yết"
    )
    rows = list_agency_figures(period, agency_ids=[world.agency.pk, other.agency.pk])
    mine = next(r for r in rows if r.agency_id == world.agency.pk)
    assert mine.score == 16.0 and mine.verified_score == 8.0 and mine.verified_grade == Grade.AVERAGE
    assert [r.agency_id for r in rows] == [other.agency.pk, world.agency.pk]


def test_an_event_with_a_stage_name_counts_for_that_stage_only() -> None:
    """Given a resolution recorded by the return task's officer (stage "return"), when officers are
    attributed, then that officer counts for the return stage, not for processing."""
    from dichvucong.agencies.tests.factories import make_officer
    from dichvucong.dossiers.constants import EventAction
    from dichvucong.dossiers.models import DossierEvent
    from dichvucong.evaluations.selectors import list_stage_officers

    world = make_world()
    dossier = make_received(world)
    clerk, _a = make_officer(agency=world.agency)
    DossierEvent.objects.create(
        dossier=dossier,
        at=dossier.received_at,
        action=EventAction.RESOLVED,
        actor=clerk,
        actor_role="counter_officer",
        stage="return",
    )
    assert clerk in list_stage_officers(dossier, RatingStage.RETURN)
    assert clerk not in list_stage_officers(dossier, RatingStage.PROCESSING)
