"""Checks of a definition: each problem with its JSON path."""

from __future__ import annotations

from dichvucong.forms.definition import check_definition
from dichvucong.forms.palette import build_schema, ui_schema_for
from dichvucong.forms.tests.factories import field, household_fields


def _paths(schema, ui_schema, **kwargs) -> dict[str, str]:
    return {problem.path: problem.code for problem in check_definition(schema, ui_schema, **kwargs)}


def test_a_form_built_from_the_palette_is_valid() -> None:
    """Given the household form built with the palette, when checked, then there is no problem."""
    fields = household_fields()
    assert check_definition(build_schema(fields), ui_schema_for(fields), document_keys={"to_khai_ct01"}) == []


def test_an_invalid_json_schema_is_reported_with_its_path() -> None:
    """Given a property whose type is not a JSON Schema type, then the problem points at it."""
    fields = [field("ho_ten")]
    schema = build_schema(fields)
    schema["properties"]["ho_ten"]["type"] = "chuỗi"
    assert _paths(schema, ui_schema_for(fields)) == {"/schema/properties/ho_ten/type": "schema"}


def test_an_unknown_binding_is_reported_with_its_path() -> None:
    """Given a field bound to an attribute no profile has, then /ui_schema/fields/1/binding is reported."""
    fields = [field("a"), field("b", binding="so_ho_chieu")]
    assert _paths(build_schema(fields), ui_schema_for(fields)) == {"/ui_schema/fields/1/binding": "binding"}


def test_a_file_slot_must_name_a_required_document_of_the_procedure() -> None:
    """Given a file slot without a document key and one with a key the procedure lacks, then both
    are reported."""
    fields = [field("a", "file"), field("b", "file", document_key="khong_co")]
    problems = _paths(build_schema(fields), ui_schema_for(fields), document_keys={"to_khai"})
    assert problems == {
        "/ui_schema/fields/0/document_key": "document_key",
        "/ui_schema/fields/1/document_key": "document_key",
    }


def test_duplicate_keys_options_limits_and_conditions_are_reported() -> None:
    """Given a duplicate key, a select without options, min > max and a condition on a later field,
    then each problem has its own path."""
    fields = [
        field("a", visible_if={"field": "c", "equals": True}),
        field("a"),
        field("b", "select", options=[]),
        field("c", "text", min_length=10, max_length=2),
    ]
    assert _paths(build_schema(fields[2:]), ui_schema_for(fields)) == {
        "/ui_schema/fields/0/visible_if/field": "condition",
        "/ui_schema/fields/1/key": "duplicate",
        "/ui_schema/fields/2/options": "options",
        "/ui_schema/fields/3/min_length": "limit",
    }


def test_nested_groups_are_refused() -> None:
    """Given a repeating group inside a repeating group, then the inner one's type is reported."""
    fields = [field("g", "group", fields=[field("h", "group", fields=[field("x")])])]
    assert (
        _paths({"type": "object"}, ui_schema_for(fields))["/ui_schema/fields/0/fields/0/type"] == "field_type"
    )


def test_schema_and_fields_must_agree() -> None:
    """Given a schema property nobody can fill and a field the schema lacks, then both are reported."""
    fields = [field("a")]
    schema = build_schema([field("b")])
    assert _paths(schema, ui_schema_for(fields)) == {
        "/ui_schema/fields/0/key": "missing_property",
        "/schema/properties/b": "unrendered_property",
    }


def test_too_many_fields_are_refused() -> None:
    """Given 501 fields, then the 501st is reported as over the limit."""
    fields = [field(f"f{index}") for index in range(501)]
    assert _paths(build_schema(fields), ui_schema_for(fields))["/ui_schema/fields/500"] == "too_many"
