"""Checks of a form definition before it is saved or published; every problem carries its JSON path.

- the schema is valid JSON Schema 2020-12 (``Draft202012Validator.check_schema``);
- the UI schema is well formed: unique keys of the right shape, known field types and bindings,
  options for choice fields, sane limits, conditions that point at an earlier field, no nested groups;
- every file slot names a required-document key (one of ``document_keys`` when the caller gives them);
- the two agree: every value field is a schema property and every schema property has a field;
- size limits: at most ``MAX_FIELDS`` fields, ``MAX_DEFINITION_BYTES`` of JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from dichvucong.forms.constants import (
    CHOICE_TYPES,
    FIELD_KEY,
    LAYOUT_TYPES,
    MAX_DEFINITION_BYTES,
    MAX_FIELDS,
    MAX_GROUP_ITEMS,
    MAX_HELP_CHARS,
    MAX_LABEL_CHARS,
    MAX_OPTIONS,
    NOT_IN_GROUP,
    WALLET_TYPE,
    Binding,
    FieldType,
)
from dichvucong.forms.errors import Problem

_FIELD_TYPES = frozenset(FieldType.values)
_BINDINGS = frozenset(Binding.values)


def pointer(*parts: object) -> str:
    """A JSON pointer (RFC 6901): ``pointer("ui_schema", "fields", 3)`` → ``/ui_schema/fields/3``."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class _Checker:
    def __init__(self, document_keys: Iterable[str] | None) -> None:
        self.document_keys = None if document_keys is None else frozenset(document_keys)
        self.problems: list[Problem] = []
        self.count = 0

    def add(self, path: str, code: str, message: str) -> None:
        self.problems.append(Problem(path=path, code=code, message=message))

    def check_fields(self, fields: Any, base: tuple[Any, ...], *, in_group: bool) -> list[str]:
        """Checks a list of fields; returns the keys seen (in order)."""
        if not isinstance(fields, list):
            self.add(pointer(*base), "type", _("Danh sách trường phải là một mảng."))
            return []
        keys: list[str] = []
        for index, field in enumerate(fields):
            path = (*base, index)
            self.count += 1
            if self.count > MAX_FIELDS:
                self.add(
                    pointer(*path), "too_many", _("Biểu mẫu có quá %(max)s trường.") % {"max": MAX_FIELDS}
                )
                return keys
            if not isinstance(field, dict):
                self.add(pointer(*path), "type", _("Mỗi trường phải là một đối tượng."))
                continue
            key = field.get("key")
            if not isinstance(key, str) or not FIELD_KEY.match(key):
                self.add(
                    pointer(*path, "key"),
                    "key",
                    _(
                        "Mã trường phải bắt đầu bằng chữ thường, chỉ gồm chữ thường không dấu, số"
                        " và dấu gạch dưới."
                    ),
                )
            elif key in keys:
                self.add(
                    pointer(*path, "key"), "duplicate", _("Mã trường “%(key)s” bị trùng.") % {"key": key}
                )
            else:
                keys.append(key)
            self.check_field(field, path, in_group=in_group, earlier=keys[:-1] if keys else [])
        return keys

    def check_field(
        self, field: dict[str, Any], path: tuple[Any, ...], *, in_group: bool, earlier: list[str]
    ) -> None:
        kind = field.get("type")
        if kind not in _FIELD_TYPES:
            self.add(
                pointer(*path, "type"), "field_type", _("Loại trường “%(type)s” không có.") % {"type": kind}
            )
            return
        if in_group and kind in NOT_IN_GROUP:
            self.add(
                pointer(*path, "type"), "field_type", _("Loại trường này không dùng được trong nhóm lặp lại.")
            )
        label = field.get("label")
        if not isinstance(label, dict) or not str(label.get("vi") or "").strip():
            self.add(pointer(*path, "label", "vi"), "label", _("Trường cần có nhãn tiếng Việt."))
        else:
            for language, text in label.items():
                if len(str(text)) > MAX_LABEL_CHARS:
                    self.add(pointer(*path, "label", language), "too_long", _("Nhãn quá dài."))
        help_text = field.get("help") or {}
        if not isinstance(help_text, dict):
            self.add(pointer(*path, "help"), "type", _('Hướng dẫn phải có dạng {"vi": …, "en": …}.'))
        elif any(len(str(text)) > MAX_HELP_CHARS for text in help_text.values()):
            self.add(pointer(*path, "help"), "too_long", _("Hướng dẫn quá dài."))
        binding = field.get("binding")
        if binding not in (None, "") and binding not in _BINDINGS:
            self.add(
                pointer(*path, "binding"),
                "binding",
                _("Thuộc tính hồ sơ cá nhân “%(binding)s” không có.") % {"binding": binding},
            )
        if kind in CHOICE_TYPES:
            self.check_options(field.get("options"), (*path, "options"))
        for low, high in (("min_length", "max_length"), ("minimum", "maximum"), ("min_items", "max_items")):
            for name in (low, high):
                if field.get(name) not in (None, "") and not _number(field.get(name)):
                    self.add(pointer(*path, name), "limit", _("Giới hạn phải là một số."))
            if _number(field.get(low)) and _number(field.get(high)) and field[low] > field[high]:
                self.add(pointer(*path, low), "limit", _("Giới hạn dưới lớn hơn giới hạn trên."))
        if kind == FieldType.MONEY and _number(field.get("minimum")) and field["minimum"] < 0:
            self.add(pointer(*path, "minimum"), "limit", _("Số tiền không được âm."))
        if _number(field.get("max_items")) and field["max_items"] > MAX_GROUP_ITEMS:
            self.add(
                pointer(*path, "max_items"),
                "limit",
                _("Nhóm lặp lại có tối đa %(max)s dòng.") % {"max": MAX_GROUP_ITEMS},
            )
        if kind == FieldType.FILE:
            document_key = field.get("document_key")
            if not document_key:
                self.add(
                    pointer(*path, "document_key"),
                    "document_key",
                    _("Ô tệp đính kèm phải gắn với một thành phần hồ sơ."),
                )
            elif self.document_keys is not None and document_key not in self.document_keys:
                self.add(
                    pointer(*path, "document_key"),
                    "document_key",
                    _("Thành phần hồ sơ “%(key)s” không có trong thủ tục.") % {"key": document_key},
                )
        wallet_type = field.get("wallet_type")
        if wallet_type not in (None, "") and (
            kind != FieldType.FILE or not isinstance(wallet_type, str) or not WALLET_TYPE.match(wallet_type)
        ):
            self.add(
                pointer(*path, "wallet_type"),
                "wallet_type",
                _("Loại giấy tờ trong kho dữ liệu chỉ dùng cho ô tệp và phải là mã không dấu."),
            )
        condition = field.get("visible_if")
        if condition not in (None, {}) and (
            not isinstance(condition, dict) or condition.get("field") not in earlier
        ):
            self.add(
                pointer(*path, "visible_if", "field"),
                "condition",
                _("Điều kiện hiển thị phải dựa vào một trường đứng trước."),
            )
        if kind == FieldType.GROUP:
            self.check_fields(field.get("fields") or [], (*path, "fields"), in_group=True)

    def check_options(self, options: Any, path: tuple[Any, ...]) -> None:
        if not isinstance(options, list) or not options:
            self.add(pointer(*path), "options", _("Trường lựa chọn cần ít nhất một lựa chọn."))
            return
        if len(options) > MAX_OPTIONS:
            self.add(pointer(*path), "too_many", _("Có quá %(max)s lựa chọn.") % {"max": MAX_OPTIONS})
        seen: set[str] = set()
        for index, option in enumerate(options):
            value = option.get("value") if isinstance(option, dict) else None
            if not isinstance(value, str) or not value.strip():
                self.add(pointer(*path, index, "value"), "options", _("Lựa chọn cần có giá trị."))
            elif value in seen:
                self.add(pointer(*path, index, "value"), "duplicate", _("Giá trị lựa chọn bị trùng."))
            else:
                seen.add(value)


def _schema_problems(schema: Any) -> list[Problem]:
    if not isinstance(schema, dict):
        return [Problem(pointer("schema"), "schema", _("JSON Schema phải là một đối tượng."))]
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as error:
        return [
            Problem(
                pointer("schema", *error.path),
                "schema",
                _("JSON Schema không hợp lệ ở đây (quy tắc “%(rule)s”).") % {"rule": error.validator},
            )
        ]
    return []


def _consistency_problems(schema: dict[str, Any], fields: list[Any]) -> list[Problem]:
    problems = []
    properties = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
    field_keys = set()
    for index, field in enumerate(fields):
        if (
            not isinstance(field, dict)
            or field.get("type") in LAYOUT_TYPES
            or not isinstance(field.get("key"), str)
        ):
            continue
        field_keys.add(field["key"])
        if field["key"] not in properties:
            problems.append(
                Problem(
                    pointer("ui_schema", "fields", index, "key"),
                    "missing_property",
                    _("Trường “%(key)s” không có trong JSON Schema.") % {"key": field["key"]},
                )
            )
    for name in properties:
        if name not in field_keys:
            problems.append(
                Problem(
                    pointer("schema", "properties", name),
                    "unrendered_property",
                    _("Thuộc tính “%(key)s” không có trường nào để nhập.") % {"key": name},
                )
            )
    if schema.get("type") != "object":
        problems.append(
            Problem(pointer("schema", "type"), "schema", _("Biểu mẫu phải là một đối tượng (type: object)."))
        )
    return problems


def check_definition(
    schema: Any, ui_schema: Any, *, document_keys: Iterable[str] | None = None
) -> list[Problem]:
    """Every problem of a definition, each with the JSON path inside ``{"schema", "ui_schema"}``."""
    size = len(json.dumps({"schema": schema, "ui_schema": ui_schema}, ensure_ascii=False, default=str))
    if size > MAX_DEFINITION_BYTES:
        return [
            Problem(
                "",
                "too_large",
                _("Biểu mẫu quá lớn (%(size)s byte, tối đa %(max)s).")
                % {"size": size, "max": MAX_DEFINITION_BYTES},
            )
        ]
    problems = _schema_problems(schema)
    if not isinstance(ui_schema, dict):
        return [*problems, Problem(pointer("ui_schema"), "ui_schema", _("UI schema phải là một đối tượng."))]
    checker = _Checker(document_keys)
    checker.check_fields(ui_schema.get("fields"), ("ui_schema", "fields"), in_group=False)
    problems.extend(checker.problems)
    if not problems and isinstance(schema, dict):
        problems.extend(_consistency_problems(schema, ui_schema["fields"]))
    return problems
