"""A small city for the workflows tests: a department with officers of every task role, a ward, the
shipped templates published, and helpers to start and advance the common one-stop flow."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from dichvucong.accounts.constants import Role
from dichvucong.accounts.models import User
from dichvucong.agencies.constants import AgencyKind
from dichvucong.agencies.models import Agency
from dichvucong.agencies.tests.factories import make_agency, make_officer
from dichvucong.workflows.models import OpenTask, ProcessDefinition, ProcessVersion
from dichvucong.workflows.selectors import get_published_version
from dichvucong.workflows.services import start_workflow
from dichvucong.workflows.shipped import load_shipped_templates

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
# Monday 2 March 2026, 08:00 in Ho Chi Minh City: a plain working morning.
MONDAY_8 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=HCM)
SUBJECT = "tests.subject"


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=HCM)


@dataclass
class City:
    city: Agency
    department: Agency
    field_owner: Agency
    counter: User
    specialist: User
    unit_head: User
    leader: User
    owner_specialist: User
    owner_leader: User
    city_admin: User
    other_specialist: User

    @property
    def agencies(self) -> dict[str, int]:
        return {"receiving": self.department.pk, "field_owner": self.field_owner.pk, "parent": self.city.pk}


@pytest.fixture
def city(db: None) -> City:
    city = make_agency(kind=AgencyKind.CITY, name="Ủy ban nhân dân Thành phố", code="000.00.00.H29")
    department = make_agency(parent=city, kind=AgencyKind.DEPARTMENT, name="Sở Tư pháp", code="000.00.15.H29")
    field_owner = make_agency(
        parent=city, kind=AgencyKind.DEPARTMENT, name="Sở Xây dựng", code="000.00.16.H29"
    )
    return City(
        city=city,
        department=department,
        field_owner=field_owner,
        counter=make_officer(agency=department, role=Role.COUNTER_OFFICER)[0],
        specialist=make_officer(agency=department, role=Role.SPECIALIST)[0],
        unit_head=make_officer(agency=department, role=Role.UNIT_HEAD)[0],
        leader=make_officer(agency=department, role=Role.AGENCY_LEADER)[0],
        owner_specialist=make_officer(agency=field_owner, role=Role.SPECIALIST)[0],
        owner_leader=make_officer(agency=field_owner, role=Role.AGENCY_LEADER)[0],
        city_admin=make_officer(agency=city, role=Role.CITY_ADMIN)[0],
        other_specialist=make_officer(agency=department, role=Role.SPECIALIST)[0],
    )


@pytest.fixture
def templates(db: None) -> dict[str, ProcessVersion]:
    load_shipped_templates(actor=None)
    versions: dict[str, ProcessVersion] = {}
    for definition in ProcessDefinition.objects.all():
        version = get_published_version(definition=definition)
        assert version is not None
        versions[definition.key] = version
    return versions


@pytest.fixture
def common(templates: dict[str, ProcessVersion]) -> ProcessVersion:
    return templates["mot-cua-chung"]


_subject_ids = iter(range(1, 1_000_000))


def start(version: ProcessVersion, city: City, *, now: dt.datetime = MONDAY_8) -> list[OpenTask]:
    """Start ``version`` for a fresh subject."""
    return start_workflow(
        version=version,
        subject_type=SUBJECT,
        subject_id=next(_subject_ids),
        agencies=city.agencies,
        now=now,
    )


def only(tasks: list[OpenTask]) -> OpenTask:
    assert len(tasks) == 1, tasks
    return tasks[0]
