"""Fixtures shared by the three shells' tests: people and agencies built through the services."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import pytest

from dichvucong.accounts.constants import Role

PASSWORD = "mat-khau-thu-nghiem-2026"  # noqa: S105 - test accounts only
_counter = itertools.count(1)


@pytest.fixture
def ward(db: None):
    """UBND Phường Bến Thành under the city, with one subordinate office."""
    from dichvucong.agencies.constants import AgencyKind
    from dichvucong.agencies.services import create_agency

    city = create_agency(
        actor=None, code="000.00.00.H29", name="Ủy ban nhân dân Thành phố", kind=AgencyKind.CITY
    )
    ward = create_agency(
        actor=None,
        code="000.50.68.H29",
        name="UBND Phường Bến Thành",
        name_en="Ben Thanh Ward People's Committee",
        kind=AgencyKind.WARD,
        parent=city,
    )
    create_agency(
        actor=None,
        code="000.50.68.A01",
        name="Bộ phận Một cửa Phường Bến Thành",
        kind=AgencyKind.OFFICE,
        parent=ward,
    )
    return ward


@pytest.fixture
def make_officer(ward) -> Callable[..., object]:
    """An officer account with one role at ``ward`` (or another agency), password ``PASSWORD``."""
    from dichvucong.agencies.services import create_officer

    def make(
        *,
        role: str = Role.COUNTER_OFFICER,
        agency=None,
        fields: Sequence[str] = (),
        full_name: str = "Trần Thị Bình",
        username: str | None = None,
    ):
        user, _assignment = create_officer(
            actor=None,
            username=username or f"canbo{next(_counter)}",
            full_name=full_name,
            agency=agency or ward,
            role=role,
            fields=fields,
            password=PASSWORD,
        )
        return user

    return make


@pytest.fixture
def citizen(db: None):
    from dichvucong.accounts.services import register_citizen

    return register_citizen(username=f"congdan{next(_counter)}", full_name="Nguyễn Văn An", password=PASSWORD)
