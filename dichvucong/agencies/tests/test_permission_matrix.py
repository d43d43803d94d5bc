"""Permission matrix (O17, X8, E6): role × scope position × object × action; no list or detail leaks.

The subject holds one role; local roles are placed at ward A, city-wide roles at the city. Around it:
ward A ("own"), its child unit A1 ("child"), ward B ("sibling") and the city itself ("city"). At each
position there is an agency, an officer assigned there, and that assignment. Actions: ``list`` (the
object is in the list selector), ``view`` (the detail selector returns it; otherwise DoesNotExist,
i.e. a 404), ``edit`` (the permission used by every service and view).
"""

from __future__ import annotations

import pytest

from dichvucong.accounts.constants import Role
from dichvucong.agencies import permissions, selectors
from dichvucong.agencies.models import Agency, Assignment
from dichvucong.agencies.tests.factories import make_citizen, make_officer

pytestmark = pytest.mark.django_db

POSITIONS = ("own", "child", "sibling", "city")
OBJECTS = ("agency", "officer", "assignment")
ACTIONS = ("list", "view", "edit")

ALL = frozenset(POSITIONS)
SUBTREE = frozenset({"own", "child"})
OWN = frozenset({"own"})
NONE: frozenset[str] = frozenset()

# role → (positions it may list/view, positions it may edit)
EXPECTED: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    Role.CITY_ADMIN: (ALL, ALL),
    Role.AUDITOR: (ALL, NONE),
    Role.AGENCY_ADMIN: (SUBTREE, SUBTREE),
    Role.AGENCY_LEADER: (SUBTREE, NONE),
    Role.UNIT_HEAD: (SUBTREE, NONE),
    Role.COUNTER_OFFICER: (OWN, NONE),
    Role.SPECIALIST: (OWN, NONE),
}


def _agency_at(tree, position: str) -> Agency:
    return {"own": tree.ward_a, "child": tree.unit_a1, "sibling": tree.ward_b, "city": tree.city}[position]


def _subject(tree, role: str):
    at = tree.city if role in (Role.CITY_ADMIN, Role.AUDITOR) else tree.ward_a
    user, _ = make_officer(
        agency=at, role=role, fields=["ho-tich"] if role in (Role.COUNTER_OFFICER, Role.SPECIALIST) else ()
    )
    return user


def _can(subject, obj_kind: str, action: str, agency: Agency, officer, assignment: Assignment) -> bool:
    if obj_kind == "agency":
        if action == "list":
            return selectors.list_agencies(subject).filter(pk=agency.pk).exists()
        if action == "view":
            try:
                return selectors.get_agency(subject, agency.pk) == agency
            except Agency.DoesNotExist:
                return False
        return permissions.can_edit_agency(subject, agency)
    if obj_kind == "officer":
        if action == "list":
            return selectors.list_users_in_scope(subject).filter(pk=officer.pk).exists()
        if action == "view":
            try:
                return selectors.get_user_in_scope(subject, officer.pk) == officer
            except type(officer).DoesNotExist:
                return False
        return permissions.can_manage_officer(subject, officer)
    if action == "list":
        return selectors.list_assignments(subject).filter(pk=assignment.pk).exists()
    if action == "view":
        try:
            return selectors.get_assignment(subject, assignment.pk) == assignment
        except Assignment.DoesNotExist:
            return False
    return permissions.can_manage_assignment(subject, assignment)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("obj_kind", OBJECTS)
@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("role", list(EXPECTED))
def test_permission_matrix(tree, role, position, obj_kind, action):
    """Given a subject with ``role`` and an object at ``position``, then ``action`` is allowed exactly
    when the matrix says so (reads: the scope; edits: admin roles within the scope)."""
    subject = _subject(tree, role)
    agency = _agency_at(tree, position)
    officer, assignment = make_officer(agency=agency, role=Role.SPECIALIST)
    readable, editable = EXPECTED[role]
    expected = position in (editable if action == "edit" else readable)
    assert _can(subject, obj_kind, action, agency, officer, assignment) is expected


@pytest.mark.parametrize("role", list(EXPECTED))
def test_citizens_visible_only_to_city_admins_and_auditors(tree, role):
    """Given a citizen, then only city admins and auditors list or view it, and only a city admin edits it."""
    subject = _subject(tree, role)
    citizen = make_citizen()
    city_wide = role in (Role.CITY_ADMIN, Role.AUDITOR)
    assert selectors.list_users_in_scope(subject).filter(pk=citizen.pk).exists() is city_wide
    assert permissions.can_manage_officer(subject, citizen) is (role == Role.CITY_ADMIN)


def test_ward_admin_lists_only_its_own_ward_users_and_settings(tree):
    """Given two wards each with an admin and staff, then each admin's user list and editable agencies
    stay inside its own ward."""
    admin_a, _ = make_officer(agency=tree.ward_a, role=Role.AGENCY_ADMIN)
    admin_b, _ = make_officer(agency=tree.ward_b, role=Role.AGENCY_ADMIN)
    staff_a, _ = make_officer(agency=tree.ward_a)
    staff_b, _ = make_officer(agency=tree.ward_b)
    assert set(selectors.list_users_in_scope(admin_a)) == {admin_a, staff_a}
    assert set(selectors.list_users_in_scope(admin_b)) == {admin_b, staff_b}
    assert set(selectors.list_agencies_administered(admin_a)) == {tree.ward_a, tree.unit_a1}
    assert set(selectors.list_agencies_administered(admin_b)) == {tree.ward_b}
    assert not permissions.can_manage_officer(admin_a, staff_b)
    assert not permissions.can_edit_agency(admin_a, tree.ward_b)


def test_list_users_in_scope_has_no_duplicates_and_bounded_queries(tree, django_assert_max_num_queries):
    """Given officers with several assignments, then each appears once, in a bounded number of queries."""
    admin, _ = make_officer(agency=tree.city, role=Role.CITY_ADMIN)
    for _ in range(5):
        officer, _ = make_officer(agency=tree.ward_a)
        from dichvucong.agencies.services import create_assignment

        create_assignment(actor=None, user=officer, agency=tree.unit_a1, role=Role.SPECIALIST)
    with django_assert_max_num_queries(4):
        users = list(selectors.list_users_in_scope(admin))
        _ = [a.agency.code for u in users for a in u.active_assignments]
    assert len(users) == len({u.pk for u in users})
