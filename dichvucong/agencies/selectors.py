"""Reads of the agencies context. Everything that depends on who asks goes through ``scopes.restrict``.

Detail selectors raise the model's ``DoesNotExist`` for objects outside the user's scope, exactly as
for objects that do not exist, so a view turns both into the same 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from dichvucong.accounts.constants import UserKind
from dichvucong.accounts.models import User
from dichvucong.agencies.constants import ADMIN_ROLES, CITY_WIDE_ROLES
from dichvucong.agencies.models import Agency, Assignment, OfficeHours
from dichvucong.agencies.permissions import is_city_admin
from dichvucong.agencies.scopes import get_data_scope, restrict
from dichvucong.core import clock
from dichvucong.core.text import fold

__all__ = [
    "get_agency",
    "get_agency_by_code",
    "get_assignment",
    "get_user_in_scope",
    "is_city_admin",
    "list_active_agencies",
    "list_agencies",
    "list_agencies_administered",
    "list_assignments",
    "list_office_hours",
    "list_users_in_scope",
]


def _search(queryset: QuerySet[Agency], query: str) -> QuerySet[Agency]:
    query = query.strip()
    if not query:
        return queryset
    return queryset.filter(Q(search_name__contains=fold(query)) | Q(code__icontains=query))


def list_agencies(user: Any, *, query: str = "") -> QuerySet[Agency]:
    """Agencies in the user's scope, tree order (by path).

    ``query`` matches the name (accents optional) or the code.
    """
    return _search(
        restrict(Agency.objects.all(), get_data_scope(user), agency_path="pk"), query
    ).select_related("parent")


def list_agencies_administered(user: Any) -> QuerySet[Agency]:
    """Agencies where the user may create officers and change settings (admin grants only)."""
    return restrict(Agency.objects.all(), get_data_scope(user), agency_path="pk", roles=ADMIN_ROLES)


def get_agency(user: Any, pk: int) -> Agency:
    """One agency in scope, with its parent; ``Agency.DoesNotExist`` when absent or out of scope."""
    return list_agencies(user).select_related("superseded_by").get(pk=pk)


def list_active_agencies(*, on: dt.date | None = None) -> QuerySet[Agency]:
    """Public reference list (portal filters, API): agencies valid on ``on`` (today if omitted)."""
    day = on or timezone.localtime(clock.now()).date()
    return Agency.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=day),
        Q(valid_until__isnull=True) | Q(valid_until__gt=day),
    )


def get_agency_by_code(code: str) -> Agency:
    """Public look-up by QCVN 102 code (e.g. for dossier codes); ``Agency.DoesNotExist`` if unknown."""
    return Agency.objects.get(code=code)


def list_office_hours(agency: Agency) -> QuerySet[OfficeHours]:
    return OfficeHours.objects.filter(agency=agency).order_by("weekday", "opens")


def list_assignments(
    user: Any, *, agency: Agency | None = None, active_only: bool = True
) -> QuerySet[Assignment]:
    """Assignments placed at agencies in the user's scope."""
    qs = restrict(Assignment.objects.all(), get_data_scope(user), agency_path="agency")
    if agency is not None:
        qs = qs.filter(agency=agency)
    if active_only:
        qs = qs.filter(active=True)
    return qs.select_related("user", "agency")


def get_assignment(user: Any, pk: int) -> Assignment:
    return list_assignments(user, active_only=False).get(pk=pk)


def list_users_in_scope(user: Any, *, query: str = "") -> QuerySet[User]:
    """Officers with an active assignment in the user's scope; city admins and auditors also see
    every account (citizens, businesses, officers without assignment). Each user appears once."""
    scope = get_data_scope(user)
    if scope.is_empty:
        return User.objects.none()
    if scope.has_role(*CITY_WIDE_ROLES):
        qs = User.objects.all()
    else:
        in_scope = restrict(Assignment.objects.filter(active=True), scope, agency_path="agency").values(
            "user_id"
        )
        qs = User.objects.filter(kind=UserKind.OFFICER, pk__in=in_scope)
    query = query.strip()
    if query:
        qs = qs.filter(
            Q(username__icontains=query) | Q(full_name__icontains=query) | Q(email__icontains=query)
        )
    active = Assignment.objects.filter(active=True).select_related("agency").order_by("agency__path", "role")
    return qs.prefetch_related(
        Prefetch("assignments", queryset=active, to_attr="active_assignments")
    ).order_by("username")


def get_user_in_scope(user: Any, pk: int) -> User:
    """One account visible to ``user``; ``User.DoesNotExist`` when absent or out of scope."""
    return list_users_in_scope(user).get(pk=pk)


def roles_of(user: Any) -> frozenset[str]:
    """The roles the user holds (for menus); city admin for superusers."""
    return get_data_scope(user).roles
