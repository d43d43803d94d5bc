"""A small agency tree for the agencies tests: city → ward A → unit A1, and city → ward B."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from dichvucong.agencies.constants import AgencyKind
from dichvucong.agencies.models import Agency
from dichvucong.agencies.tests.factories import make_agency


@dataclass
class Tree:
    city: Agency
    ward_a: Agency
    unit_a1: Agency
    ward_b: Agency


@pytest.fixture
def tree(db: None) -> Tree:
    city = make_agency(kind=AgencyKind.CITY, name="Ủy ban nhân dân Thành phố", code="000.00.00.H29")
    ward_a = make_agency(
        parent=city, kind=AgencyKind.WARD, name="Ủy ban nhân dân Phường Bến Thành", code="000.50.68.H29"
    )
    unit_a1 = make_agency(
        parent=ward_a, kind=AgencyKind.OFFICE, name="Bộ phận Một cửa Phường Bến Thành", code="000.50.68.A01"
    )
    ward_b = make_agency(
        parent=city, kind=AgencyKind.WARD, name="Ủy ban nhân dân Phường Sài Gòn", code="000.50.69.H29"
    )
    return Tree(city=city, ward_a=ward_a, unit_a1=unit_a1, ward_b=ward_b)
