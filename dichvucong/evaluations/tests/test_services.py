"""Ratings: per stage and officer, one per stage, edit window, unhappy loop, limits, fraud signals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings

from dichvucong.accounts.constants import Role
from dichvucong.agencies.tests.factories import make_officer
from dichvucong.core import clock
from dichvucong.core.models import AuditEntry
from dichvucong.evaluations import services
from dichvucong.evaluations.constants import (
    EvaluationErrorCode,
    FollowUpStatus,
    FraudKind,
    QuestionnaireStatus,
    RatingChannel,
    RatingStage,
)
from dichvucong.evaluations.errors import EvaluationError
from dichvucong.evaluations.models import FollowUp, FraudSignal, Question, Questionnaire, Rating
from dichvucong.evaluations.selectors import get_questionnaire_in_force
from dichvucong.evaluations.tests.factories import (
    make_kiosk,
    make_received,
    make_returned,
    make_world,
    rate,
    unhappy,
)
from dichvucong.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _refused(code: str, **kwargs: object) -> EvaluationError:
    with pytest.raises(EvaluationError) as info:
        rate(**kwargs)  # type: ignore[arg-type]
    assert info.value.code == code
    return info.value


def test_seeding_is_idempotent_and_keeps_the_stable_index_keys() -> None:
    """Given the seeded questionnaire, when seeded again, then nothing changes and it holds the nine
    indices plus convenience and overall, in Vietnamese and English."""
    assert services.seed_evaluation_criteria() is False
    questionnaire = get_questionnaire_in_force()
    keys = [q.index_key for q in questionnaire.questions.all()]
    assert keys == [f"idx{n}" for n in range(1, 10)] + ["convenience", "overall"]
    assert all(q.text and q.text_en for q in questionnaire.questions.all())
    assert Questionnaire.objects.count() == 1


def test_a_rating_stores_answers_as_rows_and_names_the_stage_officer() -> None:
    """Given a received dossier, when its applicant rates reception, then the answers are rows, the
    receiving officer (from the event log) is attributed and the rating is in the audit chain."""
    world = make_world()
    dossier = make_received(world)
    rating = rate(dossier, channel=RatingChannel.PORTAL, user=world.citizen)
    assert {a.index_key: a.value for a in rating.answers.all()} == {"idx7": 2, "convenience": 2, "overall": 2}
    assert list(rating.officers.all()) == [world.officer]
    assert rating.satisfaction == 2 and not rating.unhappy
    assert AuditEntry.objects.filter(action="evaluation.rate", target_id=str(rating.pk)).exists()


def test_a_stage_not_reached_is_refused_and_counted() -> None:
    """Given a dossier only received, when its return stage is rated, then it is refused and a
    stage-not-reached signal is counted; no rating is stored."""
    dossier = make_received(make_world())
    _refused(EvaluationErrorCode.STAGE_NOT_REACHED, dossier=dossier, stage=RatingStage.RETURN)
    assert not Rating.objects.filter(dossier=dossier).exists()
    assert FraudSignal.objects.get().kind == FraudKind.STAGE_NOT_REACHED


def test_a_second_rating_of_a_stage_from_another_channel_is_refused() -> None:
    """Given reception rated on the phone, when the kiosk rates it again, then it is refused as a
    duplicate and the stage still has one rating."""
    world = make_world()
    dossier = make_received(world)
    device, _secret = make_kiosk(world)
    rate(dossier)
    _refused(EvaluationErrorCode.ALREADY_RATED, dossier=dossier, channel=RatingChannel.KIOSK, device=device)
    assert Rating.objects.filter(dossier=dossier).count() == 1
    assert FraudSignal.objects.get().kind == FraudKind.DUPLICATE


def test_a_rating_can_be_changed_inside_the_window_without_double_counting() -> None:
    """Given a rating, when the same channel sends new answers within the edit window, then the one
    rating carries the new answers."""
    dossier = make_received(make_world())
    first = rate(dossier)
    second = rate(dossier, answers={"idx7": 1, "convenience": 1, "overall": 1})
    assert first.pk == second.pk and Rating.objects.filter(dossier=dossier).count() == 1
    assert {a.index_key: a.value for a in second.answers.all()}["overall"] == 1


@override_settings(EVALUATION_EDIT_MINUTES=30)
def test_a_frozen_rating_replayed_from_the_link_is_refused_and_counted() -> None:
    """Given a phone rating 31 minutes old, when the link sends it again, then it is refused as a
    replay and the answers are unchanged."""
    dossier = make_received(make_world())
    rate(dossier)
    with clock.backdated(clock.now() + timedelta(minutes=31)):
        _refused(EvaluationErrorCode.ALREADY_RATED, dossier=dossier, answers=unhappy(), reason="x")
    assert Rating.objects.get(dossier=dossier).satisfaction == 2
    assert FraudSignal.objects.get().kind == FraudKind.REPLAYED


def test_missing_or_foreign_answers_are_refused() -> None:
    """Given the questionnaire, when a citizen question is left out or an unknown key or value is
    sent, then the rating is refused as invalid."""
    dossier = make_received(make_world())
    _refused(EvaluationErrorCode.INVALID, dossier=dossier, answers={"idx7": 2, "convenience": 2})
    _refused(
        EvaluationErrorCode.INVALID, dossier=dossier, answers={"idx7": 2, "convenience": 2, "overall": 7}
    )
    _refused(
        EvaluationErrorCode.INVALID,
        dossier=dossier,
        answers={"idx7": 2, "convenience": 2, "overall": 2, "idx1": 2},
    )
    assert not Rating.objects.exists()


def test_unhappy_needs_a_reason() -> None:
    """Given a Không hài lòng answer, when no reason is given, then it is refused and nothing stored."""
    dossier = make_received(make_world())
    _refused(EvaluationErrorCode.REASON_REQUIRED, dossier=dossier, answers=unhappy())
    assert not Rating.objects.exists() and not FraudSignal.objects.exists()


def test_unhappy_opens_a_follow_up_and_notifies_the_unit_heads() -> None:
    """Given an agency with a unit head, when the applicant is unhappy with a reason, then a follow-up
    is opened for the agency and the unit head (only) is notified."""
    world = make_world()
    head, _a = make_officer(agency=world.agency, role=Role.UNIT_HEAD)
    dossier = make_received(world)
    rating = rate(dossier, answers=unhappy(), reason="Phải chờ quá lâu")
    follow_up = FollowUp.objects.get(rating=rating)
    assert follow_up.status == FollowUpStatus.OPEN and follow_up.agency == world.agency
    notes = Notification.objects.filter(template="evaluation.unhappy")
    assert [n.recipient for n in notes] == [head]
    assert "Phải chờ quá lâu" in notes[0].body


def test_follow_up_moves_to_closed_with_a_note_by_a_unit_head_only() -> None:
    """Given an open follow-up, when an officer of another agency acts, then it is refused; when the
    unit head starts and closes it with a note, then it is closed."""
    world = make_world()
    head, _a = make_officer(agency=world.agency, role=Role.UNIT_HEAD)
    outsider, _b = make_officer(agency=world.other_agency, role=Role.UNIT_HEAD)
    rating = rate(make_received(world), answers=unhappy(), reason="Chậm")
    follow_up = FollowUp.objects.get(rating=rating)
    with pytest.raises(EvaluationError):
        services.start_follow_up(actor=outsider, follow_up=follow_up)
    services.start_follow_up(actor=head, follow_up=follow_up)
    with pytest.raises(EvaluationError):
        services.close_follow_up(actor=head, follow_up=follow_up, note=" ")
    closed = services.close_follow_up(actor=head, follow_up=follow_up, note="Đã xin lỗi người dân")
    assert closed.status == FollowUpStatus.CLOSED and closed.handler == head and closed.closed_at


def test_the_portal_accepts_only_the_applicant() -> None:
    """Given a dossier, when a stranger rates it on the portal, then it is refused."""
    world = make_world()
    dossier = make_received(world)
    _refused(
        EvaluationErrorCode.NOT_ALLOWED, dossier=dossier, channel=RatingChannel.PORTAL, user=world.stranger
    )


def test_a_kiosk_must_be_registered() -> None:
    """Given no kiosk device, when a kiosk rating arrives, then it is refused and counted."""
    dossier = make_received(make_world())
    _refused(EvaluationErrorCode.UNKNOWN_DEVICE, dossier=dossier, channel=RatingChannel.KIOSK, device=None)
    assert FraudSignal.objects.get().kind == FraudKind.UNKNOWN_DEVICE


@override_settings(EVALUATION_KIOSK_MAX_PER_HOUR=2)
def test_a_kiosk_flood_is_refused_after_the_hourly_limit() -> None:
    """Given a kiosk that sent two ratings this hour (limit 2), when a third comes, then it is refused
    as a device flood."""
    world = make_world()
    device, _secret = make_kiosk(world)
    for _n in range(2):
        rate(make_received(world), channel=RatingChannel.KIOSK, device=device)
    _refused(
        EvaluationErrorCode.RATE_LIMITED,
        dossier=make_received(world),
        channel=RatingChannel.KIOSK,
        device=device,
    )
    assert FraudSignal.objects.get().kind == FraudKind.DEVICE_FLOOD
    assert Rating.objects.count() == 2


@override_settings(EVALUATION_IP_MAX_PER_HOUR=1)
def test_an_ip_flood_on_the_phone_link_is_refused() -> None:
    """Given one phone rating from an address (limit 1), when another dossier is rated from it, then it
    is refused as an IP flood; another address is still accepted."""
    world = make_world()
    rate(make_received(world), ip="203.0.113.9")
    _refused(EvaluationErrorCode.RATE_LIMITED, dossier=make_received(world), ip="203.0.113.9")
    rate(make_received(world), ip="198.51.100.7")
    assert FraudSignal.objects.get().kind == FraudKind.IP_FLOOD


def test_each_stage_is_attributed_to_its_own_officer() -> None:
    """Given a returned dossier, when reception and return are rated, then each rating names the
    officers the event log gives for that stage."""
    world = make_world()
    dossier = make_returned(world)
    assert list(rate(dossier, stage=RatingStage.RETURN).officers.all()) == [world.officer]
    assert list(rate(dossier, stage=RatingStage.PROCESSING).officers.all()) == [world.officer]


def test_only_an_agency_admin_registers_a_kiosk() -> None:
    """Given a counter officer, when they register a kiosk, then it is refused; an admin's works and
    only the hash of the secret is stored."""
    world = make_world()
    with pytest.raises(EvaluationError):
        services.register_kiosk_device(actor=world.officer, agency=world.agency, name="Máy 1")
    device, secret = make_kiosk(world)
    assert device.token_hash != secret and len(secret) >= 40


def test_a_new_questionnaire_version_keeps_keys_and_old_ratings() -> None:
    """Given ratings on version 1, when a draft is reworded and published, then version 1 is
    superseded, the keys are the same and the old rating still points at version 1."""
    world = make_world()
    old = rate(make_received(world))
    admin, _a = make_officer(agency=world.agency, role=Role.CITY_ADMIN)
    draft = services.create_questionnaire_draft(actor=admin)
    question = Question.objects.get(questionnaire=draft, index_key="overall")
    services.reword_question(actor=admin, question=question, text="Quý khách hài lòng chứ?", text_en="Happy?")
    services.publish_questionnaire(actor=admin, questionnaire=draft)
    in_force = get_questionnaire_in_force()
    assert in_force.pk == draft.pk
    assert [q.index_key for q in in_force.questions.all()][-1] == "overall"
    assert Questionnaire.objects.get(version=1).status == QuestionnaireStatus.SUPERSEDED
    old.refresh_from_db()
    assert old.questionnaire.version == 1
    with pytest.raises(EvaluationError):
        services.reword_question(actor=admin, question=question, text="Sửa sau khi công bố")


def test_returning_the_result_invites_the_applicant_with_a_signed_link() -> None:
    """Given a dossier whose applicant has an account, when the result is returned, then they get one
    invitation whose link opens the evaluation of all its stages."""
    from dichvucong.evaluations.links import read_token

    world = make_world()
    dossier = make_returned(world)
    invite = Notification.objects.get(recipient=world.citizen, template="evaluation.invite")
    assert "/danh-gia/" in invite.link
    assert read_token(invite.link.rstrip("/").rsplit("/", 1)[-1]).dossier_id == dossier.pk
