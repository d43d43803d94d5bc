"""The field palette and its translation into JSON Schema 2020-12.

A field in the UI schema (``ui_schema["fields"]``) is a dict::

    {"key": "ho_ten", "type": "text", "label": {"vi": "Họ và tên", "en": "Full name"},
     "help": {"vi": "…", "en": "…"}, "required": true, "binding": "full_name", "locked": false,
     "min_length": 2, "max_length": 100,            # text, long text
     "minimum": 0, "maximum": 10,                    # number, money
     "options": [{"value": "a", "label": {"vi": "…", "en": "…"}}],   # select, radio, checkbox
     "document_key": "to_khai",                      # file slot: the required document it carries
     "fields": […], "min_items": 1, "max_items": 10, # repeating group (no nested groups)
     "visible_if": {"field": "co_con", "equals": true}}

``build_schema`` turns the list into the JSON Schema that validates the data; the builder always
saves both, so the schema is never edited by hand in the builder (an imported schema may carry more).
"""

from __future__ import annotations

from typing import Any

from dichvucong.forms.constants import (
    DEFAULT_LONG_TEXT_MAX,
    DEFAULT_TEXT_MAX,
    LAYOUT_TYPES,
    MAX_GROUP_ITEMS,
    SCHEMA_DIALECT,
    FieldType,
)


def _options(field: dict[str, Any]) -> list[Any]:
    return [option.get("value") for option in field.get("options") or [] if isinstance(option, dict)]


def _title(field: dict[str, Any]) -> str:
    label = field.get("label")
    if isinstance(label, dict):
        return str(label.get("vi") or label.get("en") or field.get("key", ""))
    return str(label or field.get("key", ""))


def field_schema(field: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema of one (non-layout) field."""
    kind = field.get("type")
    schema: dict[str, Any]
    if kind in (FieldType.TEXT, FieldType.LONG_TEXT):
        default_max = DEFAULT_TEXT_MAX if kind == FieldType.TEXT else DEFAULT_LONG_TEXT_MAX
        schema = {"type": "string", "maxLength": int(field.get("max_length") or default_max)}
        if field.get("min_length"):
            schema["minLength"] = int(field["min_length"])
        if field.get("pattern"):
            schema["pattern"] = str(field["pattern"])
    elif kind == FieldType.NUMBER:
        schema = {"type": "number"}
    elif kind == FieldType.MONEY:
        schema = {"type": "integer", "minimum": 0}
    elif kind == FieldType.DATE:
        schema = {"type": "string", "format": "date"}
    elif kind in (FieldType.SELECT, FieldType.RADIO):
        schema = {"type": "string", "enum": _options(field)}
    elif kind == FieldType.CHECKBOX:
        schema = {"type": "array", "items": {"enum": _options(field)}, "uniqueItems": True}
        if field.get("required"):
            schema["minItems"] = 1
    elif kind == FieldType.YES_NO:
        schema = {"type": "boolean"}
    elif kind == FieldType.CONSENT:
        schema = {"type": "boolean", "const": True}
    elif kind == FieldType.ADDRESS:
        schema = {
            "type": "object",
            "properties": {
                "province": {"type": "string", "maxLength": 8},
                "ward": {"type": "string", "format": "vn-ward"},
                "street": {"type": "string", "maxLength": 300},
            },
            "additionalProperties": False,
        }
        if field.get("required"):
            schema["required"] = ["province", "ward", "street"]
    elif kind == FieldType.CCCD:
        schema = {"type": "string", "format": "cccd"}
    elif kind == FieldType.TAX_CODE:
        schema = {"type": "string", "format": "tax-code"}
    elif kind == FieldType.PHONE:
        schema = {"type": "string", "format": "vn-phone"}
    elif kind == FieldType.EMAIL:
        schema = {"type": "string", "format": "email", "maxLength": 254}
    elif kind == FieldType.FILE:
        schema = {"type": "string", "maxLength": 255}
    elif kind == FieldType.GROUP:
        children = [child for child in field.get("fields") or [] if child.get("type") not in LAYOUT_TYPES]
        schema = {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {child["key"]: field_schema(child) for child in children},
                "required": [child["key"] for child in children if child.get("required")],
                "additionalProperties": False,
            },
            "maxItems": int(field.get("max_items") or MAX_GROUP_ITEMS),
        }
        if field.get("min_items"):
            schema["minItems"] = int(field["min_items"])
        elif field.get("required"):
            schema["minItems"] = 1
    else:
        schema = {}
    if kind in (FieldType.NUMBER, FieldType.MONEY):
        for name in ("minimum", "maximum"):
            if field.get(name) not in (None, ""):
                schema[name] = field[name]
    schema["title"] = _title(field)
    return schema


def value_fields(fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [field for field in fields if isinstance(field, dict) and field.get("type") not in LAYOUT_TYPES]


def build_schema(fields: list[dict[str, Any]]) -> dict[str, Any]:
    """The JSON Schema of a whole form: an object with one property per value field, nothing else.

    A required field shown only under a condition (``visible_if``) is required only when the
    condition holds (``if``/``then``)."""
    items = value_fields(fields)
    conditions = []
    required = []
    for field in items:
        if not field.get("required"):
            continue
        condition = field.get("visible_if")
        if isinstance(condition, dict) and condition.get("field"):
            conditions.append(
                {
                    "if": {
                        "properties": {condition["field"]: {"const": condition.get("equals")}},
                        "required": [condition["field"]],
                    },
                    "then": {"required": [field["key"]]},
                }
            )
        else:
            required.append(field["key"])
    schema: dict[str, Any] = {
        "$schema": SCHEMA_DIALECT,
        "type": "object",
        "properties": {field["key"]: field_schema(field) for field in items},
        "required": required,
        "additionalProperties": False,
    }
    if conditions:
        schema["allOf"] = conditions
    return schema


def ui_schema_for(fields: list[dict[str, Any]]) -> dict[str, Any]:
    return {"version": 1, "fields": fields}
