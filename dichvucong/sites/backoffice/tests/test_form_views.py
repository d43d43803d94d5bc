"""Back-office form builder: permissions per role and owner, save/preview/publish, import/export."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from dichvucong.accounts.constants import Role
from dichvucong.agencies.constants import AgencyKind
from dichvucong.agencies.tests.factories import make_agency, make_officer
from dichvucong.forms import selectors, services
from dichvucong.forms.constants import FormVersionStatus
from dichvucong.forms.models import FieldTemplate, FormDefinition
from dichvucong.forms.palette import ui_schema_for
from dichvucong.forms.tests.factories import field, household_fields
from dichvucong.security.testing import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    root = make_agency(kind=AgencyKind.CITY, name="Ủy ban nhân dân Thành phố", code="000.00.00.H29")
    ward = make_agency(parent=root, name="Ủy ban nhân dân Phường Sài Gòn", code="000.50.68.H29")
    other = make_agency(parent=root, name="Ủy ban nhân dân Phường Tân Định", code="000.50.69.H29")
    return {"root": root, "ward": ward, "other": other}


def _client(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def _ui(fields=None) -> str:
    return json.dumps(ui_schema_for(household_fields() if fields is None else fields), ensure_ascii=False)


def _form(key: str, owner=None) -> FormDefinition:
    return services.create_form_definition(
        key=key,
        name=f"Biểu mẫu {key}",
        owner_agency=owner,
        actor=None,
        ui_schema=ui_schema_for([field("ho_ten")]),
    )


def test_officers_without_an_admin_role_are_refused(city):
    """Given a counter officer, when opening the form list, then 403."""
    officer, _ = make_officer(agency=city["ward"], role=Role.COUNTER_OFFICER)
    assert _client(officer).get(reverse("backoffice:forms")).status_code == 403


def test_agency_admins_edit_their_forms_and_only_read_city_forms(city):
    """Given an agency admin of ward A, then A's form is editable, the city form is read-only (save
    refused 403) and ward B's form does not exist for them (404)."""
    admin, _ = make_officer(agency=city["ward"], role=Role.AGENCY_ADMIN)
    client = _client(admin)
    _form("cua-phuong", city["ward"])
    _form("cua-thanh-pho")
    _form("cua-phuong-khac", city["other"])
    listing = client.get(reverse("backoffice:forms")).content.decode()
    assert "cua-phuong" in listing and "cua-thanh-pho" in listing and "cua-phuong-khac" not in listing
    assert (
        client.post(reverse("backoffice:form_save", args=["cua-phuong"]), {"ui_schema": _ui()}).status_code
        == 302
    )
    assert (
        client.post(reverse("backoffice:form_save", args=["cua-thanh-pho"]), {"ui_schema": _ui()}).status_code
        == 403
    )
    assert client.get(reverse("backoffice:form_edit", args=["cua-phuong-khac"])).status_code == 404


def test_an_agency_admin_creates_forms_only_for_their_agencies(city):
    """Given an agency admin, when creating a form for another ward, then it is refused; for their
    own, it opens the builder."""
    admin, _ = make_officer(agency=city["ward"], role=Role.AGENCY_ADMIN)
    client = _client(admin)
    refused = client.post(
        reverse("backoffice:forms"), {"key": "x", "name": "X", "owner_agency": city["other"].pk}
    )
    assert refused.status_code == 400 and not FormDefinition.objects.exists()
    created = client.post(
        reverse("backoffice:forms"), {"key": "to-khai", "name": "Tờ khai", "owner_agency": city["ward"].pk}
    )
    assert created.status_code == 302 and created["Location"] == reverse(
        "backoffice:form_edit", args=["to-khai"]
    )


def test_the_builder_page_carries_the_fields_and_the_palette(city):
    """Given a form, when the builder opens, then the field types, the fields JSON and the preview
    form are on the page."""
    admin, _ = make_officer(agency=city["root"], role=Role.CITY_ADMIN)
    _form("to-khai")
    page = _client(admin).get(reverse("backoffice:form_edit", args=["to-khai"])).content.decode()
    assert 'data-type="cccd"' in page and 'id="fb-data"' in page
    assert 'hx-post="/backoffice/forms/to-khai/preview/"' in page


def test_preview_renders_the_posted_fields_without_saving(city):
    """Given posted fields, when previewed, then the form HTML comes back and the draft is unchanged."""
    admin, _ = make_officer(agency=city["root"], role=Role.CITY_ADMIN)
    definition = _form("to-khai")
    response = _client(admin).post(reverse("backoffice:form_preview", args=["to-khai"]), {"ui_schema": _ui()})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="preview-thanh_vien-0-ho_ten"' in html and "Phường Sài Gòn" in html
    assert "thanh_vien" not in json.dumps(selectors.get_draft(definition).ui_schema)


def test_preview_and_save_report_problems_with_their_path(city):
    """Given a field bound to an unknown attribute, then the preview lists the problem with its path
    and saving is refused (400)."""
    admin, _ = make_officer(agency=city["root"], role=Role.CITY_ADMIN)
    _form("to-khai")
    client = _client(admin)
    bad = _ui([field("ho_ten", binding="luong_thang")])
    preview = client.post(
        reverse("backoffice:form_preview", args=["to-khai"]), {"ui_schema": bad}
    ).content.decode()
    assert "/ui_schema/fields/0/binding" in preview
    saved = client.post(reverse("backoffice:form_save", args=["to-khai"]), {"ui_schema": bad})
    assert saved.status_code == 400 and "/ui_schema/fields/0/binding" in saved.content.decode()


def test_publish_saves_and_publishes_and_history_lists_versions(city):
    """Given a city admin, when publishing the builder's fields twice, then v1 is superseded, v2
    published, both listed."""
    admin, _ = make_officer(agency=city["root"], role=Role.CITY_ADMIN)
    definition = _form("to-khai")
    client = _client(admin)
    url = reverse("backoffice:form_publish", args=["to-khai"])
    assert client.post(url, {"ui_schema": _ui(), "change_note": "Bản đầu"}).status_code == 302
    assert client.post(url, {"ui_schema": _ui([field("moi")]), "change_note": "Rút gọn"}).status_code == 302
    statuses = [(v.number, v.status) for v in selectors.list_versions(definition)]
    assert statuses == [(2, FormVersionStatus.PUBLISHED), (1, FormVersionStatus.SUPERSEDED)]
    page = client.get(reverse("backoffice:form_edit", args=["to-khai"])).content.decode()
    assert "Rút gọn" in page and "Bản đầu" in page
    assert client.get(reverse("backoffice:form_version", args=["to-khai", 1])).status_code == 200


def test_export_and_import_json(city):
    """Given a form exported as JSON, when imported into another form, then that form's draft has
    the same fields."""
    admin, _ = make_officer(agency=city["root"], role=Role.CITY_ADMIN)
    client = _client(admin)
    source = services.create_form_definition(
        key="nguon", name="Nguồn", owner_agency=None, actor=None, ui_schema=ui_schema_for(household_fields())
    )
    _form("dich")
    exported = client.get(reverse("backoffice:form_export", args=["nguon"]))
    assert exported["Content-Disposition"] == 'attachment; filename="nguon-v1.json"'
    upload = SimpleUploadedFile("nguon.json", exported.content, "application/json")
    assert client.post(reverse("backoffice:form_import", args=["dich"]), {"file": upload}).status_code == 302
    target = FormDefinition.objects.get(key="dich")
    assert selectors.get_draft(target).ui_schema == selectors.get_draft(source).ui_schema


def test_field_templates_are_saved_from_the_builder(city):
    """Given a configured field, when saved as a template, then it is stored and offered on the
    builder page."""
    admin, _ = make_officer(agency=city["root"], role=Role.CITY_ADMIN)
    client = _client(admin)
    _form("to-khai")
    body = {"field": json.dumps(field("ho_ten_nguoi_nop", binding="full_name")), "name": "Họ tên người nộp"}
    response = client.post(reverse("backoffice:form_field_template_create"), body)
    assert response.status_code == 201 and FieldTemplate.objects.get().field["binding"] == "full_name"
    page = client.get(reverse("backoffice:form_edit", args=["to-khai"])).content.decode()
    data = json.loads(page.split('<script id="fb-data" type="application/json">')[1].split("</script>")[0])
    assert [template["name"] for template in data["templates"]] == ["Họ tên người nộp"]


def test_ward_options_follow_the_province():
    """Given province 1 (Hà Nội), when anyone asks the public ward list, then the options are Hà Nội's."""
    html = Client().get(reverse("form_ward_options"), {"province": "1"}).content.decode()
    assert "Phường Ba Đình" in html and "Phường Sài Gòn" not in html


def test_a_large_form_previews_every_field(city):
    """Given 150 fields (the builder must handle 100+), when previewed, then every field is rendered once."""
    admin, _ = make_officer(agency=city["root"], role=Role.CITY_ADMIN)
    _form("lon")
    fields = [field(f"truong_{index}", "text", f"Trường số {index}") for index in range(150)]
    html = _client(admin).post(reverse("backoffice:form_preview", args=["lon"]), {"ui_schema": _ui(fields)})
    body = html.content.decode()
    assert body.count('class="field df-field df-field--text"') == 150
    assert 'data-field-count="150"' in body


def test_the_form_list_does_not_query_per_form(city):
    """Given 2 and then 6 forms, when the list is shown, then it takes the same number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    admin, _ = make_officer(agency=city["root"], role=Role.CITY_ADMIN)
    client = _client(admin)
    for index in range(2):
        _form(f"mau-{index}", city["ward"])
    client.get(reverse("backoffice:forms"))  # warm the session and scope caches
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("backoffice:forms"))
    for index in range(2, 6):
        _form(f"mau-{index}", city["other"] if index % 2 else None)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("backoffice:forms"))
    assert len(many) == len(few)
