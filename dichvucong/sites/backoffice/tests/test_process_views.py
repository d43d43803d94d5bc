"""Back-office process designer pages: who may see and edit which process, saving drafts with readable
problems, publishing, import of other modelers' files, export, history with diffs, templates and clones."""

from __future__ import annotations

import itertools
import json
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from dichvucong.accounts.constants import Role
from dichvucong.agencies.constants import AgencyKind
from dichvucong.agencies.tests.factories import make_agency, make_officer
from dichvucong.security.testing import login_verified
from dichvucong.workflows import services
from dichvucong.workflows.constants import ProcessVersionStatus
from dichvucong.workflows.models import ProcessDefinition, ProcessVersion

pytestmark = pytest.mark.django_db

HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:dvc="https://dichvucong.vn/schema/bpmn/1.0" id="Defs" targetNamespace="https://dichvucong.vn">'
)


def bpmn(*tasks: tuple[str, str, str | None], process_id: str = "Process_Test") -> str:
    """A straight process start → tasks → end; each task is (id, name, dvc:taskRules attributes or None)."""
    nodes = ["StartEvent_1", *(task_id for task_id, _name, _rules in tasks), "EndEvent_1"]
    parts = [
        HEADER,
        f'<bpmn:process id="{process_id}" isExecutable="true">',
        '<bpmn:startEvent id="StartEvent_1"/>',
    ]
    for task_id, name, rules in tasks:
        extension = (
            f"<bpmn:extensionElements><dvc:taskRules {rules}/></bpmn:extensionElements>" if rules else ""
        )
        parts.append(f'<bpmn:userTask id="{task_id}" name="{name}">{extension}</bpmn:userTask>')
    parts.append('<bpmn:endEvent id="EndEvent_1"/>')
    for n, (source, target) in enumerate(itertools.pairwise(nodes), start=1):
        parts.append(f'<bpmn:sequenceFlow id="Flow_{n}" sourceRef="{source}" targetRef="{target}"/>')
    parts.append("</bpmn:process></bpmn:definitions>")
    return "".join(parts)


RECEPTION = 'stage="reception" role="counter_officer" agency="receiving" budgetHours="4" actions="approve"'
REVIEW = (
    'stage="processing" role="specialist" agency="receiving" budgetHours="16" '
    'actions="approve,return_previous"'
)
VALID = bpmn(("Task_TiepNhan", "Tiếp nhận hồ sơ", RECEPTION), ("Task_ThuLy", "Thụ lý hồ sơ", REVIEW))
MISSING_RULES = bpmn(("Task_TiepNhan", "Tiếp nhận hồ sơ", RECEPTION), ("Task_ThuLy", "Thụ lý hồ sơ", None))

# What a Camunda Modeler user hands over: camunda:* attributes, no dvc rules, an unquoted timer.
CAMUNDA = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn"
  exporter="Camunda Modeler" exporterVersion="5.20.0">
  <bpmn:process id="Process_Camunda" isExecutable="true" camunda:historyTimeToLive="180">
    <bpmn:startEvent id="StartEvent_1"><bpmn:outgoing>Flow_1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Activity_Review" name="Review application" camunda:assignee="demo">
      <bpmn:incoming>Flow_1</bpmn:incoming><bpmn:outgoing>Flow_2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="EndEvent_1"><bpmn:incoming>Flow_2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Activity_Review"/>
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Activity_Review" targetRef="EndEvent_1"/>
  </bpmn:process>
</bpmn:definitions>
"""


@pytest.fixture
def city():
    return make_agency(kind=AgencyKind.CITY, code="000.00.00.H29")


@pytest.fixture
def ward(city):
    return make_agency(parent=city, kind=AgencyKind.WARD, name="UBND Phường Bến Thành")


@pytest.fixture
def other_ward(city):
    return make_agency(parent=city, kind=AgencyKind.WARD, name="UBND Phường Sài Gòn")


@pytest.fixture
def city_admin(city):
    return make_officer(agency=city, role=Role.CITY_ADMIN)[0]


@pytest.fixture
def ward_admin(ward):
    return make_officer(agency=ward, role=Role.AGENCY_ADMIN)[0]


def _client(user) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def _define(key: str, *, owner, bpmn_xml: str = VALID, name: str | None = None) -> ProcessDefinition:
    return services.create_process_definition(
        key=key, name=name or f"Quy trình {key}", owner_agency=owner, actor=None, bpmn_xml=bpmn_xml
    )


def _draft(definition: ProcessDefinition) -> ProcessVersion:
    return definition.versions.get(status=ProcessVersionStatus.DRAFT)


# --- who may see and edit ---------------------------------------------------------------------------


def test_city_admin_lists_every_process(city_admin, ward, other_ward):
    """Given processes of two wards and a city template, the city admin's list shows all three."""
    _define("mau-mot-cua", owner=None, name="Mẫu một cửa")
    _define("ben-thanh", owner=ward, name="Quy trình Bến Thành")
    _define("sai-gon", owner=other_ward, name="Quy trình Sài Gòn")
    page = _client(city_admin).get(reverse("backoffice:processes")).content.decode()
    assert "Mẫu một cửa" in page and "Quy trình Bến Thành" in page and "Quy trình Sài Gòn" in page


def test_agency_admin_lists_their_processes_and_city_templates_read_only(ward_admin, ward, other_ward):
    """Given the same three processes, a ward admin sees their ward's and the template (marked read-only),
    not the other ward's."""
    _define("mau-mot-cua", owner=None, name="Mẫu một cửa")
    _define("ben-thanh", owner=ward, name="Quy trình Bến Thành")
    _define("sai-gon", owner=other_ward, name="Quy trình Sài Gòn")
    page = _client(ward_admin).get(reverse("backoffice:processes")).content.decode()
    assert "Quy trình Bến Thành" in page and "Mẫu một cửa" in page
    assert "Quy trình Sài Gòn" not in page
    template_row = next(row for row in page.split("<tr>") if "Mẫu một cửa" in row)
    assert "Chỉ xem" in template_row


@pytest.mark.parametrize("role", [Role.SPECIALIST, Role.COUNTER_OFFICER, Role.AUDITOR])
def test_officers_who_are_not_admins_are_refused(ward, role):
    """Given an officer without an admin role, every designer page answers 403."""
    officer = make_officer(agency=ward, role=role)[0]
    definition = _define("ben-thanh", owner=ward)
    client = _client(officer)
    assert client.get(reverse("backoffice:processes")).status_code == 403
    assert client.get(reverse("backoffice:process_edit", args=[definition.key])).status_code == 403


def test_another_agencys_process_is_not_found(ward_admin, other_ward):
    """Given a process of another ward, its pages are 404 for the ward admin and nothing changes on save."""
    definition = _define("sai-gon", owner=other_ward)
    client = _client(ward_admin)
    assert client.get(reverse("backoffice:process_edit", args=[definition.key])).status_code == 404
    response = client.post(
        reverse("backoffice:process_save", args=[definition.key]), {"bpmn_xml": MISSING_RULES}
    )
    assert response.status_code == 404
    assert _draft(definition).bpmn_xml == VALID


def test_agency_admin_cannot_change_a_city_template(ward_admin):
    """Given a city template, the ward admin sees it read-only; saving or publishing it is refused (403)."""
    definition = _define("mau-mot-cua", owner=None)
    client = _client(ward_admin)
    page = client.get(reverse("backoffice:process_edit", args=[definition.key])).content.decode()
    assert 'data-readonly="true"' in page
    assert reverse("backoffice:process_save", args=[definition.key]) not in page
    assert (
        client.post(
            reverse("backoffice:process_save", args=[definition.key]), {"bpmn_xml": VALID}
        ).status_code
        == 403
    )
    assert client.post(reverse("backoffice:process_publish", args=[definition.key]), {}).status_code == 403
    assert not definition.versions.filter(status=ProcessVersionStatus.PUBLISHED).exists()


# --- the designer page --------------------------------------------------------------------------------


def test_designer_page_passes_the_diagram_as_data_and_loads_the_bundle(ward_admin, ward):
    """Given a draft, the edit page carries the XML in a JSON data block (no inline script) and loads the
    designer bundle and stylesheet from our static files."""
    definition = _define("ben-thanh", owner=ward)
    page = _client(ward_admin).get(reverse("backoffice:process_edit", args=[definition.key])).content.decode()
    assert 'data-readonly="false"' in page
    assert '<script id="dvc-bpmn-xml" type="application/json">' in page
    assert "Task_ThuLy" in page
    assert "vendor/bpmn/designer.js" in page and "vendor/bpmn/designer.css" in page
    inline = [
        tag
        for tag in re.findall(r"<script[^>]*>", page)
        if "src=" not in tag and "application/json" not in tag
    ]
    assert inline == []


def test_panel_labels_follow_the_interface_language(ward_admin, ward):
    """Given English chosen, the designer's "Processing rules" group and its choices come in English."""
    definition = _define("ben-thanh", owner=ward)
    client = _client(ward_admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("backoffice:process_edit", args=[definition.key])).content.decode()
    config = page.split('<script id="dvc-designer-config" type="application/json">', 1)[1].split(
        "</script>", 1
    )[0]
    labels = json.loads(config)["labels"]
    assert labels["group"] == "Processing rules"
    assert labels["budgetHours"] == "Time allowed (working hours)"


def test_save_stores_the_draft_and_lists_its_problems_linked_to_the_elements(ward_admin, ward):
    """Given a task without processing rules, when the diagram is saved, then the draft holds the XML and the
    page lists a readable problem whose link names that task's element."""
    definition = _define("ben-thanh", owner=ward)
    client = _client(ward_admin)
    response = client.post(
        reverse("backoffice:process_save", args=[definition.key]), {"bpmn_xml": MISSING_RULES}
    )
    assert response.status_code == 302
    draft = _draft(definition)
    assert draft.bpmn_xml == MISSING_RULES and draft.problems
    page = client.get(response["Location"]).content.decode()
    assert 'data-problem-element="Task_ThuLy"' in page
    assert "lỗi cần sửa" in page


def test_saving_without_a_diagram_changes_nothing(ward_admin, ward):
    """Given an empty field (the modeler did not run), the draft is kept and the admin is told why."""
    definition = _define("ben-thanh", owner=ward)
    response = _client(ward_admin).post(
        reverse("backoffice:process_save", args=[definition.key]), {"bpmn_xml": "  "}, follow=True
    )
    assert "Không nhận được sơ đồ" in response.content.decode()
    assert _draft(definition).bpmn_xml == VALID


def test_publish_is_refused_while_the_draft_has_problems(ward_admin, ward):
    """Given a draft with a task lacking rules, publishing answers 400 with the problems,
    publishes nothing."""
    definition = _define("ben-thanh", owner=ward, bpmn_xml=MISSING_RULES)
    response = _client(ward_admin).post(reverse("backoffice:process_publish", args=[definition.key]), {})
    assert response.status_code == 400
    assert 'data-problem-element="Task_ThuLy"' in response.content.decode()
    assert not definition.versions.filter(status=ProcessVersionStatus.PUBLISHED).exists()


def test_publish_saves_the_modelers_xml_then_publishes(ward_admin, ward):
    """Given a draft with problems and a fixed diagram sent with the publish form, then that diagram is
    saved and published as the version in force."""
    definition = _define("ben-thanh", owner=ward, bpmn_xml=MISSING_RULES)
    response = _client(ward_admin).post(
        reverse("backoffice:process_publish", args=[definition.key]), {"bpmn_xml": VALID, "legal_hours": "40"}
    )
    assert response.status_code == 302
    published = definition.versions.get(status=ProcessVersionStatus.PUBLISHED)
    assert published.bpmn_xml == VALID
    assert published.total_budget_hours == Decimal("20")


def test_publish_is_refused_when_the_budgets_exceed_the_legal_time(ward_admin, ward):
    """Given tasks summing to 20 working hours, publishing under a legal time of 8 hours is refused."""
    definition = _define("ben-thanh", owner=ward)
    response = _client(ward_admin).post(
        reverse("backoffice:process_publish", args=[definition.key]), {"legal_hours": "8"}
    )
    assert response.status_code == 400
    assert not definition.versions.filter(status=ProcessVersionStatus.PUBLISHED).exists()


# --- import / export ---------------------------------------------------------------------------------


def _upload(text: str, name: str = "quy-trinh.bpmn") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="application/xml")


def test_import_of_a_camunda_file_gives_readable_problems(ward_admin, ward):
    """Given a file from Camunda Modeler (no dvc rules), when imported, then it becomes the draft and the
    page explains, element by element, what is missing."""
    definition = _define("ben-thanh", owner=ward)
    client = _client(ward_admin)
    response = client.post(
        reverse("backoffice:process_import", args=[definition.key]),
        {"bpmn_file": _upload(CAMUNDA)},
        follow=True,
    )
    page = response.content.decode()
    assert _draft(definition).bpmn_xml == CAMUNDA
    assert 'data-problem-element="Activity_Review"' in page
    assert "Review application" in page


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        ("not xml at all", "quy-trinh.bpmn", "XML"),
        ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>', "bomb.bpmn", "DOCTYPE"),
        (VALID, "quy-trinh.pdf", ".bpmn"),
    ],
)
def test_import_refuses_bad_files_and_keeps_the_draft(ward_admin, ward, content, name, message):
    """Given a file that is not XML, declares entities or has the wrong extension, the import answers 400
    with the reason tied to the file field and the draft is unchanged."""
    definition = _define("ben-thanh", owner=ward)
    response = _client(ward_admin).post(
        reverse("backoffice:process_import", args=[definition.key]), {"bpmn_file": _upload(content, name)}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'aria-describedby="id_bpmn_file_error"' in page
    assert _draft(definition).bpmn_xml == VALID


def test_export_downloads_the_file_and_it_imports_back_unchanged(ward_admin, ward):
    """Given a draft, export downloads it as an attachment; importing that file into another process gives
    the same diagram and the same tasks."""
    definition = _define("ben-thanh", owner=ward)
    other = _define("ben-thanh-2", owner=ward, bpmn_xml=MISSING_RULES)
    client = _client(ward_admin)
    response = client.get(reverse("backoffice:process_export", args=[definition.key]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ben-thanh-v1.bpmn"'
    exported = response.content.decode()
    assert exported == VALID
    client.post(reverse("backoffice:process_import", args=[other.key]), {"bpmn_file": _upload(exported)})
    imported = _draft(other)
    assert imported.bpmn_xml == VALID and not imported.problems
    assert list(imported.task_specs.values_list("bpmn_id", flat=True)) == ["Task_TiepNhan", "Task_ThuLy"]


# --- history, templates and clones ---------------------------------------------------------------------


def test_version_page_shows_what_changed_since_the_previous_version(ward_admin, ward):
    """Given version 1 published and version 2 adding a task and giving review to a unit head, the version 2
    page names the added task and the changed role in words."""
    definition = _define("ben-thanh", owner=ward)
    services.publish_process_version(version=_draft(definition), actor=ward_admin)
    added = bpmn(
        ("Task_TiepNhan", "Tiếp nhận hồ sơ", RECEPTION),
        ("Task_ThuLy", "Thụ lý hồ sơ", REVIEW.replace("specialist", "unit_head")),
        (
            "Task_Ky",
            "Lãnh đạo ký",
            'stage="approval" role="agency_leader" agency="receiving" budgetHours="8" actions="sign"',
        ),
    )
    services.save_process_draft(definition=definition, bpmn_xml=added, actor=ward_admin)
    page = (
        _client(ward_admin)
        .get(reverse("backoffice:process_version", args=[definition.key, 2]))
        .content.decode()
    )
    assert "So với phiên bản 1:" in page
    added_section = page.split("Bước thêm mới", 1)[1].split("</ul>", 1)[0]
    assert "Lãnh đạo ký" in added_section
    changed_section = page.split("Bước thay đổi", 1)[1].split("</ul></li></ul>", 1)[0]
    assert "Thụ lý hồ sơ" in changed_section
    assert "Vai trò xử lý: Chuyên viên → Lãnh đạo phòng" in changed_section


def test_create_from_a_city_template_copies_it_into_the_admins_agency(ward_admin, ward):
    """Given a city template, when the ward admin creates a process from it, then the new process belongs
    to their ward and its draft is the template's diagram."""
    template = _define("mau-mot-cua", owner=None)
    response = _client(ward_admin).post(
        reverse("backoffice:processes"),
        {
            "key": "mot-cua-ben-thanh",
            "name": "Một cửa Bến Thành",
            "owner_agency": ward.pk,
            "template": template.pk,
        },
    )
    assert response.status_code == 302
    created = ProcessDefinition.objects.get(key="mot-cua-ben-thanh")
    assert created.owner_agency == ward
    assert _draft(created).bpmn_xml == VALID


def test_create_blank_gives_a_drawable_process_without_problems(ward_admin, ward):
    """Given no template, the new process starts with one reception task and no problems."""
    response = _client(ward_admin).post(
        reverse("backoffice:processes"), {"key": "moi", "name": "Quy trình mới", "owner_agency": ward.pk}
    )
    assert response.status_code == 302
    draft = _draft(ProcessDefinition.objects.get(key="moi"))
    assert draft.problems == []
    assert "BPMNDiagram" in draft.bpmn_xml


def test_agency_admin_cannot_create_a_process_for_another_agency(ward_admin, other_ward):
    """Given another ward as owner, the form refuses it (400) and nothing is created."""
    response = _client(ward_admin).post(
        reverse("backoffice:processes"),
        {"key": "moi", "name": "Quy trình mới", "owner_agency": other_ward.pk},
    )
    assert response.status_code == 400
    assert not ProcessDefinition.objects.filter(key="moi").exists()


def test_clone_copies_the_published_version_in_one_action(ward_admin, ward):
    """Given a published process, one POST clones it into a new process whose draft is that version."""
    definition = _define("ben-thanh", owner=ward)
    services.publish_process_version(version=_draft(definition), actor=ward_admin)
    response = _client(ward_admin).post(
        reverse("backoffice:process_clone", args=[definition.key]),
        {"key": "ben-thanh-lien-thong", "name": "Bến Thành liên thông", "owner_agency": ward.pk},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:process_edit", args=["ben-thanh-lien-thong"])
    clone = ProcessDefinition.objects.get(key="ben-thanh-lien-thong")
    assert _draft(clone).bpmn_xml == VALID


def test_clone_with_a_used_key_is_refused(ward_admin, ward):
    """Given a key already in use, the clone form answers 400 and no process is added."""
    definition = _define("ben-thanh", owner=ward)
    response = _client(ward_admin).post(
        reverse("backoffice:process_clone", args=[definition.key]),
        {"key": "ben-thanh", "name": "Trùng", "owner_agency": ward.pk},
    )
    assert response.status_code == 400
    assert ProcessDefinition.objects.count() == 1
