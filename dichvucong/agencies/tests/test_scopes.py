"""Data scopes: grants per role, unions, caching, and ``restrict`` on any model."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from dichvucong.accounts.constants import Role
from dichvucong.agencies.models import Agency, Assignment
from dichvucong.agencies.scopes import DataScope, get_data_scope, restrict
from dichvucong.agencies.services import create_assignment, end_assignment
from dichvucong.agencies.tests.factories import make_citizen, make_officer

pytestmark = pytest.mark.django_db


def _ids(*agencies: Agency) -> frozenset[int]:
    return frozenset(a.pk for a in agencies)


def test_citizen_and_anonymous_have_empty_scope(tree):
    """A citizen or an anonymous visitor has no roles and restrict() gives nothing."""
    for user in (make_citizen(), AnonymousUser()):
        scope = get_data_scope(user)
        assert scope.roles == frozenset() and scope.is_empty
        assert not restrict(Agency.objects.all(), scope, agency_path="pk").exists()


@pytest.mark.parametrize("role", [Role.CITY_ADMIN, Role.AUDITOR])
def test_city_wide_roles_see_whole_city(tree, role):
    """A city admin or auditor (wherever assigned) sees every agency and every field."""
    user, _ = make_officer(agency=tree.ward_b, role=role)
    scope = get_data_scope(user)
    assert scope.agency_ids is None and scope.field_codes is None and scope.is_city_wide
    assert restrict(Agency.objects.all(), scope, agency_path="pk").count() == 4


@pytest.mark.parametrize("role", [Role.AGENCY_ADMIN, Role.AGENCY_LEADER, Role.UNIT_HEAD])
def test_subtree_roles_see_agency_subtree_all_fields(tree, role):
    """An agency admin, leader or unit head sees the agency and its subtree, all fields."""
    user, _ = make_officer(agency=tree.ward_a, role=role)
    scope = get_data_scope(user)
    assert scope.agency_ids == _ids(tree.ward_a, tree.unit_a1)
    assert scope.field_codes is None
    assert scope.allows(agency_id=tree.unit_a1.pk, field_code="anything")
    assert not scope.allows(agency_id=tree.ward_b.pk)


@pytest.mark.parametrize("role", [Role.COUNTER_OFFICER, Role.SPECIALIST])
def test_field_limited_roles_see_own_agency_and_fields(tree, role):
    """A counter officer or specialist sees its own agency only (not children) and only its fields."""
    user, _ = make_officer(agency=tree.ward_a, role=role, fields=["ho-tich"])
    scope = get_data_scope(user)
    assert scope.agency_ids == _ids(tree.ward_a)
    assert scope.field_codes == frozenset({"ho-tich"})
    assert scope.allows(agency_id=tree.ward_a.pk, field_code="ho-tich")
    assert not scope.allows(agency_id=tree.ward_a.pk, field_code="dat-dai")
    assert not scope.allows(agency_id=tree.unit_a1.pk)


def test_include_subtree_extends_field_limited_role(tree):
    """A specialist with include_subtree also sees the child units."""
    user, _ = make_officer(agency=tree.ward_a, role=Role.SPECIALIST, include_subtree=True)
    assert get_data_scope(user).agency_ids == _ids(tree.ward_a, tree.unit_a1)


def test_empty_field_list_means_all_fields(tree):
    """A specialist with no field codes sees all fields of its agency."""
    user, _ = make_officer(agency=tree.ward_a, role=Role.SPECIALIST)
    scope = get_data_scope(user)
    assert scope.field_codes is None
    assert scope.allows(agency_id=tree.ward_a.pk, field_code="dat-dai")


def test_fields_do_not_leak_between_assignments(tree):
    """Given field X at ward A and field Y at ward B, then field Y is not visible at ward A (grants are
    checked one by one, not as a product of the unions)."""
    user, _ = make_officer(agency=tree.ward_a, role=Role.SPECIALIST, fields=["x"])
    create_assignment(actor=None, user=user, agency=tree.ward_b, role=Role.SPECIALIST, fields=["y"])
    scope = get_data_scope(user)
    assert scope.field_codes == frozenset({"x", "y"})
    assert scope.allows(agency_id=tree.ward_a.pk, field_code="x")
    assert not scope.allows(agency_id=tree.ward_a.pk, field_code="y")


def test_restrict_applies_field_path(tree):
    """restrict() with a field path keeps only rows whose field is granted at their agency."""
    make_officer(agency=tree.ward_a, role=Role.SPECIALIST)
    make_officer(agency=tree.ward_a, role=Role.COUNTER_OFFICER)
    make_officer(agency=tree.ward_b, role=Role.SPECIALIST)
    # The assignment's role column stands in for a "field code" column.
    viewer, _ = make_officer(agency=tree.ward_a, role=Role.COUNTER_OFFICER, fields=[Role.SPECIALIST])
    qs = restrict(Assignment.objects.all(), get_data_scope(viewer), agency_path="agency", field_path="role")
    assert {(a.agency_id, a.role) for a in qs} == {(tree.ward_a.pk, Role.SPECIALIST)}
    assert qs.count() == 1


def test_scope_cached_on_user_and_cleared_on_change(tree):
    """The scope is computed once per user object and recomputed after the user's assignments change."""
    user, assignment = make_officer(agency=tree.ward_a, role=Role.SPECIALIST)
    first = get_data_scope(user)
    assert get_data_scope(user) is first
    end_assignment(actor=None, assignment=assignment)
    assert get_data_scope(assignment.user).is_empty


def test_inactive_user_grants_nothing(tree):
    """Given an admin whose account is locked, then the account has no scope."""
    user, _ = make_officer(agency=tree.ward_a, role=Role.AGENCY_ADMIN)
    locked = type(user).objects.get(pk=user.pk)
    locked.is_active = False
    assert get_data_scope(locked).is_empty


def test_superuser_is_city_admin(db):
    """A superuser without assignment gets the whole-city admin scope."""
    from dichvucong.accounts.models import User

    root = User.objects.create_superuser("root", password=None)
    scope = get_data_scope(root)
    assert scope.has_role(Role.CITY_ADMIN) and scope.is_city_wide


def test_datascope_has_role():
    """has_role is true when any of the given roles is held."""
    scope = DataScope(roles=frozenset({"a"}), agency_ids=None, field_codes=None)
    assert scope.has_role("b", "a") and not scope.has_role("b")
