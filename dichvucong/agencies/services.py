"""Writes of the agencies context: the agency tree, office hours, officers and their assignments.

Each service checks the actor's data scope (``permissions.py``), keeps the materialised ``path``
right, and writes the audit trail. ``actor=None`` means a trusted system process (a management
command such as ``import_agencies`` or ``load_demo``): it is never what a view passes.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from dichvucong.accounts.constants import Role, UserKind
from dichvucong.accounts.models import User
from dichvucong.accounts.services import create_officer_account, set_user_active
from dichvucong.agencies import permissions, workdays
from dichvucong.agencies.constants import PATH_SEGMENT_WIDTH, AgencyErrorCode, default_office_hours
from dichvucong.agencies.errors import AgencyError, AgencyImportError, OutOfScopeError
from dichvucong.agencies.importer import (
    DEFAULT_AGENCIES_CSV,
    DEFAULT_UNITS_CSV,
    AgencyRow,
    CsvSource,
    parse_agencies,
    read_units,
)
from dichvucong.agencies.models import Agency, Assignment, OfficeHours
from dichvucong.agencies.scopes import clear_data_scope
from dichvucong.core.audit import record_audit
from dichvucong.core.text import fold, nfc

Window = tuple[int, dt.time, dt.time]


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()
_STRUCTURE_FIELDS = ("code", "kind", "parent", "nso_unit_code", "valid_from", "valid_until", "superseded_by")


def _snapshot(agency: Agency) -> dict[str, object]:
    return {
        "code": agency.code,
        "name": agency.name,
        "name_en": agency.name_en,
        "kind": agency.kind,
        "parent": agency.parent.code if agency.parent_id else None,
        "nso_unit_code": agency.nso_unit_code,
        "valid_from": agency.valid_from.isoformat() if agency.valid_from else None,
        "valid_until": agency.valid_until.isoformat() if agency.valid_until else None,
        "superseded_by": agency.superseded_by.code if agency.superseded_by_id else None,
    }


def _segment(pk: int) -> str:
    return f"{pk:0{PATH_SEGMENT_WIDTH}d}."


def _search_name(agency: Agency) -> str:
    return fold(f"{agency.name} {agency.name_en}")


def _validate(agency: Agency) -> None:
    try:
        agency.full_clean(exclude=["path", "parent", "superseded_by"], validate_unique=True)
    except ValidationError as exc:
        messages = [
            " ".join(str(m) for m in errors)
            if field == NON_FIELD_ERRORS
            else f"{Agency._meta.get_field(field).verbose_name}: {' '.join(str(m) for m in errors)}"
            for field, errors in exc.message_dict.items()
        ]
        raise AgencyError("; ".join(messages), code=AgencyErrorCode.INVALID) from exc


def _require(allowed: bool) -> None:
    if not allowed:
        raise OutOfScopeError()


def _check_parent(agency: Agency, parent: Agency | None) -> None:
    """Refuses a parent that is the agency itself or one of its descendants (a cycle)."""
    if parent is None or agency.pk is None:
        return
    if parent.pk == agency.pk or parent.path.startswith(agency.path):
        raise AgencyError(
            _(
                "Không thể đặt “%(parent)s” làm cơ quan cấp trên của “%(agency)s”: "
                "“%(parent)s” đang trực thuộc "
                "“%(agency)s”, sẽ tạo thành vòng lặp."
            )
            % {"parent": parent.name, "agency": agency.name},
            code=AgencyErrorCode.CYCLE,
        )


@transaction.atomic
def create_agency(
    *,
    actor: User | None,
    code: str,
    name: str,
    kind: str,
    parent: Agency | None = None,
    name_en: str = "",
    nso_unit_code: str | None = None,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    office_hours: Iterable[Window] | None = None,
) -> Agency:
    """Creates an agency under ``parent`` with the default office hours of its kind (or ``office_hours``)."""
    if actor is not None:
        _require(permissions.can_edit_agency_structure(actor))
    agency = Agency(
        code=code.strip(),
        name=nfc(name.strip()),
        name_en=name_en.strip(),
        kind=kind,
        parent=parent,
        nso_unit_code=nso_unit_code or None,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    agency.search_name = _search_name(agency)
    agency.path = f"~new-{code}"  # placeholder: the real path needs the primary key
    _validate(agency)
    agency.save()
    parent_path = Agency.objects.values_list("path", flat=True).get(pk=parent.pk) if parent else ""
    agency.path = parent_path + _segment(agency.pk)
    agency.save(update_fields=["path"])
    _replace_office_hours(
        agency, default_office_hours(kind) if office_hours is None else office_hours, new=True
    )
    record_audit(actor=actor, action="agencies.create_agency", target=agency, after=_snapshot(agency))
    return agency


@transaction.atomic
def update_agency(
    *,
    actor: User | None,
    agency: Agency,
    code: str = UNSET,
    name: str = UNSET,
    name_en: str = UNSET,
    kind: str = UNSET,
    parent: Agency | None = UNSET,
    nso_unit_code: str | None = UNSET,
    valid_from: dt.date | None = UNSET,
    valid_until: dt.date | None = UNSET,
    superseded_by: Agency | None = UNSET,
) -> Agency:
    """Changes an agency. Agency admins may change the names of agencies in their scope; the code,
    kind, parent, NSO code, validity and successor are city-admin changes. Re-parenting moves the
    whole subtree and refuses cycles."""
    changes = {
        key: value
        for key, value in {
            "code": code,
            "name": name,
            "name_en": name_en,
            "kind": kind,
            "parent": parent,
            "nso_unit_code": nso_unit_code,
            "valid_from": valid_from,
            "valid_until": valid_until,
            "superseded_by": superseded_by,
        }.items()
        if value is not UNSET
    }
    if changes.get("parent") is not None:
        # Lock both rows (in pk order) so two concurrent moves cannot each miss the other's cycle,
        # and check against the parent's path as committed.
        locked = {
            a.pk: a
            for a in Agency.objects.select_for_update()
            .filter(pk__in=[agency.pk, changes["parent"].pk])
            .order_by("pk")
        }
        changes["parent"] = locked[changes["parent"].pk]
    agency = (
        Agency.objects.select_for_update(of=("self",))
        .select_related("parent", "superseded_by")
        .get(pk=agency.pk)
    )
    if actor is not None:
        _require(permissions.can_edit_agency(actor, agency))
        if any(key in changes and changes[key] != getattr(agency, key) for key in _STRUCTURE_FIELDS):
            _require(permissions.can_edit_agency_structure(actor))
    before = _snapshot(agency)
    if "parent" in changes:
        _check_parent(agency, changes["parent"])
    if changes.get("superseded_by") is not None and changes["superseded_by"].pk == agency.pk:
        raise AgencyError(
            _("Một cơ quan không thể được thay thế bởi chính nó."), code=AgencyErrorCode.INVALID
        )
    for key, value in changes.items():
        if isinstance(value, str):
            value = nfc(value.strip())
        if key == "nso_unit_code":
            value = value or None
        setattr(agency, key, value)
    agency.search_name = _search_name(agency)
    _validate(agency)
    old_path = agency.path
    new_path = (agency.parent.path if agency.parent_id else "") + _segment(agency.pk)
    agency.path = new_path
    agency.save()
    if new_path != old_path:
        Agency.objects.filter(path__startswith=old_path).exclude(pk=agency.pk).update(
            path=Concat(Value(new_path), Substr("path", len(old_path) + 1))
        )
    after = _snapshot(agency)
    if after != before:
        record_audit(actor=actor, action="agencies.update_agency", target=agency, before=before, after=after)
    return agency


def _replace_office_hours(
    agency: Agency, windows: Iterable[Window], *, new: bool = False
) -> list[OfficeHours]:
    rows = sorted({(int(day), opens, closes) for day, opens, closes in windows})
    for day, opens, closes in rows:
        if not 0 <= day <= 6:
            raise AgencyError(_("Thứ trong tuần không hợp lệ."), code=AgencyErrorCode.INVALID)
        if closes <= opens:
            raise AgencyError(
                _("Giờ đóng cửa (%(closes)s) phải sau giờ mở cửa (%(opens)s).")
                % {"opens": f"{opens:%H:%M}", "closes": f"{closes:%H:%M}"},
                code=AgencyErrorCode.INVALID,
            )
    for (day_a, _opens_a, closes_a), (day_b, opens_b, _closes_b) in itertools.pairwise(rows):
        if day_a == day_b and opens_b < closes_a:
            raise AgencyError(_("Các khung giờ làm việc trong cùng một ngày không được chồng lên nhau."))
    if not new:
        agency.office_hours.all().delete()
    return OfficeHours.objects.bulk_create(
        [OfficeHours(agency=agency, weekday=day, opens=opens, closes=closes) for day, opens, closes in rows]
    )


@transaction.atomic
def set_office_hours(*, actor: User | None, agency: Agency, windows: Iterable[Window]) -> list[OfficeHours]:
    """Replaces the agency's weekly opening windows (agency admins within scope, city admins)."""
    if actor is not None:
        _require(permissions.can_edit_agency(actor, agency))
    before = [str(h) for h in agency.office_hours.all()]
    hours = _replace_office_hours(agency, windows)
    workdays.invalidate()  # deadlines count inside these windows
    transaction.on_commit(workdays.invalidate)
    record_audit(
        actor=actor,
        action="agencies.set_office_hours",
        target=agency,
        before={"office_hours": before},
        after={"office_hours": [str(h) for h in hours]},
    )
    return hours


def _clean_fields(fields: Iterable[str]) -> list[str]:
    return sorted({f.strip() for f in fields if f and f.strip()})


@transaction.atomic
def create_assignment(
    *,
    actor: User | None,
    user: User,
    agency: Agency,
    role: str,
    fields: Sequence[str] = (),
    include_subtree: bool = False,
) -> Assignment:
    """Gives an officer a role at an agency (optionally limited to some fields)."""
    if role not in Role.values:
        raise AgencyError(_("Vai trò không hợp lệ."), code=AgencyErrorCode.INVALID)
    if actor is not None:
        _require(permissions.can_grant_role(actor, agency=agency, role=role))
    if user.kind != UserKind.OFFICER:
        raise AgencyError(_("Chỉ tài khoản cán bộ mới được phân công vai trò."), code=AgencyErrorCode.INVALID)
    if Assignment.objects.filter(user=user, agency=agency, role=role, active=True).exists():
        raise AgencyError(_("Cán bộ đã có vai trò này tại cơ quan này."), code=AgencyErrorCode.INVALID)
    assignment = Assignment.objects.create(
        user=user, agency=agency, role=role, fields=_clean_fields(fields), include_subtree=include_subtree
    )
    clear_data_scope(user)
    record_audit(
        actor=actor,
        action="agencies.create_assignment",
        target=assignment,
        after={
            "user": user.username,
            "agency": agency.code,
            "role": role,
            "fields": assignment.fields,
            "include_subtree": include_subtree,
        },
    )
    return assignment


@transaction.atomic
def update_assignment(
    *,
    actor: User | None,
    assignment: Assignment,
    fields: Sequence[str] = UNSET,
    include_subtree: bool = UNSET,
    active: bool = UNSET,
) -> Assignment:
    """Changes an assignment's fields, subtree flag or active flag (the officer, agency and role are
    fixed: end the assignment and create another to move an officer)."""
    if actor is not None:
        _require(permissions.can_manage_assignment(actor, assignment))
    before = {
        "fields": assignment.fields,
        "include_subtree": assignment.include_subtree,
        "active": assignment.active,
    }
    if fields is not UNSET:
        assignment.fields = _clean_fields(fields)
    if include_subtree is not UNSET:
        assignment.include_subtree = include_subtree
    if active is not UNSET:
        if (
            active
            and not assignment.active
            and Assignment.objects.filter(
                user=assignment.user_id, agency=assignment.agency_id, role=assignment.role, active=True
            )
            .exclude(pk=assignment.pk)
            .exists()
        ):
            raise AgencyError(_("Cán bộ đã có vai trò này tại cơ quan này."), code=AgencyErrorCode.INVALID)
        assignment.active = active
    after = {
        "fields": assignment.fields,
        "include_subtree": assignment.include_subtree,
        "active": assignment.active,
    }
    if after != before:
        assignment.save(update_fields=["fields", "include_subtree", "active", "updated_at"])
        clear_data_scope(assignment.user)
        record_audit(
            actor=actor, action="agencies.update_assignment", target=assignment, before=before, after=after
        )
    return assignment


@transaction.atomic
def end_assignment(*, actor: User | None, assignment: Assignment) -> Assignment:
    """Deactivates an assignment (kept for the record)."""
    if actor is not None:
        _require(permissions.can_manage_assignment(actor, assignment))
    assignment.active = False
    assignment.save(update_fields=["active", "updated_at"])
    clear_data_scope(assignment.user)
    record_audit(
        actor=actor,
        action="agencies.end_assignment",
        target=assignment,
        before={"active": True},
        after={"active": False},
    )
    return assignment


@transaction.atomic
def create_officer(
    *,
    actor: User | None,
    username: str,
    full_name: str,
    agency: Agency,
    role: str,
    fields: Sequence[str] = (),
    include_subtree: bool = False,
    password: str | None = None,
    email: str = "",
    phone: str = "",
) -> tuple[User, Assignment]:
    """An admin creates an officer account with its first assignment, inside the admin's scope."""
    if actor is not None:
        _require(permissions.can_grant_role(actor, agency=agency, role=role))
    user = create_officer_account(
        actor=actor, username=username, full_name=full_name, password=password, email=email, phone=phone
    )
    assignment = create_assignment(
        actor=actor, user=user, agency=agency, role=role, fields=fields, include_subtree=include_subtree
    )
    return user, assignment


@transaction.atomic
def set_officer_active(*, actor: User | None, officer: User, active: bool) -> User:
    """Locks or unlocks an officer whose assignments all lie in the actor's admin scope."""
    if actor is not None:
        _require(permissions.can_manage_officer(actor, officer))
    return set_user_active(actor=actor, user=officer, active=active)


def _bulk_create_agencies(rows: Sequence[AgencyRow], resolved: dict[str, Agency]) -> list[Agency]:
    """Creates checked import rows in a few queries: the rows, their paths, their default office hours."""
    if not rows:
        return []
    parent_ids = {resolved[r.parent_code].pk for r in rows if r.parent_code}
    parent_paths = dict(
        Agency.objects.filter(pk__in=parent_ids).values_list("pk", "path")
    )  # fresh after moves
    agencies = []
    for r in rows:
        agency = Agency(
            code=r.code,
            name=r.name,
            name_en=r.name_en,
            kind=r.kind,
            nso_unit_code=r.nso_unit_code,
            parent=resolved[r.parent_code] if r.parent_code else None,
            path=f"~new-{r.code}",
        )
        agency.search_name = _search_name(agency)
        agencies.append(agency)
    Agency.objects.bulk_create(agencies)
    for agency in agencies:
        agency.path = (parent_paths[agency.parent_id] if agency.parent_id else "") + _segment(agency.pk)
    Agency.objects.bulk_update(agencies, ["path"])
    OfficeHours.objects.bulk_create(
        [
            OfficeHours(agency=agency, weekday=day, opens=opens, closes=closes)
            for agency in agencies
            for day, opens, closes in default_office_hours(agency.kind)
        ]
    )
    return agencies


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@transaction.atomic
def import_agencies(
    *,
    actor: User | None,
    agencies_csv: CsvSource = DEFAULT_AGENCIES_CSV,
    units_csv: CsvSource = DEFAULT_UNITS_CSV,
) -> ImportResult:
    """Imports (or re-imports) the agency list, all or nothing.

    The file is checked completely first (``importer.parse_agencies``); a bad row raises
    ``AgencyImportError`` naming its row and column, and nothing is written. Rows match stored
    agencies by code, then (for ward-level units whose code an admin changed) by NSO unit code, so a
    re-import updates and never duplicates. New agencies are created in batches (parents first) with
    the default office hours of their kind; the office hours of existing agencies are left as their
    admins set them. One audit entry lists the codes created and updated.
    """
    if actor is not None:
        _require(permissions.can_edit_agency_structure(actor))
    units = read_units(units_csv)
    stored = {a.code: a for a in Agency.objects.select_related("parent")}
    by_nso = {a.nso_unit_code: a for a in stored.values() if a.nso_unit_code}
    rows = parse_agencies(
        agencies_csv,
        units=units,
        existing={code: (a.parent.code if a.parent_id else None) for code, a in stored.items()},
    )
    resolved: dict[str, Agency] = dict(stored)
    created: list[str] = []
    updated: list[str] = []
    unchanged = 0
    pending: list[AgencyRow] = []  # new rows, created together once their parents exist

    def flush() -> None:
        for agency in _bulk_create_agencies(pending, resolved):
            resolved[agency.code] = agency
            created.append(agency.code)
        pending.clear()

    for row in rows:
        if any(p.code == row.parent_code for p in pending):
            flush()
        agency = stored.get(row.code) or (by_nso.get(row.nso_unit_code) if row.nso_unit_code else None)
        if agency is None:
            pending.append(row)
            continue
        flush()
        parent = resolved[row.parent_code] if row.parent_code else None
        agency.refresh_from_db()
        wanted = {"code": row.code, "name": row.name, "kind": row.kind, "nso_unit_code": row.nso_unit_code}
        if row.name_en:
            wanted["name_en"] = row.name_en
        changes: dict[str, Any] = {k: v for k, v in wanted.items() if getattr(agency, k) != v}
        if agency.parent_id != (parent.pk if parent else None):
            changes["parent"] = parent
        if changes:
            try:
                agency = update_agency(actor=actor, agency=agency, **changes)
            except AgencyError as exc:
                raise AgencyImportError(
                    _("Dòng %(row)s, cột agency_code: %(message)s")
                    % {"row": row.row, "message": exc.message},
                    row=row.row,
                    column="agency_code",
                ) from exc
            updated.append(row.code)
        else:
            unchanged += 1
        resolved[row.code] = agency
    flush()
    result = ImportResult(created=len(created), updated=len(updated), unchanged=unchanged)
    # One entry for the whole import (each update above is audited on its own as well).
    record_audit(
        actor=actor,
        action="agencies.import_agencies",
        target_type="agencies.agency",
        after={"created": created, "updated": updated, "unchanged": unchanged},
    )
    return result
