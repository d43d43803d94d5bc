"""What ``manage.py bench`` measures: the benchmarks and the data each one needs.

``prepare()`` runs in the bench process before gunicorn starts: it samples dossier codes and names
from the database, signs in the synthetic accounts of ``dichvucong.bench.dataset`` (a session cookie
for the portal and the back office, a one-day personal API token) and picks a procedure that takes
online submissions with two documents. A benchmark whose data or app is missing prints a
``{"name": …, "skipped": reason}`` line instead of figures.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.db.models import Count, F, Max, Min, Q
from django.test import Client
from django.urls import NoReverseMatch, reverse

from dichvucong.bench import dataset
from dichvucong.bench.harness import Request, RequestMaker
from dichvucong.bench.payloads import make_pdf, multipart
from dichvucong.core import clock
from dichvucong.core.text import fold
from dichvucong.dossiers.models import Dossier
from dichvucong.identity.constants import Scope
from dichvucong.identity.models import PersonalAccessToken
from dichvucong.identity.services import create_personal_token, revoke_personal_token
from dichvucong.procedures.constants import OnlineLevel, VersionStatus
from dichvucong.procedures.models import Procedure, ProcedureAgency, ProcedureVersion
from dichvucong.security.testing import login_verified

SEARCH_QUERY = "/api/v1/procedures/?q=dang+ky+tam+tru"
# What 100 visitors of the public site ask for, by weight (percent): ``public_load``. Earlier runs
# picked uniformly among 54 paths, 50 of them look-ups (93 % look-ups); these weights follow a portal
# visit instead: the home page, a catalog search, a procedure page, then tracking a dossier.
PUBLIC_MIX_WEIGHTS = {
    "home": 20,
    "search": 20,
    "procedure": 20,
    "api_search": 10,
    "lookup": 20,
    "statistics": 10,
}
PUBLIC_SEARCHES = (
    "dang ky kinh doanh",
    "khai sinh",
    "cap giay phep xay dung",
    "chung thuc ban sao",
    "ket hon",
)
TOP_PROCEDURES = 10
ATTACHMENT_BYTES = 200 * 1024


@dataclass
class Submission:
    """Where the submission benchmark files its dossiers."""

    procedure: str
    agency: str
    document_ids: list[int]


@dataclass
class Context:
    """What ``prepare()`` found and signed in; the request makers read it."""

    rows: int = 0
    procedures: int = 0
    codes: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    citizen_owned: int = 0
    citizen_token: str = ""
    citizen_cookie: str = ""
    officer_cookie: str = ""
    leader_cookie: str = ""
    top_procedure: str = ""
    top_procedures: list[str] = field(default_factory=list)
    submission: Submission | None = None
    token_id: int | None = None

    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.citizen_token}"}

    def cookie(self, value: str) -> dict[str, str]:
        return {"Cookie": f"{settings.SESSION_COOKIE_NAME}={value}"}


@dataclass(frozen=True)
class Benchmark:
    """One JSON line: ``make(ctx)`` returns the request maker, or a string saying why it is skipped."""

    name: str
    make: Callable[[Context], RequestMaker | str]
    expect: frozenset[int] = frozenset({200})
    rotate_source: int = 0  # a new client address every N requests (throttled per address)
    kind: str = "read"  # read | write (own counts) | load (own concurrency, errors reported only)
    details: Callable[[Context], dict[str, Any]] | None = None


def _fixed(path: str) -> Callable[[Context], RequestMaker]:
    request = Request(path)
    return lambda _ctx: lambda _i: request


def _lookup(ctx: Context) -> RequestMaker | str:
    if not ctx.codes:
        return "no dossier with a code: run `manage.py generate_demo_load` first"
    codes = ctx.codes
    return lambda i: Request(f"/api/v1/lookup/{codes[i % len(codes)]}/")


def _my_dossiers_api(ctx: Context) -> RequestMaker | str:
    if not ctx.citizen_token:
        return "no bench citizen token"
    pages = max(1, min(5, -(-ctx.citizen_owned // 20)))
    headers = ctx.bearer()
    return lambda i: Request(f"/api/v1/dossiers/?page={1 + i % pages}", headers=headers)


def _my_dossiers_page(ctx: Context) -> RequestMaker | str:
    if not ctx.citizen_cookie:
        return "no bench citizen session"
    pages = max(1, min(5, -(-ctx.citizen_owned // 20)))
    headers = ctx.cookie(ctx.citizen_cookie)
    return lambda i: Request(f"/ho-so-cua-toi/?page={1 + i % pages}", headers=headers)


def _officer_search(ctx: Context) -> RequestMaker | str:
    if not ctx.officer_cookie:
        return "no bench officer session"
    names = ctx.names or ["nguyen van an"]
    headers = ctx.cookie(ctx.officer_cookie)
    return lambda i: Request(
        "/backoffice/tra-cuu-ho-so/?" + urlencode({"name": names[i % len(names)]}), headers=headers
    )


def _submission(ctx: Context) -> RequestMaker | str:
    target = ctx.submission
    if target is None:
        return "no published online procedure with two documents received by an active agency"
    if not ctx.citizen_token:
        return "no bench citizen token"
    run = uuid.uuid4().hex[:12]
    form = json.dumps({"ghi_chu": "manage.py bench"})

    def make(i: int) -> Request:
        files = {
            f"doc_{doc_id}": (f"giay-to-{n + 1}.pdf", "application/pdf", make_pdf(ATTACHMENT_BYTES))
            for n, doc_id in enumerate(target.document_ids)
        }
        body, content_type = multipart(
            {"procedure": target.procedure, "agency": target.agency, "form_data": form}, files
        )
        headers = {**ctx.bearer(), "Content-Type": content_type, "Idempotency-Key": f"bench-{run}-{i}"}
        return Request("/api/v1/dossiers/", method="POST", headers=headers, body=body)

    return make


def public_mix_paths(ctx: Context) -> dict[str, list[str]]:
    """The paths of each kind of public request (``PUBLIC_MIX_WEIGHTS``); a kind without data is empty."""
    statistics = _first_url(("portal:statistics",))
    return {
        "home": ["/"],
        "search": ["/thu-tuc/?" + urlencode({"q": query}) for query in PUBLIC_SEARCHES],
        "procedure": [f"/thu-tuc/{code}/" for code in ctx.top_procedures],
        "api_search": [SEARCH_QUERY],
        "lookup": [f"/api/v1/lookup/{code}/" for code in ctx.codes[:50]],
        "statistics": [statistics, f"{statistics}?nhom=agency"] if statistics else [],
    }


def _public_mix(ctx: Context) -> RequestMaker | str:
    """A fixed, seeded order of public requests drawn by ``PUBLIC_MIX_WEIGHTS``."""
    paths = {kind: found for kind, found in public_mix_paths(ctx).items() if found}
    kinds = list(paths)
    weights = [PUBLIC_MIX_WEIGHTS[kind] for kind in kinds]
    rng = random.Random(5)  # noqa: S311 - a fixed order of requests, not security
    order = [
        Request(rng.choice(paths[kind]), kind=kind) for kind in rng.choices(kinds, weights=weights, k=4096)
    ]
    return lambda i: order[i % len(order)]


def _first_url(names: tuple[str, ...]) -> str | None:
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def _worklist(ctx: Context) -> RequestMaker | str:
    if not apps.is_installed("dichvucong.workflows"):
        return "the workflows app is not installed yet"
    url = _first_url(("backoffice:worklist", "workflows:worklist"))
    if url is None:
        return "no worklist URL (backoffice:worklist) yet"
    if not ctx.leader_cookie:
        return "no dossier yet, so no busiest agency for bench-leader: run `manage.py generate_demo_load`"
    headers = ctx.cookie(ctx.leader_cookie)
    tabs = ["", "?tab=available"]
    return lambda i: Request(url + tabs[i % 2], headers=headers)


def _statistics(ctx: Context) -> RequestMaker | str:
    if not apps.is_installed("dichvucong.reports"):
        return "the reports app is not installed yet"
    url = _first_url(("api:statistics",))
    if url is None:
        return "no statistics URL (api:statistics, /api/v1/statistics/) yet"
    from dichvucong.reports.constants import PUBLISHED_PERIODS
    from dichvucong.reports.periods import period_bounds

    today = clock.now().date()
    # The last 30, 91, 365 days and ten years to today, and the last closed calendar and legal month,
    # quarter and year (the periods Decree 61 reports use); the whole city, then by field and by agency.
    periods = [(today - dt.timedelta(days=days), today) for days in (30, 91, 365, 3650)]
    for kind in PUBLISHED_PERIODS:
        periods.append(period_bounds(kind, period_bounds(kind, today)[0] - dt.timedelta(days=1)))
    queries = [
        {"from": first.isoformat(), "to": last.isoformat(), **group}
        for first, last in periods
        for group in ({}, {"group_by": "field"}, {"group_by": "agency"})
    ]
    return lambda i: Request(url + "?" + urlencode(queries[i % len(queries)]))


BENCHMARKS: list[Benchmark] = [
    Benchmark("bare", _fixed("/bench/bare")),
    Benchmark("healthz", _fixed("/healthz")),
    Benchmark("portal_home", _fixed("/")),
    Benchmark("api_schema", _fixed("/api/v1/schema/")),
    # Catalog search through the API (facets included); in-process figures: `manage.py bench_search`.
    Benchmark("api_search", _fixed(SEARCH_QUERY), details=lambda ctx: {"procedures": ctx.procedures}),
    Benchmark("lookup", _lookup, rotate_source=30, expect=frozenset({200})),
    Benchmark("my_dossiers_api", _my_dossiers_api, details=lambda ctx: {"owned": ctx.citizen_owned}),
    Benchmark("my_dossiers_page", _my_dossiers_page, details=lambda ctx: {"owned": ctx.citizen_owned}),
    Benchmark("officer_search", _officer_search),
    Benchmark("worklist", _worklist),
    Benchmark("statistics", _statistics, rotate_source=30),
    Benchmark(
        "submit_online",
        _submission,
        expect=frozenset({201}),
        kind="write",
        details=lambda _ctx: {"attachments": 2, "attachment_kb": ATTACHMENT_BYTES // 1024},
    ),
    Benchmark("public_load", _public_mix, rotate_source=30, kind="load"),
]
NAMES = [benchmark.name for benchmark in BENCHMARKS]


def _sample_ids(count: int, rng: random.Random) -> list[int]:
    bounds = Dossier.objects.aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None:
        return []
    return [rng.randint(bounds["low"], bounds["high"]) for _ in range(count)]


def _submission_target() -> Submission | None:
    candidates = (
        Procedure.objects.filter(current_version__status=VersionStatus.PUBLISHED)
        .exclude(current_version__online_level=OnlineLevel.DIRECT)
        .annotate(
            docs=Count("current_version__documents"),
            required=Count(
                "current_version__documents", filter=Q(current_version__documents__is_required=True)
            ),
        )
        .filter(docs__gte=2, required__lte=2)
        .order_by(F("usage_rank").asc(nulls_last=True), "code")
    )
    today = clock.now().date()
    for procedure in candidates[:200]:
        variant = (
            ProcedureAgency.objects.filter(procedure=procedure, is_active=True)
            .filter(Q(agency__valid_until__isnull=True) | Q(agency__valid_until__gt=today))
            .select_related("agency")
            .order_by("agency__code")
            .first()
        )
        version = ProcedureVersion.objects.filter(procedure=procedure, status=VersionStatus.PUBLISHED).first()
        if variant is None or version is None:
            continue
        documents = list(version.documents.order_by("-is_required", "position", "pk"))
        if len(documents) < 2 or sum(d.is_required for d in documents) > 2:
            continue
        return Submission(procedure.code, variant.agency.code, [d.pk for d in documents[:2]])
    return None


def _officer_session(officer: Any) -> str:
    """A session cookie that has passed the second factor (the back office asks for it)."""
    client = login_verified(Client(), officer)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def prepare(selected: set[str], *, seed: int = 3) -> Context:
    """Sample the data and sign in the accounts the ``selected`` benchmarks need."""
    rng = random.Random(seed)  # noqa: S311 - sampling, not security
    ctx = Context(rows=Dossier.objects.count())
    ctx.procedures = ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED).count()
    top = Procedure.objects.filter(current_version__status=VersionStatus.PUBLISHED).order_by(
        F("usage_rank").asc(nulls_last=True), "code"
    )
    ctx.top_procedures = list(top.values_list("code", flat=True)[:TOP_PROCEDURES])
    ctx.top_procedure = ctx.top_procedures[0] if ctx.top_procedures else ""
    ids = _sample_ids(4000, rng)
    if ids:
        found = list(Dossier.objects.filter(pk__in=ids).values_list("code", "applicant_name"))
        ctx.codes = [code for code, _name in found if code][:2000]
        rng.shuffle(ctx.codes)
        ctx.names = sorted({fold(name) for _code, name in found if name})[:200]
        rng.shuffle(ctx.names)
    needs_citizen = selected & {"my_dossiers_api", "my_dossiers_page", "submit_online"}
    if needs_citizen:
        citizen = dataset.ensure_citizen()
        ctx.citizen_owned = Dossier.objects.filter(owner=citizen).count()
        created = create_personal_token(
            owner=citizen,
            name="manage.py bench",
            scopes=[Scope.DOSSIERS_READ, Scope.DOSSIERS_WRITE],
            expires_at=clock.now() + dt.timedelta(days=1),
        )
        ctx.citizen_token, ctx.token_id = created.plaintext, created.token.pk
        client = Client()
        client.force_login(citizen)
        ctx.citizen_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    if "officer_search" in selected:
        ctx.officer_cookie = _officer_session(dataset.ensure_officer())
    if "worklist" in selected:
        leader = dataset.ensure_leader()
        ctx.leader_cookie = _officer_session(leader) if leader is not None else ""
    if "submit_online" in selected:
        ctx.submission = _submission_target()
    return ctx


def finish(ctx: Context) -> None:
    """Revoke the run's API token (the sessions simply expire)."""
    if ctx.token_id is not None:
        token = PersonalAccessToken.objects.get(pk=ctx.token_id)
        revoke_personal_token(actor=None, token=token)
