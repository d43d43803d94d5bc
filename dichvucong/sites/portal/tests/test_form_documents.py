"""The procedure's declaration (tờ khai) as DOCX/PDF from the wizard and the procedure page, and saving
the new facts typed on the form step back to the citizen's profile, only with consent."""

from __future__ import annotations

import datetime
import io
import re
import shutil
import subprocess
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from dichvucong.accounts.constants import AssuranceLevel
from dichvucong.accounts.services import set_assurance_level, set_cccd
from dichvucong.core.models import AuditEntry
from dichvucong.dossiers.constants import ReturnMethod
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.tests.factories import World, make_world
from dichvucong.forms import services as form_services
from dichvucong.forms.palette import ui_schema_for
from dichvucong.forms.tests.factories import HCMC_WARD, field, make_spec
from dichvucong.procedures.models import ProcedureVersion
from dichvucong.sites.portal.dossier_views import SAVE_PROFILE_FIELD, _profile_changes

pytestmark = pytest.mark.django_db

CCCD = "079203001234"
GENDERS = [{"value": "male", "label": {"vi": "Nam"}}, {"value": "female", "label": {"vi": "Nữ"}}]


def _fields() -> list[dict[str, Any]]:
    return [
        field("ho_ten", "text", "Họ và tên người yêu cầu", required=True, binding="full_name"),
        field("cccd", "cccd", "Số định danh cá nhân", binding="cccd"),
        field("ngay_sinh", "date", "Ngày sinh", binding="date_of_birth"),
        field("gioi_tinh", "radio", "Giới tính", binding="gender", options=GENDERS),
        field("dia_chi", "address", "Nơi cư trú", binding="address"),
        field("noi_dung", "text", "Nội dung yêu cầu", required=True),
    ]


@pytest.fixture
def world() -> World:
    world = make_world()
    definition = form_services.create_form_definition(
        key=f"to-khai-{world.procedure.pk}", name="Tờ khai đề nghị", owner_agency=None, actor=None
    )
    version = form_services.save_and_publish_form(
        definition=definition, actor=None, ui_schema=ui_schema_for(_fields())
    )
    ProcedureVersion.objects.filter(pk=world.version.pk).update(form_version=version)
    world.procedure.refresh_from_db()
    return world


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _step(dossier: Dossier) -> str:
    return reverse(
        "portal:dossier_apply_step",
        kwargs={"code": dossier.procedure.code, "pk": dossier.pk, "step": "to-khai"},
    )


def _declaration(dossier: Dossier, kind: str) -> str:
    return reverse(
        "portal:dossier_declaration", kwargs={"code": dossier.procedure.code, "pk": dossier.pk, "kind": kind}
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


def _answers(html: str, **extra: str) -> dict[str, str]:
    data = {
        "f_form": _hidden(html, "f_form"),
        "return_method": str(ReturnMethod.COUNTER),
        "f-ho_ten": "Nguyễn Văn Anh",
        "f-cccd": CCCD,
        "f-ngay_sinh": "1990-05-17",
        "f-gioi_tinh": "male",
        "f-dia_chi-province": "79",
        "f-dia_chi-ward": HCMC_WARD,
        "f-dia_chi-street": "12 Lê Lợi",
        "f-noi_dung": "Cấp bản sao trích lục",
    }
    if 'name="f_prefill"' in html:
        data["f_prefill"] = _hidden(html, "f_prefill")
    data.update(extra)
    return data


def _filled(client: Client, world: World, **extra: str) -> Dossier:
    dossier = _draft(client, world)
    html = client.get(_step(dossier)).content.decode()
    response = client.post(_step(dossier), _answers(html, **extra))
    assert response.status_code == 302, response.content.decode()[:2000]
    return dossier


def _docx_text(content: bytes) -> str:
    return "\n".join(paragraph.text for paragraph in Document(io.BytesIO(content)).paragraphs)


def test_the_form_step_links_the_declaration_filled_with_the_draft(world):
    """Given a saved declaration, when the citizen downloads it as DOCX from the form step, then the
    file opens with python-docx and holds the labels and the values they typed."""
    client = _client(world.citizen)
    dossier = _filled(client, world)
    page = client.get(_step(dossier)).content.decode()
    assert _declaration(dossier, "docx") in page and _declaration(dossier, "pdf") in page
    response = client.get(_declaration(dossier, "docx"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    text = _docx_text(response.content)
    assert "Nội dung yêu cầu: Cấp bản sao trích lục" in text
    assert "Ngày sinh: 17/05/1990" in text
    assert "12 Lê Lợi, Phường Sài Gòn, Thành phố Hồ Chí Minh" in text


def test_the_filled_declaration_downloads_as_pdf(world):
    """Given a saved declaration, when downloaded as PDF, then it is a PDF holding the values."""
    client = _client(world.citizen)
    dossier = _filled(client, world)
    response = client.get(_declaration(dossier, "pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext is not installed")
    text = subprocess.run(  # noqa: S603 - a fixed command, no shell
        [pdftotext, "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode("utf-8")
    assert "Cấp bản sao trích lục" in text


def test_a_stranger_cannot_download_someone_elses_filled_declaration(world):
    """Given a citizen's draft, when another citizen asks for its declaration, then the answer is 404
    (both formats), and an anonymous visitor is sent to log in."""
    dossier = _filled(_client(world.citizen), world)
    stranger = _client(world.stranger)
    assert stranger.get(_declaration(dossier, "docx")).status_code == 404
    assert stranger.get(_declaration(dossier, "pdf")).status_code == 404
    anonymous = Client().get(_declaration(dossier, "docx"))
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]


def test_the_procedure_page_offers_the_blank_declaration_to_anyone(world):
    """Given a procedure with a form, when an anonymous visitor opens its page and follows the link,
    then they get the blank declaration (dotted lines, nobody's data); an unknown format is 404."""
    client = Client()
    url = reverse("portal:procedure_declaration", args=[world.procedure.code, "docx"])
    page = client.get(reverse("portal:procedure_detail", args=[world.procedure.code])).content.decode()
    assert url in page
    text = _docx_text(client.get(url).content)
    assert "Họ và tên người yêu cầu: ....." in text
    assert "Nguyễn" not in text
    bad = reverse("portal:procedure_declaration", args=[world.procedure.code, "exe"])
    assert client.get(bad).status_code == 404


def test_a_procedure_without_a_form_has_no_declaration_to_download():
    """Given a procedure without a form, when its declaration is asked for, then the answer is 404."""
    world = make_world()
    url = reverse("portal:procedure_declaration", args=[world.procedure.code, "pdf"])
    assert Client().get(url).status_code == 404


def test_the_save_to_profile_checkbox_is_offered_unchecked(world):
    """Given a form with fields bound to the profile, when the step opens, then the consent checkbox
    is there and not ticked."""
    client = _client(world.citizen)
    dossier = _draft(client, world)
    html = client.get(_step(dossier)).content.decode()
    match = re.search(rf'<input type="checkbox" id="id_{SAVE_PROFILE_FIELD}"[^>]*>', html)
    assert match and "checked" not in match.group(0)
    assert "Lưu thông tin mới vào hồ sơ tài khoản của tôi" in html


def test_without_consent_the_profile_is_not_changed(world):
    """Given new facts typed on the form, when posted without the checkbox, then the profile keeps its
    values."""
    _filled(_client(world.citizen), world)
    world.citizen.refresh_from_db()
    assert world.citizen.date_of_birth is None
    assert world.citizen.address == ""
    assert world.citizen.cccd == ""


def test_with_consent_the_new_facts_are_saved_to_the_profile_and_audited(world):
    """Given new facts typed on the form, when posted with the checkbox ticked, then the date of
    birth, gender, address and the missing CCCD are saved through the account services (audited),
    while the name already in the profile is not overwritten."""
    _filled(_client(world.citizen), world, **{SAVE_PROFILE_FIELD: "1"})
    world.citizen.refresh_from_db()
    assert world.citizen.date_of_birth == datetime.date(1990, 5, 17)
    assert world.citizen.gender == "male"
    assert world.citizen.address == "12 Lê Lợi, Phường Sài Gòn, Thành phố Hồ Chí Minh"
    assert world.citizen.cccd == CCCD
    assert world.citizen.full_name == "Nguyễn Văn An"
    assert AuditEntry.objects.filter(action="accounts.update_profile").exists()
    assert AuditEntry.objects.filter(action="accounts.set_cccd").exists()


def test_a_verified_cccd_and_an_existing_name_are_never_proposed_for_saving(world):
    """Given a citizen with a name and a verified CCCD, when the form holds another name and CCCD, then
    neither is among the changes to save; a missing name would be."""
    user = world.citizen
    set_cccd(user=user, cccd=CCCD)
    set_assurance_level(actor=None, user=user, level=AssuranceLevel.VERIFIED, source="test")
    spec = make_spec(_fields())
    changes = _profile_changes(user, spec, {"ho_ten": "Người Khác", "cccd": "001099000001"})
    assert changes == {}
    user.full_name = ""
    assert _profile_changes(user, spec, {"ho_ten": "Người Khác"}) == {"full_name": "Người Khác"}
