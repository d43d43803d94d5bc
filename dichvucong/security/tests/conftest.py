"""People for the security tests, built through the services (no sites fixtures below the shells)."""

from __future__ import annotations

import itertools

import pytest

PASSWORD = "mat-khau-thu-nghiem-2026"  # test accounts only
_counter = itertools.count(1)


@pytest.fixture
def citizen(db: None):
    from dichvucong.accounts.services import register_citizen

    return register_citizen(
        username=f"congdan{next(_counter)}",
        full_name="Nguyễn Văn An",
        password=PASSWORD,
        email="an@example.vn",
    )


@pytest.fixture
def ward(db: None):
    from dichvucong.agencies.constants import AgencyKind
    from dichvucong.agencies.services import create_agency

    city = create_agency(
        actor=None, code="000.00.00.H29", name="Ủy ban nhân dân Thành phố", kind=AgencyKind.CITY
    )
    ward = create_agency(
        actor=None, code="000.50.68.H29", name="UBND Phường Bến Thành", kind=AgencyKind.WARD, parent=city
    )
    other = create_agency(
        actor=None, code="000.50.69.H29", name="UBND Phường Sài Gòn", kind=AgencyKind.WARD, parent=city
    )
    return ward, other


@pytest.fixture
def make_officer(ward):
    from dichvucong.accounts.constants import Role
    from dichvucong.agencies.services import create_officer

    def make(*, role: str = Role.COUNTER_OFFICER, agency=None):
        user, _assignment = create_officer(
            actor=None,
            username=f"canbo{next(_counter)}",
            full_name="Trần Thị Bình",
            agency=agency or ward[0],
            role=role,
            password=PASSWORD,
            email="binh@example.vn",
        )
        return user

    return make


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    """Argon2 is slow by design; nothing here depends on the hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
