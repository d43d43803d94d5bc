"""Vocabularies of the forms engine: version statuses, field types, profile bindings, error codes, limits."""

from __future__ import annotations

import re

from django.db import models
from django.utils.translation import gettext_lazy as _

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
EXPORT_FORMAT = "dichvucong-form"
EXPORT_FORMAT_VERSION = 1
UI_SCHEMA_VERSION = 1

# Limits of a definition (``check_definition`` reports the JSON path of the first field over them).
MAX_FIELDS = 500
MAX_DEFINITION_BYTES = 1_000_000
MAX_LABEL_CHARS = 500
MAX_HELP_CHARS = 2000
MAX_OPTIONS = 500
MAX_GROUP_ITEMS = 100
DEFAULT_TEXT_MAX = 500
DEFAULT_LONG_TEXT_MAX = 5000
FIELD_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")

# Names of the POSTed controls: ``<prefix>-<key>`` and ``<prefix>-<group>-<row>-<key>``.
DEFAULT_PREFIX = "f"
PREFILL_FIELD = "_prefill"  # signed record of the prefilled values (``<prefix>_prefill``)
FORM_FIELD = "_form"  # signed "<definition key>:<version number>" (``<prefix>_form``)


class FormVersionStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    PUBLISHED = "published", _("Đang áp dụng")
    SUPERSEDED = "superseded", _("Đã thay thế")


class FieldType(models.TextChoices):
    """The builder's palette."""

    TEXT = "text", _("Văn bản ngắn")
    LONG_TEXT = "long_text", _("Văn bản dài")
    NUMBER = "number", _("Số")
    MONEY = "money", _("Số tiền (VNĐ)")
    DATE = "date", _("Ngày")
    SELECT = "select", _("Danh sách chọn")
    RADIO = "radio", _("Chọn một")
    CHECKBOX = "checkbox", _("Chọn nhiều")
    YES_NO = "yes_no", _("Có/Không")
    ADDRESS = "address", _("Địa chỉ")
    CCCD = "cccd", _("Số định danh cá nhân (CCCD)")
    TAX_CODE = "tax_code", _("Mã số thuế")
    PHONE = "phone", _("Số điện thoại")
    EMAIL = "email", _("Thư điện tử")
    FILE = "file", _("Tệp đính kèm")
    GROUP = "group", _("Nhóm lặp lại")
    SECTION = "section", _("Tiêu đề phần")
    CONSENT = "consent", _("Cam kết, đồng ý")


# Field types that carry no value (layout only).
LAYOUT_TYPES = frozenset({FieldType.SECTION})
# Field types that take a list of options.
CHOICE_TYPES = frozenset({FieldType.SELECT, FieldType.RADIO, FieldType.CHECKBOX})
# Field types not allowed inside a repeating group.
NOT_IN_GROUP = frozenset({FieldType.GROUP, FieldType.SECTION, FieldType.FILE, FieldType.ADDRESS})


class Binding(models.TextChoices):
    """Profile attributes a field may bind to (once-only data): prefill plugins answer these names."""

    FULL_NAME = "full_name", _("Họ và tên")
    DATE_OF_BIRTH = "date_of_birth", _("Ngày sinh")
    GENDER = "gender", _("Giới tính")
    CCCD = "cccd", _("Số định danh cá nhân")
    PHONE = "phone", _("Số điện thoại")
    EMAIL = "email", _("Thư điện tử")
    ADDRESS = "address", _("Địa chỉ")
    BUSINESS_TAX_CODE = "business.tax_code", _("Mã số thuế doanh nghiệp")
    BUSINESS_NAME = "business.name", _("Tên doanh nghiệp")


class WalletSource(models.TextChoices):
    """Where a document in the citizen's wallet (kho dữ liệu cá nhân) came from."""

    UPLOADED = "uploaded", _("Người dân tải lên")
    ISSUED = "issued", _("Kết quả giải quyết thủ tục")
    NATIONAL = "national", _("Cơ sở dữ liệu quốc gia")


WALLET_TYPE = re.compile(r"^[a-z][a-z0-9_.-]{0,99}$")
WALLET_PREFIX = "wallet:"  # a file slot's value when a wallet document is reused: "wallet:<id>"


class FormErrorCode(models.TextChoices):
    INVALID_DEFINITION = "invalid_definition", _("Biểu mẫu không hợp lệ")
    FROZEN = "frozen", _("Phiên bản đã công bố")
    DUPLICATE_KEY = "duplicate_key", _("Mã đã được dùng")
    NO_DRAFT = "no_draft", _("Không có bản nháp")
    INVALID_IMPORT = "invalid_import", _("Tệp nhập không hợp lệ")
