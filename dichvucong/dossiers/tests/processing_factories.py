"""Test state for dossiers moving through a process: the shipped templates loaded, and a ward with an
officer of every task role (counter, two specialists, unit head, leader) besides ``make_world``'s."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.management import call_command

from dichvucong.accounts.constants import Role
from dichvucong.accounts.models import User
from dichvucong.agencies.tests.factories import make_officer
from dichvucong.dossiers import processing
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.tests.factories import World, make_received, make_world
from dichvucong.workflows.models import OpenTask


@dataclass
class Office:
    world: World
    counter: User
    specialist: User
    other_specialist: User
    head: User
    leader: User
    foreign_specialist: User  # a specialist of another agency


def make_office() -> Office:
    call_command("load_process_templates", verbosity=0)
    world = make_world()
    agency = world.agency
    return Office(
        world=world,
        counter=world.officer,
        specialist=make_officer(agency=agency, role=Role.SPECIALIST)[0],
        other_specialist=make_officer(agency=agency, role=Role.SPECIALIST)[0],
        head=make_officer(agency=agency, role=Role.UNIT_HEAD)[0],
        leader=make_officer(agency=agency, role=Role.AGENCY_LEADER)[0],
        foreign_specialist=make_officer(agency=world.other_agency, role=Role.SPECIALIST)[0],
    )


def the_task(dossier: Dossier) -> OpenTask:
    tasks = processing.open_tasks(dossier)
    assert len(tasks) == 1, [t.name for t in tasks]
    return tasks[0]


def act(dossier: Dossier, officer: User, action: str, **kwargs: object) -> processing.ActResult:
    return processing.act_on_task(
        dossier=dossier, task=the_task(dossier), officer=officer, action=action, **kwargs
    )


def to_thu_ly(office: Office) -> Dossier:
    """A received dossier forwarded by the counter; the head gives "Thụ lý" to ``office.specialist``."""
    dossier = make_received(office.world)
    act(dossier, office.counter, "approve")
    processing.claim(dossier=dossier, task=the_task(dossier), officer=office.head)
    act(dossier, office.head, "approve", assignee=office.specialist)
    return dossier
