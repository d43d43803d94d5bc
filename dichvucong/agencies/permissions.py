"""Who may change what in the agencies context. Every rule is a question to the data scope (``scopes.py``).

* City admins change everything, anywhere (including QCVN codes, the tree and validity dates).
* An agency admin changes the name and office hours of agencies in its subtree, and manages the
  officers and assignments there; it cannot grant the city-wide roles (city admin, auditor).
* Leaders, unit heads, counter officers, specialists and auditors only read.
"""

from __future__ import annotations

from typing import Any

from dichvucong.accounts.constants import Role, UserKind
from dichvucong.agencies.constants import ADMIN_ROLES, CITY_ONLY_GRANTABLE_ROLES
from dichvucong.agencies.models import Agency, Assignment
from dichvucong.agencies.scopes import get_data_scope


def is_city_admin(user: Any) -> bool:
    """An active superuser, or an active user with an active city-admin assignment."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and get_data_scope(user).has_role(Role.CITY_ADMIN)
    )


def can_use_backoffice(user: Any) -> bool:
    """Has at least one active role (officers, leaders, admins, auditors)."""
    return not get_data_scope(user).is_empty


def can_administer(user: Any) -> bool:
    """Holds an admin role somewhere (city admin or agency admin)."""
    return get_data_scope(user).has_role(*ADMIN_ROLES)


def can_edit_agency(user: Any, agency: Agency) -> bool:
    """May change the agency's name and office hours."""
    return get_data_scope(user).allows(agency_id=agency.pk, roles=ADMIN_ROLES)


def can_edit_agency_structure(user: Any) -> bool:
    """May create agencies, change codes, parents, kinds and validity (city admins only)."""
    return is_city_admin(user)


def can_grant_role(user: Any, *, agency: Agency, role: str) -> bool:
    """May create an assignment of ``role`` at ``agency``."""
    if role in CITY_ONLY_GRANTABLE_ROLES:
        return is_city_admin(user)
    return get_data_scope(user).allows(agency_id=agency.pk, roles=ADMIN_ROLES)


def can_manage_assignment(user: Any, assignment: Assignment) -> bool:
    """May change or end this assignment."""
    return can_grant_role(user, agency=assignment.agency, role=assignment.role)


def can_manage_officer(user: Any, officer: Any) -> bool:
    """May change an officer's account (lock, unlock, add assignments): every active assignment of
    the officer must lie inside the actor's admin scope, so one ward cannot lock out another's staff."""
    if officer.kind != UserKind.OFFICER:
        return is_city_admin(user)
    if is_city_admin(user):
        return True
    if officer.is_superuser or officer.pk == getattr(user, "pk", None):
        return False
    assignments = list(Assignment.objects.filter(user=officer, active=True).select_related("agency"))
    return bool(assignments) and all(can_manage_assignment(user, a) for a in assignments)
