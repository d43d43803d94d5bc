"""``manage.py generate_demo_load``: the benchmark data set, its heavy citizen and its summary line."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dichvucong.accounts.constants import AssuranceLevel, Role, UserKind
from dichvucong.accounts.models import User
from dichvucong.agencies.constants import AgencyKind
from dichvucong.agencies.models import Assignment
from dichvucong.agencies.tests.factories import make_agency
from dichvucong.dossiers.constants import SubmissionChannel
from dichvucong.dossiers.models import Dossier
from dichvucong.procedures.constants import Channel, DurationUnit
from dichvucong.procedures.tests.factories import make_procedure

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(db: None) -> None:
    city = make_agency(kind=AgencyKind.CITY, name="Ủy ban nhân dân Thành phố", code="000.00.00.H29")
    wards = [
        make_agency(parent=city, kind=AgencyKind.WARD, name=f"Phường {n}", code=f"000.50.{60 + n:02d}.H29")
        for n in range(2)
    ]
    make_procedure(
        code="1.001193", options=((Channel.ONLINE, Decimal("3"), DurationUnit.WORKING_DAYS),), agencies=wards
    )


def _run(*args: str) -> dict[str, object]:
    out = StringIO()
    call_command("generate_demo_load", *args, stdout=out)
    return json.loads(out.getvalue().strip().splitlines()[-1])


def test_generates_dossiers_and_prints_a_summary_line(catalog: None) -> None:
    """Given a catalog, when 300 dossiers are asked for, then 300 exist with their events and the last
    line is JSON with the counts, the time taken and the database size."""
    line = _run("--dossiers", "300", "--years", "2", "--citizen-dossiers", "20")

    assert Dossier.objects.count() == 300
    assert line["name"] == "generate_demo_load"
    assert line["added"] == 300 and line["dossiers"] == 300
    assert line["events"] >= 600
    assert isinstance(line["generate_s"], float) and isinstance(line["total_s"], float)
    assert {"db_bytes", "bytes_per_dossier", "table_bytes", "rollups_s"} <= set(line)


def test_a_heavy_citizen_owns_online_dossiers_and_an_auditor_sees_the_city(catalog: None) -> None:
    """Given generated dossiers, then bench-citizen (level 2, no usable password) owns the asked number of
    online dossiers, and bench-auditor is a city-wide auditor; a second run adds none to the citizen."""
    line = _run("--dossiers", "300", "--years", "2", "--citizen-dossiers", "20")
    citizen = User.objects.get(username="bench-citizen")

    assert line["citizen_dossiers"] == 20
    assert citizen.kind == UserKind.CITIZEN and citizen.assurance_level == AssuranceLevel.VERIFIED
    assert not citizen.has_usable_password()
    owned = Dossier.objects.filter(owner=citizen)
    assert owned.count() == 20
    assert set(owned.values_list("channel", flat=True)) == {SubmissionChannel.ONLINE}
    officer = User.objects.get(username="bench-auditor")
    assert Assignment.objects.filter(user=officer, role=Role.AUDITOR, active=True).count() == 1

    again = _run("--dossiers", "0", "--citizen-dossiers", "20")
    assert again["citizen_dossiers"] == 20 and again["added"] == 0
    assert Assignment.objects.filter(user=officer, role=Role.AUDITOR, active=True).count() == 1


def test_refuses_without_a_catalog(db: None) -> None:
    """Given no procedure, then a clear error names what to load first, and nothing is generated."""
    with pytest.raises(CommandError, match="make demo"):
        call_command("generate_demo_load", "--dossiers", "10", stdout=StringIO())
    assert not Dossier.objects.exists()


def test_refuses_a_negative_count(catalog: None) -> None:
    """Given --dossiers -1, then a clear error, and nothing is generated."""
    with pytest.raises(CommandError, match="--dossiers"):
        call_command("generate_demo_load", "--dossiers", "-1", stdout=StringIO())
    assert not Dossier.objects.exists()
