"""Writes of the evaluation: questionnaire versions, ratings, follow-ups, kiosks, published figures.

``submit_rating`` is the one way a rating enters: it checks the channel's limits, that the dossier
reached the stage and that the stage was not rated already (or is still inside its edit window),
attributes the officers of that stage from the event log, stores the answers as rows, writes the
audit entry and, for a "Không hài lòng", opens a follow-up and notifies the agency's unit heads.
A refusal that looks like abuse (forged or expired link, replay, second rating, flood) is counted as
a ``FraudSignal`` in its own transaction, so it is kept although the rating is not.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from dichvucong.accounts.constants import Role
from dichvucong.accounts.models import User
from dichvucong.agencies.models import Agency, Assignment
from dichvucong.agencies.scopes import get_data_scope
from dichvucong.core import clock
from dichvucong.core.audit import record_audit
from dichvucong.dossiers.models import Dossier
from dichvucong.evaluations import criteria, selectors
from dichvucong.evaluations.constants import (
    INDEX_KEYS,
    REASON_MAX_LENGTH,
    AnswerScale,
    EvaluationErrorCode,
    FollowUpStatus,
    FraudKind,
    QuestionnaireStatus,
    RatingChannel,
    RatingStage,
    Satisfaction,
)
from dichvucong.evaluations.errors import EvaluationError
from dichvucong.evaluations.hashing import hash_ip, hash_secret
from dichvucong.evaluations.models import (
    AnswerOption,
    EvaluationSnapshot,
    FollowUp,
    FraudSignal,
    KioskDevice,
    PublicityCheck,
    Question,
    Questionnaire,
    QuestionWording,
    Rating,
    RatingAnswer,
    VerifiedScore,
)
from dichvucong.evaluations.periods import Period
from dichvucong.notifications.services import notify

KIOSK_ADMIN_ROLES = (Role.AGENCY_ADMIN, Role.CITY_ADMIN)
# E6: city, department and ward admins manage the wording, kiosks and publication of their scope.
SCOPE_ADMIN_ROLES = (Role.AGENCY_ADMIN, Role.CITY_ADMIN)
FOLLOW_UP_ROLES = (Role.UNIT_HEAD, Role.AGENCY_LEADER, Role.AGENCY_ADMIN, Role.CITY_ADMIN)
NOTIFIED_ROLES = (Role.UNIT_HEAD, Role.AGENCY_LEADER)
VERIFY_ROLES = (Role.AGENCY_LEADER, Role.CITY_ADMIN)


# --- questionnaire ---------------------------------------------------------------------------------


def seed_evaluation_criteria() -> bool:
    """Publish the default questionnaire when none exists (idempotent); True when it was created."""
    with transaction.atomic():
        created = criteria.seed_default_questionnaire(Questionnaire, Question, AnswerOption, now=clock.now())
        if created:
            record_audit(actor=None, action="evaluation.seed_criteria", after={"version": 1})
    return created


def create_questionnaire_draft(*, actor: User) -> Questionnaire:
    """A new draft version copying the questionnaire in force (same index keys, editable wording)."""
    with transaction.atomic():
        source = selectors.get_questionnaire_in_force()
        if source is None:
            raise EvaluationError(
                _("Chưa có bộ tiêu chí đang áp dụng."), code=EvaluationErrorCode.NO_QUESTIONNAIRE
            )
        last = Questionnaire.objects.order_by("-version").values_list("version", flat=True).first() or 0
        draft = Questionnaire.objects.create(
            version=last + 1, title=source.title, title_en=source.title_en, status=QuestionnaireStatus.DRAFT
        )
        for question in source.questions.all():
            options = list(question.options.all())
            question.pk = None
            question.questionnaire = draft
            question.save()
            AnswerOption.objects.bulk_create(
                AnswerOption(
                    question=question, value=o.value, label=o.label, label_en=o.label_en, position=o.position
                )
                for o in options
            )
        record_audit(
            actor=actor,
            action="evaluation.questionnaire_draft",
            target=draft,
            after={"version": draft.version},
        )
    return draft


def reword_question(*, actor: User, question: Question, text: str, text_en: str = "") -> Question:
    """Change a draft question's wording; its ``index_key`` (and so its comparability) stays."""
    text = (text or "").strip()
    if not text:
        raise EvaluationError(_("Nội dung tiêu chí không được để trống."))
    with transaction.atomic():
        question = Question.objects.select_related("questionnaire").select_for_update().get(pk=question.pk)
        if question.questionnaire.status != QuestionnaireStatus.DRAFT:
            raise EvaluationError(
                _("Chỉ sửa được bộ tiêu chí ở trạng thái nháp."), code=EvaluationErrorCode.WRONG_STATUS
            )
        before = {"text": question.text, "text_en": question.text_en}
        question.text, question.text_en = text[:500], (text_en or "").strip()[:500]
        question.save(update_fields=["text", "text_en"])
        record_audit(
            actor=actor,
            action="evaluation.question_reword",
            target=question,
            before=before,
            after={"text": question.text, "text_en": question.text_en},
        )
    return question


def set_question_wording(
    *, actor: User, agency: Agency, index_key: str, text: str, text_en: str = ""
) -> QuestionWording | None:
    """Set ``agency``'s own wording of one question in force (an empty text removes it, so the
    wording from above applies again). Only the stable index keys of the questionnaire in force can
    be reworded: an agency cannot add or remove indices. Audited; None when removed."""
    if not get_data_scope(actor).allows(agency_id=agency.pk, roles=SCOPE_ADMIN_ROLES):
        raise EvaluationError(
            _("Bạn không có quyền sửa tiêu chí của cơ quan này."), code=EvaluationErrorCode.NOT_ALLOWED
        )
    questionnaire = selectors.get_questionnaire_in_force()
    keys = {q.index_key for q in selectors.list_citizen_questions(questionnaire)} if questionnaire else set()
    if index_key not in keys:
        raise EvaluationError(
            _("Chỉ sửa được cách diễn đạt của các câu hỏi đang áp dụng."), code=EvaluationErrorCode.INVALID
        )
    text, text_en = (text or "").strip()[:500], (text_en or "").strip()[:500]
    with transaction.atomic():
        existing = (
            QuestionWording.objects.select_for_update().filter(agency=agency, index_key=index_key).first()
        )
        before = {"text": existing.text, "text_en": existing.text_en} if existing else {}
        if not text:
            if existing is not None:
                existing.delete()
                record_audit(
                    actor=actor,
                    action="evaluation.wording_remove",
                    target=agency,
                    before={**before, "index_key": index_key},
                )
            return None
        wording, _created = QuestionWording.objects.update_or_create(
            agency=agency,
            index_key=index_key,
            defaults={"text": text, "text_en": text_en, "updated_by": actor, "updated_at": clock.now()},
        )
        record_audit(
            actor=actor,
            action="evaluation.wording_set",
            target=wording,
            before=before,
            after={"index_key": index_key, "text": text, "text_en": text_en, "agency": agency.pk},
        )
    return wording


def publish_questionnaire(*, actor: User, questionnaire: Questionnaire) -> Questionnaire:
    """Put a draft in force; the one in force becomes superseded (its ratings keep pointing at it)."""
    with transaction.atomic():
        questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
        if questionnaire.status != QuestionnaireStatus.DRAFT:
            raise EvaluationError(
                _("Chỉ công bố được bộ tiêu chí ở trạng thái nháp."), code=EvaluationErrorCode.WRONG_STATUS
            )
        Questionnaire.objects.filter(status=QuestionnaireStatus.PUBLISHED).update(
            status=QuestionnaireStatus.SUPERSEDED
        )
        questionnaire.status = QuestionnaireStatus.PUBLISHED
        questionnaire.published_at = clock.now()
        questionnaire.save(update_fields=["status", "published_at"])
        record_audit(
            actor=actor,
            action="evaluation.questionnaire_publish",
            target=questionnaire,
            after={"version": questionnaire.version},
        )
    return questionnaire


# --- ratings -------------------------------------------------------------------------------------------


def record_fraud_signal(
    *,
    kind: str,
    channel: str,
    dossier: Dossier | None = None,
    stage: str = "",
    device: KioskDevice | None = None,
    ip: str = "",
) -> FraudSignal:
    """Count a refused attempt in the fraud report (its own transaction: kept when the rating is not)."""
    with transaction.atomic():
        return FraudSignal.objects.create(
            kind=kind,
            channel=channel,
            dossier=dossier,
            agency_id=dossier.agency_id if dossier is not None else (device.agency_id if device else None),
            stage=stage if stage in RatingStage.values else "",
            device=device,
            ip_hash=hash_ip(ip),
            at=clock.now(),
        )


def _check_rate_limits(*, channel: str, device: KioskDevice | None, ip_hash: str) -> None:
    since = clock.now() - timedelta(hours=1)
    if channel == RatingChannel.KIOSK:
        if device is None:
            raise EvaluationError(
                _("Máy này chưa được đăng ký làm máy đánh giá. Vui lòng báo cán bộ tại quầy."),
                code=EvaluationErrorCode.UNKNOWN_DEVICE,
                fraud_kind=FraudKind.UNKNOWN_DEVICE,
            )
        recent = Rating.objects.filter(device=device, updated_at__gte=since).count()
        if recent >= settings.EVALUATION_KIOSK_MAX_PER_HOUR:
            raise EvaluationError(
                _("Máy đánh giá đã nhận quá nhiều lượt trong một giờ. Vui lòng thử lại sau."),
                code=EvaluationErrorCode.RATE_LIMITED,
                fraud_kind=FraudKind.DEVICE_FLOOD,
            )
    elif ip_hash:
        recent = Rating.objects.filter(ip_hash=ip_hash, updated_at__gte=since).count()
        if recent >= settings.EVALUATION_IP_MAX_PER_HOUR:
            raise EvaluationError(
                _("Có quá nhiều lượt đánh giá từ địa chỉ mạng này. Vui lòng thử lại sau."),
                code=EvaluationErrorCode.RATE_LIMITED,
                fraud_kind=FraudKind.IP_FLOOD,
            )


def _clean_answers(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> dict[Question, int]:
    """Every citizen question answered with one of its options; unknown keys are refused."""
    questions = {q.index_key: q for q in selectors.list_citizen_questions(questionnaire)}
    unknown = set(answers) - set(questions)
    if unknown:
        raise EvaluationError(_("Câu trả lời không thuộc bộ tiêu chí đang áp dụng."))
    cleaned: dict[Question, int] = {}
    for key, question in questions.items():
        raw = answers.get(key)
        try:
            value = int(raw) if raw is not None and raw != "" else None
        except (TypeError, ValueError):
            value = None
        if value is None or value not in {o.value for o in question.options.all()}:
            raise EvaluationError(
                _("Vui lòng chọn một câu trả lời cho: %(question)s") % {"question": question.display_text}
            )
        cleaned[question] = value
    return cleaned


def _is_unhappy(answers: Mapping[Question, int]) -> bool:
    """A "Không hài lòng" on a satisfaction question, or harassment on the officer's attitude."""
    return any(
        value == Satisfaction.DISSATISFIED
        and (question.scale != AnswerScale.POINTS or question.index_key == "idx7")
        for question, value in answers.items()
    )


def _overall(answers: Mapping[Question, int]) -> int | None:
    for question, value in answers.items():
        if question.index_key == "overall":
            return value
    return None


def _refuse_stage(dossier: Dossier, stage: str) -> None:
    if stage not in RatingStage.values:
        raise EvaluationError(_("Bước đánh giá không hợp lệ."))
    if not selectors.stage_reached(dossier, stage):
        raise EvaluationError(
            _("Hồ sơ chưa đến bước “%(stage)s” nên chưa thể đánh giá bước này.")
            % {"stage": RatingStage(stage).label},
            code=EvaluationErrorCode.STAGE_NOT_REACHED,
            fraud_kind=FraudKind.STAGE_NOT_REACHED,
        )


def _same_rater(rating: Rating, *, channel: str, device: KioskDevice | None) -> bool:
    if rating.channel != channel:
        return False
    return channel != RatingChannel.KIOSK or rating.device_id == getattr(device, "pk", None)


def submit_rating(
    *,
    dossier: Dossier,
    stage: str,
    channel: str,
    answers: Mapping[str, Any],
    reason: str = "",
    user: Any = None,
    device: KioskDevice | None = None,
    ip: str = "",
) -> Rating:
    """Store the applicant's rating of one stage (or change it inside the edit window).

    ``answers`` maps the citizen questions' index keys to option values. Raises ``EvaluationError``.
    """
    if channel not in RatingChannel.values:
        raise ValueError(f"unknown channel {channel!r}")
    try:
        return _submit(
            dossier=dossier,
            stage=stage,
            channel=channel,
            answers=answers,
            reason=reason,
            user=user,
            device=device,
            ip=ip,
        )
    except EvaluationError as exc:
        if exc.fraud_kind:
            record_fraud_signal(
                kind=exc.fraud_kind, channel=channel, dossier=dossier, stage=stage, device=device, ip=ip
            )
        raise


def _submit(
    *,
    dossier: Dossier,
    stage: str,
    channel: str,
    answers: Mapping[str, Any],
    reason: str,
    user: Any,
    device: KioskDevice | None,
    ip: str,
) -> Rating:
    ip_hash = hash_ip(ip)
    _check_rate_limits(channel=channel, device=device, ip_hash=ip_hash)
    if channel == RatingChannel.PORTAL and not selectors.is_applicant(user, dossier):
        raise EvaluationError(
            _("Chỉ người nộp hồ sơ mới được đánh giá hồ sơ này."), code=EvaluationErrorCode.NOT_ALLOWED
        )
    _refuse_stage(dossier, stage)
    questionnaire = selectors.get_questionnaire_in_force()
    if questionnaire is None:
        raise EvaluationError(
            _("Chưa có bộ tiêu chí đánh giá đang áp dụng."), code=EvaluationErrorCode.NO_QUESTIONNAIRE
        )
    cleaned = _clean_answers(questionnaire, answers)
    unhappy = _is_unhappy(cleaned)
    reason = (reason or "").strip()[:REASON_MAX_LENGTH]
    if unhappy and not reason:
        raise EvaluationError(
            _("Vui lòng cho biết lý do Quý khách không hài lòng."), code=EvaluationErrorCode.REASON_REQUIRED
        )
    now = clock.now()
    try:
        with transaction.atomic():
            existing = Rating.objects.select_for_update().filter(dossier=dossier, stage=stage).first()
            if existing is not None:
                if existing.frozen or not _same_rater(existing, channel=channel, device=device):
                    replay = channel == RatingChannel.MOBILE and existing.channel == channel
                    raise EvaluationError(
                        _("Bước này của hồ sơ đã được đánh giá. Mỗi bước chỉ được đánh giá một lần."),
                        code=EvaluationErrorCode.ALREADY_RATED,
                        fraud_kind=FraudKind.REPLAYED if replay else FraudKind.DUPLICATE,
                    )
                rating = existing
                before = _answers_of(rating)
                rating.answers.all().delete()
            else:
                rating = Rating(
                    dossier=dossier,
                    stage=stage,
                    channel=channel,
                    agency_id=dossier.agency_id,
                    field_code=_field_code(dossier),
                    submitted_at=now,
                    editable_until=now + timedelta(minutes=settings.EVALUATION_EDIT_MINUTES),
                    device=device,
                    ip_hash=ip_hash,
                )
                before = {}
            rating.questionnaire = questionnaire
            rating.satisfaction = _overall(cleaned)
            rating.unhappy = unhappy
            rating.reason = reason if unhappy else ""
            rating.updated_at = now
            rating.save()
            RatingAnswer.objects.bulk_create(
                RatingAnswer(rating=rating, question=q, index_key=q.index_key, value=v)
                for q, v in cleaned.items()
            )
            if existing is None:
                rating.officers.set(selectors.list_stage_officers(dossier, stage))
            if device is not None:
                KioskDevice.objects.filter(pk=device.pk).update(last_seen_at=now)
            if unhappy:
                _open_follow_up(rating, dossier)
            record_audit(
                actor=user if getattr(user, "pk", None) else None,
                action="evaluation.rate" if existing is None else "evaluation.rate_change",
                target=rating,
                before=before,
                after={**_answers_of(rating), "channel": channel, "stage": stage, "unhappy": unhappy},
            )
    except IntegrityError:
        # Two submissions raced for the same stage: the first one won.
        raise EvaluationError(
            _("Bước này của hồ sơ đã được đánh giá. Mỗi bước chỉ được đánh giá một lần."),
            code=EvaluationErrorCode.ALREADY_RATED,
            fraud_kind=FraudKind.DUPLICATE,
        ) from None
    return rating


def _answers_of(rating: Rating) -> dict[str, int]:
    return {a.index_key: a.value for a in RatingAnswer.objects.filter(rating=rating)}


def _field_code(dossier: Dossier) -> str:
    version = dossier.procedure_version
    return version.field.code if version.field_id else ""


def _follow_up_path(follow_up: FollowUp) -> str:
    try:
        return reverse("backoffice:evaluation_follow_ups") + f"#follow-up-{follow_up.pk}"
    except NoReverseMatch:
        return ""


def _open_follow_up(rating: Rating, dossier: Dossier) -> None:
    follow_up, created = FollowUp.objects.get_or_create(
        rating=rating, defaults={"agency_id": rating.agency_id, "opened_at": rating.updated_at}
    )
    if not created:
        return
    heads = User.objects.filter(
        pk__in=Assignment.objects.filter(
            agency_id=rating.agency_id, role__in=NOTIFIED_ROLES, active=True
        ).values("user_id"),
        is_active=True,
    ).order_by("pk")
    for head in heads:
        notify(
            recipient=head,
            template="evaluation.unhappy",
            context={
                "dossier_ref": dossier.code or f"#{dossier.pk}",
                "agency_name": dossier.agency.name,
                "stage": str(RatingStage(rating.stage).label),
                "reason": rating.reason,
            },
            link=_follow_up_path(follow_up),
            idempotency_key=f"evaluation:follow-up:{follow_up.pk}",
        )


# --- follow-ups ------------------------------------------------------------------------------------------


def _require_follow_up_role(actor: Any, agency_id: int) -> None:
    if not get_data_scope(actor).allows(agency_id=agency_id, roles=FOLLOW_UP_ROLES):
        raise EvaluationError(
            _("Bạn không có quyền xử lý ý kiến của cơ quan này."), code=EvaluationErrorCode.NOT_ALLOWED
        )


def start_follow_up(*, actor: User, follow_up: FollowUp) -> FollowUp:
    with transaction.atomic():
        follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        _require_follow_up_role(actor, follow_up.agency_id)
        if follow_up.status != FollowUpStatus.OPEN:
            raise EvaluationError(
                _("Phiếu theo dõi này không còn ở trạng thái mới."), code=EvaluationErrorCode.WRONG_STATUS
            )
        follow_up.status, follow_up.handler = FollowUpStatus.IN_PROGRESS, actor
        follow_up.save(update_fields=["status", "handler"])
        record_audit(
            actor=actor,
            action="evaluation.follow_up_start",
            target=follow_up,
            before={"status": "open"},
            after={"status": follow_up.status},
        )
    return follow_up


def close_follow_up(*, actor: User, follow_up: FollowUp, note: str) -> FollowUp:
    note = (note or "").strip()
    if not note:
        raise EvaluationError(_("Vui lòng ghi kết quả xử lý trước khi đóng."))
    with transaction.atomic():
        follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
        _require_follow_up_role(actor, follow_up.agency_id)
        if follow_up.status == FollowUpStatus.CLOSED:
            raise EvaluationError(_("Phiếu theo dõi này đã đóng."), code=EvaluationErrorCode.WRONG_STATUS)
        before = {"status": follow_up.status}
        follow_up.status, follow_up.note, follow_up.closed_at = (
            FollowUpStatus.CLOSED,
            note[:2000],
            clock.now(),
        )
        follow_up.handler = follow_up.handler or actor
        follow_up.save(update_fields=["status", "note", "closed_at", "handler"])
        record_audit(
            actor=actor,
            action="evaluation.follow_up_close",
            target=follow_up,
            before=before,
            after={"status": follow_up.status},
        )
    return follow_up


# --- kiosks ----------------------------------------------------------------------------------------------


def register_kiosk_device(*, actor: User, agency: Agency, name: str) -> tuple[KioskDevice, str]:
    """Register a kiosk for ``agency``; returns the device and its secret (shown once, set as cookie)."""
    name = (name or "").strip()[:100]
    if not name:
        raise EvaluationError(_("Vui lòng đặt tên cho máy đánh giá."))
    if not get_data_scope(actor).allows(agency_id=agency.pk, roles=KIOSK_ADMIN_ROLES):
        raise EvaluationError(
            _("Bạn không có quyền đăng ký máy đánh giá cho cơ quan này."),
            code=EvaluationErrorCode.NOT_ALLOWED,
        )
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        device = KioskDevice.objects.create(
            name=name,
            agency=agency,
            token_hash=hash_secret(raw),
            registered_by=actor,
            registered_at=clock.now(),
        )
        record_audit(
            actor=actor,
            action="evaluation.kiosk_register",
            target=device,
            after={"name": name, "agency": agency.pk},
        )
    return device, raw


def deactivate_kiosk_device(*, actor: User, device: KioskDevice) -> KioskDevice:
    if not get_data_scope(actor).allows(agency_id=device.agency_id, roles=KIOSK_ADMIN_ROLES):
        raise EvaluationError(
            _("Bạn không có quyền quản lý máy đánh giá này."), code=EvaluationErrorCode.NOT_ALLOWED
        )
    with transaction.atomic():
        KioskDevice.objects.filter(pk=device.pk).update(active=False)
        device.active = False
        record_audit(
            actor=actor,
            action="evaluation.kiosk_deactivate",
            target=device,
            before={"active": True},
            after={"active": False},
        )
    return device


# --- published figures --------------------------------------------------------------------------------


def publish_results(*, actor: User | None, period: Period, agency_ids: Any = None) -> int:
    """Store the figures of ``period`` as published (replacing an earlier publication): every agency's
    for the command (``actor`` None) and city admins, only the agencies of the actor's admin scope for
    department and ward admins (E6). ``agency_ids`` narrows further (e.g. to one ward)."""
    if actor is not None:
        scope_ids = get_data_scope(actor).agency_ids_for(*SCOPE_ADMIN_ROLES)
        if scope_ids is not None and not scope_ids:
            raise EvaluationError(
                _("Bạn không có quyền công bố kết quả đánh giá."), code=EvaluationErrorCode.NOT_ALLOWED
            )
        if scope_ids is not None:
            agency_ids = scope_ids if agency_ids is None else set(agency_ids) & scope_ids
    rows = selectors.list_agency_figures(period, agency_ids=agency_ids)
    now = clock.now()
    with transaction.atomic():
        for row in rows:
            EvaluationSnapshot.objects.update_or_create(
                period=period.key,
                agency_id=row.agency_id,
                defaults={"figures": row.published_figures(), "published_at": now},
            )
        record_audit(
            actor=actor,
            action="evaluation.publish",
            after={"period": period.key, "agencies": sorted(r.agency_id for r in rows)},
        )
    return len(rows)


def record_verified_score(
    *, actor: User, period: Period, agency: Agency, points: Mapping[str, Any], note: str = ""
) -> VerifiedScore:
    """Record (or correct) the supervising officer's verified points (thẩm định) of ``agency``."""
    if not get_data_scope(actor).allows(agency_id=agency.pk, roles=VERIFY_ROLES):
        raise EvaluationError(
            _("Bạn không có quyền thẩm định kết quả của cơ quan này."), code=EvaluationErrorCode.NOT_ALLOWED
        )
    cleaned: dict[str, str] = {}
    for key in INDEX_KEYS:
        try:
            value = Decimal(str(points.get(key, "")).replace(",", ".")).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            value = Decimal(-1)
        if not Decimal(0) <= value <= Decimal(2):
            raise EvaluationError(
                _("Điểm chỉ số %(n)s phải từ 0 đến 2.") % {"n": key[3:]}, code=EvaluationErrorCode.INVALID
            )
        cleaned[key] = str(value)
    total = sum((Decimal(v) for v in cleaned.values()), Decimal(0))
    with transaction.atomic():
        score, _created = VerifiedScore.objects.update_or_create(
            period=period.key,
            agency=agency,
            defaults={
                "points": cleaned,
                "total": total,
                "note": (note or "").strip()[:2000],
                "verified_by": actor,
                "verified_at": clock.now(),
            },
        )
        record_audit(
            actor=actor,
            action="evaluation.verify",
            target=score,
            after={"period": period.key, "agency": agency.pk, "points": cleaned, "total": str(total)},
        )
    return score


def record_publicity_check(
    *, actor: User, period: Period, agency: Agency, posted: bool, note: str = ""
) -> PublicityCheck:
    """Record (or correct) whether ``agency``'s procedures were found posted at its office in
    ``period``: the half of index 6 that only an inspection can establish (see ``agency_indices``)."""
    if not get_data_scope(actor).allows(agency_id=agency.pk, roles=VERIFY_ROLES):
        raise EvaluationError(
            _("Bạn không có quyền thẩm định kết quả của cơ quan này."), code=EvaluationErrorCode.NOT_ALLOWED
        )
    with transaction.atomic():
        existing = PublicityCheck.objects.select_for_update().filter(period=period.key, agency=agency).first()
        before = {"posted": existing.posted, "note": existing.note} if existing else {}
        check, _created = PublicityCheck.objects.update_or_create(
            period=period.key,
            agency=agency,
            defaults={
                "posted": bool(posted),
                "note": (note or "").strip()[:2000],
                "recorded_by": actor,
                "recorded_at": clock.now(),
            },
        )
        record_audit(
            actor=actor,
            action="evaluation.publicity_check",
            target=check,
            before=before,
            after={"period": period.key, "agency": agency.pk, "posted": check.posted, "note": check.note},
        )
    return check
