"""Data scopes (vùng dữ liệu, requirement O17): what part of the city an officer may see, in ONE place.

A user's active assignments become *grants*, one per assignment:

* ``city_admin`` and ``auditor``: the whole city, all fields (wherever the assignment is placed);
* ``agency_admin``, ``agency_leader``, ``unit_head``: the agency and its whole subtree, all fields;
* ``counter_officer``, ``specialist``: the agency (its subtree only when ``include_subtree``) and only
  the assignment's fields (an empty list means all fields).

``DataScope.agency_ids`` and ``field_codes`` are the union over the grants (``None`` = unlimited);
``allows`` and ``restrict`` check the grants one by one, so a field granted at one agency never leaks
to another agency the user sees for a different reason. Superusers get a whole-city admin scope.
Anybody else without an active assignment (citizens, anonymous) gets the empty scope.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q, QuerySet

from dichvucong.accounts.constants import Role
from dichvucong.agencies.constants import CITY_WIDE_ROLES, FIELD_LIMITED_ROLES
from dichvucong.agencies.models import Agency, Assignment

_CACHE_ATTR = "_dichvucong_data_scope"


@dataclass(frozen=True)
class Grant:
    """What one assignment lets its holder see: ``None`` means unlimited on that axis."""

    role: str
    agency_ids: frozenset[int] | None
    field_codes: frozenset[str] | None

    def allows(self, *, agency_id: int | None, field_code: str | None = None) -> bool:
        if self.agency_ids is not None and agency_id not in self.agency_ids:
            return False
        return field_code is None or self.field_codes is None or field_code in self.field_codes


@dataclass(frozen=True)
class DataScope:
    roles: frozenset[str]
    agency_ids: frozenset[int] | None
    field_codes: frozenset[str] | None
    grants: tuple[Grant, ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        return not self.grants

    @property
    def is_city_wide(self) -> bool:
        return any(g.agency_ids is None and g.field_codes is None for g in self.grants)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def allows(
        self, *, agency_id: int | None, field_code: str | None = None, roles: Iterable[str] | None = None
    ) -> bool:
        """True when some grant (of one of ``roles``, if given) covers the agency and the field.

        ``field_code=None`` asks about the agency only (for objects that have no field).
        """
        wanted = None if roles is None else frozenset(roles)
        return any(
            (wanted is None or g.role in wanted) and g.allows(agency_id=agency_id, field_code=field_code)
            for g in self.grants
        )

    def agency_ids_for(self, *roles: str) -> frozenset[int] | None:
        """Agencies covered by grants of ``roles`` (``None`` = the whole city, empty = none)."""
        ids: set[int] = set()
        for grant in self.grants:
            if grant.role in roles:
                if grant.agency_ids is None:
                    return None
                ids |= grant.agency_ids
        return frozenset(ids)


EMPTY_SCOPE = DataScope(roles=frozenset(), agency_ids=frozenset(), field_codes=frozenset())


def _subtree_ids(agency: Agency) -> frozenset[int]:
    return frozenset(Agency.objects.filter(path__startswith=agency.path).values_list("pk", flat=True))


def _grant_for(assignment: Assignment) -> Grant:
    role = assignment.role
    if role in CITY_WIDE_ROLES:
        return Grant(role=role, agency_ids=None, field_codes=None)
    if role in FIELD_LIMITED_ROLES:
        ids = (
            _subtree_ids(assignment.agency)
            if assignment.include_subtree
            else frozenset({assignment.agency_id})
        )
        codes = frozenset(assignment.fields) if assignment.fields else None
        return Grant(role=role, agency_ids=ids, field_codes=codes)
    return Grant(role=role, agency_ids=_subtree_ids(assignment.agency), field_codes=None)


def compute_data_scope(user: Any) -> DataScope:
    """The scope from the database, uncached. Prefer ``get_data_scope``."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return EMPTY_SCOPE
    grants = [
        _grant_for(a) for a in Assignment.objects.filter(user=user, active=True).select_related("agency")
    ]
    if user.is_superuser:
        grants.append(Grant(role=Role.CITY_ADMIN, agency_ids=None, field_codes=None))
    if not grants:
        return EMPTY_SCOPE
    agency_ids: frozenset[int] | None = None
    if all(g.agency_ids is not None for g in grants):
        agency_ids = frozenset().union(*(g.agency_ids for g in grants if g.agency_ids is not None))
    field_codes: frozenset[str] | None = None
    if all(g.field_codes is not None for g in grants):
        field_codes = frozenset().union(*(g.field_codes for g in grants if g.field_codes is not None))
    return DataScope(
        roles=frozenset(g.role for g in grants),
        agency_ids=agency_ids,
        field_codes=field_codes,
        grants=tuple(grants),
    )


def get_data_scope(user: Any) -> DataScope:
    """The user's data scope, cached on the user object (so once per request for ``request.user``)."""
    if user is None:
        return EMPTY_SCOPE
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = compute_data_scope(user)
        with contextlib.suppress(AttributeError):  # an object that refuses attributes: no cache
            setattr(user, _CACHE_ATTR, cached)
    return cached


def clear_data_scope(user: Any) -> None:
    """Forget the cached scope (after the user's assignments changed)."""
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _grant_q(grant: Grant, *, agency_path: str, field_path: str | None) -> Q:
    q = Q() if grant.agency_ids is None else Q(**{f"{agency_path}__in": sorted(grant.agency_ids)})
    if field_path is not None and grant.field_codes is not None:
        q &= Q(**{f"{field_path}__in": sorted(grant.field_codes)})
    return q


def restrict(
    queryset: QuerySet,
    scope: DataScope,
    *,
    agency_path: str,
    field_path: str | None = None,
    roles: Iterable[str] | None = None,
) -> QuerySet:
    """Filter any queryset to ``scope``: ``agency_path`` leads to the object's agency (``"pk"`` for
    agencies themselves, ``"agency"``, ``"dossier__agency"``…), ``field_path`` to its field code.

    Without ``field_path`` the field limits are not applied (the object has no field). ``roles``
    narrows to the grants of those roles (e.g. the admin roles for an edit list). A scope with no
    (matching) grant gives an empty queryset.
    """
    wanted = None if roles is None else frozenset(roles)
    grants = [g for g in scope.grants if wanted is None or g.role in wanted]
    if not grants:
        return queryset.none()
    qs = [_grant_q(g, agency_path=agency_path, field_path=field_path) for g in grants]
    if any(not q for q in qs):  # an unlimited grant
        return queryset
    return queryset.filter(reduce(or_, qs))
