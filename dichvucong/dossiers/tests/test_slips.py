"""The signed slips (Mẫu 01/02/03): what a reader sees in the PDF, the codes on it, and its signature.

The dossier rows are written directly: the slips only read a dossier, and this keeps these tests
independent of how the lifecycle services build one.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from dichvucong.accounts.models import User
from dichvucong.agencies.constants import AgencyKind
from dichvucong.agencies.tests.factories import make_agency, make_officer
from dichvucong.core.signing import local_test_ca, verify_pdf
from dichvucong.dossiers import slips
from dichvucong.dossiers.constants import (
    DocumentKind,
    DossierStatus,
    EventAction,
    ReturnMethod,
    SubmissionChannel,
)
from dichvucong.dossiers.models import Dossier, DossierDocument, DossierEvent, SupplementRequest
from dichvucong.procedures.constants import Channel, DurationUnit
from dichvucong.procedures.tests.factories import make_procedure

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed"
    ),
]

CODE = "000.50.68.H29-261127-0007"
RECEIVED_AT = datetime(2026, 11, 27, 2, 30, tzinfo=UTC)  # 09:30 in Hồ Chí Minh City
DUE_AT = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # 16:00 on 02/12/2026


def pdf_text(pdf: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"],  # noqa: S607
        input=pdf,
        capture_output=True,
        check=True,
    )
    return " ".join(result.stdout.decode("utf-8").split())


@dataclass
class Scene:
    dossier: Dossier
    officer: User


@pytest.fixture
def scene(db: None) -> Scene:
    city = make_agency(
        kind=AgencyKind.CITY, name="Ủy ban nhân dân Thành phố Hồ Chí Minh", code="000.00.00.H29"
    )
    ward = make_agency(
        parent=city, kind=AgencyKind.WARD, name="Ủy ban nhân dân Phường Bến Thành", code="000.50.68.H29"
    )
    officer, _assignment = make_officer(agency=ward, username="can-bo-mot-cua")
    officer.full_name = "Phạm Thị Thu Hà"
    officer.save(update_fields=["full_name"])
    procedure = make_procedure(
        code="1.001193",
        name="Thủ tục đăng ký khai sinh",
        options=((Channel.DIRECT, Decimal("3"), DurationUnit.WORKING_DAYS),),
        fees=(("Lệ phí đăng ký khai sinh", Decimal("8000")),),
        documents=(
            {"name": "Tờ khai đăng ký khai sinh theo mẫu", "originals": 1, "copies": 0},
            {"name": "Giấy chứng sinh", "originals": 1, "copies": 2},
            {"name": "Văn bản ủy quyền (nếu có)", "originals": 1, "copies": 0, "is_required": False},
        ),
        agencies=(ward,),
    )
    version = procedure.current_version
    dossier = Dossier.objects.create(
        code=CODE,
        procedure=procedure,
        procedure_version=version,
        agency=ward,
        channel=SubmissionChannel.DIRECT,
        status=DossierStatus.RECEIVED,
        applicant_name="Nguyễn Văn An",
        applicant_phone="0909123456",
        applicant_email="an@example.vn",
        applicant_address="12 Lê Lợi, Phường Bến Thành",
        recorded_by=officer,
        return_method=ReturnMethod.COUNTER,
        received_at=RECEIVED_AT,
        due_at=DUE_AT,
    )
    tokhai, chungsinh, _uyquyen = version.documents.all()
    for item in (tokhai, chungsinh):
        DossierDocument.objects.create(
            dossier=dossier,
            kind=DocumentKind.APPLICATION,
            required_document=item,
            title=item.name,
            file="dossiers/2026/11/scan.pdf",
            original_name="scan.pdf",
            content_type="application/pdf",
            size=1000,
            sha256="0" * 64,
            uploaded_by=officer,
        )
    DossierEvent.objects.create(
        dossier=dossier,
        at=RECEIVED_AT,
        action=EventAction.RECEIVED,
        actor=officer,
        agency=ward,
        from_status=None,
        to_status=DossierStatus.RECEIVED,
    )
    return Scene(dossier=dossier, officer=officer)


def test_receipt_shows_the_dossier_in_vietnamese(scene: Scene) -> None:
    """Given a received dossier, when its receipt (Mẫu 01) is printed, then the PDF text carries the
    national header, the agency, code, applicant, procedure, each handed-in item with its counts, the
    legal time, received and due times, fee, return method and the receiving officer."""
    text = pdf_text(slips.receipt_pdf(scene.dossier))

    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "ỦY BAN NHÂN DÂN PHƯỜNG BẾN THÀNH" in text
    assert "Ủy ban nhân dân Phường Bến Thành" in text  # no tofu: Vietnamese round-trips
    assert f"Mã hồ sơ: {CODE}" in text
    assert "Nguyễn Văn An" in text and "0909123456" in text
    assert "Thủ tục đăng ký khai sinh" in text
    assert "1 Tờ khai đăng ký khai sinh theo mẫu 1 0" in text
    assert "2 Giấy chứng sinh 1 2" in text
    assert "Văn bản ủy quyền" not in text  # optional and not handed in
    assert "3 ngày làm việc" in text
    assert "09 giờ 30 phút, ngày 27/11/2026" in text
    assert "16 giờ 00 phút, ngày 02/12/2026" in text
    assert "8.000 đồng" in text
    assert "Trả trực tiếp tại Bộ phận Một cửa" in text
    assert "Phạm Thị Thu Hà" in text
    assert f"/tra-cuu/?ma={CODE}" in text


def test_receipt_without_a_fixed_return_date_says_so(scene: Scene) -> None:
    """Given a dossier whose procedure has no fixed time (due_at empty), when the receipt is printed,
    then it reads "không quy định thời hạn" for the return time."""
    scene.dossier.due_at = None
    scene.dossier.save(update_fields=["due_at"])

    text = pdf_text(slips.receipt_pdf(scene.dossier))

    assert "Thời gian trả kết quả giải quyết hồ sơ: không quy định thời hạn" in text


def test_receipt_codes_hold_the_dossier_code_and_the_tracking_link(scene: Scene, settings) -> None:
    """Given a dossier code, when the slip's codes are made, then the Code 128 barcode encodes exactly
    the code and the QR link (printed too) is the public look-up of that code on SITE_URL."""
    settings.SITE_URL = "https://dichvucong.hochiminhcity.example"

    assert slips.dossier_barcode(CODE).get_fullcode() == CODE
    assert slips.tracking_url(CODE) == f"https://dichvucong.hochiminhcity.example/tra-cuu/?ma={CODE}"
    text = pdf_text(slips.receipt_pdf(scene.dossier))
    assert f"https://dichvucong.hochiminhcity.example/tra-cuu/?ma={CODE}" in text


def test_receipt_is_signed_over_the_whole_file(scene: Scene) -> None:
    """Given a receipt, when its signature is checked against the local test CA, then it is intact,
    valid, trusted and covers the entire file."""
    [report] = verify_pdf(slips.receipt_pdf(scene.dossier), trust_roots=[local_test_ca()])

    assert report.intact and report.valid and report.trusted
    assert report.coverage == "ENTIRE_FILE"


def test_receipt_is_refused_for_a_dossier_not_yet_received(scene: Scene) -> None:
    """Given an online dossier still waiting for reception (no code), when a receipt is asked, then it
    is refused rather than printed with blanks."""
    scene.dossier.code = None
    scene.dossier.status = DossierStatus.NEW
    scene.dossier.save(update_fields=["code", "status"])

    with pytest.raises(ValueError, match="received"):
        slips.receipt_pdf(scene.dossier)


def test_supplement_request_lists_exactly_what_to_add(scene: Scene) -> None:
    """Given a supplement request with two items, when Mẫu 02 is printed, then it lists each item and
    reason, the deadline, the guidance note and the guide-once statement, and it is signed."""
    request = SupplementRequest.objects.create(
        dossier=scene.dossier,
        items=[
            {"title": "Giấy chứng sinh bản chính", "reason": "Bản đã nộp là bản photo không chứng thực"},
            {"title": "Tờ khai có chữ ký người đi khai", "reason": "Tờ khai chưa ký"},
        ],
        note="Nộp bổ sung trực tuyến hoặc tại Bộ phận Một cửa",
        deadline=datetime(2026, 12, 1, 10, 0, tzinfo=UTC),
        requested_by=scene.officer,
        requested_at=datetime(2026, 11, 27, 3, 0, tzinfo=UTC),
    )

    pdf = slips.supplement_request_pdf(request)
    text = pdf_text(pdf)

    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "1 Giấy chứng sinh bản chính Bản đã nộp là bản photo không chứng thực" in text
    assert "2 Tờ khai có chữ ký người đi khai Tờ khai chưa ký" in text
    assert "Hạn bổ sung: 17 giờ 00 phút, ngày 01/12/2026" in text
    assert "Nộp bổ sung trực tuyến hoặc tại Bộ phận Một cửa" in text
    assert "hướng dẫn một lần, đầy đủ" in text
    assert CODE in text and "Nguyễn Văn An" in text
    [report] = verify_pdf(pdf, trust_roots=[local_test_ca()])
    assert report.bottom_line


def test_refusal_states_the_reason(scene: Scene) -> None:
    """Given a refused dossier, when Mẫu 03 is printed, then it carries the officer's reason and is signed."""
    scene.dossier.status = DossierStatus.REFUSED
    scene.dossier.save(update_fields=["status"])
    DossierEvent.objects.create(
        dossier=scene.dossier,
        at=RECEIVED_AT + timedelta(hours=1),
        action=EventAction.REFUSED,
        actor=scene.officer,
        from_status=DossierStatus.NEW,
        to_status=DossierStatus.REFUSED,
        note="Thủ tục không thuộc thẩm quyền giải quyết của Ủy ban nhân dân phường",
    )

    pdf = slips.refusal_pdf(scene.dossier)
    text = pdf_text(pdf)

    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "Thủ tục không thuộc thẩm quyền giải quyết của Ủy ban nhân dân phường" in text
    assert "Phạm Thị Thu Hà" in text
    [report] = verify_pdf(pdf, trust_roots=[local_test_ca()])
    assert report.bottom_line


def test_refusal_notice_needs_a_refusal(scene: Scene) -> None:
    """Given a dossier that was never refused, when Mẫu 03 is asked, then it is refused."""
    with pytest.raises(ValueError, match="refused"):
        slips.refusal_pdf(scene.dossier)


def test_receipt_carries_the_signed_rating_link_of_the_evaluation_app(scene: Scene, settings) -> None:
    """Given the evaluation app installed, when the receipt is printed, then it carries a QR code of a
    signed rating link for this dossier on SITE_URL (the phone channel of the satisfaction survey)."""
    settings.SITE_URL = "https://dichvucong.hochiminhcity.example"

    codes = slips._evaluation_qr(scene.dossier)

    assert codes["evaluation_url"].startswith("https://dichvucong.hochiminhcity.example/danh-gia/")
    assert codes["evaluation_qr_uri"].startswith("data:image/svg+xml")
    assert slips.receipt_pdf(scene.dossier).startswith(b"%PDF")
