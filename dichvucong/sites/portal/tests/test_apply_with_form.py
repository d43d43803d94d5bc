"""Applying online when the procedure has its own form (``forms`` engine), the document wallet (reuse
with one click, results kept, the access log) and the API's check of ``form_data["fields"]``."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dichvucong.accounts.services import set_cccd
from dichvucong.dossiers import services
from dichvucong.dossiers.constants import ReturnMethod
from dichvucong.dossiers.errors import DossierError
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.tests.factories import World, make_world, pdf
from dichvucong.forms import services as form_services
from dichvucong.forms.constants import WalletSource
from dichvucong.forms.models import WalletDocument, WalletDocumentUse
from dichvucong.forms.palette import ui_schema_for
from dichvucong.forms.tests.factories import field
from dichvucong.procedures.models import ProcedureVersion

pytestmark = pytest.mark.django_db

CCCD = "079203001234"


def _fields() -> list[dict[str, Any]]:
    return [
        field("ho_ten", "text", "Họ và tên người yêu cầu", required=True, binding="full_name"),
        field("cccd", "cccd", "Số định danh cá nhân", required=True, binding="cccd"),
        field("ho_ten_tre", "text", "Họ và tên của trẻ", required=True, max_length=100),
        field("ngay_sinh_tre", "date", "Ngày sinh của trẻ", required=True),
    ]


def _with_form(world: World) -> Any:
    definition = form_services.create_form_definition(
        key=f"khai-sinh-{world.procedure.pk}", name="Tờ khai khai sinh", owner_agency=None, actor=None
    )
    version = form_services.save_and_publish_form(
        definition=definition, actor=None, ui_schema=ui_schema_for(_fields())
    )
    ProcedureVersion.objects.filter(pk=world.version.pk).update(form_version=version)
    world.procedure.refresh_from_db()
    return version


@pytest.fixture
def world() -> World:
    world = make_world()
    set_cccd(user=world.citizen, cccd=CCCD)
    _with_form(world)
    return world


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _step(dossier: Dossier, step: str) -> str:
    return reverse(
        "portal:dossier_apply_step", kwargs={"code": dossier.procedure.code, "pk": dossier.pk, "step": step}
    )


def _draft(client: Client, world: World) -> Dossier:
    response = client.post(
        reverse("portal:dossier_apply", args=[world.procedure.code]),
        {"agency": world.agency.code, "applicant": "self", "phone": "", "email": "", "address": ""},
    )
    assert response.status_code == 302
    return Dossier.objects.get(owner=world.citizen)


def _hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no {name} in the form"
    return match.group(1)


def _post_values(html: str, **values: str) -> dict[str, str]:
    data = {"f_form": _hidden(html, "f_form"), "return_method": str(ReturnMethod.COUNTER)}
    if 'name="f_prefill"' in html:
        data["f_prefill"] = _hidden(html, "f_prefill")
    data.update(values)
    return data


def _valid(html: str, **overrides: str) -> dict[str, str]:
    values = {
        "f-ho_ten": "Nguyễn Văn An",
        "f-cccd": CCCD,
        "f-ho_ten_tre": "Nguyễn Văn Bình",
        "f-ngay_sinh_tre": "2026-11-01",
    }
    values.update(overrides)
    return _post_values(html, **values)


def test_the_form_step_renders_the_procedures_form_prefilled_from_the_profile(world):
    """Given a procedure with a form bound to the profile, when the citizen opens the declaration step,
    then the engine's fields are shown with their name and CCCD filled in and the source named."""
    client = _client(world.citizen)
    dossier = _draft(client, world)
    html = client.get(_step(dossier, "to-khai")).content.decode()
    assert 'name="f-ho_ten_tre"' in html
    assert 'value="Nguyễn Văn An"' in html
    assert f'value="{CCCD}"' in html
    assert "hồ sơ tài khoản của bạn trên Cổng" in html
    assert 'name="content"' not in html  # the form replaces the free-text request


def test_a_valid_declaration_is_stored_in_form_data_fields(world):
    """Given the rendered form, when the citizen posts valid answers, then they are stored as JSON
    under form_data["fields"] and the wizard moves on to the documents."""
    client = _client(world.citizen)
    dossier = _draft(client, world)
    html = client.get(_step(dossier, "to-khai")).content.decode()
    response = client.post(_step(dossier, "to-khai"), _valid(html))
    assert response.status_code == 302
    assert response["Location"] == _step(dossier, "giay-to")
    dossier.refresh_from_db()
    assert dossier.form_data["fields"] == {
        "ho_ten": "Nguyễn Văn An",
        "cccd": CCCD,
        "ho_ten_tre": "Nguyễn Văn Bình",
        "ngay_sinh_tre": "2026-11-01",
    }
    assert dossier.form_data["return_method"] == ReturnMethod.COUNTER
    review = client.get(_step(dossier, "xem-lai")).content.decode()
    assert "Họ và tên của trẻ" in review and "Nguyễn Văn Bình" in review


def test_invalid_answers_come_back_with_translated_errors_next_to_each_field(world):
    """Given a missing child's name and a malformed date, when posted, then the page answers 400 with
    a message under each field (in English when the language is English) and nothing is saved."""
    client = _client(world.citizen)
    dossier = _draft(client, world)
    html = client.get(_step(dossier, "to-khai")).content.decode()
    response = client.post(
        _step(dossier, "to-khai"),
        _valid(html, **{"f-ho_ten_tre": "", "f-ngay_sinh_tre": "31/02/2026"}),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count('aria-invalid="true"') == 2
    assert "Đây là thông tin bắt buộc." in page
    assert "Ngày không đúng." in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.post(_step(dossier, "to-khai"), _valid(html, **{"f-ho_ten_tre": ""}))
    assert "This information is required." in english.content.decode()
    dossier.refresh_from_db()
    assert "fields" not in dossier.form_data


def test_a_crafted_post_with_an_unknown_field_or_a_forged_token_is_refused(world):
    """Given a POST with a control the form does not have, or with a changed form token, when sent,
    then it is refused (400) and the draft keeps no declaration."""
    client = _client(world.citizen)
    dossier = _draft(client, world)
    html = client.get(_step(dossier, "to-khai")).content.decode()
    unknown = client.post(_step(dossier, "to-khai"), _valid(html, **{"f-is_admin": "1"}))
    forged = client.post(_step(dossier, "to-khai"), _valid(html, f_form="forged"))
    assert unknown.status_code == 400
    assert "Trường này không có trong biểu mẫu." in unknown.content.decode()
    assert forged.status_code == 400
    dossier.refresh_from_db()
    assert "fields" not in dossier.form_data


def test_the_review_step_refuses_to_submit_without_a_valid_declaration(world):
    """Given a draft whose declaration was skipped, when the citizen submits from the review page,
    then the dossier stays a draft with a message sending them back to the declaration."""
    client = _client(world.citizen)
    dossier = _draft(client, world)
    for required_id in world.required_ids:
        services.attach_document(
            dossier=dossier, upload=pdf(), actor=world.citizen, required_document=required_id
        )
    review = client.get(_step(dossier, "xem-lai")).content.decode()
    response = client.post(
        reverse("portal:dossier_submit", args=[dossier.procedure.code, dossier.pk]),
        {"token": _hidden(review, "token")},
    )
    assert response.status_code == 400
    dossier.refresh_from_db()
    assert dossier.is_draft


def test_without_a_form_the_step_keeps_the_free_text_request():
    """Given a procedure without a form, when the declaration step opens, then it asks for the
    request in words as before."""
    world = make_world()
    client = _client(world.citizen)
    dossier = _draft(client, world)
    html = client.get(_step(dossier, "to-khai")).content.decode()
    assert 'name="content"' in html
    assert 'name="f_form"' not in html


# --- the API ---------------------------------------------------------------------------------------


def test_the_api_refuses_form_data_that_does_not_satisfy_the_form(world):
    """Given a version with a form, when a dossier is created with missing fields, then it is refused
    naming each JSON path; with valid fields it is filed."""
    with pytest.raises(DossierError) as refused:
        services.create_online_dossier(
            user=world.citizen,
            procedure_code=world.procedure.code,
            agency_code=world.agency.code,
            form_data={"fields": {"ho_ten": "Nguyễn Văn An"}},
            uploads={},
            idempotency_key="",
        )
    assert "/fields/ho_ten_tre" in refused.value.message
    assert "/fields/cccd" in refused.value.message
    assert not Dossier.objects.filter(owner=world.citizen).exists()


def test_the_api_answers_400_with_the_json_paths(world):
    """Given the REST API, when form_data misses a required field, then the answer is 400 and names
    the field's JSON path."""
    client = _client(world.citizen)
    response = client.post(
        "/api/v1/dossiers/",
        {
            "procedure": world.procedure.code,
            "agency": world.agency.code,
            "form_data": '{"fields": {"ho_ten": "A"}}',
        },
    )
    assert response.status_code == 400
    assert "/fields/ho_ten_tre" in response.json()["error"]["message"]


# --- the wallet ------------------------------------------------------------------------------------


def _wallet_document(world: World, title: str = "Giấy chứng sinh") -> WalletDocument:
    return form_services.add_wallet_document(
        owner=world.citizen,
        document_type="giay-chung-sinh",
        title=title,
        content=pdf().read(),
        filename="giay-chung-sinh.pdf",
        content_type="application/pdf",
        actor=world.citizen,
    )


def test_a_wallet_document_of_the_matching_type_is_attached_with_one_click(world):
    """Given a birth certificate in the citizen's wallet, when the documents step offers it and the
    citizen clicks it, then it is copied into the draft as that document and the use is logged."""
    document = _wallet_document(world)
    client = _client(world.citizen)
    dossier = _draft(client, world)
    item = world.version.documents.get(name="Giấy chứng sinh")
    html = client.get(_step(dossier, "giay-to")).content.decode()
    assert f'value="{item.pk}:{document.pk}"' in html
    response = client.post(_step(dossier, "giay-to"), {"tu-kho": f"{item.pk}:{document.pk}"})
    assert response.status_code == 302
    attached = dossier.documents.get(required_document=item)
    assert attached.sha256 == document.sha256
    use = WalletDocumentUse.objects.get(document=document)
    assert use.subject_id == str(dossier.pk)


def test_someone_elses_wallet_document_cannot_be_attached(world):
    """Given a wallet document of another person, when its id is posted, then nothing is attached."""
    document = _wallet_document(world)
    client = _client(world.stranger)
    stranger_world_dossier = services.save_draft(
        user=world.stranger, procedure_version=world.version, agency=world.agency, form_data={}
    )
    item = world.version.documents.get(name="Giấy chứng sinh")
    client.post(_step(stranger_world_dossier, "giay-to"), {"tu-kho": f"{item.pk}:{document.pk}"})
    assert not stranger_world_dossier.documents.exists()
    assert not WalletDocumentUse.objects.exists()


def test_uploads_are_kept_in_the_wallet_when_the_citizen_asks(world):
    """Given the "keep in my wallet" box ticked, when files are uploaded, then each joins the wallet
    with the document's type, offered next time."""
    client = _client(world.citizen)
    dossier = _draft(client, world)
    item = world.version.documents.get(name="Giấy chứng sinh")
    client.post(_step(dossier, "giay-to"), {f"tep-{item.pk}": pdf(), "luu-vao-kho": "1", "action": "save"})
    kept = WalletDocument.objects.get(owner=world.citizen)
    assert kept.document_type == item.document_key == "giay-chung-sinh"
    assert kept.source == WalletSource.UPLOADED


def test_a_returned_result_joins_the_owners_wallet(world, django_capture_on_commit_callbacks):
    """Given a resolved dossier with a result, when the result is returned, then the result is in
    the owner's wallet, its source naming the dossier code, once."""
    dossier = services.save_draft(
        user=world.citizen,
        procedure_version=world.version,
        agency=world.agency,
        form_data={"fields": {"ho_ten": "A", "cccd": CCCD, "ho_ten_tre": "B", "ngay_sinh_tre": "2026-11-01"}},
    )
    for required_id in world.required_ids:
        services.attach_document(
            dossier=dossier, upload=pdf(), actor=world.citizen, required_document=required_id
        )
    dossier = services.submit_online(dossier=dossier, actor=world.citizen)
    dossier = services.receive(dossier=dossier, officer=world.officer)
    services.attach_result(dossier=dossier, officer=world.officer, upload=pdf(), title="Giấy khai sinh")
    dossier = services.resolve(dossier=dossier, officer=world.officer)
    with django_capture_on_commit_callbacks(execute=True):
        services.return_result(dossier=dossier, officer=world.officer, method=ReturnMethod.ONLINE)
    kept = WalletDocument.objects.get(owner=world.citizen)
    assert kept.source == WalletSource.ISSUED
    assert kept.document_type == "giay-khai-sinh"
    assert kept.source_ref.startswith(dossier.code)
    html = _client(world.citizen).get(reverse("portal:my_wallet")).content.decode()
    assert f"Kết quả giải quyết hồ sơ {dossier.code}" in html


def test_the_wallet_page_shows_which_dossier_and_who_used_each_document(world):
    """Given a wallet document used by an officer for a dossier, when the owner opens the wallet page,
    then it lists the document, its validity and the officer's name with the dossier."""
    document = _wallet_document(world)
    dossier = services.save_draft(
        user=world.citizen, procedure_version=world.version, agency=world.agency, form_data={}
    )
    form_services.record_wallet_use(
        document=document, actor=world.officer, subject_type="dossiers.dossier", subject_id=str(dossier.pk)
    )
    response = _client(world.citizen).get(reverse("portal:my_wallet"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Giấy chứng sinh" in html
    assert world.officer.display_name in html or world.officer.username in html
    assert "hồ sơ nháp" in html
    other = _client(world.stranger).get(reverse("portal:my_wallet")).content.decode()
    assert "Giấy chứng sinh" not in other


def test_a_file_slot_of_the_form_answered_from_the_wallet_attaches_that_document(world):
    """Given a form whose file slot stands for the birth certificate and offers the wallet, when the
    citizen picks their wallet copy in the declaration, then the draft gets it as that document and
    the use is logged; another person's document id is refused."""
    document = _wallet_document(world)
    definition = form_services.create_form_definition(
        key="co-tep", name="Có tệp", owner_agency=None, actor=None
    )
    slot = field(
        "giay_cs", "file", "Giấy chứng sinh", document_key="giay-chung-sinh", wallet_type="giay-chung-sinh"
    )
    version = form_services.save_and_publish_form(
        definition=definition, actor=None, ui_schema=ui_schema_for([*_fields(), slot])
    )
    ProcedureVersion.objects.filter(pk=world.version.pk).update(form_version=version)
    client = _client(world.citizen)
    dossier = _draft(client, world)
    html = client.get(_step(dossier, "to-khai")).content.decode()
    assert f'value="{document.pk}"' in html
    refused = client.post(
        _step(dossier, "to-khai"), _valid(html, **{"f-giay_cs-wallet": str(document.pk + 1000)})
    )
    assert refused.status_code == 400
    assert not dossier.documents.exists()
    response = client.post(_step(dossier, "to-khai"), _valid(html, **{"f-giay_cs-wallet": str(document.pk)}))
    assert response.status_code == 302
    attached = dossier.documents.get()
    assert attached.required_document.name == "Giấy chứng sinh" and attached.sha256 == document.sha256
    assert WalletDocumentUse.objects.filter(document=document, subject_id=str(dossier.pk)).exists()
