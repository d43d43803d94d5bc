"""Reads of dossiers: the applicant's list, access-checked detail, public look-up, officer queues and
worklists (the open-task projection of ``workflows``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from dichvucong.accounts.models import Membership
from dichvucong.agencies.constants import SlaState
from dichvucong.agencies.scopes import DataScope, get_data_scope, restrict
from dichvucong.core import clock
from dichvucong.core.text import fold
from dichvucong.dossiers.constants import DOSSIER_CODE_RE, DossierStatus, SubmissionChannel, TransferStatus
from dichvucong.dossiers.models import Dossier, DossierEvent, InterAgencyTransfer
from dichvucong.workflows.constants import TASK_ROLES
from dichvucong.workflows.models import OpenTask

SUBJECT_TYPE = "dossiers.dossier"

# A code that never matches a real one: the look-up of a malformed code runs the same query.
_NO_CODE = "-"  # no real code is a lone dash
FIELD_PATH = "procedure_version__field__code"


@dataclass(frozen=True)
class PublicStatus:
    """What anyone holding the code may see."""

    code: str
    procedure_name: str
    applicant_name: str
    status: int
    status_label: str
    received_at: datetime | None
    due_at: datetime | None
    returned_at: datetime | None


def mask_name(name: str) -> str:
    """``"Nguyễn Văn An"`` → ``"Nguyễn V** A*"``: the family name, then only initials."""
    words = (name or "").split()
    if not words:
        return ""
    return " ".join([words[0], *(word[0] + "*" * (len(word) - 1) for word in words[1:])])


def _base() -> QuerySet[Dossier]:
    return Dossier.objects.select_related("procedure", "procedure_version", "agency", "owner")


def _search(qs: QuerySet[Dossier], q: str) -> QuerySet[Dossier]:
    q = (q or "").replace("\x00", "").strip()
    if not q:
        return qs
    return qs.filter(
        Q(code__icontains=q)
        | Q(procedure_version__name__icontains=q)
        | Q(procedure__code__iexact=q)
        | Q(applicant_name__icontains=q)
    )


def _status_filter(qs: QuerySet[Dossier], status: Any) -> QuerySet[Dossier]:
    if status is None or status == "":
        return qs
    if status == "draft":
        return qs.filter(status__isnull=True)
    try:
        value = int(status)
    except (TypeError, ValueError):
        return qs.none()
    return qs.filter(status=value) if value in DossierStatus.values else qs.none()


def list_my_dossiers(user: Any, *, status: Any = None, q: str = "") -> QuerySet[Dossier]:
    """The dossiers ``user`` owns or filed for one of their organisations, newest first.

    ``status``: a national status code, ``"draft"`` for drafts, None for all.
    """
    if not getattr(user, "is_authenticated", False):
        return Dossier.objects.none()
    # The organisation ids as a list, not a subquery: an OR with a subquery keeps both PostgreSQL and
    # SQLite off the owner index (a full scan per page at a million dossiers; docs/performance.md).
    organisations = list(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))
    mine = Q(owner=user) | Q(organisation_id__in=organisations) if organisations else Q(owner=user)
    qs = _base().filter(mine)
    return _search(_status_filter(qs, status), q).order_by("-created_at", "-id")


def _find(code_or_pk: Any) -> Dossier | None:
    value = str(code_or_pk or "").strip()
    if DOSSIER_CODE_RE.match(value):
        return _base().filter(code=value).first()
    if value.isdigit() and len(value) < 19:
        return _base().filter(pk=int(value)).first()
    return None


def can_see(user: Any, dossier: Dossier) -> bool:
    """Owner, member of its organisation, or an officer whose data scope covers its agency and field."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if dossier.owner_id == user.pk:
        return True
    if dossier.organisation_id is not None and dossier.organisation.memberships.filter(user=user).exists():
        return True
    field = dossier.procedure_version.field.code if dossier.procedure_version.field_id else None
    return get_data_scope(user).allows(agency_id=dossier.agency_id, field_code=field)


def get_dossier_for_user(user: Any, code_or_pk: Any) -> Dossier | None:
    """The dossier by code or pk if ``user`` may see it; None otherwise (callers answer 404)."""
    dossier = _find(code_or_pk)
    if dossier is None or not can_see(user, dossier):
        return None
    return dossier


def lookup_public(code: str) -> PublicStatus | None:
    """Public tracking by code: masked name, status and dates only. Unknown and malformed codes are
    answered the same way, after the same query."""
    value = str(code or "").strip().upper()
    wanted = value if DOSSIER_CODE_RE.match(value) else _NO_CODE
    row = (
        Dossier.objects.filter(code=wanted, status__isnull=False)
        .values(
            "code",
            "procedure_version__name",
            "applicant_name",
            "status",
            "received_at",
            "due_at",
            "returned_at",
        )
        .first()
    )
    if row is None:
        return None
    return PublicStatus(
        code=row["code"],
        procedure_name=row["procedure_version__name"],
        applicant_name=mask_name(row["applicant_name"]),
        status=row["status"],
        status_label=str(DossierStatus(row["status"]).label),
        received_at=row["received_at"],
        due_at=row["due_at"],
        returned_at=row["returned_at"],
    )


def _in_scope(scope: DataScope) -> QuerySet[Dossier]:
    return restrict(_base(), scope, agency_path="agency", field_path=FIELD_PATH)


def list_reception_queue(scope: DataScope) -> QuerySet[Dossier]:
    """Online dossiers waiting for a reception decision (NEW) at agencies in ``scope``, oldest first."""
    return (
        _in_scope(scope)
        .filter(channel=SubmissionChannel.ONLINE, status=DossierStatus.NEW)
        .order_by("submitted_at", "id")
    )


def list_dossiers_in_scope(
    scope: DataScope, *, status: Any = None, q: str = "", channel: Any = None
) -> QuerySet[Dossier]:
    """Submitted dossiers of the agencies (and fields) in ``scope``, newest first; drafts never."""
    qs = _in_scope(scope).filter(status__isnull=False)
    if status not in (None, ""):
        qs = _status_filter(qs, status)
    if channel not in (None, ""):
        try:
            qs = qs.filter(channel=int(channel))
        except (TypeError, ValueError):
            qs = qs.none()
    return _search(qs, q).order_by("-received_at", "-submitted_at", "-id")


def history(dossier: Dossier) -> list[DossierEvent]:
    """The dossier's events in order, with actor and agency."""
    return list(dossier.events.select_related("actor", "agency").order_by("at", "id"))


# --- Worklists (the open-task projection only; workflows are never deserialised) ------------------

WORKLIST_MINE = "mine"
WORKLIST_AVAILABLE = "available"
WORKLIST_SORTS = {"due": ("due_at", "pk"), "-due": ("-due_at", "-pk"), "started": ("started_at", "pk")}


def _dossier_ids(qs: QuerySet[Dossier]) -> QuerySet[Any]:
    """The dossiers' pks as text, to compare with ``OpenTask.subject_id`` in a subquery."""
    return qs.annotate(subject=Cast("pk", output_field=CharField())).values("subject")


def candidate_filter(scope: DataScope) -> Q | None:
    """Tasks whose candidate role the scope holds at the task's agency; None when it holds none."""
    condition: Q | None = None
    for role in TASK_ROLES:
        ids = scope.agency_ids_for(role)
        if ids is not None and not ids:
            continue
        part = Q(candidate_role=role) if ids is None else Q(candidate_role=role, candidate_agency_id__in=ids)
        condition = part if condition is None else condition | part
    return condition


def worklist(
    user: Any,
    scope: DataScope,
    *,
    tab: str = WORKLIST_MINE,
    stage: str = "",
    sla: str = "",
    procedure: str = "",
    q: str = "",
    sort: str = "due",
    now: datetime | None = None,
) -> QuerySet[OpenTask]:
    """ "Việc của tôi" (assigned to ``user``) or "Việc chờ nhận" (unassigned, a candidate role of the
    user at the task's agency), filtered by stage, SLA state (live, from the stored due instants),
    procedure code and a dossier code / applicant-name search; soonest due first by default."""
    qs = OpenTask.objects.filter(subject_type=SUBJECT_TYPE).select_related("candidate_agency", "assignee")
    if tab == WORKLIST_AVAILABLE:
        condition = candidate_filter(scope)
        if condition is None:
            return qs.none()
        qs = qs.filter(condition, assignee__isnull=True)
    else:
        qs = qs.filter(assignee=user)
    if stage:
        qs = qs.filter(stage=stage)
    now = now or clock.now()
    if sla == SlaState.OVERDUE:
        qs = qs.filter(due_at__lt=now)
    elif sla == SlaState.NEAR_DUE:
        qs = qs.filter(due_at__gte=now, near_due_at__lte=now)
    elif sla == SlaState.ON_TIME:
        qs = qs.filter(Q(due_at__isnull=True) | Q(due_at__gte=now, near_due_at__gt=now))
    dossiers: QuerySet[Dossier] | None = None
    if procedure:
        dossiers = Dossier.objects.filter(procedure__code__iexact=procedure.strip())
    text = (q or "").replace("\x00", "").strip()
    if text:
        dossiers = (dossiers if dossiers is not None else Dossier.objects.all()).filter(
            Q(code__icontains=text.upper()) | Q(applicant_search_name__contains=fold(text))
        )
    if dossiers is not None:
        qs = qs.filter(subject_id__in=_dossier_ids(dossiers))
    return qs.order_by(*WORKLIST_SORTS.get(sort, WORKLIST_SORTS["due"]))


def dossiers_of_tasks(tasks: Any) -> dict[str, Dossier]:
    """The dossiers of a page of tasks, in one query, keyed by ``subject_id``."""
    ids = [int(t.subject_id) for t in tasks if str(t.subject_id).isdigit()]
    rows = Dossier.objects.filter(pk__in=ids).select_related("procedure", "procedure_version")
    return {str(d.pk): d for d in rows}


def live_sla_state(task: Any, now: datetime | None = None) -> str:
    """``on_time`` / ``near_due`` / ``overdue`` of an open task from its stored instants (no query)."""
    now = now or clock.now()
    if task.due_at is None:
        return SlaState.ON_TIME
    if now > task.due_at:
        return SlaState.OVERDUE
    if task.near_due_at is not None and now >= task.near_due_at:
        return SlaState.NEAR_DUE
    return SlaState.ON_TIME


def incoming_transfers(scope: DataScope) -> QuerySet[InterAgencyTransfer]:
    """Open inter-agency transfers sent to agencies in ``scope`` (the receiving officers' list)."""
    qs = InterAgencyTransfer.objects.filter(
        status__in=[TransferStatus.SENT, TransferStatus.ACCEPTED]
    ).select_related("dossier", "dossier__procedure_version", "from_agency", "to_agency")
    ids = scope.agency_ids_for(*TASK_ROLES)
    if ids is None:
        return qs.order_by("due_at", "pk")
    return qs.filter(to_agency_id__in=ids).order_by("due_at", "pk")


def get_transfer_for_user(user: Any, pk: int) -> InterAgencyTransfer | None:
    """A transfer the user may see: an officer of the sending or the receiving agency."""
    transfer = (
        InterAgencyTransfer.objects.select_related("dossier", "from_agency", "to_agency")
        .filter(pk=pk)
        .first()
    )
    if transfer is None:
        return None
    scope = get_data_scope(user)
    if scope.allows(agency_id=transfer.to_agency_id) or can_see(user, transfer.dossier):
        return transfer
    return None
