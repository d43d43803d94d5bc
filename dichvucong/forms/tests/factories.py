"""Form fields and specs for tests, built with the palette like the builder does."""

from __future__ import annotations

from typing import Any

from dichvucong.forms.palette import build_schema, ui_schema_for
from dichvucong.forms.spec import FormSpec


def field(key: str, kind: str = "text", label: str | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "key": key,
        "type": kind,
        "label": {"vi": label or key.replace("_", " ").capitalize(), "en": key},
        **extra,
    }


def household_fields() -> list[dict[str, Any]]:
    """A household registration form: a section, bound identity fields, a condition, an address,
    a repeating group of members, a file slot and the signature consent."""
    return [
        field("nguoi_khai", "section", "Người khai"),
        field("ho_ten", "text", "Họ và tên", required=True, binding="full_name", max_length=100),
        field("cccd", "cccd", "Số định danh cá nhân", required=True, binding="cccd"),
        field("dien_thoai", "phone", "Số điện thoại", binding="phone"),
        field("thu_dien_tu", "email", "Thư điện tử"),
        field("ngay_sinh", "date", "Ngày sinh"),
        field("le_phi", "money", "Lệ phí đã nộp"),
        field(
            "gioi_tinh",
            "radio",
            "Giới tính",
            options=[{"value": "male", "label": {"vi": "Nam"}}, {"value": "female", "label": {"vi": "Nữ"}}],
        ),
        field("co_thay_doi", "yes_no", "Có thay đổi nơi ở?"),
        field(
            "ly_do",
            "long_text",
            "Lý do thay đổi",
            required=True,
            visible_if={"field": "co_thay_doi", "equals": True},
        ),
        field("dia_chi", "address", "Nơi thường trú", required=True),
        field(
            "thanh_vien",
            "group",
            "Thành viên hộ gia đình",
            max_items=5,
            fields=[
                field("ho_ten", "text", "Họ và tên", required=True),
                field("cccd", "cccd", "Số định danh cá nhân"),
                field(
                    "quan_he",
                    "select",
                    "Quan hệ với chủ hộ",
                    options=[{"value": "con"}, {"value": "vo_chong"}],
                ),
            ],
        ),
        field("to_khai", "file", "Tờ khai", document_key="to_khai_ct01"),
        field("cam_doan", "consent", "Tôi cam đoan những lời khai trên là đúng sự thật", required=True),
    ]


def make_spec(
    fields: list[dict[str, Any]] | None = None, *, key: str = "ho-khau", number: int = 1
) -> FormSpec:
    items = household_fields() if fields is None else fields
    return FormSpec(schema=build_schema(items), ui_schema=ui_schema_for(items), key=key, number=number)


# A real HCMC ward (Phường Sài Gòn) and a ward of Hà Nội (Phường Ba Đình).
HCMC_WARD = "26740"
HANOI_WARD = "4"
