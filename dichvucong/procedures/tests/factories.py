"""Catalog test data: a field, a procedure with one published version and what hangs off it.

Built directly on the models (the catalog services own versioning; tests of pages, search, FAQ and
the assistant only need a published version with its search columns filled the way services fill
them). Reusable by any app's tests::

    procedure = make_procedure(code="1.001193", name="Đăng ký khai sinh", field=make_field("ho-tich"))
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from dichvucong.agencies.models import Agency
from dichvucong.core.text import fold
from dichvucong.procedures.constants import (
    CatalogScope,
    Channel,
    DurationUnit,
    OnlineLevel,
    VersionStatus,
)
from dichvucong.procedures.indexing import search_columns
from dichvucong.procedures.models import (
    Fee,
    Field,
    LifeEvent,
    ProcedureAgency,
    ProcedureVersion,
    ProcessingOption,
    RequiredDocument,
)
from dichvucong.procedures.models import Procedure as ProcedureModel

_counter = itertools.count(1)

FIELD_NAMES = {
    "ho-tich": ("Hộ tịch", "Civil status"),
    "dat-dai": ("Đất đai", "Land"),
    "thanh-lap-va-hoat-dong-doanh-nghiep": ("Thành lập và hoạt động doanh nghiệp", "Business registration"),
    "chung-thuc": ("Chứng thực", "Certification"),
}


def make_field(code: str = "ho-tich", name: str | None = None, name_en: str | None = None) -> Field:
    """The field with ``code``, created on first use."""
    known_name, known_en = FIELD_NAMES.get(code, (f"Lĩnh vực {code}", ""))
    field, _created = Field.objects.get_or_create(
        code=code,
        defaults={
            "name": name or known_name,
            "name_en": known_en if name_en is None else name_en,
            "search_name": fold(name or known_name),
        },
    )
    return field


def make_procedure(
    *,
    code: str | None = None,
    name: str = "Đăng ký khai sinh",
    name_en: str = "",
    field: Field | None = None,
    scope: str = CatalogScope.LOCAL,
    national_url: str = "",
    level_ward: bool = True,
    level_city: bool = False,
    for_citizens: bool = True,
    for_businesses: bool = False,
    online_level: str = OnlineLevel.FULL,
    min_assurance_level: int | None = None,
    receiving_address: str = "Bộ phận Một cửa Ủy ban nhân dân cấp xã",
    options: Sequence[tuple[str, Any, str]] = ((Channel.DIRECT, Decimal("3"), DurationUnit.WORKING_DAYS),),
    fees: Sequence[tuple[str, Any]] = (("Lệ phí", Decimal("0")),),
    fee_exemptions: str = "",
    documents: Sequence[dict[str, Any]] = (
        {"name": "Tờ khai đăng ký khai sinh", "originals": 1, "template_name": "Tờ khai"},
    ),
    steps: Sequence[dict[str, str]] = ({"title": "Bước 1", "text": "Nộp hồ sơ tại Bộ phận Một cửa."},),
    conditions: str = "",
    legal_basis: Sequence[dict[str, str]] = ({"number": "04/2020/TT-BTP", "title": "Thông tư 04/2020"},),
    results: Sequence[dict[str, str]] = ({"code": "KQ.G01.000001", "name": "Giấy khai sinh"},),
    agencies: Iterable[Agency] = (),
    popularity: float = 0.0,
    view_count: int = 0,
) -> ProcedureModel:
    """A procedure with one published version (``procedure.current_version``), search columns filled."""
    n = next(_counter)
    procedure = ProcedureModel.objects.create(
        code=code or f"9.{n:06d}",
        scope=scope,
        national_url=national_url,
        popularity=popularity,
        view_count=view_count,
    )
    extra = {} if min_assurance_level is None else {"min_assurance_level": min_assurance_level}
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=1,
        status=VersionStatus.PUBLISHED,
        name=name,
        name_en=name_en,
        field=field or make_field(),
        level_ward=level_ward,
        level_city=level_city,
        level_central=scope == CatalogScope.CENTRAL,
        for_citizens=for_citizens,
        for_businesses=for_businesses,
        online_level=online_level,
        receiving_address=receiving_address,
        steps=list(steps),
        conditions=conditions,
        legal_basis=list(legal_basis),
        results=list(results),
        fee_exemptions=fee_exemptions,
        **extra,
    )
    for position, (channel, duration, unit) in enumerate(options):
        ProcessingOption.objects.create(
            version=version, position=position, channel=channel, duration=duration, duration_unit=unit
        )
    for position, (fee_name, amount) in enumerate(fees):
        Fee.objects.create(version=version, position=position, name=fee_name, amount=amount)
    for position, document in enumerate(documents):
        RequiredDocument.objects.create(version=version, position=position, **document)
    for agency in agencies:
        ProcedureAgency.objects.create(
            procedure=procedure, agency=agency, local_code=f"{procedure.code}.{agency.code}"
        )
    version.search_name, version.search_text = search_columns(version)
    version.save(update_fields=["search_name", "search_text"])
    procedure.current_version = version
    procedure.save(update_fields=["current_version"])
    return procedure


def make_life_event(
    *, slug: str = "sinh-con", name: str = "Sinh con", procedures: Iterable[ProcedureModel] = (), **extra: Any
) -> LifeEvent:
    event = LifeEvent.objects.create(slug=slug, name=name, **extra)
    event.procedures.set(list(procedures))
    return event
