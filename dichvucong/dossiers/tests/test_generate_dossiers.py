"""``manage.py generate_dossiers``: benchmark data that looks like the real thing and keeps codes right."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from dichvucong.accounts.models import User
from dichvucong.agencies.constants import AgencyKind
from dichvucong.agencies.tests.factories import make_agency
from dichvucong.core import clock
from dichvucong.dossiers.constants import DOSSIER_CODE_RE, DossierStatus, SubmissionChannel
from dichvucong.dossiers.management.commands import generate_dossiers
from dichvucong.dossiers.models import Dossier, DossierCodeCounter, DossierEvent
from dichvucong.procedures.constants import Channel, DurationUnit
from dichvucong.procedures.tests.factories import make_procedure

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(db: None) -> None:
    city = make_agency(kind=AgencyKind.CITY, name="Ủy ban nhân dân Thành phố", code="000.00.00.H29")
    wards = [
        make_agency(parent=city, kind=AgencyKind.WARD, name=f"Phường {n}", code=f"000.50.{60 + n:02d}.H29")
        for n in range(3)
    ]
    make_procedure(
        code="1.001193",
        options=((Channel.ONLINE, Decimal("3"), DurationUnit.WORKING_DAYS),),
        agencies=wards,
    )
    make_procedure(code="2.000815", options=((Channel.DIRECT, None, DurationUnit.NONE),), agencies=wards[:1])


def _run(*args: str) -> str:
    out = StringIO()
    call_command("generate_dossiers", *args, stdout=out)
    return out.getvalue()


def test_generates_the_asked_number_with_a_realistic_mix(catalog: None) -> None:
    """Given a catalog, when 600 dossiers are generated, then there are 600 with 2–6 events each, several
    statuses and every channel, owners among the synthetic accounts, and a summary line."""
    output = _run("--count", "600", "--users", "50", "--years", "2")

    assert "Generated 600 dossiers" in output
    assert Dossier.objects.count() == 600
    per_dossier = Counter(DossierEvent.objects.values_list("dossier_id", flat=True))
    assert len(per_dossier) == 600
    assert min(per_dossier.values()) >= 2 and max(per_dossier.values()) <= 6
    statuses = set(Dossier.objects.values_list("status", flat=True))
    assert {DossierStatus.RETURNED, DossierStatus.PROCESSING, DossierStatus.NEW} <= statuses
    assert set(Dossier.objects.values_list("channel", flat=True)) == set(SubmissionChannel.values)
    owners = set(Dossier.objects.exclude(owner=None).values_list("owner__username", flat=True))
    assert owners and all(name.startswith("bench-user-") for name in owners)
    assert User.objects.filter(username__startswith="bench-user-").count() == 50
    assert not Dossier.objects.filter(channel=SubmissionChannel.ONLINE, owner=None).exists()


def test_codes_are_unique_dated_and_continue_the_counters(catalog: None) -> None:
    """Given two runs, then every received dossier has a unique legal code dated on its reception day,
    numbered 1..n per agency and day with no gap, and the daily counters hold n (so a real reception
    that day would continue after it)."""
    _run("--count", "400", "--users", "20", "--years", "1")
    _run("--count", "400", "--users", "20", "--years", "1", "--seed", "2")

    received = list(Dossier.objects.exclude(received_at=None).values_list("code", "received_at", "agency_id"))
    codes = [code for code, _at, _agency in received]
    assert len(codes) == len(set(codes))
    numbers: dict[tuple[int, str], list[int]] = defaultdict(list)
    for code, at, agency_id in received:
        assert DOSSIER_CODE_RE.match(code)
        day = code.split("-")[1]
        assert day == timezone.localtime(at).strftime("%y%m%d")
        numbers[(agency_id, day)].append(int(code.rsplit("-", 1)[1]))
    counters = {
        (c.agency_id, c.day.strftime("%y%m%d")): c.last_number for c in DossierCodeCounter.objects.all()
    }
    for key, seen in numbers.items():
        assert sorted(seen) == list(range(1, len(seen) + 1))
        assert counters[key] == len(seen)
    assert not Dossier.objects.filter(received_at=None).exclude(code=None).exists()


def test_dates_stay_in_the_past_and_in_order(catalog: None) -> None:
    """Given generated dossiers, then nothing happens in the future, events are in order, and a dossier
    is received before it is due and returned after it is resolved."""
    _run("--count", "300", "--users", "10", "--years", "1")
    now = clock.now()

    assert not DossierEvent.objects.filter(at__gt=now).exists()
    assert not Dossier.objects.filter(received_at__gt=now).exists()
    for dossier in Dossier.objects.prefetch_related("events"):
        times = [e.at for e in sorted(dossier.events.all(), key=lambda e: e.pk)]
        assert times == sorted(times)
        if dossier.due_at is not None:
            assert dossier.received_at < dossier.due_at
        if dossier.returned_at is not None:
            assert dossier.resolved_at <= dossier.returned_at
        assert dossier.created_at <= dossier.updated_at


def test_refuses_without_a_catalog(db: None) -> None:
    """Given no procedure received anywhere, when generating, then it stops with a clear message."""
    with pytest.raises(CommandError, match="load the catalog"):
        _run("--count", "10")


def test_refuses_a_count_below_one(catalog: None) -> None:
    """Given --count 0, then the command refuses and writes nothing."""
    with pytest.raises(CommandError, match="--count"):
        _run("--count", "0")
    assert not Dossier.objects.exists()


@pytest.mark.postgres
def test_copy_writes_the_same_rows_as_inserts(catalog: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Given one seed and one moment, when dossiers are generated with INSERT statements, cleared, then
    generated again with COPY (PostgreSQL's fast path), then both runs leave the same dossiers (ids,
    codes, dates, statuses, phone numbers), the same events in the same order and the same counters."""
    monkeypatch.setattr(generate_dossiers, "BATCH", 150)  # several batches: ids and codes continue

    def snapshot() -> tuple[list[dict[str, object]], list[tuple[object, ...]], list[tuple[object, ...]]]:
        event_fields = [f.attname for f in DossierEvent._meta.concrete_fields if f.attname != "id"]
        return (
            list(Dossier.objects.order_by("id").values()),
            list(DossierEvent.objects.order_by("id").values_list(*event_fields)),
            sorted(DossierCodeCounter.objects.values_list("agency_id", "day", "last_number")),
        )

    arguments = ("--count", "400", "--users", "20", "--years", "1", "--seed", "5", "--workers", "0")
    with clock.backdated(clock.now()):
        _run(*arguments, "--no-copy")
        inserted = snapshot()
        DossierEvent.objects.all().delete()
        Dossier.objects.all().delete()
        DossierCodeCounter.objects.all().delete()
        _run(*arguments)
        copied = snapshot()

    dossiers, events, counters = inserted
    assert len(dossiers) == 400 and len(events) >= 800 and counters
    assert any(d["applicant_phone"] for d in dossiers) and any(d["code"] for d in dossiers)
    assert copied == inserted


def test_a_run_stopped_half_way_leaves_counters_that_match_the_codes(
    catalog: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given a run that stops on its third batch, then the two batches written keep their codes and the
    daily counters hold exactly their last numbers (the next reception neither repeats a code nor
    leaves a gap), as if the run had asked for those dossiers only."""
    monkeypatch.setattr(generate_dossiers, "BATCH", 100)
    write = generate_dossiers._Writer.write
    calls = 0

    def write_twice(self: object, *args: object) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("stopped")
        write(self, *args)

    monkeypatch.setattr(generate_dossiers._Writer, "write", write_twice)
    with pytest.raises(RuntimeError, match="stopped"):
        _run("--count", "500", "--users", "10", "--years", "1", "--workers", "0")

    assert Dossier.objects.count() == 200
    last: dict[tuple[int, str], int] = defaultdict(int)
    for code, agency_id in Dossier.objects.exclude(code=None).values_list("code", "agency_id"):
        _prefix, day, number = code.rsplit("-", 2)
        last[(agency_id, day)] = max(last[(agency_id, day)], int(number))
    counters = {
        (c.agency_id, c.day.strftime("%y%m%d")): c.last_number for c in DossierCodeCounter.objects.all()
    }
    assert last and counters == dict(last)
