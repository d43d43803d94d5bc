"""Server-side rendering of a form version to accessible HTML (no JavaScript needed for simple forms).

Every control has a visible ``<label>`` (or a ``<fieldset>``/``<legend>`` for radios, check boxes,
addresses and repeating groups); help, prefill notes and errors are tied to it with
``aria-describedby``, a field in error carries ``aria-invalid``. Names and ids follow the data's JSON
pointer: ``/members/0/ho_ten`` ↔ ``f-members-0-ho_ten``. A repeating group always shows one spare
blank row (ignored when left empty), so rows can be added without JavaScript; ``forms/form.js`` adds
"add/remove row", conditional visibility and ward lists as a progressive enhancement.

The caller wraps the result in its own ``<form method="post" enctype="multipart/form-data"
novalidate>`` with the CSRF token and buttons, and includes ``forms/form.js`` when it wants the
enhancements.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dichvucong.forms import units
from dichvucong.forms.constants import (
    DEFAULT_PREFIX,
    FORM_FIELD,
    MAX_GROUP_ITEMS,
    PREFILL_FIELD,
    WALLET_PREFIX,
    FieldType,
)
from dichvucong.forms.errors import Problem
from dichvucong.forms.prefill import PrefilledValue, WalletChoice, sign_prefill
from dichvucong.forms.spec import FormSpec
from dichvucong.forms.validation import form_token

_AUTOCOMPLETE = {
    "full_name": "name",
    "email": "email",
    "phone": "tel",
    "date_of_birth": "bday",
    "business.name": "organization",
}


def text_in_language(value: Any) -> str:
    """A ``{"vi": …, "en": …}`` text in the current language (Vietnamese when there is no English)."""
    if not isinstance(value, dict):
        return str(value or "")
    language = (get_language() or "vi")[:2]
    return str(value.get(language) or value.get("vi") or value.get("en") or "")


def _join(parts: Sequence[SafeString]) -> SafeString:
    return mark_safe("".join(parts))  # noqa: S308 - every part is built with format_html


class _Renderer:
    def __init__(
        self,
        spec: FormSpec,
        *,
        data: Mapping[str, Any],
        errors: Mapping[str, list[str]],
        prefilled: Mapping[str, PrefilledValue],
        prefix: str,
        ward_options_url: str,
        heading_level: int,
        wallet: Mapping[str, Sequence[WalletChoice]],
    ) -> None:
        self.wallet = wallet
        self.spec = spec
        self.data = data
        self.errors = errors
        self.prefilled = prefilled
        self.prefix = prefix
        self.ward_options_url = ward_options_url
        self.heading_level = heading_level

    # --- helpers ----------------------------------------------------------------------------------

    def dom_id(self, parts: Sequence[Any]) -> str:
        return "-".join([self.prefix, *(str(part) for part in parts)])

    def described(self, dom_id: str, item: dict[str, Any], pointer: str) -> tuple[str, SafeString]:
        """(``aria-describedby`` ids, the help/prefill/error paragraphs)."""
        ids = []
        parts = []
        help_text = text_in_language(item.get("help"))
        if help_text:
            ids.append(f"{dom_id}-help")
            parts.append(format_html('<p class="help" id="{}-help">{}</p>', dom_id, help_text))
        prefilled = self.prefilled.get(pointer)
        if prefilled is not None:
            ids.append(f"{dom_id}-prefill")
            note = (
                _("Lấy từ %(source)s; không sửa được ở đây.")
                if prefilled.locked
                else _("Đã điền sẵn từ %(source)s; bạn có thể sửa nếu chưa đúng.")
            )
            parts.append(
                format_html(
                    '<p class="df-prefilled" id="{}-prefill" data-source="{}">{}</p>',
                    dom_id,
                    prefilled.source,
                    note % {"source": prefilled.label},
                )
            )
        messages = self.errors.get(pointer) or []
        if messages:
            ids.append(f"{dom_id}-error")
            parts.append(
                format_html(
                    '<p class="form-error" id="{}-error"><span class="visually-hidden">{} </span>{}</p>',
                    dom_id,
                    _("Lỗi:"),
                    " ".join(messages),
                )
            )
        return " ".join(ids), _join(parts)

    def attrs(self, dom_id: str, describedby: str, item: dict[str, Any], pointer: str) -> SafeString:
        parts = [format_html('id="{}" name="{}"', dom_id, dom_id)]
        if describedby:
            parts.append(format_html('aria-describedby="{}"', describedby))
        if self.errors.get(pointer):
            parts.append(mark_safe('aria-invalid="true"'))
        if item.get("required"):
            parts.append(mark_safe('aria-required="true"'))
        prefilled = self.prefilled.get(pointer)
        if prefilled is not None and prefilled.locked:
            parts.append(mark_safe("readonly"))
        autocomplete = _AUTOCOMPLETE.get(str(item.get("binding") or ""))
        if autocomplete:
            parts.append(format_html('autocomplete="{}"', autocomplete))
        return mark_safe(" ".join(parts))  # noqa: S308 - built with format_html

    def label_text(self, item: dict[str, Any]) -> SafeString:
        label = text_in_language(item.get("label")) or str(item.get("key", ""))
        if item.get("required"):
            return format_html(
                '{} <span class="df-required" aria-hidden="true">*</span>'
                '<span class="visually-hidden"> ({})</span>',
                label,
                _("bắt buộc"),
            )
        return format_html("{}", label)

    def value_of(self, pointer: str, value: Any) -> Any:
        if value is None and pointer in self.prefilled:
            return self.prefilled[pointer].value
        return value

    def wrapper(self, item: dict[str, Any], dom_id: str, inner: SafeString) -> SafeString:
        condition = item.get("visible_if")
        extra = SafeString("")
        if isinstance(condition, dict) and condition.get("field"):
            extra = format_html(
                ' data-visible-if="{}" data-visible-equals="{}"',
                self.dom_id([condition["field"]]),
                _encode_condition(condition.get("equals")),
            )
        return format_html(
            '<div class="field df-field df-field--{}" id="{}-field" data-key="{}"{}>{}</div>',
            item.get("type"),
            dom_id,
            item.get("key"),
            extra,
            inner,
        )

    # --- fields -----------------------------------------------------------------------------------

    def field(self, item: dict[str, Any], parts: list[Any], value: Any) -> SafeString:
        kind = item.get("type")
        pointer = "/" + "/".join(str(part) for part in parts)
        dom_id = self.dom_id(parts)
        value = self.value_of(pointer, value)
        if kind == FieldType.SECTION:
            return self.section(item)
        if kind == FieldType.GROUP:
            return self.group(item, parts, value)
        if kind == FieldType.ADDRESS:
            return self.wrapper(item, dom_id, self.address(item, parts, pointer, value))
        describedby, notes = self.described(dom_id, item, pointer)
        attrs = self.attrs(dom_id, describedby, item, pointer)
        if kind == FieldType.FILE and self.wallet.get(pointer):
            return self.wrapper(
                item, dom_id, self.wallet_file(item, dom_id, describedby, notes, pointer, value)
            )
        if kind in (FieldType.RADIO, FieldType.CHECKBOX, FieldType.YES_NO):
            return self.wrapper(item, dom_id, self.choices(item, dom_id, describedby, notes, pointer, value))
        if kind == FieldType.CONSENT:
            checked = mark_safe(" checked") if value is True else ""
            inner = format_html(
                '<div class="df-check"><input type="checkbox" value="on" {}{}> '
                '<label for="{}">{}</label></div>{}',
                attrs,
                checked,
                dom_id,
                self.label_text(item),
                notes,
            )
            return self.wrapper(item, dom_id, inner)
        label = format_html('<label class="label" for="{}">{}</label>', dom_id, self.label_text(item))
        control = self.control(item, attrs, value)
        return self.wrapper(item, dom_id, format_html("{}{}{}", label, notes, control))

    def control(self, item: dict[str, Any], attrs: SafeString, value: Any) -> SafeString:
        kind = item.get("type")
        text = "" if value is None else str(value)
        if kind == FieldType.LONG_TEXT:
            return format_html('<textarea class="input" rows="4" {}>{}</textarea>', attrs, text)
        if kind == FieldType.SELECT:
            options = [format_html('<option value="">{}</option>', _("— Chọn —"))]
            for option in item.get("options") or []:
                selected = mark_safe(" selected") if option.get("value") == value else ""
                options.append(
                    format_html(
                        '<option value="{}"{}>{}</option>',
                        option.get("value"),
                        selected,
                        text_in_language(option.get("label")) or option.get("value"),
                    )
                )
            return format_html('<select class="input" {}>{}</select>', attrs, _join(options))
        if kind == FieldType.FILE:
            note = (
                format_html('<p class="muted">{}</p>', _("Đã nhận: %(name)s") % {"name": text})
                if text
                else ""
            )
            return format_html('<input class="input" type="file" {}>{}', attrs, note)
        input_type, mode = {
            FieldType.DATE: ("date", ""),
            FieldType.EMAIL: ("email", ""),
            FieldType.PHONE: ("tel", "tel"),
            FieldType.NUMBER: ("text", "decimal"),
            FieldType.MONEY: ("text", "numeric"),
            FieldType.CCCD: ("text", "numeric"),
            FieldType.TAX_CODE: ("text", ""),
        }.get(kind, ("text", ""))
        extra = format_html(' inputmode="{}"', mode) if mode else ""
        if kind in (FieldType.TEXT, FieldType.LONG_TEXT) and item.get("max_length"):
            extra = format_html('{} maxlength="{}"', extra, item["max_length"])
        control = format_html(
            '<input class="input" type="{}" value="{}" {}{}>', input_type, text, attrs, extra
        )
        if kind == FieldType.MONEY:
            return format_html(
                '<span class="df-money">{} <span aria-hidden="true">{}</span></span>', control, _("đồng")
            )
        return control

    def choices(
        self, item: dict[str, Any], dom_id: str, describedby: str, notes: SafeString, pointer: str, value: Any
    ) -> SafeString:
        kind = item.get("type")
        if kind == FieldType.YES_NO:
            options = [{"value": "yes", "label": _("Có")}, {"value": "no", "label": _("Không")}]
            chosen = {"yes"} if value is True else {"no"} if value is False else set()
        else:
            options = item.get("options") or []
            chosen = set(value) if isinstance(value, list) else {value}
        input_type = "checkbox" if kind == FieldType.CHECKBOX else "radio"
        locked = self.prefilled.get(pointer) is not None and self.prefilled[pointer].locked
        rows = []
        for index, option in enumerate(options):
            option_id = f"{dom_id}-{index}"
            rows.append(
                format_html(
                    '<div class="df-check"><input type="{}" id="{}" name="{}" value="{}"{}{}> '
                    '<label for="{}">{}</label></div>',
                    input_type,
                    option_id,
                    dom_id,
                    option.get("value"),
                    mark_safe(" checked") if option.get("value") in chosen else "",
                    mark_safe(" disabled") if locked and option.get("value") not in chosen else "",
                    option_id,
                    text_in_language(option.get("label")) or option.get("value"),
                )
            )
        invalid = mark_safe(' aria-invalid="true"') if self.errors.get(pointer) else ""
        described = format_html(' aria-describedby="{}"', describedby) if describedby else ""
        return format_html(
            '<fieldset class="df-fieldset" id="{}"{}{}><legend class="label">{}</legend>{}{}</fieldset>',
            dom_id,
            described,
            invalid,
            self.label_text(item),
            notes,
            _join(rows),
        )

    def wallet_file(
        self, item: dict[str, Any], dom_id: str, describedby: str, notes: SafeString, pointer: str, value: Any
    ) -> SafeString:
        """A file slot that offers the person's wallet documents of its type, or a new upload."""
        chosen = (
            value[len(WALLET_PREFIX) :] if isinstance(value, str) and value.startswith(WALLET_PREFIX) else ""
        )
        name = f"{dom_id}-wallet"
        rows = []
        for index, choice in enumerate(self.wallet[pointer]):
            option_id = f"{name}-{index}"
            until = (
                _("còn giá trị đến %(date)s") % {"date": choice.valid_until.strftime("%d/%m/%Y")}
                if choice.valid_until
                else _("không thời hạn")
            )
            rows.append(
                format_html(
                    '<div class="df-check"><input type="radio" id="{}" name="{}" value="{}"{}> '
                    '<label for="{}">{} <span class="muted">({}, {})</span></label></div>',
                    option_id,
                    name,
                    choice.id,
                    mark_safe(" checked") if str(choice.id) == chosen else "",
                    option_id,
                    choice.title,
                    _("trong kho dữ liệu của bạn"),
                    until,
                )
            )
        rows.append(
            format_html(
                '<div class="df-check"><input type="radio" id="{}-new" name="{}" value=""{}> '
                '<label for="{}-new">{}</label></div>',
                name,
                name,
                "" if chosen else mark_safe(" checked"),
                name,
                _("Tải lên tệp mới"),
            )
        )
        upload = format_html(
            '<div class="field"><label class="label" for="{}">{}</label>'
            '<input class="input" type="file" id="{}" name="{}"></div>',
            dom_id,
            _("Tệp mới"),
            dom_id,
            dom_id,
        )
        invalid = mark_safe(' aria-invalid="true"') if self.errors.get(pointer) else ""
        described = format_html(' aria-describedby="{}"', describedby) if describedby else ""
        return format_html(
            '<fieldset class="df-fieldset df-wallet" id="{}-fieldset"{}{}><legend class="label">{}</legend>'
            "{}{}{}</fieldset>",
            dom_id,
            described,
            invalid,
            self.label_text(item),
            notes,
            _join(rows),
            upload,
        )

    def address(self, item: dict[str, Any], parts: list[Any], pointer: str, value: Any) -> SafeString:
        value = value if isinstance(value, dict) else {}
        dom_id = self.dom_id(parts)
        describedby, notes = self.described(dom_id, item, pointer)
        province = str(value.get("province") or item.get("default_province") or units.DEFAULT_PROVINCE)
        sub: list[SafeString] = []
        labels = {
            "province": _("Tỉnh, thành phố"),
            "ward": _("Phường, xã, đặc khu"),
            "street": _("Số nhà, đường, tổ, ấp"),
        }
        for part in ("province", "ward", "street"):
            part_id = f"{dom_id}-{part}"
            part_pointer = f"{pointer}/{part}"
            part_described, part_notes = self.described(part_id, {}, part_pointer)
            attrs = self.attrs(part_id, part_described, {"required": item.get("required")}, part_pointer)
            if part == "province":
                options = [
                    format_html(
                        '<option value="{}"{}>{}</option>',
                        code,
                        mark_safe(" selected") if code == province else "",
                        name,
                    )
                    for code, name in sorted(units.admin_units().provinces.items(), key=lambda pair: pair[1])
                ]
                url = (
                    format_html(' data-ward-url="{}"', self.ward_options_url) if self.ward_options_url else ""
                )
                control = format_html('<select class="input" {}{}>{}</select>', attrs, url, _join(options))
            elif part == "ward":
                control = format_html(
                    '<select class="input" {}>{}</select>',
                    attrs,
                    ward_options(province, selected=value.get("ward")),
                )
            else:
                control = format_html(
                    '<input class="input" type="text" maxlength="300" value="{}" {} '
                    'autocomplete="street-address">',
                    value.get("street") or "",
                    attrs,
                )
            sub.append(
                format_html(
                    '<div class="field"><label class="label" for="{}">{}</label>{}{}</div>',
                    part_id,
                    labels[part],
                    part_notes,
                    control,
                )
            )
        described = format_html(' aria-describedby="{}"', describedby) if describedby else ""
        return format_html(
            '<fieldset class="df-fieldset df-address" id="{}"{}>'
            '<legend class="label">{}</legend>{}{}</fieldset>',
            dom_id,
            described,
            self.label_text(item),
            notes,
            _join(sub),
        )

    def section(self, item: dict[str, Any]) -> SafeString:
        help_text = text_in_language(item.get("help"))
        return format_html(
            '<div class="df-section" id="{}-field" data-key="{}">'
            '<h{} class="df-section__title">{}</h{}>{}</div>',
            self.dom_id([item.get("key")]),
            item.get("key"),
            self.heading_level,
            text_in_language(item.get("label")),
            self.heading_level,
            format_html('<p class="help">{}</p>', help_text) if help_text else "",
        )

    def group(self, item: dict[str, Any], parts: list[Any], value: Any) -> SafeString:
        key = item["key"]
        pointer = f"/{key}"
        dom_id = self.dom_id(parts)
        rows_data = value if isinstance(value, list) else []
        limit = min(int(item.get("max_items") or MAX_GROUP_ITEMS), MAX_GROUP_ITEMS)
        count = max(len(rows_data) + 1, int(item.get("min_items") or 0), 1)
        count = min(count, limit)
        describedby, notes = self.described(dom_id, item, pointer)
        label = text_in_language(item.get("label"))
        rows = []
        for index in range(count):
            row_value = (
                rows_data[index] if index < len(rows_data) and isinstance(rows_data[index], dict) else {}
            )
            children = [
                self.field(child, [key, index, child["key"]], row_value.get(child["key"]))
                for child in item.get("fields") or []
                if isinstance(child, dict) and "key" in child
            ]
            rows.append(
                format_html(
                    '<fieldset class="df-row" data-row="{}"><legend>{} {}</legend>{}</fieldset>',
                    index,
                    label,
                    index + 1,
                    _join(children),
                )
            )
        invalid = mark_safe(' aria-invalid="true"') if self.errors.get(pointer) else ""
        described = format_html(' aria-describedby="{}"', describedby) if describedby else ""
        inner = format_html(
            '<fieldset class="df-fieldset df-group" id="{}" data-max-rows="{}" data-add-label="{}"'
            ' data-remove-label="{}"{}{}>'
            '<legend class="label">{}</legend>{}<p class="help df-group__hint">{}</p>{}</fieldset>',
            dom_id,
            limit,
            _("Thêm dòng"),
            _("Xóa dòng"),
            described,
            invalid,
            self.label_text(item),
            notes,
            _(
                "Dòng để trống sẽ không được tính. Cần thêm dòng: điền dòng cuối rồi gửi,"
                " một dòng trống mới sẽ hiện ra."
            ),
            _join(rows),
        )
        return self.wrapper(item, dom_id, inner)

    def render(self) -> SafeString:
        parts = [
            format_html(
                '<input type="hidden" name="{}" value="{}">', self.prefix + FORM_FIELD, form_token(self.spec)
            )
        ]
        if self.prefilled:
            parts.append(
                format_html(
                    '<input type="hidden" name="{}" value="{}">',
                    self.prefix + PREFILL_FIELD,
                    sign_prefill(self.prefilled),
                )
            )
        for item in self.spec.fields:
            if isinstance(item, dict) and "key" in item:
                parts.append(self.field(item, [item["key"]], self.data.get(item["key"])))
        return format_html('<div class="df-form" data-prefix="{}">{}</div>', self.prefix, _join(parts))


def _encode_condition(value: Any) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return "" if value is None else str(value)


def ward_options(province_code: str, *, selected: str | None = None) -> SafeString:
    """``<option>`` elements for the wards of a province (the empty choice first)."""
    return _join(
        [
            format_html('<option value="">{}</option>', _("— Chọn phường, xã —")),
            format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (unit.code, mark_safe(" selected") if unit.code == selected else "", unit.name)
                    for unit in units.wards_of(province_code)
                ),
            ),
        ]
    )


def render_form(
    spec: FormSpec,
    *,
    data: Mapping[str, Any] | None = None,
    errors: Sequence[Problem] = (),
    prefilled: Mapping[str, PrefilledValue] | None = None,
    prefix: str = DEFAULT_PREFIX,
    ward_options_url: str = "",
    heading_level: int = 2,
    wallet: Mapping[str, Sequence[WalletChoice]] | None = None,
) -> SafeString:
    """The form's controls as HTML (no ``<form>`` tag): values from ``data`` (else the prefill),
    ``errors`` (``Problem``s from ``process_submission``) next to their fields; ``wallet``: documents
    offered per file slot (``prefill.wallet_choices``). Address fields fetch
    ward lists from ``ward_options_url`` (default: the public ``form_ward_options`` page)."""
    if not ward_options_url:
        try:
            ward_options_url = reverse("form_ward_options")
        except NoReverseMatch:
            ward_options_url = ""
    by_path: dict[str, list[str]] = {}
    for problem in errors:
        by_path.setdefault(problem.path, []).append(problem.message)
    return _Renderer(
        spec,
        data=data or {},
        errors=by_path,
        prefilled=prefilled or {},
        prefix=prefix,
        ward_options_url=ward_options_url,
        heading_level=heading_level,
        wallet=wallet or {},
    ).render()


def render_error_summary(
    spec: FormSpec, errors: Sequence[Problem], *, prefix: str = DEFAULT_PREFIX
) -> SafeString:
    """The error summary to put above the form: each error links to its field."""
    if not errors:
        return SafeString("")
    labels = {pointer: text_in_language(item.get("label")) for pointer, item in spec.iter_fields()}
    items = []
    for problem in errors:
        generic = "/" + "/".join(
            "*" if part.isdigit() else part for part in problem.path.strip("/").split("/")
        )
        label = (
            labels.get(problem.path)
            or labels.get(generic)
            or labels.get("/" + problem.path.strip("/").split("/")[0], "")
        )
        if problem.path:
            dom_id = "-".join([prefix, *problem.path.strip("/").split("/")])
            items.append(
                format_html(
                    '<li><a href="#{}">{}{}</a></li>', dom_id, f"{label}: " if label else "", problem.message
                )
            )
        else:
            items.append(format_html("<li>{}</li>", problem.message))
    return format_html(
        '<div class="error-summary" role="alert" data-focus-on-load><h2>{}</h2><ul>{}</ul></div>',
        _("Chưa gửi được, vui lòng kiểm tra:"),
        _join(items),
    )
