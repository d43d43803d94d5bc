"""Back-office catalog editing: scope per procedure, draft → edit → publish, history with changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from dichvucong.accounts.constants import Role
from dichvucong.agencies.constants import AgencyKind
from dichvucong.agencies.tests.factories import make_agency, make_officer
from dichvucong.procedures.constants import VersionStatus
from dichvucong.procedures.importer import import_catalog, read_lines
from dichvucong.procedures.models import Procedure
from dichvucong.security.testing import login_verified

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[3] / "procedures" / "tests" / "fixtures" / "catalog-sample.jsonl"


@pytest.fixture
def city(db):
    root = make_agency(kind=AgencyKind.CITY, name="Ủy ban nhân dân Thành phố", code="000.00.00.H29")
    ward = make_agency(parent=root, name="Ủy ban nhân dân Phường Bến Thành", code="000.50.68.H29")
    import_catalog(read_lines(SAMPLE), actor=None, names_en={})
    return {"root": root, "ward": ward}


def _client(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def _edit_data(**overrides) -> dict[str, str]:
    data = {
        "name": "Đăng ký khai sinh",
        "name_en": "Birth registration",
        "field": "",
        "online_level": "full",
        "min_assurance_level": "2",
        "level_ward": "on",
        "for_citizens": "on",
        "conditions": "",
        "steps": "Bước 1: Nộp hồ sơ\nBước 2: Nhận kết quả",
        "legal_basis": "04/2020/TT-BTP | Thông tư hướng dẫn Luật Hộ tịch",
        "fee_exemptions": "",
        "options-TOTAL_FORMS": "1", "options-INITIAL_FORMS": "0",
        "options-0-channel": "online", "options-0-duration": "1", "options-0-duration_unit": "working_days",
        "fees-TOTAL_FORMS": "1", "fees-INITIAL_FORMS": "0",
        "fees-0-name": "Lệ phí", "fees-0-amount": "0", "fees-0-currency": "VND",
        "documents-TOTAL_FORMS": "1", "documents-INITIAL_FORMS": "0",
        "documents-0-name": "Tờ khai đăng ký khai sinh",
        "documents-0-originals": "1", "documents-0-copies": "0",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_ward_admin_sees_only_procedures_carried_out_in_its_ward(city):
    """Given a ward admin, when listing the catalog, then ward procedures appear and central ones do not."""
    admin, _ = make_officer(agency=city["ward"], role=Role.AGENCY_ADMIN)
    client = _client(admin)
    html = client.get(reverse("backoffice:catalog")).content.decode()
    assert "1.001193" in html and "1.000178" not in html
    assert client.get(reverse("backoffice:catalog_detail", args=["1.000178"])).status_code == 404


def test_counter_officer_cannot_open_the_catalog(city):
    """Given a counter officer, when opening the catalog editor, then access is refused."""
    officer, _ = make_officer(agency=city["ward"], role=Role.COUNTER_OFFICER)
    assert _client(officer).get(reverse("backoffice:catalog")).status_code == 403


def test_city_admin_drafts_edits_and_publishes_with_a_template_file(city):
    """Given a city admin, when drafting, editing (with a template upload) and publishing, then the new
    version is current, the history lists both versions and the change view shows the new name."""
    admin, _ = make_officer(agency=city["root"], role=Role.CITY_ADMIN)
    client = _client(admin)
    procedure = Procedure.objects.get(code="1.001193")
    response = client.post(reverse("backoffice:catalog_start_draft", args=["1.001193"]))
    assert response.status_code == 302
    data = _edit_data(field=str(procedure.current_version.field_id))
    data["documents-0-template_file"] = SimpleUploadedFile("to-khai.pdf", b"%PDF-1.4 test", "application/pdf")
    response = client.post(reverse("backoffice:catalog_edit", args=["1.001193"]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(
        reverse("backoffice:catalog_publish", args=["1.001193"]), {"change_note": "Rút gọn tên"}
    )
    assert response.status_code == 302
    procedure.refresh_from_db()
    current = procedure.current_version
    assert (current.number, current.name, current.status) == (2, "Đăng ký khai sinh", VersionStatus.PUBLISHED)
    assert current.documents.get().template_file.name.endswith(".pdf")
    assert current.legal_basis == [{"number": "04/2020/TT-BTP", "title": "Thông tư hướng dẫn Luật Hộ tịch"}]
    history = client.get(reverse("backoffice:catalog_detail", args=["1.001193"])).content.decode()
    assert "Rút gọn tên" in history and "Đã thay thế" in history
    changes = client.get(reverse("backoffice:catalog_version", args=["1.001193", 2])).content.decode()
    assert "Thủ tục đăng ký khai sinh" in changes and "Đăng ký khai sinh" in changes


def test_bad_input_is_reported_and_nothing_changes(city):
    """Given a draft, when saving without levels, with a bad legal-basis line and an .exe template, then
    errors are shown next to the fields and the draft keeps its content."""
    admin, _ = make_officer(agency=city["root"], role=Role.CITY_ADMIN)
    client = _client(admin)
    client.post(reverse("backoffice:catalog_start_draft", args=["1.001193"]))
    data = _edit_data(field=str(Procedure.objects.get(code="1.001193").current_version.field_id))
    del data["level_ward"]
    data["legal_basis"] = "chỉ có tên"
    data["documents-0-template_file"] = SimpleUploadedFile("virus.exe", b"MZ", "application/octet-stream")
    response = client.post(reverse("backoffice:catalog_edit", args=["1.001193"]), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Hãy chọn ít nhất một cấp thực hiện." in html and "số hiệu | tên văn bản" in html
    assert "Chỉ nhận tệp PDF, Word, Excel hoặc ODT." in html and 'aria-invalid="true"' in html
    draft = Procedure.objects.get(code="1.001193").versions.get(status=VersionStatus.DRAFT)
    assert draft.name == "Thủ tục đăng ký khai sinh"


def test_publish_requires_a_change_note(city):
    """Given a draft, when publishing without a change note, then it stays a draft with an error."""
    admin, _ = make_officer(agency=city["root"], role=Role.CITY_ADMIN)
    client = _client(admin)
    client.post(reverse("backoffice:catalog_start_draft", args=["1.001193"]))
    response = client.post(reverse("backoffice:catalog_publish", args=["1.001193"]), {"change_note": ""})
    assert response.status_code == 400
    assert Procedure.objects.get(code="1.001193").current_version.number == 1
