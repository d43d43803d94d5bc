"""``manage.py generate_dossiers --count N``: synthetic dossiers for benchmarks (``make bench``).

Bulk inserts (batches of 5,000 dossiers, one transaction each) with a realistic mix: the most used
procedures more often (Zipf over usage rank), only agencies that receive the procedure, national
channels and statuses (old dossiers mostly returned, recent ones still open), reception times in
office hours on weekdays over the last ``--years`` years, owners among ``--users`` synthetic
accounts (``bench-user-NNNNNN``, made once, no usable password) and 2–6 events per dossier.

Codes are unique and continue the daily counters (``DossierCodeCounter`` moves with each batch,
in its transaction), and stop at yesterday so today's real receptions are untouched. Due dates are an
approximation (working days × 7/5 calendar days) rather than the calendar: the generator makes
volume for measuring, not legal deadlines. Nothing here goes through the services: no audit entry,
no notification, no rollup (run ``rebuild_rollups`` afterwards).

Speed (10 million dossiers must load in about an hour): a forked worker makes the next batches whole
(ids, codes, events; a single worker, so codes stay in order) while this process only sends them,
with ``COPY`` on PostgreSQL (``--no-copy`` for INSERTs, the same rows). There the database's own
work dominates: the dossier table's 15 indexes (one GIN trigram), the events' 5 and the foreign-key
checks, all kept; the progress lines say which side waits (``writing N%``). Nothing else may add
dossiers during a run: ids are given from the largest one at the start.
"""

from __future__ import annotations

import bisect
import itertools
import json
import multiprocessing
import random
import time as timer
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from dichvucong.accounts.models import User
from dichvucong.core import clock
from dichvucong.core.crypto import encrypt
from dichvucong.core.text import fold
from dichvucong.dossiers.constants import (
    DossierStatus,
    EventAction,
    ReturnMethod,
    SubmissionChannel,
)
from dichvucong.dossiers.models import Dossier, DossierCodeCounter, DossierEvent
from dichvucong.procedures.constants import DurationUnit
from dichvucong.procedures.models import Procedure, ProcedureAgency

BATCH = 5_000
# PostgreSQL, each batch's transaction only (SET LOCAL). No fsync wait at commit: a crash loses the last
# batches, never consistency. The trigram index takes new names in a pending list merged into the
# index when full: a larger list (and the memory to sort it) merges less often, in bigger sorted runs.
BULK_SETTINGS = ("synchronous_commit = off", "gin_pending_list_limit = '32MB'", "work_mem = '64MB'")
ZERO = timedelta(0)
USER_PREFIX = "bench-user-"
# One generated batch: dossier rows, event rows, the code counters it moved ((agency, day) → last number).
Batch = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], dict[tuple[int, date], int]]
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ")
MIDDLE = ("Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hoàng", "Quốc", "Thu", "Gia", "Bảo", "Đức")
GIVEN = ("An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Khoa", "Lan", "Linh", "Long",
         "Mai", "Nam", "Nhung", "Phúc", "Quân", "Tâm", "Thảo", "Trang", "Tuấn", "Vy", "Yến")  # fmt: skip
# Older than this, a dossier is finished (the open statuses belong to recent ones).
OPEN_WINDOW_DAYS = 90
FINISHED_MIX = (
    (DossierStatus.RETURNED, 88),
    (DossierStatus.RESOLVED, 3),
    (DossierStatus.REFUSED, 3),
    (DossierStatus.WITHDRAWN, 3),
    (DossierStatus.STOPPED, 3),
)
RECENT_MIX = (
    (DossierStatus.NEW, 8),
    (DossierStatus.RECEIVED, 15),
    (DossierStatus.PROCESSING, 20),
    (DossierStatus.SUPPLEMENT_REQUESTED, 6),
    (DossierStatus.PAYMENT_REQUESTED, 3),
    (DossierStatus.RESOLVED, 10),
    (DossierStatus.RETURNED, 30),
    (DossierStatus.REFUSED, 3),
    (DossierStatus.WITHDRAWN, 3),
    (DossierStatus.STOPPED, 2),
)
CHANNEL_MIX = ((SubmissionChannel.ONLINE, 45), (SubmissionChannel.DIRECT, 50), (SubmissionChannel.POSTAL, 5))
# The columns the generator fills, in the order of its row tuples; the writer adds the other columns'
# defaults (the same for every row) at the end.
DOSSIER_COLUMNS = (
    "id", "code", "procedure_id", "procedure_version_id", "agency_id", "channel", "status", "owner_id",
    "applicant_name", "applicant_search_name", "applicant_phone", "applicant_address", "return_method",
    "fee_total", "submitted_at", "received_at", "due_at", "resolved_at", "returned_at", "created_at",
    "updated_at",
)  # fmt: skip
EVENT_COLUMNS = ("dossier_id", "at", "action", "actor_role", "agency_id", "from_status", "to_status")


class Command(BaseCommand):
    help = "Bulk-generate synthetic dossiers (with 2–6 events each) for benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, required=True, help="how many dossiers to add")
        parser.add_argument(
            "--users", type=int, default=0, help="synthetic owners (default: count / 20, at least 100)"
        )
        parser.add_argument(
            "--years", type=int, default=10, help="spread reception dates over this many years"
        )
        parser.add_argument(
            "--procedures", type=int, default=300, help="draw from the N most used procedures"
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same data)")
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            choices=(0, 1),
            help="1: make the next batch in a second process while this one writes (default); 0: one process",
        )
        parser.add_argument(
            "--no-copy",
            action="store_true",
            help="PostgreSQL: INSERT statements instead of COPY (slower; the same rows, for comparing)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = options["count"]
        if count < 1:
            raise CommandError("--count must be at least 1")
        if options["years"] < 1:
            raise CommandError("--years must be at least 1")
        started = timer.monotonic()
        writer = _Writer(use_copy=not options["no_copy"])
        generator = _Generator(
            rng=random.Random(options["seed"]),  # noqa: S311 - synthetic data
            years=options["years"],
            procedure_limit=options["procedures"],
            sqlite=writer.sqlite,
        )
        users = options["users"] or max(count // 20, 100)
        generator.owners = _ensure_users(users)
        generator.load_counters()
        self.stdout.write(f"{len(generator.owners)} synthetic owners ready")
        # Ids are given here, in order, so that the worker can finish rows (ids, codes, events' dossier)
        # and this process only sends them: nothing else may add dossiers during the run.
        first_id = _Writer.next_id(Dossier)
        tasks = [
            (min(BATCH, count - start), options["seed"] * 1_000_003 + n, first_id + start)
            for n, start in enumerate(range(0, count, BATCH))
        ]
        made = events = 0
        writing = 0.0  # the rest of the loop is waiting for the generator: says which side limits
        loop_started = timer.monotonic()
        for rows, story_rows, used in _generated(
            generator, tasks, parallel=options["workers"] > 0 and len(tasks) > 1
        ):
            write_started = timer.monotonic()
            writer.write(rows, story_rows, used)
            writing += timer.monotonic() - write_started
            events += len(story_rows)
            made += len(rows)
            if made % 50_000 == 0 or made == count:
                now = timer.monotonic()
                rate = made / max(now - started, 1e-6)
                busy = writing / max(now - loop_started, 1e-6)
                self.stdout.write(
                    f"  {made:,} dossiers, {events:,} events ({rate:,.0f} dossiers/s, writing {busy:.0%})"
                )
        writer.reset_sequences()
        took = timer.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(f"Generated {made:,} dossiers and {events:,} events in {took:.1f} s")
        )


def _ensure_users(n: int) -> list[int]:
    """Ids of ``n`` synthetic citizen accounts, creating the missing ones (no usable password)."""
    existing = dict(User.objects.filter(username__startswith=USER_PREFIX).values_list("username", "pk"))
    names = [f"{USER_PREFIX}{i:07d}" for i in range(1, n + 1)]
    missing = [name for name in names if name not in existing]
    rng = random.Random(7)  # noqa: S311 - synthetic data
    password = make_password(None)  # unusable, the same hash is fine for accounts nobody logs into
    for chunk in _chunks(missing, BATCH):
        with transaction.atomic():
            User.objects.bulk_create(
                [
                    User(
                        username=name,
                        full_name=f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                        password=password,
                        email=f"{name}@bench.dichvucong.example",
                    )
                    for name in chunk
                ]
            )
    ids = dict(User.objects.filter(username__in=names).values_list("username", "pk")) if missing else existing
    return [ids[name] for name in names]


class _Writer:
    """Rows straight to the tables: ``COPY … FROM STDIN`` on PostgreSQL, ``executemany`` elsewhere.

    Why not ``bulk_create``: on SQLite Django caps a statement at 999 parameters (≈40 dossiers) and
    prepares every value through its field; for millions of rows that is ~10× slower. Values are
    adapted here the way the fields would (datetimes, decimals, encrypted phone numbers, JSON).

    Why COPY on PostgreSQL: ``executemany`` sends one INSERT per row (one round trip and one executor
    start each), ~850 dossiers/s; COPY streams the batch in one statement. Each batch also runs with
    ``synchronous_commit = off`` (``SET LOCAL``: that transaction only): a crash could lose the last
    batches, never corrupt the database, and a benchmark load can simply be run again.
    """

    def __init__(self, *, use_copy: bool = True) -> None:
        self.ops = connection.ops
        self.sqlite = connection.vendor == "sqlite"
        self.copy = use_copy and connection.vendor == "postgresql"
        if self.sqlite:
            # Index pages of a large table stay in memory (256 MB) instead of being re-read per batch.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -262144")
        fields = {f.attname: f for f in Dossier._meta.concrete_fields}
        constant = {
            a: self._constant(f, f.get_default()) for a, f in fields.items() if a not in DOSSIER_COLUMNS
        }
        self.dossier_constant = tuple(constant.values())
        event_constant = {"actor_id": None, "stage": "", "note": ""}
        event_constant["data"] = self._constant(DossierEvent._meta.get_field("data"), {})
        self.event_constant = tuple(event_constant.values())
        statement = self._copy_sql if self.copy else self._insert_sql
        self.dossier_sql = statement(Dossier, [fields[a].column for a in (*DOSSIER_COLUMNS, *constant)])
        self.event_sql = statement(DossierEvent, [*EVENT_COLUMNS, *event_constant])
        table = self.ops.quote_name(DossierCodeCounter._meta.db_table)
        # PostgreSQL: one statement per batch over arrays (up to 5,000 agency-days a batch).
        values = (
            "SELECT * FROM unnest(%s::bigint[], %s::date[], %s::integer[])"
            if self.copy
            else "VALUES (%s, %s, %s)"
        )
        self.counter_sql = (
            f"INSERT INTO {table} (agency_id, day, last_number) {values} "
            "ON CONFLICT (agency_id, day) DO UPDATE SET last_number = EXCLUDED.last_number"
        )

    def _constant(self, field: Any, value: Any) -> Any:
        """A constant column value as the statement takes it. COPY's text format gets JSON as text: a
        JSON adapter would serialise ``{}`` again for every one of millions of rows."""
        if self.copy and isinstance(field, models.JSONField):
            return json.dumps(value)
        return field.get_db_prep_save(value, connection)

    def _insert_sql(self, model: Any, columns: list[str]) -> str:
        names = ", ".join(self.ops.quote_name(c) for c in columns)
        marks = ", ".join(["%s"] * len(columns))
        table = self.ops.quote_name(model._meta.db_table)
        return f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 - names from the models

    def _copy_sql(self, model: Any, columns: list[str]) -> str:
        names = ", ".join(self.ops.quote_name(c) for c in columns)
        return f"COPY {self.ops.quote_name(model._meta.db_table)} ({names}) FROM STDIN"

    def _put(self, sql: str, rows: Iterable[tuple[Any, ...]]) -> None:
        """Send ``rows`` with the statement made for this backend (COPY or INSERT)."""
        with connection.cursor() as cursor:
            if not self.copy:
                cursor.executemany(sql, rows if isinstance(rows, list) else list(rows))
                return
            with cursor.copy(sql) as copy:  # psycopg 3, through Django's cursor wrapper
                write_row = copy.write_row
                for row in rows:
                    write_row(row)

    @staticmethod
    def next_id(model: Any) -> int:
        return (model.objects.aggregate(last=Max("id"))["last"] or 0) + 1

    def write(
        self,
        rows: list[tuple[Any, ...]],
        events: list[tuple[Any, ...]],
        counters: dict[tuple[int, date], int],
    ) -> None:
        """Insert one generated batch (rows in ``DOSSIER_COLUMNS`` and ``EVENT_COLUMNS`` order) and move
        the daily code counters it used, in one transaction: a run stopped half-way leaves codes and
        counters that agree, so receptions continue gap-free and without a duplicate code."""
        with transaction.atomic():
            if self.copy:
                with connection.cursor() as cursor:
                    for setting in BULK_SETTINGS:
                        cursor.execute(f"SET LOCAL {setting}")
            dossier_constant, event_constant = self.dossier_constant, self.event_constant
            self._put(self.dossier_sql, (row + dossier_constant for row in rows))
            self._put(self.event_sql, (row + event_constant for row in events))
            self.upsert_counters(
                sorted((agency_id, day, last) for (agency_id, day), last in counters.items())
            )

    def upsert_counters(self, rows: list[tuple[int, date, int]]) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            if self.copy:
                agencies, days, numbers = zip(*rows, strict=True)
                cursor.execute(self.counter_sql, (list(agencies), list(days), list(numbers)))
            else:
                adapt = self.ops.adapt_datefield_value
                cursor.executemany(self.counter_sql, [(a, adapt(d), n) for a, d, n in rows])

    @staticmethod
    def reset_sequences() -> None:
        """Dossier ids were given explicitly: move PostgreSQL's sequence past them (SQLite needs nothing)."""
        statements = connection.ops.sequence_reset_sql(no_style(), [Dossier])
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)


class _Generator:
    def __init__(self, *, rng: random.Random, years: int, procedure_limit: int, sqlite: bool) -> None:
        self.rng = rng
        self.owners: list[int] = []
        self.now = clock.now()
        self.tz = timezone.get_current_timezone()
        today = timezone.localtime(self.now).date()
        first = today - timedelta(days=365 * years)
        # Weekdays up to yesterday, weighted towards recent years (use of online services grows).
        self.days = [d for d in _days(first, today - timedelta(days=1)) if d.weekday() < 5]
        weights = [1.0 + 2.0 * i / len(self.days) for i in range(len(self.days))]
        self.day_cum = list(itertools.accumulate(weights))
        self.open_since = today - timedelta(days=OPEN_WINDOW_DAYS)
        self.procedures = self._load_procedures(procedure_limit)
        if not self.procedures:
            raise CommandError("no published procedure received by any agency: load the catalog first")
        self.proc_cum = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(self.procedures))))
        self.last_day = len(self.days) - 1
        # Encrypting is the costliest step per row: draw from a pool of encrypted numbers instead.
        self.phones = [encrypt(f"09{rng.randint(0, 99_999_999):08d}") for _ in range(2_000)]
        self.sqlite = sqlite
        # Daily code counters (agency, day) → last number; advanced by the process that generates.
        self.counters: dict[tuple[int, date], int] = {}

    def load_counters(self) -> None:
        """The counters of every agency that may receive, so codes continue the numbers already given."""
        agencies = {agency_id for p in self.procedures for agency_id, _code in p["agencies"]}
        for agency_id, day, last in DossierCodeCounter.objects.filter(agency_id__in=agencies).values_list(
            "agency_id", "day", "last_number"
        ):
            self.counters[(agency_id, day)] = last

    def _code(self, agency_id: int, agency_code: str, day: date, used: dict[tuple[int, date], int]) -> str:
        key = (agency_id, day)
        number = self.counters.get(key, 0) + 1
        if number > 9999:
            raise CommandError(f"more than 9,999 dossiers for {agency_code} on {day}: use more --years")
        self.counters[key] = used[key] = number
        return f"{agency_code}-{day:%y%m%d}-{number:04d}"

    # --- reference data --------------------------------------------------------------------------
    def _load_procedures(self, limit: int) -> list[dict[str, Any]]:
        ranked = list(
            Procedure.objects.filter(current_version__isnull=False, local_variants__is_active=True)
            .distinct()
            .select_related("current_version")
        )
        ranked.sort(key=lambda p: (p.usage_rank is None, p.usage_rank or 0, p.code))
        ranked = ranked[:limit]
        agencies: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for procedure_id, agency_id, code in ProcedureAgency.objects.filter(
            procedure__in=ranked, is_active=True
        ).values_list("procedure_id", "agency_id", "agency__code"):
            agencies[procedure_id].append((agency_id, code))
        result = []
        for procedure in ranked:
            version = procedure.current_version
            option = (
                version.options.exclude(duration__isnull=True)
                .exclude(duration_unit=DurationUnit.NONE)
                .first()
            )
            fee = sum((f.amount or Decimal(0)) for f in version.fees.all())
            result.append(
                {
                    "procedure_id": procedure.pk,
                    "version_id": version.pk,
                    "agencies": agencies[procedure.pk],
                    "duration": _approximate_duration(option),
                    "fee": connection.ops.adapt_decimalfield_value(fee, 14, 2),
                }
            )
        return [p for p in result if p["agencies"]]

    # --- one batch --------------------------------------------------------------------------------
    def generate(self, size: int, seed: int, first_id: int) -> Batch:
        """``size`` dossier rows (ids from ``first_id``, in ``DOSSIER_COLUMNS`` order), their events
        (``EVENT_COLUMNS``) and the code counters they moved. Touches no database, so it can run in
        another process: everything the writer's process would do per row is done here."""
        rng = random.Random(seed)  # noqa: S311 - synthetic data
        latest = self.now - timedelta(minutes=1)
        dt = self.datetime
        dossier_rows: list[tuple[Any, ...]] = []
        event_rows: list[tuple[Any, ...]] = []
        used: dict[tuple[int, date], int] = {}
        for dossier_id in range(first_id, first_id + size):
            procedure = self.procedures[bisect.bisect_left(self.proc_cum, rng.random() * self.proc_cum[-1])]
            agency_id, agency_code = rng.choice(procedure["agencies"])
            day = self.days[
                min(bisect.bisect_left(self.day_cum, rng.random() * self.day_cum[-1]), self.last_day)
            ]
            minutes = rng.randint(7 * 60 + 30, 16 * 60 + 59)
            local = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=self.tz)
            moment = local.astimezone(UTC)
            status = _pick(rng, RECENT_MIX if day >= self.open_since else FINISHED_MIX)
            channel = _pick(rng, CHANNEL_MIX)
            online = channel == SubmissionChannel.ONLINE
            if not online and status in (DossierStatus.NEW, DossierStatus.REFUSED):
                status = DossierStatus.RECEIVED  # a counter dossier is received on the spot
            received = status not in (DossierStatus.NEW, DossierStatus.REFUSED) and not (
                online and status == DossierStatus.WITHDRAWN and rng.random() < 0.5
            )
            story = _fit(_story(rng, status, online=online, received=received), moment, latest)
            # Offsets count from submission; an online dossier was submitted before its reception.
            submitted_at = moment - (_step(story, EventAction.RECEIVED) if online and received else ZERO)
            received_at = moment if received else None
            duration = procedure["duration"]
            finished = status in (DossierStatus.RESOLVED, DossierStatus.RETURNED)
            if channel == SubmissionChannel.POSTAL:
                return_method = ReturnMethod.POSTAL
            elif online and rng.random() < 0.5:
                return_method = ReturnMethod.ONLINE
            else:
                return_method = ReturnMethod.COUNTER
            dossier_rows.append(
                (  # DOSSIER_COLUMNS
                    dossier_id,
                    self._code(agency_id, agency_code, day, used) if received else None,
                    procedure["procedure_id"],
                    procedure["version_id"],
                    agency_id,
                    channel,
                    status,
                    rng.choice(self.owners) if online or rng.random() < 0.3 else None,
                    (name := f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"),
                    fold(name),
                    rng.choice(self.phones) if rng.random() < 0.5 else "",
                    f"{rng.randint(1, 300)} đường số {rng.randint(1, 40)}, TP. HCM",
                    return_method,
                    procedure["fee"],
                    dt(submitted_at),
                    dt(received_at),
                    dt(received_at + duration) if received_at is not None and duration is not None else None,
                    dt(submitted_at + _step(story, EventAction.RESOLVED)) if finished else None,
                    dt(submitted_at + story[-1][3]) if status == DossierStatus.RETURNED else None,
                    dt(submitted_at + story[0][3]),
                    dt(submitted_at + story[-1][3]),
                )
            )
            for action, from_status, to_status, offset in story:
                event_rows.append(
                    (  # EVENT_COLUMNS
                        dossier_id,
                        dt(submitted_at + offset),
                        str(action),
                        "bench",
                        agency_id,
                        from_status,
                        to_status,
                    )
                )
        return dossier_rows, event_rows, used

    def datetime(self, value: datetime | None) -> Any:
        """``value`` (aware, UTC) as the backend stores it; SQLite's text form without Django's checks."""
        if value is None:
            return None
        return str(value.replace(tzinfo=None)) if self.sqlite else value


_WORKER: _Generator | None = None


def _generate_in_worker(task: tuple[int, int, int]) -> Batch:
    assert _WORKER is not None  # set before the fork
    return _WORKER.generate(*task)


def _generated(
    generator: _Generator, tasks: list[tuple[int, int, int]], *, parallel: bool
) -> Iterator[Batch]:
    """The batches in order; with ``parallel`` a forked process makes the next ones while we write."""
    global _WORKER  # handed to the forked worker
    if not parallel:
        for task in tasks:
            yield generator.generate(*task)
        return
    _WORKER = generator
    try:
        with multiprocessing.get_context("fork").Pool(processes=1) as pool:
            # At most two batches ahead: the worker must not fill memory while the database is slower.
            queue = iter(tasks)
            pending = deque(pool.apply_async(_generate_in_worker, (t,)) for t in itertools.islice(queue, 2))
            while pending:
                result = pending.popleft().get()
                following = next(queue, None)
                if following is not None:
                    pending.append(pool.apply_async(_generate_in_worker, (following,)))
                yield result
    finally:
        _WORKER = None


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _fit(
    story: list[tuple[str, int | None, int | None, timedelta]], start: datetime, latest: datetime
) -> list[tuple[str, int | None, int | None, timedelta]]:
    """Squeeze a recent dossier's story so that its last event is not in the future."""
    last = story[-1][3]
    room = latest - start
    if last <= room or last <= timedelta(0):
        return story
    factor = max(room, timedelta(seconds=60)) / last
    return [(a, f, t, offset * factor if offset > timedelta(0) else offset) for a, f, t, offset in story]


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _pick(rng: random.Random, mix: tuple[tuple[int, int], ...]) -> int:
    return rng.choices([value for value, _w in mix], [weight for _v, weight in mix])[0]


def _approximate_duration(option: Any) -> timedelta | None:
    if option is None:
        return None
    amount = float(option.duration)
    if option.duration_unit == DurationUnit.WORKING_DAYS:
        return timedelta(days=amount * 7 / 5)
    if option.duration_unit == DurationUnit.HOURS:
        return timedelta(hours=amount * 3)
    if option.duration_unit == DurationUnit.MONTHS:
        return timedelta(days=amount * 30)
    return timedelta(days=amount)


def _step(story: list[tuple[str, int | None, int | None, timedelta]], action: str) -> timedelta:
    return next(offset for act, _f, _t, offset in story if act == action)


def _story(
    rng: random.Random, status: int, *, online: bool, received: bool
) -> list[tuple[str, int | None, int | None, timedelta]]:
    """(action, from, to, offset from submission) for 2–6 events ending in ``status``."""
    S = DossierStatus
    steps: list[tuple[str, int | None, int | None, timedelta]] = []
    offset = timedelta(0)

    def add(action: str, from_status: int | None, to_status: int | None, low: float, high: float) -> None:
        nonlocal offset
        offset += timedelta(hours=rng.uniform(low, high))
        steps.append((action, from_status, to_status, offset))

    if online:
        steps.append((EventAction.DRAFT_SAVED, None, None, timedelta(minutes=-rng.randint(10, 120))))
        steps.append((EventAction.SUBMITTED, None, S.NEW, timedelta(0)))  # offsets count from here
        if not received:
            if status == S.REFUSED:
                add(EventAction.REFUSED, S.NEW, S.REFUSED, 1, 30)
            elif status == S.WITHDRAWN:
                add(EventAction.WITHDRAWN, S.NEW, S.WITHDRAWN, 1, 48)
            return steps
        add(EventAction.RECEIVED, S.NEW, S.RECEIVED, 0.5, 20)
    else:
        steps.append((EventAction.RECEIVED, None, S.RECEIVED, timedelta(0)))
    if status == S.RECEIVED:
        if len(steps) < 2:
            add(EventAction.NOTE, S.RECEIVED, S.RECEIVED, 0.5, 4)
        return steps
    if status in (S.SUPPLEMENT_REQUESTED,) or rng.random() < 0.1:
        add(EventAction.SUPPLEMENT_REQUESTED, S.RECEIVED, S.SUPPLEMENT_REQUESTED, 2, 48)
        if status == S.SUPPLEMENT_REQUESTED:
            return steps
        add(EventAction.SUPPLEMENTED, S.SUPPLEMENT_REQUESTED, S.RECEIVED, 4, 96)
    if status == S.WITHDRAWN:
        add(EventAction.WITHDRAWN, S.RECEIVED, S.WITHDRAWN, 2, 72)
        return _at_most_six(steps)
    add(EventAction.NOTE, S.RECEIVED, S.PROCESSING, 0.5, 8)
    if status in (S.PROCESSING, S.PAYMENT_REQUESTED, S.STOPPED):
        if status != S.PROCESSING:
            add(EventAction.NOTE, S.PROCESSING, status, 4, 72)
        return _at_most_six(steps)
    add(EventAction.RESOLVED, S.PROCESSING, S.RESOLVED, 8, 200)
    if status == S.RETURNED:
        add(EventAction.RETURNED, S.RESOLVED, S.RETURNED, 2, 72)
    return _at_most_six(steps)


def _at_most_six(
    steps: list[tuple[str, int | None, int | None, timedelta]],
) -> list[tuple[str, int | None, int | None, timedelta]]:
    """Drop the draft event, then a supplement round (it ends where it began), to keep 2–6 events."""
    if len(steps) > 6:
        steps = [s for s in steps if s[0] != EventAction.DRAFT_SAVED]
    if len(steps) > 6:
        steps = [s for s in steps if s[0] not in (EventAction.SUPPLEMENT_REQUESTED, EventAction.SUPPLEMENTED)]
    return steps
