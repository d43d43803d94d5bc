"""Test state for the statistics: a small city and dossier histories made through the real services."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from dichvucong.accounts.constants import AssuranceLevel, Role
from dichvucong.accounts.models import User
from dichvucong.accounts.services import set_assurance_level
from dichvucong.agencies.constants import AgencyKind
from dichvucong.agencies.models import Agency
from dichvucong.agencies.tests.factories import make_agency, make_citizen, make_officer
from dichvucong.core import clock
from dichvucong.dossiers import services
from dichvucong.dossiers.constants import ReturnMethod, SubmissionChannel
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.tests.factories import VN, pdf
from dichvucong.procedures.constants import Channel, DurationUnit
from dichvucong.procedures.models import Field, Procedure
from dichvucong.procedures.tests.factories import make_field, make_procedure

# A Monday morning far from holidays.
MONDAY_8AM = datetime(2026, 3, 2, 8, 0, tzinfo=VN)
_counter = itertools.count(1)


@dataclass
class StatsWorld:
    city: Agency
    ward: Agency
    other_ward: Agency
    field: Field
    other_field: Field
    procedure: Procedure
    other_procedure: Procedure
    citizen: User
    officer: User

    def version(self, procedure: Procedure) -> Any:
        return procedure.current_version


def make_stats_world() -> StatsWorld:
    n = next(_counter)
    city = make_agency(kind=AgencyKind.CITY, name=f"Ủy ban nhân dân Thành phố {n}")
    ward = make_agency(parent=city, name=f"Ủy ban nhân dân Phường Bến Thành {n}")
    other_ward = make_agency(parent=city, name=f"Ủy ban nhân dân Phường Sài Gòn {n}")
    field = make_field("ho-tich")
    other_field = make_field("chung-thuc")
    options = (
        (Channel.ONLINE, Decimal("3"), DurationUnit.WORKING_DAYS),
        (Channel.DIRECT, Decimal("3"), DurationUnit.WORKING_DAYS),
        (Channel.POSTAL, Decimal("3"), DurationUnit.WORKING_DAYS),
    )
    documents = ({"name": "Tờ khai", "originals": 1},)
    procedure = make_procedure(
        name="Đăng ký khai sinh",
        field=field,
        options=options,
        documents=documents,
        agencies=[ward, other_ward],
        min_assurance_level=AssuranceLevel.BASIC,
    )
    other_procedure = make_procedure(
        name="Chứng thực bản sao từ bản chính",
        field=other_field,
        options=options,
        documents=documents,
        agencies=[ward, other_ward],
        min_assurance_level=AssuranceLevel.BASIC,
    )
    citizen = make_citizen()
    set_assurance_level(actor=None, user=citizen, level=AssuranceLevel.BASIC, source="test")
    officer, _assignment = make_officer(agency=city, role=Role.CITY_ADMIN)
    return StatsWorld(
        city, ward, other_ward, field, other_field, procedure, other_procedure, citizen, officer
    )


def submit_online(world: StatsWorld, *, agency: Agency, procedure: Procedure) -> Dossier:
    version = procedure.current_version
    dossier = services.save_draft(user=world.citizen, procedure_version=version, agency=agency, form_data={})
    for required in version.documents.filter(is_required=True):
        services.attach_document(
            dossier=dossier, upload=pdf(), actor=world.citizen, required_document=required.pk
        )
    return services.submit_online(dossier=dossier, actor=world.citizen)


def record_counter(
    world: StatsWorld, *, agency: Agency, procedure: Procedure, channel: int = SubmissionChannel.DIRECT
) -> Dossier:
    return services.record_counter_dossier(
        officer=world.officer,
        procedure_version=procedure.current_version,
        agency=agency,
        applicant=services.ApplicantData(name="Trần Thị Bình"),
        form_data={},
        uploads={},
        channel=channel,
    )


def resolve(world: StatsWorld, dossier: Dossier) -> Dossier:
    services.attach_result(
        dossier=dossier, officer=world.officer, upload=pdf("ket-qua.pdf"), title="Giấy khai sinh"
    )
    return services.resolve(dossier=dossier, officer=world.officer)


def return_result(world: StatsWorld, dossier: Dossier) -> Dossier:
    return services.return_result(dossier=dossier, officer=world.officer, method=ReturnMethod.COUNTER)


def request_supplement(world: StatsWorld, dossier: Dossier) -> Any:
    return services.request_supplement(
        dossier=dossier, officer=world.officer, items=[{"title": "Bản sao giấy tờ tùy thân", "reason": "Mờ"}]
    )


def supplement(world: StatsWorld, dossier: Dossier) -> Dossier:
    return services.supplement(dossier=dossier, actor=world.citizen, uploads=[pdf("bo-sung.pdf")])


def at(moment: datetime) -> Any:
    """``clock.backdated`` for a local (Vietnam) moment."""
    return clock.backdated(moment)


def working_day_after(day: date, days: int) -> date:
    for _ in range(days):
        day += timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
    return day
