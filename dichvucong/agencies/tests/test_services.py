"""Services of the agencies context: tree paths, cycles, office hours, assignments, scope checks, audit."""

from __future__ import annotations

import datetime as dt

import pytest

from dichvucong.accounts.constants import Role
from dichvucong.agencies.constants import AgencyErrorCode, AgencyKind
from dichvucong.agencies.errors import AgencyError, OutOfScopeError
from dichvucong.agencies.models import Agency, Assignment
from dichvucong.agencies.services import (
    create_agency,
    create_assignment,
    create_officer,
    end_assignment,
    set_office_hours,
    set_officer_active,
    update_agency,
    update_assignment,
)
from dichvucong.agencies.tests.factories import make_agency, make_citizen, make_officer
from dichvucong.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_create_agency_builds_path_under_parent(tree):
    """Given a parent, when an agency is created under it, then its path is the parent's plus its own pk."""
    child = make_agency(parent=tree.unit_a1, kind=AgencyKind.OFFICE)
    assert child.path == f"{tree.unit_a1.path}{child.pk:06d}."
    assert child.depth == 3
    assert tree.city.depth == 0


def test_create_agency_rejects_malformed_code(db):
    """Given a code not in the QCVN 102 format, when creating, then a translated error, nothing saved."""
    with pytest.raises(AgencyError) as exc:
        create_agency(actor=None, code="00.00.H29", name="Sai mã", kind=AgencyKind.DEPARTMENT)
    assert "000.00.00.H29" in exc.value.message
    assert not Agency.objects.exists()


def test_create_agency_writes_audit_entry(db):
    """When an agency is created, then an audit entry names it."""
    agency = make_agency(kind=AgencyKind.CITY)
    entry = AuditEntry.objects.filter(action="agencies.create_agency").latest("sequence")
    assert entry.target_id == str(agency.pk)
    assert entry.after["code"] == agency.code


def test_default_office_hours_ward_opens_saturday_department_does_not(tree):
    """Given a ward and a department, then the ward has Saturday morning hours and the department none."""
    department = make_agency(parent=tree.city, kind=AgencyKind.DEPARTMENT)
    ward_days = sorted({h.weekday for h in tree.ward_a.office_hours.all()})
    assert ward_days == [0, 1, 2, 3, 4, 5]
    assert sorted({h.weekday for h in department.office_hours.all()}) == [0, 1, 2, 3, 4]
    assert department.office_hours.count() == 10
    saturday = tree.ward_a.office_hours.get(weekday=5)
    assert (saturday.opens, saturday.closes) == (dt.time(7, 30), dt.time(11, 30))


def test_reparent_moves_whole_subtree(tree):
    """Given ward A with a child unit, when ward A moves under ward B, then both paths follow."""
    update_agency(actor=None, agency=tree.ward_a, parent=tree.ward_b)
    tree.ward_a.refresh_from_db()
    tree.unit_a1.refresh_from_db()
    assert tree.ward_a.path == f"{tree.ward_b.path}{tree.ward_a.pk:06d}."
    assert tree.unit_a1.path == f"{tree.ward_a.path}{tree.unit_a1.pk:06d}."
    assert set(Agency.objects.filter(path__startswith=tree.ward_b.path)) == {
        tree.ward_b,
        tree.ward_a,
        tree.unit_a1,
    }


def test_reparent_under_own_descendant_is_refused(tree):
    """When ward A is put under its own child, then a cycle error names both and nothing changes."""
    with pytest.raises(AgencyError) as exc:
        update_agency(actor=None, agency=tree.ward_a, parent=tree.unit_a1)
    assert exc.value.code == AgencyErrorCode.CYCLE
    assert "vòng lặp" in exc.value.message
    tree.ward_a.refresh_from_db()
    assert tree.ward_a.parent_id == tree.city.pk


def test_reparent_under_itself_is_refused(tree):
    """When an agency is made its own parent, then a cycle error is raised."""
    with pytest.raises(AgencyError):
        update_agency(actor=None, agency=tree.ward_b, parent=tree.ward_b)


def test_superseding_records_successor(tree):
    """When ward B is merged into ward A, then it keeps its row with validity end and successor."""
    update_agency(actor=None, agency=tree.ward_b, valid_until=dt.date(2025, 7, 1), superseded_by=tree.ward_a)
    tree.ward_b.refresh_from_db()
    assert tree.ward_b.superseded_by == tree.ward_a
    assert not tree.ward_b.is_valid_on(dt.date(2025, 7, 1))
    assert tree.ward_b.is_valid_on(dt.date(2025, 6, 30))


def test_ward_admin_may_rename_own_ward_but_not_change_its_code(tree):
    """Given a ward admin, renaming its ward works; changing its code is refused."""
    admin, _ = make_officer(agency=tree.ward_a, role=Role.AGENCY_ADMIN)
    update_agency(actor=admin, agency=tree.ward_a, name_en="Ben Thanh Ward People's Committee")
    with pytest.raises(OutOfScopeError):
        update_agency(actor=admin, agency=tree.ward_a, code="000.50.99.H29")
    tree.ward_a.refresh_from_db()
    assert tree.ward_a.code == "000.50.68.H29"
    assert "ben thanh ward" in tree.ward_a.search_name


def test_ward_admin_cannot_edit_another_ward(tree):
    """Given ward A's admin, when editing ward B's name or hours, then it is refused."""
    admin, _ = make_officer(agency=tree.ward_a, role=Role.AGENCY_ADMIN)
    with pytest.raises(OutOfScopeError):
        update_agency(actor=admin, agency=tree.ward_b, name="Tên mới")
    with pytest.raises(OutOfScopeError):
        set_office_hours(actor=admin, agency=tree.ward_b, windows=[])


def test_set_office_hours_replaces_windows_and_refuses_overlap(tree):
    """Given a ward admin, setting hours replaces the old ones; overlaps are refused."""
    admin, _ = make_officer(agency=tree.ward_a, role=Role.AGENCY_ADMIN)
    set_office_hours(actor=admin, agency=tree.ward_a, windows=[(0, dt.time(8), dt.time(12))])
    assert [str(h) for h in tree.ward_a.office_hours.all()] == ["Thứ Hai 08:00–12:00"]
    with pytest.raises(AgencyError):
        set_office_hours(
            actor=admin,
            agency=tree.ward_a,
            windows=[(0, dt.time(8), dt.time(12)), (0, dt.time(11), dt.time(14))],
        )
    with pytest.raises(AgencyError):
        set_office_hours(actor=admin, agency=tree.ward_a, windows=[(0, dt.time(12), dt.time(8))])
    assert tree.ward_a.office_hours.count() == 1


def test_ward_admin_creates_officer_in_own_ward_only(tree):
    """Given ward A's admin, creating an officer in ward A works; in ward B refused."""
    admin, _ = make_officer(agency=tree.ward_a, role=Role.AGENCY_ADMIN)
    user, assignment = create_officer(
        actor=admin,
        username="moi",
        full_name="Nguyễn Văn Mới",
        agency=tree.unit_a1,
        role=Role.SPECIALIST,
        fields=["ho-tich", " ho-tich", ""],
    )
    assert assignment.fields == ["ho-tich"]
    with pytest.raises(OutOfScopeError):
        create_officer(
            actor=admin, username="khac", full_name="Khác", agency=tree.ward_b, role=Role.SPECIALIST
        )
    assert not user.has_usable_password()
    from dichvucong.accounts.models import User

    assert not User.objects.filter(username="khac").exists()


def test_ward_admin_cannot_grant_city_wide_roles(tree):
    """Given a ward admin, when granting city admin or auditor even in its own ward, then it is refused."""
    admin, _ = make_officer(agency=tree.ward_a, role=Role.AGENCY_ADMIN)
    officer, _ = make_officer(agency=tree.ward_a)
    for role in (Role.CITY_ADMIN, Role.AUDITOR):
        with pytest.raises(OutOfScopeError):
            create_assignment(actor=admin, user=officer, agency=tree.ward_a, role=role)


def test_counter_officer_cannot_create_officers(tree):
    """Given a counter officer, when creating an officer at its own ward, then it is refused."""
    officer, _ = make_officer(agency=tree.ward_a)
    with pytest.raises(OutOfScopeError):
        create_officer(actor=officer, username="x1", full_name="X", agency=tree.ward_a, role=Role.SPECIALIST)


def test_assignment_needs_officer_account(tree):
    """Given a citizen, when assigning a role, then it is refused."""
    with pytest.raises(AgencyError):
        create_assignment(actor=None, user=make_citizen(), agency=tree.ward_a, role=Role.SPECIALIST)


def test_duplicate_active_assignment_refused(tree):
    """Given an active assignment, when the same role is assigned again there, then refused."""
    officer, _ = make_officer(agency=tree.ward_a, role=Role.SPECIALIST)
    with pytest.raises(AgencyError):
        create_assignment(actor=None, user=officer, agency=tree.ward_a, role=Role.SPECIALIST)


def test_end_and_update_assignment_audited(tree):
    """When an assignment's fields change and it ends, then both are audited; it stays, inactive."""
    admin, _ = make_officer(agency=tree.ward_a, role=Role.AGENCY_ADMIN)
    _, assignment = make_officer(agency=tree.ward_a, role=Role.SPECIALIST)
    update_assignment(actor=admin, assignment=assignment, fields=["dat-dai"])
    end_assignment(actor=admin, assignment=assignment)
    assignment.refresh_from_db()
    assert assignment.fields == ["dat-dai"] and not assignment.active
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"agencies.update_assignment", "agencies.end_assignment"} <= actions
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_ward_admin_cannot_lock_officer_who_also_works_elsewhere(tree):
    """Given an officer assigned in ward A and ward B, when ward A's admin locks them, then it is refused."""
    admin, _ = make_officer(agency=tree.ward_a, role=Role.AGENCY_ADMIN)
    officer, _ = make_officer(agency=tree.ward_a)
    create_assignment(actor=None, user=officer, agency=tree.ward_b, role=Role.SPECIALIST)
    with pytest.raises(OutOfScopeError):
        set_officer_active(actor=admin, officer=officer, active=False)
    local, _ = make_officer(agency=tree.unit_a1)
    set_officer_active(actor=admin, officer=local, active=False)
    local.refresh_from_db()
    assert not local.is_active
