"""Demo seeder for dossiers: a few hundred dossiers over the last 60 days, in every status.

They are made through ``dichvucong.dossiers.services`` (submission, reception, refusal, supplement,
withdrawal, result, return) and ``dichvucong.dossiers.processing`` (the steps of the city's one-stop
process, ``mot-cua-chung``, loaded first with ``load_process_templates``) with the services' clock
set to the moment each step "happened", so codes (``…-YYMMDD-NNNN``), reception times, due dates and
task deadlines come from the real code and the working-day calendar.

The demo procedures are set to run the common process (so every role has steps; a short procedure
would otherwise take the same-day template). At Phường Bến Thành every received dossier moves
through real workflow steps taken by the demo
officers (``demo-counter`` forwards, ``demo-head`` assigns and approves, ``demo-specialist``
handles, ``demo-leader`` signs), so the worklists of ``demo-specialist`` and ``demo-head`` are
populated. The demo has no officers of those roles at the other wards: there the process is
cancelled and the later steps are recorded as before. "Yêu cầu thực hiện nghĩa vụ tài chính" (6)
and "Dừng xử lý" (8) have no step in the process yet and are written directly by
``_write_workflow_step_without_service`` (the status and one event).

Who: online dossiers belong to ``demo-citizen``; counter dossiers are walk-ins (no account) or are
filed for the demo company (so ``demo-business`` and its member see them); ``demo-counter``
receives at Phường Bến Thành and ``demo-city-admin`` at the other agencies. Deterministic (fixed
random seed) and idempotent: every demo dossier carries ``form_data["demo_seed"]`` and is made once.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from dichvucong.accounts.constants import Role
from dichvucong.accounts.models import Organisation, User
from dichvucong.agencies.models import Agency
from dichvucong.core import clock
from dichvucong.core.audit import record_audit
from dichvucong.demo.accounts import DEMO_BUSINESS, DEMO_CITIZEN, DEMO_COMPANY, DEMO_WARD_CODE
from dichvucong.dossiers import processing, services
from dichvucong.dossiers.constants import (
    ApplicantKind,
    DossierStatus,
    EventAction,
    ReturnMethod,
    SubmissionChannel,
)
from dichvucong.dossiers.models import Dossier, DossierEvent
from dichvucong.dossiers.services import ApplicantData
from dichvucong.procedures.constants import Channel, OnlineLevel
from dichvucong.procedures.models import Procedure, ProcedureAgency, ProcedureVersion
from dichvucong.workflows.constants import TaskStage

if TYPE_CHECKING:
    from dichvucong.demo.seeders import SeedContext

SEED = 2026
DOSSIER_COUNT = 300
PROCEDURE_COUNT = 20
DAYS = 60
# Online demo dossiers attach a file per required item; keep to procedures with a short list.
MAX_ONLINE_ITEMS = 9
OTHER_DEMO_WARDS = ("Phường Sài Gòn", "Phường Tân Định", "Phường Bàn Cờ", "Phường Cầu Ông Lãnh")
COUNTER_OFFICER = "demo-counter"
SPECIALIST = "demo-specialist"
HEAD = "demo-head"
LEADER = "demo-leader"
CITY_OFFICER = "demo-city-admin"

DRAFT = 0  # stands for "no status yet" in the plan
# (target, weight): every status 1–10 and drafts; most dossiers are finished.
TARGETS: tuple[tuple[int, int], ...] = (
    (DRAFT, 3),
    (DossierStatus.NEW, 7),
    (DossierStatus.RECEIVED, 12),
    (DossierStatus.REFUSED, 4),
    (DossierStatus.PROCESSING, 12),
    (DossierStatus.SUPPLEMENT_REQUESTED, 6),
    (DossierStatus.PAYMENT_REQUESTED, 3),
    (DossierStatus.WITHDRAWN, 4),
    (DossierStatus.STOPPED, 3),
    (DossierStatus.RESOLVED, 10),
    (DossierStatus.RETURNED, 36),
)
ONLINE_ONLY = frozenset({DRAFT, DossierStatus.NEW, DossierStatus.REFUSED, DossierStatus.WITHDRAWN})

SURNAMES = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
)
MIDDLE = ("Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hoàng", "Quốc", "Thu", "Gia", "Bảo", "Đức", "Mỹ")
GIVEN = ("An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Khoa", "Lan", "Linh", "Long",
         "Mai", "Nam", "Nhung", "Phúc", "Quân", "Tâm", "Thảo", "Trang", "Tuấn", "Vy", "Yến")  # fmt: skip
STREETS = ("Lê Lợi", "Nguyễn Huệ", "Lê Thánh Tôn", "Pasteur", "Nam Kỳ Khởi Nghĩa", "Phạm Ngũ Lão",
           "Lý Tự Trọng", "Tôn Thất Thiệp", "Bùi Viện", "Calmette")  # fmt: skip
REFUSAL_REASONS = (
    "Thủ tục không thuộc thẩm quyền giải quyết của cơ quan; đề nghị nộp tại cơ quan có thẩm quyền.",
    "Hồ sơ đã được giải quyết trước đây, không có căn cứ để giải quyết lại.",
    "Người nộp không thuộc đối tượng thực hiện thủ tục theo quy định.",
)
SUPPLEMENT_REASONS = (
    "Bản đã nộp không rõ nét, không đọc được thông tin.",
    "Bản sao chưa được chứng thực.",
    "Thông tin trên tờ khai chưa khớp với giấy tờ tùy thân.",
    "Thiếu chữ ký của người yêu cầu.",
)
WITHDRAW_REASONS = ("Tôi đã nộp nhầm thủ tục.", "Tôi cần bổ sung thêm thông tin trước khi nộp lại.")
STOP_REASONS = ("Người yêu cầu đề nghị dừng giải quyết.", "Có văn bản của cơ quan có thẩm quyền tạm dừng.")


@dataclass(frozen=True)
class Planned:
    seed: int
    target: int
    procedure_id: int


@dataclass
class _People:
    citizen: User
    business: User | None
    company: Organisation | None
    counter: User
    specialist: User | None
    head: User | None
    city: User | None
    leader: User | None = None


@contextmanager
def _services_clock(at: datetime) -> Iterator[None]:
    """Record the next steps as if it were ``at`` (events, codes, due dates and audit agree)."""
    with clock.backdated(at):
        yield


def seed_dossiers(ctx: SeedContext) -> None:
    """A few hundred demo dossiers in every status, dated over the last 60 days (idempotent)."""
    people = _people()
    if people is None:
        ctx.log("dossiers: skipped (the demo accounts are not loaded)")
        return
    procedures = _procedures()
    if not procedures:
        ctx.log("dossiers: skipped (no procedure of the catalog is received by the demo agencies)")
        return
    done = {
        data.get("demo_seed")
        for data in Dossier.objects.filter(form_data__has_key="demo_seed").values_list("form_data", flat=True)
    }
    plan = _plan(procedures)
    todo = [item for item in plan if item.seed not in done]
    if not todo:
        ctx.log(f"dossiers: already loaded ({len(plan)})")
        return
    call_command("load_process_templates", verbosity=0)  # the process every received dossier runs
    _use_common_process(procedures, ctx)
    files = _DemoFiles()
    made = 0
    for item in todo:
        if _make(item, procedures[item.procedure_id], people, files):
            made += 1
    skipped = len(todo) - made
    ctx.log(
        f"dossiers: {made} created" + (f", {skipped} refused by the services and skipped" if skipped else "")
    )


# --- What to make ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Procedure:
    version: ProcedureVersion
    agencies: tuple[Agency, ...]  # demo agencies receiving it, Bến Thành first when it does
    online: bool


def _people() -> _People | None:
    users = {u.username: u for u in User.objects.filter(username__startswith="demo-")}
    citizen, counter = users.get(DEMO_CITIZEN[0]), users.get(COUNTER_OFFICER)
    if citizen is None or counter is None:
        return None
    return _People(
        citizen=citizen,
        business=users.get(DEMO_BUSINESS[0]),
        company=Organisation.objects.filter(tax_code=DEMO_COMPANY[1]).first(),
        counter=counter,
        specialist=users.get(SPECIALIST),
        head=users.get(HEAD),
        city=users.get(CITY_OFFICER),
        leader=users.get(LEADER),
    )


def _procedures() -> dict[int, _Procedure]:
    """The most used procedures (usage rank) that Bến Thành or the other demo wards receive."""
    ward = Agency.objects.filter(code=DEMO_WARD_CODE).first()
    if ward is None:
        return {}
    others = list(Agency.objects.filter(name__in=[f"Ủy ban nhân dân {name}" for name in OTHER_DEMO_WARDS]))
    demo_agencies = [ward, *others]
    candidates = (
        Procedure.objects.filter(
            current_version__isnull=False,
            local_variants__agency__in=demo_agencies,
            local_variants__is_active=True,
        )
        .distinct()
        .select_related("current_version")
        .order_by("usage_rank", "code")
    )
    # NULL ranks sort first on SQLite and last on PostgreSQL: put them last everywhere.
    ranked = sorted(candidates, key=lambda p: (p.usage_rank is None, p.usage_rank or 0, p.code))
    rows = []
    for procedure in ranked[:PROCEDURE_COUNT]:
        version = procedure.current_version
        receiving = set(
            ProcedureAgency.objects.filter(
                procedure=procedure, agency__in=demo_agencies, is_active=True
            ).values_list("agency_id", flat=True)
        )
        agencies = tuple(a for a in demo_agencies if a.pk in receiving)
        required = version.documents.filter(is_required=True).count()
        can_online = (
            version.online_level != OnlineLevel.DIRECT
            and version.options.filter(channel=Channel.ONLINE).exists()
        )
        rows.append((procedure.pk, version, agencies, can_online, required))
    limit = MAX_ONLINE_ITEMS
    if not any(can and required <= limit for _pk, _v, _a, can, required in rows):
        # A small catalog (tests): the online procedure with the shortest list still goes online.
        limit = min((required for _pk, _v, _a, can, required in rows if can), default=-1)
    return {
        pk: _Procedure(version=version, agencies=agencies, online=can and required <= limit)
        for pk, version, agencies, can, required in rows
    }


def _use_common_process(procedures: dict[int, _Procedure], ctx: SeedContext) -> None:
    """The demo procedures run the full one-stop process (assignment, handling, approval, signature),
    so every officer's worklist has something, whatever their legal time (short ones would otherwise
    take the same-day template, which has no specialist step)."""
    from dichvucong.workflows.models import ProcessVersion

    common = ProcessVersion.objects.filter(
        definition__key=processing.TEMPLATE_COMMON, status="published", definition__owner_agency__isnull=True
    ).first()
    if common is None:
        return
    ids = [p.version.pk for p in procedures.values() if p.version.process_version_id is None]
    if ids:
        ProcedureVersion.objects.filter(pk__in=ids).update(process_version=common)
        for item in procedures.values():
            if item.version.pk in ids:
                item.version.process_version = common
        ctx.log(f"dossiers: {len(ids)} demo procedures set to run “{common.definition.name}”")


def _plan(procedures: dict[int, _Procedure]) -> list[Planned]:
    """The same list of (seed, target status, procedure) on every run."""
    rng = random.Random(SEED)  # noqa: S311 - demo data, reproducible on purpose
    ids = sorted(procedures)
    online_ids = [pk for pk in ids if procedures[pk].online]
    targets = [t for t, _w in TARGETS]
    weights = [w for _t, w in TARGETS]
    plan = []
    for n in range(DOSSIER_COUNT):
        # The first ones cover every status once; then the weights decide.
        target = targets[n] if n < len(targets) else rng.choices(targets, weights)[0]
        # Popular procedures get more dossiers (the list is in usage order).
        pool = online_ids if target in ONLINE_ONLY else ids
        if not pool:
            target, pool = DossierStatus.RECEIVED, ids
        ranked = sorted(pool, key=lambda pk: ids.index(pk))
        procedure_id = rng.choices(ranked, [1 / (i + 2) for i in range(len(ranked))])[0]
        plan.append(Planned(seed=n + 1, target=target, procedure_id=procedure_id))
    return plan


# --- Making one ------------------------------------------------------------------------------------


class _DemoFiles:
    """Two small real PDFs (a scanned document, a result), rendered once per run."""

    def __init__(self) -> None:
        self._cache: dict[str, bytes] = {}

    def _pdf(self, title: str) -> bytes:
        if title not in self._cache:
            from weasyprint import HTML

            html = f"<h1>{title}</h1><p>Dữ liệu mẫu của môi trường trình diễn dichvucong.</p>"
            self._cache[title] = HTML(string=html).write_pdf()
        return self._cache[title]

    def scan(self, name: str = "ban-chup.pdf") -> SimpleUploadedFile:
        return SimpleUploadedFile(name, self._pdf("Bản chụp giấy tờ (dữ liệu mẫu)"), "application/pdf")

    def result(self) -> SimpleUploadedFile:
        return SimpleUploadedFile(
            "ket-qua.pdf", self._pdf("Kết quả giải quyết (dữ liệu mẫu)"), "application/pdf"
        )


@dataclass
class _Run:
    """One dossier's story: its random source and the time of its last step."""

    rng: random.Random
    at: datetime
    now: datetime

    def later(self, low_hours: float, high_hours: float) -> datetime:
        step = timedelta(hours=self.rng.uniform(low_hours, high_hours))
        latest = self.now - timedelta(minutes=5)
        self.at = max(self.at + timedelta(minutes=1), min(self.at + step, latest))
        return self.at


def _start(rng: random.Random, target: int, now: datetime) -> datetime:
    """A working-hours moment: recent for drafts and new dossiers, up to 60 days back otherwise."""
    if target in (DRAFT, DossierStatus.NEW):
        days = rng.randint(0, 3)
    elif target in (DossierStatus.RECEIVED, DossierStatus.SUPPLEMENT_REQUESTED):
        days = rng.randint(1, 20)
    else:
        days = rng.randint(3, DAYS)
    day = timezone.localtime(now).date() - timedelta(days=days)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    minutes = rng.randint(7 * 60 + 40, 16 * 60 + 30)
    at = timezone.make_aware(datetime.combine(day, time(minutes // 60, minutes % 60)))
    return min(at, now - timedelta(hours=1))


def _walk_in(rng: random.Random) -> ApplicantData:
    name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    return ApplicantData(
        kind=ApplicantKind.CITIZEN,
        name=name,
        id_number=f"079{rng.randint(0, 999_999_999):09d}",
        phone=f"09{rng.randint(0, 99_999_999):08d}",
        address=f"{rng.randint(1, 250)} {rng.choice(STREETS)}, Phường Bến Thành, TP. Hồ Chí Minh",
    )


def _officer(people: _People, agency: Agency) -> User | None:
    return people.counter if agency.code == DEMO_WARD_CODE else people.city


def _handler(people: _People, version: ProcedureVersion, agency: Agency) -> User | None:
    if agency.code != DEMO_WARD_CODE:
        return people.city
    if people.specialist is not None and version.field.code in _specialist_fields(people.specialist):
        return people.specialist
    return people.head or people.counter


def _specialist_fields(user: User) -> set[str]:
    return {
        code
        for fields in user.assignments.filter(active=True).values_list("fields", flat=True)
        for code in fields
    }


def _make(item: Planned, procedure: _Procedure, people: _People, files: _DemoFiles) -> bool:
    """Make one planned dossier in its own savepoint; False (nothing kept) when a service refuses."""
    rng = random.Random(SEED * 100_003 + item.seed)  # noqa: S311 - demo data
    now = clock.now()
    version = procedure.version
    agency = procedure.agencies[0] if rng.random() < 0.75 else rng.choice(procedure.agencies)
    officer = _officer(people, agency)
    if officer is None:
        return False
    run = _Run(rng=rng, at=_start(rng, item.target, now), now=now)
    online = procedure.online and (item.target in ONLINE_ONLY or rng.random() < 0.4)
    form_data = {"demo_seed": item.seed, "noi_dung_yeu_cau": version.name[:200]}
    try:
        with transaction.atomic():
            if online:
                dossier = _submit_online(item, version, agency, people, files, run, form_data)
                if dossier is None or item.target in (DRAFT, DossierStatus.NEW):
                    return True
                if item.target == DossierStatus.REFUSED:
                    with _services_clock(run.later(1, 20)):
                        services.refuse(dossier=dossier, officer=officer, reason=rng.choice(REFUSAL_REASONS))
                    return True
                if item.target == DossierStatus.WITHDRAWN and rng.random() < 0.5:
                    with _services_clock(run.later(2, 30)):
                        services.withdraw(
                            dossier=dossier, actor=people.citizen, reason=rng.choice(WITHDRAW_REASONS)
                        )
                    return True
                with _services_clock(run.later(1, 20)):
                    services.receive(dossier=dossier, officer=officer)
            else:
                dossier = _record_at_counter(item, version, agency, people, officer, files, run, form_data)
            _carry_on(dossier, item.target, people, officer, files, run, online=online)
    except services.DossierError:
        return False
    return True


def _submit_online(
    item: Planned,
    version: ProcedureVersion,
    agency: Agency,
    people: _People,
    files: _DemoFiles,
    run: _Run,
    form_data: dict[str, Any],
) -> Dossier | None:
    citizen = people.citizen
    with _services_clock(run.at):
        dossier = services.save_draft(
            user=citizen, procedure_version=version, agency=agency, form_data=form_data
        )
        for required in version.documents.filter(is_required=True).order_by("position", "pk"):
            services.attach_document(
                dossier=dossier, upload=files.scan(), actor=citizen, required_document=required
            )
        if item.target == DRAFT:
            return dossier
    with _services_clock(run.later(0.05, 0.5)):
        return services.submit_online(dossier=dossier, actor=citizen, idempotency_key=f"demo-{item.seed}")


def _record_at_counter(
    item: Planned,
    version: ProcedureVersion,
    agency: Agency,
    people: _People,
    officer: User,
    files: _DemoFiles,
    run: _Run,
    form_data: dict[str, Any],
) -> Dossier:
    rng = run.rng
    for_company = people.company is not None and (version.for_businesses or rng.random() < 0.1)
    if for_company and people.business is not None:
        applicant = ApplicantData.from_user(people.business, organisation=people.company)
    else:
        applicant = _walk_in(rng)
    items = list(version.documents.filter(is_required=True).order_by("position", "pk")[:2])
    uploads = {required.pk: files.scan(f"ho-so-{n + 1}.pdf") for n, required in enumerate(items)}
    channel = SubmissionChannel.POSTAL if rng.random() < 0.15 else SubmissionChannel.DIRECT
    with _services_clock(run.at):
        return services.record_counter_dossier(
            officer=officer,
            procedure_version=version,
            agency=agency,
            applicant=applicant,
            form_data=form_data,
            uploads=uploads,
            queue_ticket=f"A{rng.randint(1, 180):03d}" if channel == SubmissionChannel.DIRECT else "",
            channel=channel,
        )


def _carry_on(
    dossier: Dossier,
    target: int,
    people: _People,
    officer: User,
    files: _DemoFiles,
    run: _Run,
    *,
    online: bool,
) -> None:
    """From RECEIVED to the planned status."""
    rng = run.rng
    if target == DossierStatus.RECEIVED:
        return
    if target == DossierStatus.SUPPLEMENT_REQUESTED or (
        target in (DossierStatus.RESOLVED, DossierStatus.RETURNED) and online and rng.random() < 0.25
    ):
        required = dossier.procedure_version.documents.order_by("position", "pk").first()
        title = required.name[:200] if required is not None else "Tờ khai"
        with _services_clock(run.later(2, 30)):
            services.request_supplement(
                dossier=dossier,
                officer=officer,
                items=[{"title": title, "reason": rng.choice(SUPPLEMENT_REASONS)}],
                note="Nộp bổ sung trực tuyến trên Cổng hoặc tại Bộ phận Một cửa.",
            )
        if target == DossierStatus.SUPPLEMENT_REQUESTED:
            return
        with _services_clock(run.later(4, 48)):
            services.supplement(dossier=dossier, actor=people.citizen, uploads=[files.scan("bo-sung.pdf")])
    if target == DossierStatus.WITHDRAWN:
        with _services_clock(run.later(2, 30)):
            services.withdraw(dossier=dossier, actor=people.citizen, reason=rng.choice(WITHDRAW_REASONS))
        return
    if _through_the_process(dossier, target, people, officer, files, run, online=online):
        return
    processing.cancel_for_dossier(dossier=dossier, actor=officer)  # no demo officers to run it here
    handler = _handler(people, dossier.procedure_version, dossier.agency) or officer
    _write_workflow_step_without_service(
        dossier,
        to_status=DossierStatus.PROCESSING,
        actor=officer,
        at=run.later(0.5, 8),
        stage="Thẩm định hồ sơ",
        note=f"Chuyển hồ sơ cho {handler.display_name} thẩm định.",
        handler=handler,
    )
    if target == DossierStatus.PROCESSING:
        return
    if target == DossierStatus.PAYMENT_REQUESTED:
        _write_workflow_step_without_service(
            dossier,
            to_status=DossierStatus.PAYMENT_REQUESTED,
            actor=handler,
            at=run.later(4, 48),
            stage="Thẩm định hồ sơ",
            note="Đề nghị nộp phí, lệ phí trước khi trả kết quả.",
        )
        return
    if target == DossierStatus.STOPPED:
        _write_workflow_step_without_service(
            dossier,
            to_status=DossierStatus.STOPPED,
            actor=handler,
            at=run.later(4, 72),
            stage="Thẩm định hồ sơ",
            note=rng.choice(STOP_REASONS),
        )
        return
    # Resolved, mostly before the due date, sometimes late.
    if dossier.due_at is not None and dossier.received_at is not None:
        allowed = (dossier.due_at - dossier.received_at).total_seconds() / 3600
        hours = max(
            allowed * rng.uniform(0.3, 1.15) - (run.at - dossier.received_at).total_seconds() / 3600, 1
        )
    else:
        hours = rng.uniform(24, 120)
    with _services_clock(run.later(hours * 0.9, hours)):
        services.attach_result(
            dossier=dossier, officer=handler, upload=files.result(), title=_result_title(dossier)
        )
        services.resolve(dossier=dossier, officer=handler)
    if target == DossierStatus.RESOLVED:
        return
    if dossier.channel == SubmissionChannel.POSTAL:
        method = ReturnMethod.POSTAL
    elif online and rng.random() < 0.6:
        method = ReturnMethod.ONLINE
    else:
        method = ReturnMethod.COUNTER
    with _services_clock(run.later(2, 72)):
        services.return_result(dossier=dossier, officer=officer, method=method)


def _step(dossier: Dossier, officer: User, action: str, at: datetime, **kwargs: Any) -> None:
    """One workflow step of ``officer`` on the dossier's open task (claimed first when free)."""
    with _services_clock(at):
        task = processing.open_tasks(dossier)[0]
        if task.assignee_id is None:
            processing.claim(dossier=dossier, task=task, officer=officer)
            task = processing.open_tasks(dossier)[0]
        processing.act_on_task(dossier=dossier, task=task, officer=officer, action=action, **kwargs)


def _through_the_process(
    dossier: Dossier,
    target: int,
    people: _People,
    officer: User,
    files: _DemoFiles,
    run: _Run,
    *,
    online: bool,
) -> bool:
    """From RECEIVED to ``target`` through the dossier's process at Bến Thành (whichever template it
    runs): each open step is taken by the demo officer of its role; False elsewhere."""
    by_role = {
        Role.COUNTER_OFFICER: officer,
        Role.SPECIALIST: people.specialist,
        Role.UNIT_HEAD: people.head,
        Role.AGENCY_LEADER: people.leader,
    }
    if (
        dossier.agency.code != DEMO_WARD_CODE
        or None in by_role.values()
        or not processing.is_running(dossier)
        or dossier.status != DossierStatus.RECEIVED
    ):
        return False
    rng = run.rng
    handler = _handler(people, dossier.procedure_version, dossier.agency) or people.head
    # Spread the steps over the allowed time: mostly on time, sometimes late.
    if dossier.due_at is not None and dossier.received_at is not None:
        allowed = (dossier.due_at - dossier.received_at).total_seconds() / 3600
        spent = (run.at - dossier.received_at).total_seconds() / 3600
        total = max(allowed * rng.uniform(0.3, 1.15) - spent, 2)
    else:
        total = rng.uniform(24, 120)
    share = total / 6
    # PROCESSING dossiers wait at some step: assignment (head), handling (specialist), approval…
    wait_after = rng.choice((1, 2, 2, 2, 3, 4)) if target == DossierStatus.PROCESSING else 0
    for steps in range(20):
        tasks = processing.open_tasks(dossier)
        if not tasks:
            return True
        task = tasks[0]
        if dossier.status == DossierStatus.PROCESSING:
            if target in (DossierStatus.PAYMENT_REQUESTED, DossierStatus.STOPPED) and steps >= 2:
                _no_step_yet(dossier, target, by_role[Role.SPECIALIST], run)
                return True
            if wait_after and steps >= wait_after:
                return True
        if task.stage == TaskStage.RETURN:
            if target == DossierStatus.PROCESSING:
                return True
            if dossier.status != DossierStatus.RESOLVED:
                with _services_clock(run.later(share * 0.3, share)):
                    services.attach_result(
                        dossier=dossier, officer=handler, upload=files.result(), title=_result_title(dossier)
                    )
            if target == DossierStatus.RESOLVED:
                return True
            _step(
                dossier,
                officer,
                "return_result",
                run.later(2, 72),
                return_method=_method(dossier, rng, online),
            )
            return True
        actor = by_role.get(task.candidate_role)
        actions = task.spec.actions or []
        action = "sign" if "sign" in actions else "approve"
        if actor is None or action not in actions:
            return True
        extra: dict[str, Any] = {}
        if task.spec.bpmn_id == "Task_PhanCong":
            extra["assignee"] = by_role[Role.SPECIALIST]
        _step(dossier, actor, action, run.later(share * 0.4, share), **extra)
    return True


def _no_step_yet(dossier: Dossier, target: int, actor: User, run: _Run) -> None:
    """6 and 8 have no step in the process yet: written directly (8 cancels the process)."""
    at = run.later(4, 48)
    if target == DossierStatus.STOPPED:
        with _services_clock(at):
            processing.cancel_for_dossier(dossier=dossier, actor=actor)
    note = (
        "Đề nghị nộp phí, lệ phí trước khi trả kết quả."
        if target == DossierStatus.PAYMENT_REQUESTED
        else run.rng.choice(STOP_REASONS)
    )
    _write_workflow_step_without_service(
        dossier, to_status=target, actor=actor, at=at, stage=TaskStage.PROCESSING, note=note
    )


def _method(dossier: Dossier, rng: random.Random, online: bool) -> int:
    if dossier.channel == SubmissionChannel.POSTAL:
        return ReturnMethod.POSTAL
    if online and rng.random() < 0.6:
        return ReturnMethod.ONLINE
    return ReturnMethod.COUNTER


def _result_title(dossier: Dossier) -> str:
    results = dossier.procedure_version.results or []
    if results and isinstance(results[0], dict) and results[0].get("name"):
        return str(results[0]["name"])[:300]
    return f"Kết quả giải quyết: {dossier.procedure_version.name[:200]}"


def _write_workflow_step_without_service(
    dossier: Dossier,
    *,
    to_status: int,
    actor: User,
    at: datetime,
    stage: str,
    note: str,
    handler: User | None = None,
) -> None:
    """Direct model writes for the processing steps the workflow issue will turn into services:
    the new status (and handler), one event, one audit entry."""
    before = dossier.status
    dossier.status = to_status
    update = ["status", "updated_at"]
    if handler is not None:
        dossier.handler = handler
        update.append("handler")
    dossier.save(update_fields=update)
    DossierEvent.objects.create(
        dossier=dossier,
        at=at,
        action=EventAction.NOTE,
        actor=actor,
        actor_role="demo",
        agency_id=dossier.agency_id,
        stage=stage,
        from_status=before,
        to_status=to_status,
        note=note,
    )
    record_audit(
        actor=actor,
        action="dossier.demo_workflow_step",
        target=dossier,
        before={"status": before},
        after={"status": to_status},
    )
