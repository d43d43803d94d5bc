"""Test state built through the services (never raw saves)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from dichvucong.accounts.constants import Role
from dichvucong.accounts.models import User
from dichvucong.accounts.services import register_citizen
from dichvucong.agencies.constants import AgencyKind
from dichvucong.agencies.models import Agency, Assignment
from dichvucong.agencies.services import create_agency, create_officer

PASSWORD = "mat-khau-thu-nghiem-2026"
_counter = itertools.count(1)


def make_agency(
    *,
    parent: Agency | None = None,
    kind: str = AgencyKind.WARD,
    name: str | None = None,
    code: str | None = None,
    nso_unit_code: str | None = None,
) -> Agency:
    n = next(_counter)
    return create_agency(
        actor=None,
        code=code or f"{n // 100 % 1000:03d}.{n % 100:02d}.{n % 100:02d}.T{n % 100:02d}",
        name=name or f"Cơ quan thử nghiệm {n}",
        kind=kind,
        parent=parent,
        nso_unit_code=nso_unit_code,
    )


def make_officer(
    *,
    agency: Agency,
    role: str = Role.COUNTER_OFFICER,
    fields: Sequence[str] = (),
    include_subtree: bool = False,
    username: str | None = None,
) -> tuple[User, Assignment]:
    n = next(_counter)
    return create_officer(
        actor=None,
        username=username or f"officer{n}",
        full_name=f"Cán bộ {n}",
        agency=agency,
        role=role,
        fields=fields,
        include_subtree=include_subtree,
        password=None,
    )


def make_citizen(username: str | None = None) -> User:
    n = next(_counter)
    return register_citizen(username=username or f"citizen{n}", full_name=f"Công dân {n}", password=PASSWORD)
