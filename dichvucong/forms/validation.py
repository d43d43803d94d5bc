"""Reading a POSTed form back into JSON data and validating it on the server (the authority).

``process_submission(spec, request.POST, request.FILES)`` returns the data, the uploaded files by
JSON pointer, and per-field errors (JSON pointer → translated message, keyed by the JSON Schema
keyword, never ``jsonschema``'s English). Crafted submissions are refused with the path of the
problem: a control the form does not have, a row beyond the group's limit, a changed locked
(prefilled) value, a changed or missing form token, a payload over ``FORMS_MAX_SUBMISSION_BYTES``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from dichvucong.forms import units
from dichvucong.forms.constants import (
    DEFAULT_PREFIX,
    FORM_FIELD,
    LAYOUT_TYPES,
    MAX_GROUP_ITEMS,
    PREFILL_FIELD,
    WALLET_PREFIX,
    FieldType,
)
from dichvucong.forms.errors import Problem
from dichvucong.forms.formats import FORMAT_CHECKER, normalize_phone
from dichvucong.forms.prefill import PrefilledValue, WalletChoice, unsign_prefill
from dichvucong.forms.spec import FormSpec

_FORM_SALT = "dichvucong.forms.form"
_MONEY_NOISE = re.compile(r"[\s.,_đ₫]|VND|vnđ", re.IGNORECASE)


def form_token(spec: FormSpec) -> str:
    """The signed form identity put in every rendered form (``<prefix>_form``)."""
    return signing.dumps(f"{spec.key}:{spec.number}", salt=_FORM_SALT)


@dataclass
class SubmissionResult:
    data: dict[str, Any]
    errors: list[Problem]
    files: dict[str, Any] = field(default_factory=dict)
    prefilled: dict[str, PrefilledValue] = field(default_factory=dict)
    # File slots answered with a wallet document: JSON pointer → WalletDocument id (record the use!).
    wallet_documents: dict[str, int] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def errors_by_path(self) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {}
        for problem in self.errors:
            result.setdefault(problem.path, []).append(problem.message)
        return result


# --- messages -------------------------------------------------------------------------------------


def _format_message(name: str) -> str:
    messages = {
        "cccd": _("Số định danh cá nhân phải gồm 12 chữ số, đúng mã tỉnh và năm sinh."),
        "tax-code": _(
            "Mã số thuế phải gồm 10 chữ số (hoặc 13 với đơn vị phụ thuộc) và đúng chữ số kiểm tra."
        ),
        "vn-phone": _("Số điện thoại không đúng (ví dụ: 0912 345 678)."),
        "vn-ward": _("Hãy chọn phường, xã trong danh sách."),
        "email": _("Địa chỉ thư điện tử không đúng (ví dụ: ten@example.vn)."),
        "date": _("Ngày không đúng."),
    }
    return messages.get(name, _("Giá trị không đúng định dạng."))


def _type_message(expected: Any) -> str:
    kinds = set(expected) if isinstance(expected, list) else {expected}
    if "integer" in kinds:
        return _("Hãy nhập một số nguyên, không có phần lẻ.")
    if "number" in kinds:
        return _("Hãy nhập một số.")
    if "boolean" in kinds:
        return _("Hãy chọn Có hoặc Không.")
    return _("Giá trị không đúng kiểu.")


def message_for(error: ValidationError) -> str:
    """A translated message for a ``jsonschema`` error, chosen by its keyword."""
    keyword = error.validator
    value = error.validator_value
    if keyword == "required":
        return _("Đây là thông tin bắt buộc.")
    if keyword == "type":
        return _type_message(value)
    if keyword == "minLength":
        return _("Cần ít nhất %(count)s ký tự.") % {"count": value}
    if keyword == "maxLength":
        return _("Tối đa %(count)s ký tự.") % {"count": value}
    if keyword in ("minimum", "exclusiveMinimum"):
        return _("Giá trị phải từ %(value)s trở lên.") % {"value": value}
    if keyword in ("maximum", "exclusiveMaximum"):
        return _("Giá trị phải từ %(value)s trở xuống.") % {"value": value}
    if keyword == "minItems":
        return _("Cần ít nhất %(count)s mục.") % {"count": value}
    if keyword == "maxItems":
        return _("Nhiều nhất %(count)s mục.") % {"count": value}
    if keyword == "enum":
        return _("Hãy chọn một giá trị trong danh sách.")
    if keyword == "const":
        return _("Bạn cần xác nhận mục này.")
    if keyword == "format":
        return _format_message(str(value))
    if keyword == "pattern":
        return _("Giá trị không đúng mẫu quy định.")
    if keyword == "uniqueItems":
        return _("Các lựa chọn không được trùng nhau.")
    if keyword == "additionalProperties":
        return _("Trường này không có trong biểu mẫu.")
    return _("Giá trị không hợp lệ.")


def _pointer(parts: Any) -> str:
    return "".join(f"/{part}" for part in parts)


def _problems_of(error: ValidationError) -> list[Problem]:
    base = list(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, dict):
        return [
            Problem(_pointer([*base, name]), "required", message_for(error))
            for name in error.validator_value
            if name not in error.instance
        ]
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = set((error.schema or {}).get("properties", {}))
        return [
            Problem(_pointer([*base, name]), "unknown", message_for(error))
            for name in error.instance
            if name not in known
        ]
    if error.validator in ("allOf", "anyOf", "oneOf", "if", "then") and error.context:
        return [problem for sub in error.context for problem in _problems_of(sub)]
    return [Problem(_pointer(base), str(error.validator), message_for(error))]


# --- validation -----------------------------------------------------------------------------------


def _address_problems(spec: FormSpec, data: Mapping[str, Any]) -> list[Problem]:
    problems = []
    for item in spec.fields:
        if not isinstance(item, dict) or item.get("type") != FieldType.ADDRESS:
            continue
        value = data.get(item.get("key"))
        if not isinstance(value, dict) or not isinstance(value.get("ward"), str):
            continue
        unit = units.ward(value["ward"])
        if unit is not None and unit.province_code != value.get("province"):
            problems.append(
                Problem(
                    f"/{item['key']}/ward",
                    "ward_province",
                    _("Phường, xã này không thuộc tỉnh, thành phố đã chọn."),
                )
            )
    return problems


def validate_data(spec: FormSpec, data: Any) -> list[Problem]:
    """Every problem of ``data`` against the form, by JSON pointer, deduplicated, in document order."""
    validator = Draft202012Validator(spec.schema, format_checker=FORMAT_CHECKER)
    problems: list[Problem] = []
    for error in validator.iter_errors(data):
        problems.extend(_problems_of(error))
    if isinstance(data, dict):
        problems.extend(_address_problems(spec, data))
    seen: set[str] = set()
    unique = []
    for problem in problems:
        if problem.path not in seen:  # one message per field: the first is the one to fix
            seen.add(problem.path)
            unique.append(problem)
    return unique


# --- parsing --------------------------------------------------------------------------------------


def _number(raw: str) -> Any:
    text = raw.replace(" ", "").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return raw
    if not number.is_finite():
        return raw
    return int(number) if number == number.to_integral_value() else float(number)


def _money(raw: str) -> Any:
    text = _MONEY_NOISE.sub("", raw)
    return int(text) if text.isascii() and text.isdigit() else raw


def _scalar(item: dict[str, Any], raw: str) -> Any:
    kind = item.get("type")
    if kind == FieldType.NUMBER:
        return _number(raw)
    if kind == FieldType.MONEY:
        return _money(raw)
    if kind == FieldType.YES_NO:
        return {"yes": True, "no": False}.get(raw, raw)
    if kind == FieldType.CONSENT:
        return True if raw in ("on", "yes", "1", "true") else raw
    if kind in (FieldType.CCCD, FieldType.TAX_CODE):
        return raw.replace(" ", "")
    if kind == FieldType.PHONE:
        number = normalize_phone(raw)
        return number if number.isdigit() else raw
    return raw


def _visible(item: dict[str, Any], data: Mapping[str, Any]) -> bool:
    condition = item.get("visible_if")
    if not isinstance(condition, dict) or not condition.get("field"):
        return True
    return data.get(condition["field"]) == condition.get("equals")


class _Parser:
    def __init__(
        self, spec: FormSpec, post: Any, files: Any, prefix: str, wallet: Mapping[str, Any] | None = None
    ) -> None:
        self.wallet = wallet or {}
        self.wallet_used: dict[str, int] = {}
        self.spec = spec
        self.post = post
        self.files = files or {}
        self.prefix = prefix
        self.used: set[str] = set()
        self.problems: list[Problem] = []
        self.uploads: dict[str, Any] = {}

    def name(self, *parts: Any) -> str:
        return "-".join([self.prefix, *(str(part) for part in parts)])

    def take(self, name: str) -> str:
        self.used.add(name)
        value = self.post.get(name, "")
        return value.strip() if isinstance(value, str) else ""

    def value(self, item: dict[str, Any], *parts: Any) -> Any:
        """The field's value, or ``None`` when left empty."""
        kind = item.get("type")
        name = self.name(*parts)
        if kind == FieldType.CHECKBOX:
            self.used.add(name)
            chosen = [value for value in self.post.getlist(name) if value]
            return chosen or None
        if kind == FieldType.ADDRESS:
            address = {part: self.take(f"{name}-{part}") for part in ("province", "ward", "street")}
            address = {part: value for part, value in address.items() if value}
            return address or None
        if kind == FieldType.FILE:
            self.used.add(name)
            pointer = _pointer(parts)
            chosen = self.take(f"{name}-wallet")
            upload = self.files.get(name)
            if upload is not None:  # a new file wins over a wallet choice
                self.uploads[pointer] = upload
                return str(getattr(upload, "name", ""))[:255]
            if not chosen:
                return None
            offered = {str(choice.id) for choice in self.wallet.get(pointer, [])}
            if chosen not in offered:
                self.problems.append(
                    Problem(pointer, "tampered", _("Giấy tờ đã chọn không có trong kho dữ liệu của bạn."))
                )
                return None
            self.wallet_used[pointer] = int(chosen)
            return WALLET_PREFIX + chosen
        raw = self.take(name)
        return _scalar(item, raw) if raw else None

    def group(self, item: dict[str, Any]) -> list[dict[str, Any]] | None:
        key = item["key"]
        children = {
            child["key"]: child
            for child in item.get("fields") or []
            if isinstance(child, dict) and child.get("type") not in LAYOUT_TYPES
        }
        limit = min(int(item.get("max_items") or MAX_GROUP_ITEMS), MAX_GROUP_ITEMS)
        pattern = re.compile(rf"^{re.escape(self.name(key))}-(\d{{1,4}})-([a-z][a-z0-9_]*)$")
        rows: set[int] = set()
        for name in list(self.post.keys()):
            match = pattern.match(name)
            if match is None:
                continue
            index = int(match.group(1))
            if index >= limit:
                self.used.add(name)
                self.problems.append(
                    Problem(
                        f"/{key}/{index}", "too_many_rows", _("Nhiều nhất %(count)s mục.") % {"count": limit}
                    )
                )
                continue
            if match.group(2) in children:
                rows.add(index)
        result = []
        for index in sorted(rows):
            row = {}
            for child_key, child in children.items():
                value = self.value(child, key, index, child_key)
                if value is not None:
                    row[child_key] = value
            if row:  # a blank row (the spare one every form shows) is no entry
                result.append(row)
        return result or None

    def parse(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for item in self.spec.fields:
            if not isinstance(item, dict) or item.get("type") in LAYOUT_TYPES or "key" not in item:
                continue
            value = self.group(item) if item.get("type") == FieldType.GROUP else self.value(item, item["key"])
            if value is not None and _visible(item, data):
                data[item["key"]] = value
        return data

    def unknown(self) -> list[Problem]:
        start = self.prefix + "-"
        names = {name for name in self.post if name.startswith(start)} | {
            name for name in self.files if name.startswith(start)
        }
        problems = []
        for name in sorted(names):
            if name in self.used:
                continue
            path = "/" + name[len(start) :].replace("-", "/")
            problems.append(Problem(path, "unknown", _("Trường này không có trong biểu mẫu.")))
        return problems


def _payload_size(post: Any, prefix: str) -> int:
    size = 0
    for name in post:
        if name.startswith(prefix):
            size += len(name) + sum(len(str(value).encode("utf-8")) for value in post.getlist(name))
    return size


def process_submission(
    spec: FormSpec,
    post: Any,
    files: Any = None,
    *,
    prefix: str = DEFAULT_PREFIX,
    expected_prefill: Mapping[str, PrefilledValue] | None = None,
    wallet: Mapping[str, list[WalletChoice]] | None = None,
) -> SubmissionResult:
    """Parse and validate a POST of a form rendered by ``rendering.render_form`` with the same prefix.

    ``expected_prefill``: the values the server prefilled (recomputed or kept by the caller); when
    not given, the signed record carried by the form is used. A locked prefilled field must come back
    unchanged. ``wallet``: the wallet documents offered per file slot (``prefill.wallet_choices``); a
    slot answered with another document id is refused."""
    limit = settings.FORMS_MAX_SUBMISSION_BYTES
    if _payload_size(post, prefix) > limit:
        return SubmissionResult(
            data={},
            errors=[
                Problem("", "too_large", _("Dữ liệu gửi lên quá lớn (tối đa %(max)s byte).") % {"max": limit})
            ],
        )
    problems: list[Problem] = []
    try:
        same_form = (
            signing.loads(post.get(prefix + FORM_FIELD, ""), salt=_FORM_SALT) == f"{spec.key}:{spec.number}"
        )
    except signing.BadSignature:
        same_form = False
    if not same_form:
        problems.append(
            Problem("", "stale_form", _("Biểu mẫu đã thay đổi hoặc bị sửa; hãy tải lại trang và nhập lại."))
        )
    prefilled: dict[str, PrefilledValue] = dict(expected_prefill or {})
    token = post.get(prefix + PREFILL_FIELD, "")
    if expected_prefill is None and token:
        try:
            prefilled = unsign_prefill(token)
        except signing.BadSignature:
            problems.append(Problem("", "tampered", _("Thông tin điền sẵn đã bị sửa; hãy tải lại trang.")))
    parser = _Parser(spec, post, files, prefix, wallet)
    data = parser.parse()
    problems.extend(parser.problems)
    problems.extend(parser.unknown())
    for path, item in prefilled.items():
        if item.locked and data.get(path.lstrip("/")) != item.value:
            problems.append(
                Problem(
                    path,
                    "tampered",
                    _("Thông tin này lấy từ %(source)s và không được sửa.") % {"source": item.label},
                )
            )
    if len(json.dumps(data, ensure_ascii=False)) > limit:
        problems.append(
            Problem("", "too_large", _("Dữ liệu gửi lên quá lớn (tối đa %(max)s byte).") % {"max": limit})
        )
    if not problems:
        problems = validate_data(spec, data)
    else:
        problems.extend(p for p in validate_data(spec, data) if p.path not in {q.path for q in problems})
    return SubmissionResult(
        data=data,
        errors=problems,
        files=parser.uploads,
        prefilled=prefilled,
        wallet_documents=parser.wallet_used,
    )
