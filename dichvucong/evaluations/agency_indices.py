"""Indices 5, 6, 8 and 9 of Decree 61/2018 Art. 31 / Circular 01/2018 at agency level (SPEC-VN §3.1).

These four indices describe the agency, not one dossier, so they are computed once per agency and
period from the data the platform holds. Each rule is a pure function of counted facts (tested on its
edge cases) fed by one grouped query per fact. ``None`` means "no data": the index is left out of
the 18-point score rather than scored 0, so an agency is never graded down for data it has no way to
produce (a ward with no dossiers in the quarter is not "0 % online").

**Index 5 — receiving, handling and returning at the one-stop shop (Bộ phận Một cửa).**
Source: the dossiers the agency finished (``resolved_at``) in the period and their event log.

* A dossier went *through the one-stop shop* when its reception (``received`` event) and, once
  returned, its hand-over (``returned`` event) were done by a one-stop officer (role
  ``counter_officer``) or by the system; a result returned electronically (``ReturnMethod.ONLINE``)
  is returned through the portal, which is the one-stop shop's electronic side.
* A procedure is *decided at the one-stop shop* when every finished dossier of it in the period was
  resolved (``resolved`` event) by a one-stop officer.
* 0 points when some finished dossier was received or returned outside the one-stop shop; 2 when the
  share of procedures decided there reaches the level's threshold (city/department level 20 %, ward
  level 100 %; the former district level's 50 % has no agencies since 1/7/2025); 1 otherwise.
* No finished dossier → no data.

**Index 6 — publicity of procedures.** Sources: the agency's active procedures
(``procedures.ProcedureAgency``) with the version in force at the period's end, and the officer's
inspection record (``PublicityCheck``).

* *Electronic publicity is accurate and complete* when every active procedure of the agency has a
  published version in force at the end of the period with at least one way of submission (channel
  and time limit) and at least one required document.
* *Posted* (niêm yết at the office) is a physical fact the system cannot see: the supervising officer
  records it per period (with an audit entry). Not recorded yet → not counted as posted.
* 2 points when electronic publicity is complete **and** posting was confirmed; 1 when exactly one
  of the two holds; 0 when neither. No active procedure → no data.

**Index 8 — handling of citizens' feedback.** Source: the follow-ups (``FollowUp``) opened in the
period for "Không hài lòng" answers, the feedback channel this platform runs.

* A follow-up is due ``EVALUATION_FOLLOW_UP_WORKING_DAYS`` (default 10) working days after it was
  opened (the agency's working-day calendar). Closed on or before its due day → on time; closed
  later → late; still open after its due day at the period's end (or now, for the running period)
  → prolonged (kéo dài). One opened but not yet due is pending and not counted.
* 2 points when none were counted or 100 % were on time and none is prolonged; 1 when ≥ 90 % on time
  and none prolonged; 0 otherwise. An agency with no activity at all (no finished dossier, no
  rating, no follow-up) has no data.

**Index 9 — progress and quality of online public services.** Sources: the agency's active procedures
with the online level of the version in force (``OnlineLevel.FULL``/``PARTIAL`` = the former levels
4/3), and the dossiers it received (``received_at``) in the period with their channel and due date.

* Procedure share = procedures offered online / active procedures; online share = dossiers received
  online / dossiers received; a *late online dossier* is one received online in the period and
  resolved after its due time, or still unresolved past its due time at the period's end (or now).
* 2 points: procedure share ≥ 20 %, online share ≥ 30 % and no late online dossier; 1 point: at least
  one procedure online, online share ≥ 15 % and no late online dossier; 0 otherwise. No active
  procedure or no received dossier → no data.

Limits: ``ProcedureAgency.is_active`` has no history, so indices 6 and 9 use today's list of active
procedures (with each procedure's version in force at the period's end); a recount after the list
changes reports the difference, which is what the recount is for.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count, F, Q
from django.utils import timezone

from dichvucong.accounts.constants import Role
from dichvucong.agencies import workdays
from dichvucong.agencies.constants import WARD_LEVEL_KINDS
from dichvucong.agencies.models import Agency
from dichvucong.core import clock
from dichvucong.dossiers.constants import EventAction, ReturnMethod, SubmissionChannel
from dichvucong.dossiers.models import Dossier, DossierEvent
from dichvucong.evaluations.models import FollowUp, PublicityCheck
from dichvucong.evaluations.periods import Period
from dichvucong.procedures.constants import OnlineLevel, VersionStatus
from dichvucong.procedures.models import ProcedureAgency, ProcedureVersion

AGENCY_INDEX_KEYS = ("idx5", "idx6", "idx8", "idx9")
ONE_STOP_ROLES = frozenset({Role.COUNTER_OFFICER, ""})  # "" = recorded by the system (the portal)
# Index 5: share of procedures the one-stop shop decides itself, per level (Circular 01/2018).
ONE_STOP_DECIDE_SHARE = {"city": 0.20, "district": 0.50, "ward": 1.00}
# Index 9 thresholds (Circular 01/2018).
ONLINE_PROCEDURE_SHARE = 0.20
ONLINE_DOSSIER_SHARE_FULL = 0.30
ONLINE_DOSSIER_SHARE_PARTIAL = 0.15
# Index 8 thresholds.
FEEDBACK_ON_TIME_PARTIAL = 0.90
DEFAULT_FOLLOW_UP_WORKING_DAYS = 10
ONLINE_LEVELS = frozenset({OnlineLevel.FULL, OnlineLevel.PARTIAL})


# --- rules (pure) ---------------------------------------------------------------------------------


def one_stop_points(
    *, finished: int, outside_one_stop: int, procedures: int, decided_at_one_stop: int, level: str
) -> int | None:
    """Index 5 from the counts of finished dossiers and of procedures (see the module docstring)."""
    if finished <= 0:
        return None
    if outside_one_stop > 0:
        return 0
    share = decided_at_one_stop / procedures if procedures else 0.0
    return 2 if share >= ONE_STOP_DECIDE_SHARE.get(level, ONE_STOP_DECIDE_SHARE["city"]) else 1


def publicity_points(*, procedures: int, electronic_complete: bool, posted: bool | None) -> int | None:
    """Index 6: both halves → 2, one → 1, none → 0; no active procedure → no data."""
    if procedures <= 0:
        return None
    return int(electronic_complete) + int(bool(posted))


def feedback_points(*, active: bool, on_time: int, late: int, prolonged: int) -> int | None:
    """Index 8 from the follow-ups counted in the period (pending ones are not passed in)."""
    counted = on_time + late + prolonged
    if counted == 0:
        return 2 if active else None
    if prolonged:
        return 0
    share = on_time / counted
    if share >= 1:
        return 2
    return 1 if share >= FEEDBACK_ON_TIME_PARTIAL else 0


def online_points(
    *, procedures: int, online_procedures: int, received: int, received_online: int, late_online: int
) -> int | None:
    """Index 9 from procedure and dossier counts; no procedure or no dossier → no data."""
    if procedures <= 0 or received <= 0:
        return None
    if late_online or online_procedures <= 0:
        return 0
    procedure_share = online_procedures / procedures
    dossier_share = received_online / received
    if procedure_share >= ONLINE_PROCEDURE_SHARE and dossier_share >= ONLINE_DOSSIER_SHARE_FULL:
        return 2
    return 1 if dossier_share >= ONLINE_DOSSIER_SHARE_PARTIAL else 0


# --- facts (queries) -------------------------------------------------------------------------------


def agency_level(agency: Agency) -> str:
    """``ward`` for wards, communes and the special zone, ``city`` for the city-level agencies."""
    return "ward" if agency.kind in WARD_LEVEL_KINDS else "city"


def _as_of(period: Period) -> datetime:
    """The moment the period's figures describe: its end, or now while it is running."""
    return min(period.end, clock.now())


@dataclass
class _ProcedureFacts:
    active: int = 0
    complete: int = 0
    online: int = 0


def _versions_in_force(procedure_ids: Iterable[int], period: Period) -> dict[int, ProcedureVersion]:
    """Each procedure's version in force at the period's end (highest number published by then)."""
    versions = (
        ProcedureVersion.objects.filter(
            procedure_id__in=list(procedure_ids),
            status__in=[VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED],
        )
        .filter(Q(published_at__lt=period.end) | Q(published_at__isnull=True, status=VersionStatus.PUBLISHED))
        .select_related("field")
        .annotate(n_options=Count("options", distinct=True), n_documents=Count("documents", distinct=True))
        .order_by("procedure_id", "-number")
    )
    in_force: dict[int, ProcedureVersion] = {}
    for version in versions:
        in_force.setdefault(version.procedure_id, version)
    return in_force


def _procedure_facts(agency_ids: list[int], period: Period, field_code: str) -> dict[int, _ProcedureFacts]:
    links = list(
        ProcedureAgency.objects.filter(agency_id__in=agency_ids, is_active=True).values_list(
            "agency_id", "procedure_id"
        )
    )
    in_force = _versions_in_force({p for _a, p in links}, period)
    facts: dict[int, _ProcedureFacts] = defaultdict(_ProcedureFacts)
    for agency_id, procedure_id in links:
        version = in_force.get(procedure_id)
        if field_code and (version is None or not version.field_id or version.field.code != field_code):
            continue
        f = facts[agency_id]
        f.active += 1
        if version is not None and version.n_options > 0 and version.n_documents > 0:
            f.complete += 1
        if version is not None and version.online_level in ONLINE_LEVELS:
            f.online += 1
    return facts


def _dossiers(agency_ids: list[int], field_code: str) -> Q:
    q = Q(agency_id__in=agency_ids)
    if field_code:
        q &= Q(procedure_version__field__code=field_code)
    return q


def _one_stop_facts(agency_ids: list[int], period: Period, field_code: str) -> dict[int, dict[str, int]]:
    finished = Dossier.objects.filter(
        _dossiers(agency_ids, field_code), resolved_at__gte=period.start, resolved_at__lt=period.end
    )
    rows = list(finished.values_list("id", "agency_id", "procedure_id", "return_method"))
    ids = [r[0] for r in rows]
    outside_reception: set[int] = set()
    outside_return: set[int] = set()
    resolved_by_one_stop: set[int] = set()
    resolved_elsewhere: set[int] = set()
    events = DossierEvent.objects.filter(
        dossier_id__in=ids, action__in=[EventAction.RECEIVED, EventAction.RETURNED, EventAction.RESOLVED]
    ).values_list("dossier_id", "action", "actor_role")
    for dossier_id, action, role in events:
        inside = role in ONE_STOP_ROLES
        if action == EventAction.RECEIVED and not inside:
            outside_reception.add(dossier_id)
        elif action == EventAction.RETURNED and not inside:
            outside_return.add(dossier_id)
        elif action == EventAction.RESOLVED:
            (resolved_by_one_stop if inside else resolved_elsewhere).add(dossier_id)
    facts: dict[int, dict[str, int]] = defaultdict(lambda: {"finished": 0, "outside": 0})
    procedures: dict[int, dict[int, bool]] = defaultdict(dict)
    for dossier_id, agency_id, procedure_id, return_method in rows:
        f = facts[agency_id]
        f["finished"] += 1
        returned_outside = dossier_id in outside_return and return_method != ReturnMethod.ONLINE
        if dossier_id in outside_reception or returned_outside:
            f["outside"] += 1
        decided_here = dossier_id in resolved_by_one_stop and dossier_id not in resolved_elsewhere
        procedures[agency_id][procedure_id] = procedures[agency_id].get(procedure_id, True) and decided_here
    for agency_id, by_procedure in procedures.items():
        facts[agency_id]["procedures"] = len(by_procedure)
        facts[agency_id]["decided"] = sum(by_procedure.values())
    return facts


def follow_up_limit_days() -> int:
    return int(getattr(settings, "EVALUATION_FOLLOW_UP_WORKING_DAYS", DEFAULT_FOLLOW_UP_WORKING_DAYS))


def _feedback_facts(agency_ids: list[int], period: Period, field_code: str) -> dict[int, dict[str, int]]:
    follow_ups = FollowUp.objects.filter(
        agency_id__in=agency_ids, opened_at__gte=period.start, opened_at__lt=period.end
    ).select_related("agency")
    if field_code:
        follow_ups = follow_ups.filter(rating__field_code=field_code)
    as_of_day = timezone.localdate(_as_of(period))
    limit = follow_up_limit_days()
    facts: dict[int, dict[str, int]] = defaultdict(
        lambda: {"on_time": 0, "late": 0, "prolonged": 0, "all": 0}
    )
    for follow_up in follow_ups:
        due_day = workdays.add_working_days(follow_up.agency, timezone.localdate(follow_up.opened_at), limit)
        f = facts[follow_up.agency_id]
        f["all"] += 1
        closed = follow_up.closed_at if follow_up.closed_at and follow_up.closed_at < period.end else None
        if closed is not None:
            f["on_time" if timezone.localdate(closed) <= due_day else "late"] += 1
        elif due_day < as_of_day:
            f["prolonged"] += 1
    return facts


def _online_facts(agency_ids: list[int], period: Period, field_code: str) -> dict[int, dict[str, int]]:
    as_of = _as_of(period)
    received = Dossier.objects.filter(
        _dossiers(agency_ids, field_code), received_at__gte=period.start, received_at__lt=period.end
    )
    online = Q(channel=SubmissionChannel.ONLINE)
    late = online & (
        Q(resolved_at__isnull=False, due_at__isnull=False, resolved_at__lt=as_of, resolved_at__gt=F("due_at"))
        | ((Q(resolved_at__isnull=True) | Q(resolved_at__gte=as_of)) & Q(due_at__lt=as_of))
    )
    return {
        row["agency_id"]: row
        for row in received.values("agency_id").annotate(
            received=Count("id"), online=Count("id", filter=online), late=Count("id", filter=late)
        )
    }


def compute_agency_indices(
    period: Period, agency_ids: Iterable[int], *, field_code: str = "", active_ids: Iterable[int] = ()
) -> dict[int, dict[str, int | None]]:
    """Indices 5, 6, 8 and 9 of each agency in ``agency_ids`` for ``period``.

    ``active_ids``: agencies with some activity in the period (finished dossiers or ratings), which
    makes "no follow-up at all" worth the full points on index 8 instead of "no data".
    """
    ids = list(agency_ids)
    if not ids:
        return {}
    agencies = Agency.objects.in_bulk(ids)
    procedures = _procedure_facts(ids, period, field_code)
    one_stop = _one_stop_facts(ids, period, field_code)
    feedback = _feedback_facts(ids, period, field_code)
    online = _online_facts(ids, period, field_code)
    posted = {
        c.agency_id: c.posted for c in PublicityCheck.objects.filter(period=period.key, agency_id__in=ids)
    }
    active = set(active_ids)
    result: dict[int, dict[str, int | None]] = {}
    for agency_id in ids:
        agency = agencies.get(agency_id)
        p = procedures.get(agency_id, _ProcedureFacts())
        s = one_stop.get(agency_id, {})
        f = feedback.get(agency_id, {})
        o = online.get(agency_id, {})
        result[agency_id] = {
            "idx5": one_stop_points(
                finished=s.get("finished", 0),
                outside_one_stop=s.get("outside", 0),
                procedures=s.get("procedures", 0),
                decided_at_one_stop=s.get("decided", 0),
                level=agency_level(agency) if agency else "city",
            ),
            "idx6": publicity_points(
                procedures=p.active,
                electronic_complete=p.active > 0 and p.complete == p.active,
                posted=posted.get(agency_id),
            ),
            "idx8": feedback_points(
                active=agency_id in active or f.get("all", 0) > 0,
                on_time=f.get("on_time", 0),
                late=f.get("late", 0),
                prolonged=f.get("prolonged", 0),
            ),
            "idx9": online_points(
                procedures=p.active,
                online_procedures=p.online,
                received=o.get("received", 0),
                received_online=o.get("online", 0),
                late_online=o.get("late", 0),
            ),
        }
    return result
