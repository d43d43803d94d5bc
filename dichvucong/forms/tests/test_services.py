"""Definitions and versions: drafts, publishing (all or nothing), cloning, import/export, field templates."""

from __future__ import annotations

import json

import pytest

from dichvucong.core.models import AuditEntry
from dichvucong.forms import selectors, services
from dichvucong.forms.constants import FormVersionStatus
from dichvucong.forms.errors import FormError
from dichvucong.forms.palette import ui_schema_for
from dichvucong.forms.tests.factories import field, household_fields

pytestmark = pytest.mark.django_db


def _definition(key: str = "ho-khau"):
    return services.create_form_definition(
        key=key,
        name="Tờ khai thay đổi thông tin cư trú",
        owner_agency=None,
        actor=None,
        ui_schema=ui_schema_for(household_fields()),
    )


def test_saving_compiles_the_schema_from_the_fields() -> None:
    """Given a new definition, then its draft v1 has a JSON Schema with one property per value field."""
    version = selectors.get_draft(_definition())
    assert version.number == 1 and version.status == FormVersionStatus.DRAFT
    assert "ho_ten" in version.schema["properties"] and "nguoi_khai" not in version.schema["properties"]


def test_publishing_freezes_and_the_next_save_opens_a_new_draft() -> None:
    """Given v1 published, when the fields are saved again, then v2 is a draft and v1 is untouched;
    publishing v2 supersedes v1."""
    definition = _definition()
    v1 = services.publish_form_version(version=selectors.get_draft(definition), actor=None)
    v2 = services.save_form_draft(definition=definition, actor=None, ui_schema=ui_schema_for([field("moi")]))
    v1.refresh_from_db()
    assert (v2.number, v2.status, v1.status) == (2, FormVersionStatus.DRAFT, FormVersionStatus.PUBLISHED)
    assert "moi" not in v1.schema["properties"]
    services.publish_form_version(version=v2, actor=None)
    v1.refresh_from_db()
    assert v1.status == FormVersionStatus.SUPERSEDED
    assert AuditEntry.objects.filter(action="form_version.publish").count() == 2


def test_a_published_version_cannot_be_published_or_discarded_again() -> None:
    """Given a published version, then publishing or discarding it is refused."""
    definition = _definition()
    version = services.publish_form_version(version=selectors.get_draft(definition), actor=None)
    with pytest.raises(FormError):
        services.publish_form_version(version=version, actor=None)
    with pytest.raises(FormError):
        services.discard_form_draft(version=version, actor=None)


def test_an_invalid_save_changes_nothing_and_names_the_path() -> None:
    """Given a draft, when fields with an unknown binding are saved, then FormError lists the path
    and the draft is unchanged."""
    definition = _definition()
    before = selectors.get_draft(definition).ui_schema
    with pytest.raises(FormError) as caught:
        services.save_form_draft(
            definition=definition, actor=None, ui_schema=ui_schema_for([field("a", binding="luong")])
        )
    assert [problem.path for problem in caught.value.problems] == ["/ui_schema/fields/0/binding"]
    assert selectors.get_draft(definition).ui_schema == before


def test_publishing_checks_the_procedure_documents_and_publishes_nothing_half_way() -> None:
    """Given a draft whose file slot names a document the procedure lacks, when published with the
    procedure's document keys, then it is refused and stays a draft."""
    definition = _definition()
    draft = selectors.get_draft(definition)
    with pytest.raises(FormError) as caught:
        services.publish_form_version(version=draft, actor=None, document_keys={"giay_khai_sinh"})
    assert caught.value.problems[0].path.endswith("/document_key")
    draft.refresh_from_db()
    assert draft.status == FormVersionStatus.DRAFT and draft.published_at is None


def test_an_empty_form_cannot_be_published() -> None:
    """Given a definition without fields, then publishing is refused."""
    definition = services.create_form_definition(key="trong", name="Trống", owner_agency=None, actor=None)
    with pytest.raises(FormError):
        services.publish_form_version(version=selectors.get_draft(definition), actor=None)


def test_export_then_import_round_trips() -> None:
    """Given an exported form, when imported into another definition, then its draft has the same schemas."""
    source = selectors.get_draft(_definition())
    exported = json.dumps(selectors.export_form_version(source), ensure_ascii=False)
    target = services.create_form_definition(key="ban-sao", name="Bản sao", owner_agency=None, actor=None)
    imported = services.import_form_draft(definition=target, payload=exported.encode(), actor=None)
    assert (imported.schema, imported.ui_schema) == (source.schema, source.ui_schema)


def test_importing_an_invalid_schema_reports_its_path() -> None:
    """Given an export whose schema has "minLength": -1, then the import is refused with that path."""
    document = selectors.export_form_version(selectors.get_draft(_definition()))
    document["schema"]["properties"]["ho_ten"]["minLength"] = -1
    with pytest.raises(FormError) as caught:
        services.import_form_draft(definition=_definition("khac"), payload=json.dumps(document), actor=None)
    assert [problem.path for problem in caught.value.problems] == ["/schema/properties/ho_ten/minLength"]


def test_importing_something_else_is_refused() -> None:
    """Given a JSON file that is not a form export, then the import is refused at /format."""
    with pytest.raises(FormError) as caught:
        services.import_form_draft(definition=_definition(), payload=b'{"hello": 1}', actor=None)
    assert caught.value.problems[0].path == "/format"


def test_cloning_copies_the_version_into_a_new_definition() -> None:
    """Given a published city form, when cloned, then the copy has a draft with the same fields."""
    definition = _definition()
    published = services.publish_form_version(version=selectors.get_draft(definition), actor=None)
    copy = services.clone_form_definition(
        source=published, key="ho-khau-phuong", name="Bản của phường", owner_agency=None, actor=None
    )
    assert selectors.get_draft(copy).ui_schema == published.ui_schema


def test_duplicate_keys_are_refused() -> None:
    """Given a definition "ho-khau", when another is created with that key, then FormError."""
    _definition()
    with pytest.raises(FormError):
        _definition()


def test_field_templates_are_checked_and_kept() -> None:
    """Given a valid field, then it is kept as a template; a field without a label is refused."""
    template = services.create_field_template(
        name="Họ tên người nộp", field=field("ho_ten", binding="full_name"), owner_agency=None, actor=None
    )
    assert template.field["binding"] == "full_name"
    with pytest.raises(FormError):
        services.create_field_template(
            name="x", field={"key": "x", "type": "text"}, owner_agency=None, actor=None
        )
