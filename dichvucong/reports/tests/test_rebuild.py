"""``manage.py rebuild_rollups`` on bulk-generated dossiers (no hooks ran): the figures match the
dossier table, and running it twice gives the same rows."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from dichvucong.agencies.constants import AgencyKind
from dichvucong.agencies.tests.factories import make_agency
from dichvucong.core import clock
from dichvucong.dossiers.constants import DossierStatus, SubmissionChannel
from dichvucong.dossiers.models import Dossier
from dichvucong.procedures.constants import Channel, DurationUnit
from dichvucong.procedures.tests.factories import make_procedure
from dichvucong.reports.models import COUNTER_FIELDS, KEY_FIELDS, DailyRollup
from dichvucong.reports.rollups import local_day
from dichvucong.reports.selectors import get_form06

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def generated() -> None:
    city = make_agency(kind=AgencyKind.CITY, name="Ủy ban nhân dân Thành phố", code="000.00.00.H29")
    wards = [make_agency(parent=city, name=f"Phường {n}", code=f"000.50.{60 + n:02d}.H29") for n in range(2)]
    make_procedure(
        code="1.001193", options=((Channel.ONLINE, Decimal("3"), DurationUnit.WORKING_DAYS),), agencies=wards
    )
    make_procedure(code="2.000815", options=((Channel.DIRECT, None, DurationUnit.NONE),), agencies=wards[:1])
    call_command("generate_dossiers", "--count", "400", "--users", "20", "--years", "2", stdout=StringIO())


def _rows() -> list[tuple[object, ...]]:
    return sorted(DailyRollup.objects.values_list(*KEY_FIELDS, *COUNTER_FIELDS))


def test_rebuild_counts_the_generated_dossiers_and_is_repeatable(generated: None) -> None:
    """Given 400 generated dossiers over two years, when the rollups are rebuilt, then the whole
    history's figures equal counts over the dossier table, and a second rebuild writes the same rows."""
    assert not DailyRollup.objects.exists()  # bulk inserts bypass the listener
    out = StringIO()
    call_command("rebuild_rollups", stdout=out)
    assert "Rebuilt" in out.getvalue()
    today = local_day(clock.now())
    report = get_form06(period_from=today - timedelta(days=3 * 365), period_to=today)
    assert report.total is not None
    figures = report.total.figures
    received = Dossier.objects.exclude(received_at=None)
    assert figures["received_online"] == received.filter(channel=SubmissionChannel.ONLINE).count()
    assert figures["received_direct"] == received.exclude(channel=SubmissionChannel.ONLINE).count()
    pending = received.filter(status__in=[2, 4, 5, 6])
    assert figures["pending_total"] == pending.count()
    overdue = pending.exclude(status=DossierStatus.SUPPLEMENT_REQUESTED).filter(due_at__date__lte=today)
    assert figures["pending_overdue"] == overdue.count()
    assert figures["resolved_total"] == Dossier.objects.filter(status__in=[9, 10]).count()
    assert figures["returned"] == Dossier.objects.filter(status=10).count()
    assert figures["refused"] == Dossier.objects.filter(status=DossierStatus.REFUSED).count()
    assert figures["withdrawn"] == Dossier.objects.filter(status=DossierStatus.WITHDRAWN).count()
    assert figures["supplement_waiting"] == Dossier.objects.filter(status=5).count()
    first = _rows()
    call_command("rebuild_rollups", stdout=StringIO())
    assert _rows() == first


def test_live_events_on_generated_dossiers_agree_with_a_rebuild(generated: None) -> None:
    """Given generated dossiers rebuilt once, when an officer reschedules an open one (its due date
    moves) and resolves another, then the rollups the listener kept equal a fresh rebuild."""
    from dichvucong.accounts.constants import Role
    from dichvucong.agencies.models import Agency
    from dichvucong.agencies.tests.factories import make_officer
    from dichvucong.dossiers import processing, services
    from dichvucong.dossiers.tests.factories import pdf

    call_command("rebuild_rollups", stdout=StringIO())
    officer, _assignment = make_officer(agency=Agency.objects.get(code="000.00.00.H29"), role=Role.CITY_ADMIN)
    open_ones = Dossier.objects.filter(status=DossierStatus.RECEIVED).exclude(due_at=None).order_by("pk")
    late, done = open_ones[0], open_ones[1]
    processing.reschedule(dossier=late, officer=officer, reason="Chờ xác minh", extra_days=5)
    services.attach_result(dossier=done, officer=officer, upload=pdf("ket-qua.pdf"), title="Kết quả")
    services.resolve(dossier=done, officer=officer)
    incremental = _rows()
    call_command("rebuild_rollups", stdout=StringIO())
    assert _rows() == incremental
