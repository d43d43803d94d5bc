"""Reads of the evaluation: the questionnaire in force, the stages a dossier can be rated for and by
whom they were done (from the event log), and the figures per agency and officer (SPEC-VN §3).

Scores: indices 1–4 come from each dossier finished in the period (dates against the legal limit,
hand-overs, supplement rounds, channels); index 7, convenience and overall from the ratings; indices
5, 6, 8 and 9 are agency-level (one-stop reception and return, catalog publicity, follow-ups handled
on time, online services: see ``agency_indices`` for each source and formula). An index without data
stays ``None``; the 18-point score scales the average of the indices that have data to 18 points, so
an agency is not graded down for data it could not produce.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.db.models.lookups import GreaterThan, IsNull, LessThan
from django.utils import timezone

from dichvucong.accounts.models import Membership, User
from dichvucong.agencies.models import Agency
from dichvucong.dossiers.constants import EventAction, ReturnMethod, SubmissionChannel
from dichvucong.dossiers.models import Dossier, DossierEvent, InterAgencyTransfer, SupplementRequest
from dichvucong.evaluations.agency_indices import AGENCY_INDEX_KEYS, compute_agency_indices
from dichvucong.evaluations.constants import (
    INDEX_KEYS,
    MAX_SCORE,
    FollowUpStatus,
    FraudKind,
    Grade,
    QuestionKind,
    QuestionnaireStatus,
    RatingStage,
    Satisfaction,
)
from dichvucong.evaluations.hashing import hash_secret
from dichvucong.evaluations.models import (
    AnswerOption,
    FollowUp,
    FraudSignal,
    KioskDevice,
    Question,
    Questionnaire,
    QuestionWording,
    Rating,
    RatingAnswer,
    VerifiedScore,
)
from dichvucong.evaluations.periods import Period

# Which event rows belong to which rated stage (the event's ``stage`` first, its action otherwise).
_STAGE_NAMES = {
    RatingStage.RECEPTION: frozenset({"reception"}),
    RatingStage.PROCESSING: frozenset({"processing", "approval"}),
    RatingStage.RETURN: frozenset({"return"}),
}
_STAGE_ACTIONS = {
    RatingStage.RECEPTION: frozenset({EventAction.RECEIVED}),
    RatingStage.PROCESSING: frozenset(
        {
            EventAction.TASK_COMPLETED,
            EventAction.RESOLVED,
            EventAction.RESULT_ATTACHED,
            EventAction.TRANSFER_RETURNED,
        }
    ),
    RatingStage.RETURN: frozenset({EventAction.RETURNED}),
}


# --- questionnaire -----------------------------------------------------------------------------------


def get_questionnaire_in_force() -> Questionnaire | None:
    """The published questionnaire with its questions and options prefetched (None before seeding)."""
    return (
        Questionnaire.objects.filter(status=QuestionnaireStatus.PUBLISHED)
        .prefetch_related(
            Prefetch(
                "questions",
                queryset=Question.objects.order_by("position", "id").prefetch_related(
                    Prefetch("options", queryset=AnswerOption.objects.order_by("position", "id"))
                ),
            )
        )
        .first()
    )


def list_citizen_questions(questionnaire: Questionnaire, agency: Agency | None = None) -> list[Question]:
    """The questions the applicant answers; with ``agency``, in the wording that agency (or the
    nearest agency above it) chose, applied in memory so the answers still point at the same rows."""
    questions = [q for q in questionnaire.questions.all() if q.kind == QuestionKind.CITIZEN]
    if agency is not None:
        apply_wording(questions, agency)
    return questions


def _ancestor_paths(agency: Agency) -> list[str]:
    """The materialised paths of ``agency`` and every agency above it (``"00000001."``, …)."""
    segments = agency.path.split(".")[:-1]
    return [".".join(segments[: n + 1]) + "." for n in range(len(segments))]


def get_wording(agency: Agency) -> dict[str, QuestionWording]:
    """Per index key, the wording in force for ``agency``: its own, else the nearest ancestor's."""
    found: dict[str, QuestionWording] = {}
    rows = QuestionWording.objects.filter(agency__path__in=_ancestor_paths(agency)).select_related("agency")
    for row in sorted(rows, key=lambda r: len(r.agency.path)):  # deeper agencies override
        found[row.index_key] = row
    return found


def apply_wording(questions: Iterable[Question], agency: Agency) -> None:
    wording = get_wording(agency)
    for question in questions:
        row = wording.get(question.index_key)
        if row is not None:
            question.text = row.text
            question.text_en = row.text_en or question.text_en


def list_wording_of(agency: Agency) -> dict[str, QuestionWording]:
    """The wording ``agency`` itself set (not inherited), per index key."""
    return {row.index_key: row for row in QuestionWording.objects.filter(agency=agency)}


# --- dossier stages -------------------------------------------------------------------------------------


def is_applicant(user: Any, dossier: Dossier) -> bool:
    """The dossier's owner or a member of the organisation it was filed for."""
    if not getattr(user, "is_authenticated", False):
        return False
    if dossier.owner_id == user.pk:
        return True
    return bool(
        dossier.organisation_id
        and Membership.objects.filter(user=user, organisation_id=dossier.organisation_id).exists()
    )


def stage_reached(dossier: Dossier, stage: str) -> bool:
    if stage == RatingStage.RECEPTION:
        return dossier.received_at is not None
    if stage == RatingStage.PROCESSING:
        return dossier.resolved_at is not None
    if stage == RatingStage.RETURN:
        return dossier.returned_at is not None
    return False


_KNOWN_STAGE_NAMES = frozenset().union(*_STAGE_NAMES.values())


def _stage_events(dossier: Dossier, stage: str) -> QuerySet[DossierEvent]:
    """Events of ``stage``: by their stage name when they carry a known one, else by their action."""
    return DossierEvent.objects.filter(
        Q(stage__in=_STAGE_NAMES[stage])
        | (Q(action__in=_STAGE_ACTIONS[stage]) & ~Q(stage__in=_KNOWN_STAGE_NAMES)),
        dossier=dossier,
        actor__isnull=False,
    ).exclude(actor_role="")


def list_stage_officers(dossier: Dossier, stage: str) -> list[User]:
    """The officers who acted on ``stage`` of ``dossier`` according to its event log, in order."""
    ids: list[int] = []
    for actor_id in _stage_events(dossier, stage).order_by("at", "id").values_list("actor_id", flat=True):
        if actor_id not in ids:
            ids.append(actor_id)
    users = User.objects.in_bulk(ids)
    return [users[i] for i in ids if i in users]


@dataclass
class StageState:
    stage: str
    label: str
    reached: bool
    rating: Rating | None
    officers: list[User] = field(default_factory=list)

    @property
    def rateable(self) -> bool:
        """Reached and either not rated yet or still inside the edit window."""
        return self.reached and (self.rating is None or not self.rating.frozen)

    @property
    def officer_names(self) -> str:
        return ", ".join(u.display_name for u in self.officers)


def list_stage_states(dossier: Dossier) -> list[StageState]:
    ratings = {r.stage: r for r in Rating.objects.filter(dossier=dossier)}
    return [
        StageState(
            stage=stage.value,
            label=str(stage.label),
            reached=stage_reached(dossier, stage),
            rating=ratings.get(stage.value),
            officers=list_stage_officers(dossier, stage) if stage_reached(dossier, stage) else [],
        )
        for stage in RatingStage
    ]


def get_rating(dossier: Dossier, stage: str) -> Rating | None:
    return Rating.objects.filter(dossier=dossier, stage=stage).prefetch_related("answers").first()


def get_dossier_by_code(code: str) -> Dossier | None:
    if not code or len(code) > 40:
        return None
    return Dossier.objects.select_related("agency", "procedure_version").filter(code=code).first()


def get_kiosk_device(raw_token: str | None) -> KioskDevice | None:
    if not raw_token or len(raw_token) > 200:
        return None
    return (
        KioskDevice.objects.select_related("agency")
        .filter(token_hash=hash_secret(raw_token), active=True)
        .first()
    )


# --- computed indices per dossier ------------------------------------------------------------------


def _time_points(finished: Any, due: Any) -> int | None:
    """2 earlier than the due day, 1 on the due day (not later than the due time), 0 late."""
    if finished is None or due is None:
        return None
    if finished > due:
        return 0
    return 2 if timezone.localdate(finished) < timezone.localdate(due) else 1


def dossier_indices(dossier: Dossier) -> dict[str, int | None]:
    """Indices 1–4 of one finished dossier (uses prefetched ``supplement_requests`` and ``transfers``)."""
    finished = dossier.resolved_at or dossier.returned_at
    idx1 = _time_points(finished, dossier.due_at)
    per_agency = [idx1] if idx1 is not None else []
    per_agency += [
        p for t in dossier.transfers.all() if (p := _time_points(t.returned_at, t.due_at)) is not None
    ]
    rounds = len(dossier.supplement_requests.all())
    online = dossier.channel == SubmissionChannel.ONLINE and dossier.return_method == ReturnMethod.ONLINE
    return {
        "idx1": idx1,
        "idx2": min(per_agency) if per_agency else None,
        "idx3": 2 if rounds == 0 else 1 if rounds == 1 else 0,
        # Hand-overs (liên thông) are between agencies: the applicant still deals with one counter.
        "idx4": 2 if online else 1,
    }


def _time_points_sql(finished: Any, due: str) -> Case:
    """``_time_points`` as an SQL expression: ``finished`` an expression, ``due`` a column name."""
    zone = timezone.get_current_timezone()
    return Case(
        When(IsNull(finished, True), then=Value(None)),
        When(Q(**{f"{due}__isnull": True}), then=Value(None)),
        When(GreaterThan(finished, F(due)), then=Value(0)),
        When(LessThan(TruncDate(finished, tzinfo=zone), TruncDate(due, tzinfo=zone)), then=Value(2)),
        default=Value(1),
        output_field=IntegerField(),
    )


def _index_averages(finished: QuerySet[Dossier]) -> dict[int, tuple[int, dict[str, float | None]]]:
    """Per agency: how many dossiers of ``finished`` there are, and the averages of their indices 1–4
    (``dossier_indices``, rounded like ``_avg``) — computed in the database: a quarter at 10 million
    dossiers finishes some 250,000, which took 13 s to load and score one by one."""
    transfers = (
        InterAgencyTransfer.objects.filter(dossier=OuterRef("pk"))
        .annotate(points=_time_points_sql(F("returned_at"), "due_at"))
        .values("dossier")
        .annotate(low=Min("points"))
        .values("low")
    )
    rounds = SupplementRequest.objects.filter(dossier=OuterRef("pk")).values("dossier")
    rounds = rounds.annotate(n=Count("id")).values("n")
    online = Q(channel=SubmissionChannel.ONLINE, return_method=ReturnMethod.ONLINE)
    scored = finished.annotate(
        i1=_time_points_sql(Coalesce("resolved_at", "returned_at"), "due_at"),
        transfer_low=Subquery(transfers, output_field=IntegerField()),
        rounds=Coalesce(Subquery(rounds, output_field=IntegerField()), Value(0)),
    ).annotate(
        i2=Case(
            When(i1__isnull=True, then=F("transfer_low")),
            When(transfer_low__isnull=True, then=F("i1")),
            When(transfer_low__lt=F("i1"), then=F("transfer_low")),
            default=F("i1"),
            output_field=IntegerField(),
        ),
        i3=Case(
            When(rounds=0, then=Value(2)),
            When(rounds=1, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        i4=Case(When(online, then=Value(2)), default=Value(1), output_field=IntegerField()),
    )
    found: dict[int, tuple[int, dict[str, float | None]]] = {}
    for item in (
        scored.values("agency_id")
        .annotate(n=Count("id"), a1=Avg("i1"), a2=Avg("i2"), a3=Avg("i3"), a4=Avg("i4"))
        .order_by()
    ):
        averages = {
            f"idx{k}": None if item[f"a{k}"] is None else round(float(item[f"a{k}"]), 3) for k in range(1, 5)
        }
        found[item["agency_id"]] = (item["n"], averages)
    return found


# --- figures ----------------------------------------------------------------------------------------


@dataclass
class AgencyFigures:
    agency_id: int
    agency_code: str
    agency_name: str
    ratings: int = 0
    very_satisfied: int = 0
    satisfied: int = 0
    dissatisfied: int = 0
    finished_dossiers: int = 0
    unhappy_dossiers: int = 0
    indices: dict[str, float | None] = field(default_factory=dict)
    citizen: dict[str, float | None] = field(default_factory=dict)
    score: float | None = None
    grade: str | None = None
    verified_score: float | None = None  # the supervising officer's total (thẩm định), out of 18
    verified_grade: str | None = None
    rank: int | None = None

    @property
    def satisfaction_rate(self) -> float | None:
        """Decision 766: (dossiers handled − dossiers rated Không hài lòng) / dossiers handled × 100."""
        if not self.finished_dossiers:
            return None
        unhappy = min(self.unhappy_dossiers, self.finished_dossiers)
        return round((self.finished_dossiers - unhappy) * 100 / self.finished_dossiers, 1)

    @property
    def happy_share(self) -> float | None:
        """Share of ratings answered Rất hài lòng or Hài lòng, in %."""
        answered = self.very_satisfied + self.satisfied + self.dissatisfied
        if not answered:
            return None
        return round((self.very_satisfied + self.satisfied) * 100 / answered, 1)

    @property
    def grade_label(self) -> str:
        return str(Grade(self.grade).label) if self.grade in Grade.values else ""

    @property
    def final_score(self) -> float | None:
        """The verified total when the supervising officer gave one, else the computed score."""
        return self.verified_score if self.verified_score is not None else self.score

    @property
    def verified_grade_label(self) -> str:
        return str(Grade(self.verified_grade).label) if self.verified_grade in Grade.values else ""

    def published_figures(self) -> dict[str, Any]:
        """What a snapshot stores and the recount compares (no names: they may be renamed)."""
        data = asdict(self)
        for key in ("agency_id", "agency_code", "agency_name", "rank"):
            data.pop(key)
        data["satisfaction_rate"] = self.satisfaction_rate
        return data


def grade_for(score: float | None) -> str | None:
    if score is None:
        return None
    for threshold, grade in settings.EVALUATION_GRADE_THRESHOLDS:
        if score >= threshold:
            return grade
    return Grade.WEAK


def _avg(values: Iterable[int]) -> float | None:
    items = list(values)
    return round(sum(items) / len(items), 3) if items else None


def _score(indices: dict[str, float | None], citizen: dict[str, float | None]) -> float | None:
    values = [indices.get(k) for k in INDEX_KEYS if k != "idx7"] + [citizen.get("idx7")]
    present = [v for v in values if v is not None]
    if not present:
        return None
    return round(sum(present) / (2 * len(present)) * MAX_SCORE, 2)


def _ratings_in(period: Period, agency_ids: Iterable[int] | None, field_code: str) -> QuerySet[Rating]:
    qs = Rating.objects.filter(submitted_at__gte=period.start, submitted_at__lt=period.end)
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=list(agency_ids))
    if field_code:
        qs = qs.filter(field_code=field_code)
    return qs


def _finished_in(period: Period, agency_ids: Iterable[int] | None, field_code: str) -> QuerySet[Dossier]:
    qs = Dossier.objects.filter(resolved_at__gte=period.start, resolved_at__lt=period.end)
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=list(agency_ids))
    if field_code:
        qs = qs.filter(procedure_version__field__code=field_code)
    return qs


def list_agency_figures(
    period: Period,
    *,
    agency_ids: Iterable[int] | None = None,
    field_code: str = "",
    with_agency_indices: bool = True,
) -> list[AgencyFigures]:
    """One row per agency with ratings, finished dossiers or verified points in ``period``, ranked
    by the verified total (else the computed score), then the satisfaction rate (best first).
    ``agency_ids=None``: the whole city. ``with_agency_indices=False`` skips indices 5, 6, 8 and 9
    (and so gives partial scores) for callers that only need the counts and ratios."""
    ids = None if agency_ids is None else list(agency_ids)
    ratings = _ratings_in(period, ids, field_code)
    finished = _finished_in(period, ids, field_code)
    rows: dict[int, AgencyFigures] = {}

    def row(agency_id: int) -> AgencyFigures:
        if agency_id not in rows:
            rows[agency_id] = AgencyFigures(agency_id=agency_id, agency_code="", agency_name="")
        return rows[agency_id]

    for item in ratings.values("agency_id").annotate(
        total=Count("id"),
        very=Count("id", filter=Q(satisfaction=Satisfaction.VERY_SATISFIED)),
        ok=Count("id", filter=Q(satisfaction=Satisfaction.SATISFIED)),
        bad=Count("id", filter=Q(satisfaction=Satisfaction.DISSATISFIED)),
    ):
        r = row(item["agency_id"])
        r.ratings, r.very_satisfied, r.satisfied, r.dissatisfied = (
            item["total"],
            item["very"],
            item["ok"],
            item["bad"],
        )
    for item in (
        RatingAnswer.objects.filter(rating__in=ratings)
        .values("rating__agency_id", "index_key")
        .annotate(avg=Avg("value"))
    ):
        row(item["rating__agency_id"]).citizen[item["index_key"]] = round(float(item["avg"]), 3)

    # Ratings are counted up to the period's end, so a published figure does not move afterwards.
    unhappy = Rating.objects.filter(unhappy=True, submitted_at__lt=period.end).values("dossier_id")
    averages = _index_averages(finished)
    for agency_id, (count, _indices) in averages.items():
        row(agency_id).finished_dossiers = count
    for item in finished.filter(id__in=unhappy).values("agency_id").annotate(n=Count("id")):
        row(item["agency_id"]).unhappy_dossiers = item["n"]

    verified_scores = VerifiedScore.objects.filter(period=period.key)
    if ids is not None:
        verified_scores = verified_scores.filter(agency_id__in=ids)
    for verified in verified_scores if not field_code else []:  # verified points are per agency, not field
        r = row(verified.agency_id)
        r.verified_score = float(verified.total)
        r.verified_grade = grade_for(r.verified_score)
    agencies = Agency.objects.in_bulk(list(rows))
    agency_level = (
        compute_agency_indices(
            period,
            list(rows),
            field_code=field_code,
            active_ids=[i for i, r in rows.items() if r.ratings or r.finished_dossiers],
        )
        if with_agency_indices
        else {}
    )
    for agency_id, r in rows.items():
        agency = agencies.get(agency_id)
        r.agency_code = agency.code if agency else ""
        r.agency_name = agency.name if agency else ""
        found = averages.get(agency_id, (0, {}))[1]
        r.indices = {key: found.get(key) for key in INDEX_KEYS if key != "idx7"}
        for key in AGENCY_INDEX_KEYS:
            value = agency_level.get(agency_id, {}).get(key)
            r.indices[key] = None if value is None else float(value)
        r.score = _score(r.indices, r.citizen)
        r.grade = grade_for(r.score)
    ranked = sorted(
        rows.values(),
        key=lambda r: (
            -(r.final_score if r.final_score is not None else -1),
            -(r.satisfaction_rate if r.satisfaction_rate is not None else -1),
            r.agency_code,
        ),
    )
    for position, r in enumerate(ranked, start=1):
        r.rank = position
    return ranked


@dataclass
class OfficerFigures:
    officer_id: int
    officer_name: str
    ratings: int
    unhappy: int
    attitude: float | None

    @property
    def happy_share(self) -> float | None:
        if not self.ratings:
            return None
        return round((self.ratings - self.unhappy) * 100 / self.ratings, 1)


def list_officer_figures(
    period: Period, *, agency_ids: Iterable[int] | None = None, field_code: str = ""
) -> list[OfficerFigures]:
    """Ratings attributed to each officer in ``period`` (a rating counts for every officer of its stage)."""
    ratings = _ratings_in(period, None if agency_ids is None else list(agency_ids), field_code)
    through = Rating.officers.through.objects.filter(rating__in=ratings)
    counts = through.values("user_id").annotate(
        total=Count("id"), unhappy=Count("id", filter=Q(rating__unhappy=True))
    )
    attitude = {
        item["rating__officers"]: float(item["avg"])
        for item in RatingAnswer.objects.filter(rating__in=ratings, index_key="idx7")
        .values("rating__officers")
        .annotate(avg=Avg("value"))
        if item["rating__officers"] is not None
    }
    users = User.objects.in_bulk([item["user_id"] for item in counts])
    result = [
        OfficerFigures(
            officer_id=item["user_id"],
            officer_name=users[item["user_id"]].display_name if item["user_id"] in users else "",
            ratings=item["total"],
            unhappy=item["unhappy"],
            attitude=round(attitude[item["user_id"]], 2) if item["user_id"] in attitude else None,
        )
        for item in counts
    ]
    return sorted(result, key=lambda f: (-(f.happy_share or 0), -f.ratings, f.officer_name))


def get_city_satisfaction(period: Period) -> float | None:
    """Decision 766 satisfaction rate over the whole city for ``period``: the share of the dossiers
    finished in it that no unhappy rating (submitted before its end) concerns. Two counts in the
    database — the same figures ``list_agency_figures`` sums per agency, without loading a dossier
    (at 10 million dossiers a quarter finishes some 250,000 of them)."""
    finished = _finished_in(period, None, "")
    total = finished.count()
    if not total:
        return None
    unhappy_ids = Rating.objects.filter(unhappy=True, submitted_at__lt=period.end).values("dossier_id")
    unhappy = finished.filter(id__in=unhappy_ids).count()
    return round((total - unhappy) * 100 / total, 1)


def list_follow_ups(
    *, agency_ids: Iterable[int] | None, status: str = "", limit: int = 100
) -> QuerySet[FollowUp]:
    qs = FollowUp.objects.select_related("rating__dossier", "agency", "handler")
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=list(agency_ids))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("status", "-opened_at")[:limit]


def count_open_follow_ups(agency_ids: Iterable[int] | None) -> int:
    qs = FollowUp.objects.exclude(status=FollowUpStatus.CLOSED)
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=list(agency_ids))
    return qs.count()


def count_fraud_signals(
    period: Period, *, agency_ids: Iterable[int] | None = None
) -> list[tuple[str, str, int]]:
    """The fraud report: (kind, label, count) for every kind seen in ``period``."""
    qs = FraudSignal.objects.filter(at__gte=period.start, at__lt=period.end)
    if agency_ids is not None:
        qs = qs.filter(Q(agency_id__in=list(agency_ids)) | Q(device__agency_id__in=list(agency_ids)))
    counts = {row["kind"]: row["n"] for row in qs.values("kind").annotate(n=Count("id"))}
    return [(kind.value, str(kind.label), counts[kind.value]) for kind in FraudKind if kind.value in counts]
