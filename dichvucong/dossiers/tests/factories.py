"""Test state for dossiers, built through the services (reusable by the other dossier tests)."""

from __future__ import annotations

import io
import itertools
import zipfile
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile

from dichvucong.accounts.constants import AssuranceLevel
from dichvucong.accounts.models import User
from dichvucong.accounts.services import set_assurance_level
from dichvucong.agencies.models import Agency
from dichvucong.agencies.tests.factories import make_agency, make_citizen, make_officer
from dichvucong.dossiers import services
from dichvucong.dossiers.models import Dossier
from dichvucong.procedures.constants import Channel, DurationUnit
from dichvucong.procedures.models import Procedure
from dichvucong.procedures.tests.factories import make_procedure

VN = ZoneInfo("Asia/Ho_Chi_Minh")
# A Wednesday morning, well inside office hours and far from holidays.
WEDNESDAY_9AM = datetime(2026, 3, 11, 9, 0, tzinfo=VN)
PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\x00" * 20
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
_counter = itertools.count(1)


def pdf(name: str = "to-khai.pdf", data: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def office_zip(kind: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if kind == "odt":
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
            archive.writestr("content.xml", "<x/>")
        else:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", "<x/>")
    return buffer.getvalue()


@dataclass
class World:
    agency: Agency
    other_agency: Agency
    procedure: Procedure
    citizen: User
    stranger: User
    officer: User
    other_officer: User

    @property
    def version(self) -> Any:
        return self.procedure.current_version

    @property
    def required_ids(self) -> list[int]:
        return list(
            self.version.documents.filter(is_required=True).order_by("position").values_list("pk", flat=True)
        )


def make_world(*, min_assurance_level: int = AssuranceLevel.BASIC) -> World:
    n = next(_counter)
    agency = make_agency(name=f"Ủy ban nhân dân Phường {n}", code=f"000.{n % 100:02d}.{n % 100:02d}.H29")
    other = make_agency(name=f"Ủy ban nhân dân Phường khác {n}", code=f"001.{n % 100:02d}.{n % 100:02d}.H29")
    procedure = make_procedure(
        name="Đăng ký khai sinh",
        min_assurance_level=min_assurance_level,
        options=(
            (Channel.ONLINE, Decimal("3"), DurationUnit.WORKING_DAYS),
            (Channel.DIRECT, Decimal("3"), DurationUnit.WORKING_DAYS),
        ),
        documents=(
            {"name": "Tờ khai đăng ký khai sinh", "originals": 1},
            {"name": "Giấy chứng sinh", "originals": 1},
            {"name": "Giấy tờ khác (nếu có)", "is_required": False},
        ),
        agencies=[agency, other],
    )
    citizen = make_citizen()
    citizen.full_name = "Nguyễn Văn An"
    citizen.email = f"citizen{n}@example.vn"
    citizen.save(update_fields=["full_name", "email"])
    set_assurance_level(actor=None, user=citizen, level=AssuranceLevel.BASIC, source="test")
    stranger = make_citizen()
    officer, _a = make_officer(agency=agency)
    other_officer, _b = make_officer(agency=other)
    return World(agency, other, procedure, citizen, stranger, officer, other_officer)


def make_submitted(world: World, **draft: Any) -> Dossier:
    dossier = services.save_draft(
        user=world.citizen,
        procedure_version=world.version,
        agency=world.agency,
        form_data=draft.pop("form_data", {"ho_ten_tre": "Nguyễn Văn Bình"}),
    )
    for required_id in world.required_ids:
        services.attach_document(
            dossier=dossier, upload=pdf(), actor=world.citizen, required_document=required_id
        )
    return services.submit_online(dossier=dossier, actor=world.citizen)


def make_received(world: World) -> Dossier:
    return services.receive(dossier=make_submitted(world), officer=world.officer)
