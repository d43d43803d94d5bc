"""Who may do what with processes and tasks, decided from the actor's data scope (``agencies.scopes``).

- Draw, publish and clone processes: a city admin; an agency admin for processes their agency owns
  (city templates, with no owner, are city admins' only). ``actor=None`` is the system (seeders).
- Act on (claim, complete) an open task: an officer holding the task's candidate role with a grant
  covering the task's agency — and, once the task is assigned, only its assignee.
- Assign, reassign, release someone else's task: unit heads and above (``ASSIGNING_ROLES``) covering
  the task's agency.
"""

from __future__ import annotations

from typing import Any

from dichvucong.accounts.constants import Role
from dichvucong.agencies.models import Agency
from dichvucong.agencies.scopes import get_data_scope
from dichvucong.workflows.constants import ASSIGNING_ROLES
from dichvucong.workflows.models import OpenTask


def can_manage_process(user: Any, owner_agency: Agency | None) -> bool:
    """Whether ``user`` may draw, publish or clone a process owned by ``owner_agency`` (None: city)."""
    scope = get_data_scope(user)
    if scope.has_role(Role.CITY_ADMIN):
        return True
    if owner_agency is None:
        return False
    return scope.allows(agency_id=owner_agency.pk, roles=[Role.AGENCY_ADMIN])


def is_candidate(user: Any, task: OpenTask) -> bool:
    """Whether ``user`` holds the task's candidate role at (a scope covering) the task's agency."""
    return get_data_scope(user).allows(agency_id=task.candidate_agency_id, roles=[task.candidate_role])


def can_act_on(user: Any, task: OpenTask) -> bool:
    """Whether ``user`` may claim or complete ``task`` now."""
    if task.assignee_id is not None and task.assignee_id != getattr(user, "pk", None):
        return False
    return is_candidate(user, task)


def can_assign(user: Any, task: OpenTask) -> bool:
    """Whether ``user`` may hand ``task`` to an officer (or take it back from one)."""
    return get_data_scope(user).allows(agency_id=task.candidate_agency_id, roles=ASSIGNING_ROLES)
