"""Publication and recount: the published figures match a recount from raw rows; tampering shows."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from dichvucong.evaluations.constants import RatingStage
from dichvucong.evaluations.models import EvaluationSnapshot
from dichvucong.evaluations.periods import current_quarter
from dichvucong.evaluations.recount import recount
from dichvucong.evaluations.services import publish_results
from dichvucong.evaluations.tests.factories import make_returned, make_world, rate

pytestmark = pytest.mark.django_db


def test_a_fresh_publication_recounts_without_difference() -> None:
    """Given a quarter published, when recounted, then every figure matches."""
    world = make_world()
    rate(make_returned(world), stage=RatingStage.RETURN)
    assert publish_results(actor=None, period=current_quarter()) == 1
    assert recount() == (1, [])


def test_a_tampered_figure_is_reported_and_the_command_fails() -> None:
    """Given a published snapshot whose rating count was edited in the database, when the recount
    command runs, then it prints the difference and exits with status 1."""
    world = make_world()
    rate(make_returned(world), stage=RatingStage.RETURN)
    period = current_quarter()
    publish_results(actor=None, period=period)
    snapshot = EvaluationSnapshot.objects.get()
    snapshot.figures["ratings"] = 5
    snapshot.save()
    checked, differences = recount(period_key=period.key)
    assert checked == 1 and [(d.figure, d.published, d.recomputed) for d in differences] == [
        ("ratings", 5, 1)
    ]
    with pytest.raises(SystemExit) as exit_info:
        call_command("recount_evaluations", "--period", period.key)
    assert exit_info.value.code == 1


def test_seed_command_is_idempotent(capsys: pytest.CaptureFixture[str]) -> None:
    """Given the questionnaire exists, when the seed command runs, then it reports nothing to do."""
    call_command("seed_evaluation_criteria")
    assert "nothing to do" in capsys.readouterr().out
