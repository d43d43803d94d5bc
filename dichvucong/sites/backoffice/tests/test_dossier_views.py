"""The one-stop counter: reception queue and decisions, counter intake, results, search, scope."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from dichvucong.accounts.constants import AssuranceLevel, Role
from dichvucong.accounts.services import set_assurance_level
from dichvucong.agencies.constants import AgencyKind
from dichvucong.agencies.tests.factories import make_agency, make_citizen, make_officer
from dichvucong.dossiers import services
from dichvucong.dossiers.constants import (
    DocumentKind,
    DossierStatus,
    EventAction,
    ReturnMethod,
    SubmissionChannel,
)
from dichvucong.dossiers.models import Dossier
from dichvucong.procedures.constants import Channel, DurationUnit
from dichvucong.procedures.tests.factories import make_procedure
from dichvucong.security.testing import login_verified

pytestmark = pytest.mark.django_db

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def pdf(name: str = "to-khai.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def world(db):
    city = make_agency(kind=AgencyKind.CITY, name="Ủy ban nhân dân Thành phố", code="000.00.00.H29")
    ward = make_agency(parent=city, name="UBND Phường Bến Thành", code="000.50.68.H29")
    other = make_agency(parent=city, name="UBND Phường Sài Gòn", code="000.51.68.H29")
    procedure = make_procedure(
        code="1.001193",
        name="Đăng ký khai sinh",
        min_assurance_level=AssuranceLevel.BASIC,
        options=(
            (Channel.ONLINE, Decimal("3"), DurationUnit.WORKING_DAYS),
            (Channel.DIRECT, Decimal("3"), DurationUnit.WORKING_DAYS),
        ),
        documents=(
            {"name": "Tờ khai đăng ký khai sinh", "originals": 1},
            {"name": "Giấy chứng sinh", "originals": 1},
        ),
        agencies=[ward, other],
    )
    officer, _ = make_officer(agency=ward, role=Role.COUNTER_OFFICER)
    stranger, _ = make_officer(agency=other, role=Role.COUNTER_OFFICER)
    return {
        "city": city,
        "ward": ward,
        "other": other,
        "procedure": procedure,
        "officer": officer,
        "stranger": stranger,
    }


def online_dossier(world, *, agency=None, name: str = "Nguyễn Văn An", key: str = "k1") -> Dossier:
    citizen = make_citizen()
    citizen.full_name = name
    citizen.save(update_fields=["full_name"])
    set_assurance_level(actor=None, user=citizen, level=AssuranceLevel.VERIFIED, source="test")
    documents = list(world["procedure"].current_version.documents.order_by("position"))
    dossier, _created = services.create_online_dossier(
        user=citizen,
        procedure_code=world["procedure"].code,
        agency_code=(agency or world["ward"]).code,
        form_data={"ho_ten_tre": "Nguyễn Văn Bé"},
        uploads={documents[0].pk: pdf(), documents[1].pk: pdf("giay-chung-sinh.pdf")},
        idempotency_key=key,
    )
    return dossier


def client_for(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


# --- scope ---------------------------------------------------------------------------------------


def test_another_wards_dossier_is_not_found(world):
    """Given an online dossier at Bến Thành, when a Sài Gòn counter officer opens it, its documents or
    tries to accept it, then every answer is 404 and the dossier is still waiting."""
    dossier = online_dossier(world)
    document = dossier.documents.first()
    client = client_for(world["stranger"])
    assert client.get(reverse("backoffice:dossier_detail", args=[dossier.pk])).status_code == 404
    assert (
        client.get(reverse("backoffice:dossier_document", args=[dossier.pk, document.pk])).status_code == 404
    )
    assert client.post(reverse("backoffice:dossier_accept", args=[dossier.pk])).status_code == 404
    assert client.get(reverse("backoffice:reception")).content.decode().count("Nguyễn Văn An") == 0
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.NEW


def test_specialist_sees_the_dossier_but_cannot_decide(world):
    """Given a specialist of the same ward, when they open a waiting dossier and post an acceptance,
    then the page shows no decision buttons and the acceptance is forbidden; nothing changes."""
    specialist, _ = make_officer(agency=world["ward"], role=Role.SPECIALIST)
    dossier = online_dossier(world)
    client = client_for(specialist)
    html = client.get(reverse("backoffice:dossier_detail", args=[dossier.pk])).content.decode()
    assert "Nguyễn Văn An" in html and "Quyết định tiếp nhận" not in html
    assert client.post(reverse("backoffice:dossier_accept", args=[dossier.pk])).status_code == 403
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.NEW


def test_decision_without_csrf_token_is_rejected(world):
    """Given a waiting dossier, when an acceptance is posted without the CSRF token, then it is
    rejected and the dossier still waits."""
    dossier = online_dossier(world)
    client = Client(enforce_csrf_checks=True)
    login_verified(client, world["officer"])
    assert client.post(reverse("backoffice:dossier_accept", args=[dossier.pk])).status_code == 403
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.NEW


def test_queue_in_english(world):
    """Given the English interface, when the counter officer opens the queue, then it speaks English."""
    online_dossier(world)
    client = client_for(world["officer"])
    client.cookies["dvc_language"] = "en"
    html = client.get(reverse("backoffice:reception")).content.decode()
    assert "1 application waiting" in html and "Receive an application at the counter" in html
    assert "hồ sơ đang chờ" not in html


def test_citizen_cannot_enter_the_counter_pages(world):
    """Given a citizen session, when opening the reception queue, then they never see it."""
    response = client_for(make_citizen()).get(reverse("backoffice:reception"))
    assert response.status_code in (302, 403)


# --- reception -----------------------------------------------------------------------------------


def test_queue_lists_waiting_online_dossiers_oldest_first(world):
    """Given two online dossiers submitted one after the other, when the counter officer opens the
    queue, then both are listed, the older one first."""
    online_dossier(world, name="Lê Thị Cúc", key="a")
    online_dossier(world, name="Phạm Văn Dũng", key="b")
    html = client_for(world["officer"]).get(reverse("backoffice:reception")).content.decode()
    assert html.index("Lê Thị Cúc") < html.index("Phạm Văn Dũng")
    assert "2 hồ sơ đang chờ" in html


def test_dossier_page_shows_applicant_form_documents_and_required_list(world):
    """Given an online dossier with both required documents, when the officer opens it, then the
    applicant, the form answers, the files with open links and both required items as present show."""
    dossier = online_dossier(world)
    html = (
        client_for(world["officer"])
        .get(reverse("backoffice:dossier_detail", args=[dossier.pk]))
        .content.decode()
    )
    assert "Nguyễn Văn An" in html and "Nguyễn Văn Bé" in html
    assert html.count("Đã có") == 2 and "Chưa có" not in html
    document = dossier.documents.first()
    assert reverse("backoffice:dossier_document", args=[dossier.pk, document.pk]) in html
    response = client_for(world["officer"]).get(
        reverse("backoffice:dossier_document", args=[dossier.pk, document.pk]) + "?tai=1"
    )
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment")


def test_accepting_issues_code_due_date_and_receipt(world):
    """Given a waiting dossier, when the officer accepts it, then it is received with a code and a due
    date, the event is logged, and the page offers the receipt which is served as a PDF."""
    dossier = online_dossier(world)
    client = client_for(world["officer"])
    response = client.post(reverse("backoffice:dossier_accept", args=[dossier.pk]), {"note": "Đủ giấy tờ"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.code.startswith("000.50.68.H29-") and dossier.due_at is not None
    assert dossier.events.filter(action=EventAction.RECEIVED).exists()
    html = client.get(response["Location"]).content.decode()
    assert dossier.code in html and reverse("backoffice:dossier_receipt", args=[dossier.pk]) in html
    receipt = client.get(reverse("backoffice:dossier_receipt", args=[dossier.pk]))
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF")
    assert dossier.code in receipt["Content-Disposition"]
    assert receipt["Content-Disposition"].startswith("inline")


def test_refusal_needs_a_reason_and_a_confirmation(world):
    """Given a waiting dossier, when the officer refuses without a reason, then an error shows and
    nothing changes; with a reason a confirmation page comes first; once confirmed it is refused,
    logged, and the refusal notice (Mẫu 03) is served as a PDF."""
    dossier = online_dossier(world)
    client = client_for(world["officer"])
    url = reverse("backoffice:dossier_refuse", args=[dossier.pk])
    response = client.post(url, {"reason": "   "})
    assert response.status_code == 400
    assert "Hãy nêu lý do từ chối tiếp nhận hồ sơ." in response.content.decode()
    response = client.post(url, {"reason": "Không thuộc thẩm quyền"})
    assert response.status_code == 200 and "Xác nhận từ chối tiếp nhận" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.NEW
    response = client.post(url, {"reason": "Không thuộc thẩm quyền", "confirmed": "True"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.REFUSED
    event = dossier.events.get(action=EventAction.REFUSED)
    assert "Không thuộc thẩm quyền" in event.note
    notice = client.get(reverse("backoffice:dossier_refusal_pdf", args=[dossier.pk]))
    assert notice.status_code == 200 and notice["Content-Type"] == "application/pdf"


def test_supplement_request_lists_items_with_reasons(world):
    """Given a waiting dossier, when the officer asks for one required item without a reason, then the
    form says so; with reasons for it and a free item, the dossier waits for the supplement, the
    request holds both items and its Mẫu 02 PDF is served."""
    dossier = online_dossier(world)
    documents = list(world["procedure"].current_version.documents.order_by("position"))
    client = client_for(world["officer"])
    url = reverse("backoffice:dossier_supplement", args=[dossier.pk])
    assert client.get(url).status_code == 200
    data = {f"item_{documents[1].pk}": "on", "deadline_days": "3", "guided_once": "on"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Hãy ghi rõ lý do cần bổ sung giấy tờ này." in response.content.decode()
    data |= {
        f"reason_{documents[1].pk}": "Bản chụp mờ, không đọc được",
        "free_title_1": "Giấy chứng nhận kết hôn của cha mẹ",
        "free_reason_1": "Cần để ghi tên cha",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
    request = dossier.supplement_requests.get()
    assert [item["title"] for item in request.items] == [
        "Giấy chứng sinh",
        "Giấy chứng nhận kết hôn của cha mẹ",
    ]
    assert dossier.events.filter(action=EventAction.SUPPLEMENT_REQUESTED).exists()
    slip = client.get(reverse("backoffice:dossier_supplement_pdf", args=[dossier.pk, request.pk]))
    assert slip.status_code == 200 and slip["Content-Type"] == "application/pdf"


def test_supplement_request_needs_at_least_one_item_and_the_guide_once_statement(world):
    """Given a waiting dossier, when the officer sends an empty request, then both problems are named
    and the dossier is still waiting."""
    dossier = online_dossier(world)
    response = client_for(world["officer"]).post(
        reverse("backoffice:dossier_supplement", args=[dossier.pk]), {"deadline_days": "3"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Hãy xác nhận đã hướng dẫn đầy đủ, một lần." in html
    assert "Hãy chọn ít nhất một giấy tờ hoặc ghi một nội dung cần bổ sung" in html
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.NEW


# --- counter intake ------------------------------------------------------------------------------


def test_counter_intake_end_to_end(world):
    """Given a walk-in applicant, when the officer finds the procedure, types a wrong CCCD, then a right
    one with both scanned documents and a queue ticket, then the dossier is received at once with a
    code, shown with its due date and a receipt to print."""
    client = client_for(world["officer"])
    url = reverse("backoffice:counter_intake")
    html = client.get(url, {"q": "khai sinh"}).content.decode()
    assert "1.001193" in html and "?thu_tuc=1.001193" in html
    documents = list(world["procedure"].current_version.documents.order_by("position"))
    data = {
        "agency": str(world["ward"].pk),
        "applicant_kind": "1",
        "name": "Trần Văn Tư",
        "id_number": "07901234",
        "phone": "0912 345 678",
        "email": "",
        "address": "12 Lê Lợi",
        "content": "Đăng ký khai sinh cho con",
        "queue_ticket": "A012",
    }
    response = client.post(f"{url}?thu_tuc=1.001193", data)
    assert response.status_code == 400
    assert "phải gồm đúng 12 chữ số" in response.content.decode()
    assert not Dossier.objects.exists()
    data |= {
        "id_number": "079 0123 45678",
        f"doc_{documents[0].pk}": pdf(),
        f"doc_{documents[1].pk}": pdf("cs.pdf"),
    }
    response = client.post(f"{url}?thu_tuc=1.001193", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    dossier = Dossier.objects.get()
    assert dossier.status == DossierStatus.RECEIVED and dossier.channel == SubmissionChannel.DIRECT
    assert dossier.queue_ticket == "A012" and dossier.applicant_id_number == "079012345678"
    assert dossier.documents.filter(kind=DocumentKind.APPLICATION).count() == 2
    page = client.get(response["Location"]).content.decode()
    assert dossier.code in page and "In giấy tiếp nhận và hẹn trả kết quả" in page
    assert "Nội dung yêu cầu giải quyết" in page and "Đăng ký khai sinh cho con" in page
    assert dossier.form_data == {"content": "Đăng ký khai sinh cho con"}
    receipt = client.get(reverse("backoffice:dossier_receipt", args=[dossier.pk]))
    assert receipt["Content-Type"] == "application/pdf" and dossier.code in receipt["Content-Disposition"]


def test_counter_intake_sent_twice_records_one_dossier(world):
    """Given the counter form shown once (it carries a key), when the officer's browser sends it twice
    (double click, back and resend), then one dossier exists and both answers lead to it."""
    client = client_for(world["officer"])
    url = f"{reverse('backoffice:counter_intake')}?thu_tuc=1.001193"
    form_page = client.get(url).content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', form_page).group(1)
    data = {
        "agency": str(world["ward"].pk),
        "applicant_kind": "1",
        "name": "Trần Văn Tư",
        "id_number": "079012345678",
        "content": "Đăng ký khai sinh cho con",
        "idempotency_key": key,
    }
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Dossier.objects.count() == 1


def test_counter_intake_offers_only_procedures_of_the_officers_agency(world):
    """Given a procedure carried out only by another ward, when the officer searches for it or opens it
    directly, then it is not offered and the form is not found."""
    make_procedure(code="1.009999", name="Cấp giấy phép xây dựng nhà ở", agencies=[world["other"]])
    client = client_for(world["officer"])
    html = client.get(reverse("backoffice:counter_intake"), {"q": "giấy phép xây dựng"}).content.decode()
    assert "1.009999" not in html
    assert client.get(reverse("backoffice:counter_intake") + "?thu_tuc=1.009999").status_code == 404


# --- results -------------------------------------------------------------------------------------


def test_result_attached_resolved_and_returned_by_post(world):
    """Given a received dossier, when the officer attaches the result, marks it resolved and returns it
    by post with a tracking number, then it is returned, listed on the results page before, and the
    tracking number is in the history."""
    dossier = online_dossier(world)
    client = client_for(world["officer"])
    client.post(reverse("backoffice:dossier_accept", args=[dossier.pk]))
    assert "Nguyễn Văn An" in client.get(reverse("backoffice:results")).content.decode()
    response = client.post(
        reverse("backoffice:dossier_attach_result", args=[dossier.pk]),
        {"title": "Giấy khai sinh", "upload": pdf("giay-khai-sinh.pdf")},
    )
    assert response.status_code == 302
    assert dossier.documents.filter(kind=DocumentKind.RESULT).count() == 1
    assert client.post(reverse("backoffice:dossier_resolve", args=[dossier.pk])).status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RESOLVED
    url = reverse("backoffice:dossier_return", args=[dossier.pk])
    response = client.post(url, {"method": str(ReturnMethod.POSTAL)})
    assert response.status_code == 400 and "số hiệu bưu gửi" in response.content.decode()
    response = client.post(url, {"method": str(ReturnMethod.POSTAL), "tracking_number": "EB123456789VN"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RETURNED and dossier.return_method == ReturnMethod.POSTAL
    assert "EB123456789VN" in dossier.events.get(action=EventAction.RETURNED).note


def test_resolve_without_result_is_refused(world):
    """Given a received dossier without a result, when the officer posts "resolved", then it stays
    received."""
    dossier = online_dossier(world)
    client = client_for(world["officer"])
    client.post(reverse("backoffice:dossier_accept", args=[dossier.pk]))
    response = client.post(reverse("backoffice:dossier_resolve", args=[dossier.pk]))
    assert response.status_code == 400
    assert "Vui lòng đính kèm kết quả giải quyết trước khi hoàn thành." in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED


# --- search --------------------------------------------------------------------------------------


def test_search_by_name_without_accents_status_and_code(world):
    """Given dossiers of two applicants, when searching "nguyen van an" (no accents), then only that
    applicant's dossier is listed; a scanned code opens the dossier; another ward's code finds nothing."""
    mine = online_dossier(world, name="Nguyễn Văn An", key="a")
    online_dossier(world, name="Lê Thị Cúc", key="b")
    theirs = online_dossier(world, agency=world["other"], name="Nguyễn Văn An", key="c")
    client = client_for(world["officer"])
    client.post(reverse("backoffice:dossier_accept", args=[mine.pk]))
    mine.refresh_from_db()
    url = reverse("backoffice:dossier_search")
    html = client.get(url, {"name": "nguyen van an"}).content.decode()
    assert "Nguyễn Văn An" in html and "Lê Thị Cúc" not in html and "1 hồ sơ" in html
    html = client.get(url, {"status": str(DossierStatus.NEW)}).content.decode()
    assert "Lê Thị Cúc" in html and mine.code not in html
    response = client.get(url, {"code": mine.code.lower()})
    assert response.status_code == 302 and response["Location"].endswith(f"/{mine.pk}/")
    client_for(world["stranger"]).post(reverse("backoffice:dossier_accept", args=[theirs.pk]))
    theirs.refresh_from_db()
    html = client.get(url, {"code": theirs.code}).content.decode()
    assert "Không có hồ sơ nào phù hợp" in html
