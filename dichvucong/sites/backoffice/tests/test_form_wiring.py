"""The forms engine wired into the back office: choosing a procedure version's form in the catalog
(drafts only, published forms only, admins in scope) and the counter intake filling the same form."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from dichvucong.accounts.constants import AssuranceLevel, Role
from dichvucong.agencies.constants import AgencyKind
from dichvucong.agencies.tests.factories import make_agency, make_officer
from dichvucong.dossiers.models import Dossier
from dichvucong.forms import services as form_services
from dichvucong.forms.models import FormVersion
from dichvucong.forms.palette import ui_schema_for
from dichvucong.forms.tests.factories import field
from dichvucong.procedures import services as catalog_services
from dichvucong.procedures.constants import Channel, DurationUnit, VersionStatus
from dichvucong.procedures.models import ProcedureVersion
from dichvucong.procedures.tests.factories import make_procedure
from dichvucong.security.testing import login_verified

pytestmark = pytest.mark.django_db

CODE = "1.001193"


def _fields() -> list[dict[str, Any]]:
    return [
        field("ho_ten_tre", "text", "Họ và tên của trẻ", required=True, max_length=100),
        field("ngay_sinh_tre", "date", "Ngày sinh của trẻ", required=True),
    ]


def _published_form(key: str = "khai-sinh", owner: Any = None) -> FormVersion:
    definition = form_services.create_form_definition(
        key=key, name="Tờ khai khai sinh", owner_agency=owner, actor=None
    )
    return form_services.save_and_publish_form(
        definition=definition, actor=None, ui_schema=ui_schema_for(_fields())
    )


@pytest.fixture
def world(db) -> dict[str, Any]:
    city = make_agency(kind=AgencyKind.CITY, name="Ủy ban nhân dân Thành phố", code="000.00.00.H29")
    ward = make_agency(parent=city, name="UBND Phường Bến Thành", code="000.50.68.H29")
    other = make_agency(parent=city, name="UBND Phường Sài Gòn", code="000.51.68.H29")
    procedure = make_procedure(
        code=CODE,
        name="Đăng ký khai sinh",
        min_assurance_level=AssuranceLevel.BASIC,
        options=((Channel.DIRECT, Decimal("3"), DurationUnit.WORKING_DAYS),),
        documents=({"name": "Giấy chứng sinh", "originals": 1},),
        agencies=[ward],
    )
    return {"city": city, "ward": ward, "other": other, "procedure": procedure}


def _client(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def _form_url(version: ProcedureVersion) -> str:
    return reverse("backoffice:catalog_form", args=[version.procedure.code, version.number])


# --- the catalog chooser ---------------------------------------------------------------------------


def test_an_admin_chooses_a_published_form_for_a_draft_and_publishing_keeps_it(world):
    """Given a draft of the procedure and a published form, when the ward admin chooses it and the
    draft is published, then the published version has that form and a later draft copies it."""
    admin, _ = make_officer(agency=world["ward"], role=Role.AGENCY_ADMIN)
    form = _published_form()
    draft = catalog_services.start_draft(procedure=world["procedure"], actor=None)
    client = _client(admin)
    page = client.get(_form_url(draft)).content.decode()
    assert f'<option value="{form.pk}">' in page
    response = client.post(_form_url(draft), {"form_version": form.pk})
    assert response.status_code == 302
    catalog_services.publish_draft(version=draft, actor=admin)
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED and draft.form_version == form
    assert catalog_services.start_draft(procedure=world["procedure"], actor=None).form_version == form
    version_page = client.get(
        reverse("backoffice:catalog_version", args=[CODE, draft.number])
    ).content.decode()
    assert "Tờ khai khai sinh (v1)" in version_page


def test_only_published_forms_are_offered_and_a_draft_form_is_refused(world):
    """Given a form whose only version is a draft, when the admin posts it, then it is refused."""
    admin, _ = make_officer(agency=world["ward"], role=Role.AGENCY_ADMIN)
    definition = form_services.create_form_definition(key="nhap", name="Nháp", owner_agency=None, actor=None)
    draft_form = definition.versions.get()
    draft = catalog_services.start_draft(procedure=world["procedure"], actor=None)
    response = _client(admin).post(_form_url(draft), {"form_version": draft_form.pk})
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.form_version is None


def test_a_published_procedure_version_cannot_change_its_form(world):
    """Given the published version, when an admin posts a form for it, then nothing changes."""
    admin, _ = make_officer(agency=world["ward"], role=Role.AGENCY_ADMIN)
    form = _published_form()
    version = world["procedure"].current_version
    client = _client(admin)
    assert "Chọn biểu mẫu" not in client.get(_form_url(version)).content.decode()
    assert client.post(_form_url(version), {"form_version": form.pk}).status_code == 404
    version.refresh_from_db()
    assert version.form_version is None


def test_admins_outside_the_procedures_scope_and_counter_officers_cannot_choose(world):
    """Given an admin of another ward and a counter officer, when they open the chooser, then 404/403."""
    outsider, _ = make_officer(agency=world["other"], role=Role.AGENCY_ADMIN)
    counter, _ = make_officer(agency=world["ward"], role=Role.COUNTER_OFFICER)
    draft = catalog_services.start_draft(procedure=world["procedure"], actor=None)
    assert _client(outsider).get(_form_url(draft)).status_code == 404
    assert _client(counter).get(_form_url(draft)).status_code in (403, 404)


def test_a_form_version_in_use_cannot_be_deleted(world):
    """Given a procedure version using a form version, when the form version is deleted, then the
    database refuses (PROTECT)."""
    form = _published_form()
    ProcedureVersion.objects.filter(pk=world["procedure"].current_version_id).update(form_version=form)
    with pytest.raises(ProtectedError):
        form.delete()


# --- the counter -----------------------------------------------------------------------------------


def _intake(client: Client) -> tuple[str, dict[str, str]]:
    url = f"{reverse('backoffice:counter_intake')}?thu_tuc={CODE}"
    page = client.get(url).content.decode()
    token = re.search(r'name="f_form" value="([^"]+)"', page).group(1)
    key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', page).group(1)
    data = {
        "agency": "",
        "applicant_kind": "1",
        "name": "Trần Văn Tư",
        "id_number": "079012345678",
        "idempotency_key": key,
        "f_form": token,
        "f-ho_ten_tre": "Trần Văn Bé",
        "f-ngay_sinh_tre": "2026-11-02",
    }
    return url, data


def test_the_counter_fills_the_procedures_form_and_the_server_validates_it(world):
    """Given a procedure with a form, when the counter officer records a walk-in dossier with an
    invalid then a valid declaration, then the first is refused per field and the second stored."""
    ProcedureVersion.objects.filter(pk=world["procedure"].current_version_id).update(
        form_version=_published_form()
    )
    officer, _ = make_officer(agency=world["ward"], role=Role.COUNTER_OFFICER)
    client = _client(officer)
    url, data = _intake(client)
    data["agency"] = str(world["ward"].pk)
    refused = client.post(url, {**data, "f-ngay_sinh_tre": "not a date", "f-extra": "x"})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Ngày không đúng." in html and "Trường này không có trong biểu mẫu." in html
    assert not Dossier.objects.exists()
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier = Dossier.objects.get()
    assert dossier.form_data["fields"] == {"ho_ten_tre": "Trần Văn Bé", "ngay_sinh_tre": "2026-11-02"}
    page = client.get(response["Location"]).content.decode()
    assert "Trần Văn Bé" in page and "02/11/2026" in page  # labelled answers, the date as on paper
    assert "ho_ten_tre" not in page


def test_a_form_whose_file_slot_names_a_document_the_procedure_lacks_is_refused(world):
    """Given a form with a file slot for "giay-ket-hon" and a procedure asking only for the birth
    certificate, when the admin chooses it, then it is refused naming the key; a slot for
    "giay-chung-sinh" is accepted."""
    admin, _ = make_officer(agency=world["ward"], role=Role.AGENCY_ADMIN)
    draft = catalog_services.start_draft(procedure=world["procedure"], actor=None)
    definition = form_services.create_form_definition(
        key="co-tep", name="Có tệp", owner_agency=None, actor=None
    )
    wrong = form_services.save_and_publish_form(
        definition=definition,
        actor=None,
        ui_schema=ui_schema_for(
            [*_fields(), field("tep", "file", "Giấy kết hôn", document_key="giay-ket-hon")]
        ),
    )
    response = _client(admin).post(_form_url(draft), {"form_version": wrong.pk})
    assert response.status_code == 400
    assert "giay-ket-hon" in response.content.decode()
    right = form_services.save_and_publish_form(
        definition=definition,
        actor=None,
        ui_schema=ui_schema_for(
            [*_fields(), field("tep", "file", "Giấy chứng sinh", document_key="giay-chung-sinh")]
        ),
    )
    assert _client(admin).post(_form_url(draft), {"form_version": right.pk}).status_code == 302
