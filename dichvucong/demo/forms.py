"""Demo seeder for the forms engine: a published birth-registration declaration (tờ khai đăng ký khai
sinh) attached to the demo ward's birth registration procedure, so the demo citizen applying online
sees an electronic form prefilled from their profile.

Built through the services (``forms.services``, ``procedures.services``) like an admin would; a second
run finds the form attached to the procedure's current version and changes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q

from dichvucong.agencies.models import Agency
from dichvucong.demo.accounts import DEMO_WARD_CODE
from dichvucong.forms import services as form_services
from dichvucong.forms.models import FormDefinition
from dichvucong.forms.palette import ui_schema_for
from dichvucong.procedures import services as catalog_services
from dichvucong.procedures.constants import OnlineLevel, VersionStatus
from dichvucong.procedures.models import Procedure

if TYPE_CHECKING:
    from dichvucong.demo.seeders import SeedContext

FORM_KEY = "to-khai-dang-ky-khai-sinh"
FORM_NAME = "Tờ khai đăng ký khai sinh"
BIRTH_REGISTRATION = "1.001193"  # Thủ tục đăng ký khai sinh (cấp xã)


def _field(key: str, kind: str, vi: str, en: str, **extra: Any) -> dict[str, Any]:
    return {"key": key, "type": kind, "label": {"vi": vi, "en": en}, **extra}


def birth_registration_fields() -> list[dict[str, Any]]:
    """The declaration: who asks (prefilled from the profile), the child, the parents, the address."""
    return [
        _field("nguoi_yeu_cau", "section", "Người yêu cầu", "Requester"),
        _field(
            "ho_ten_nguoi_yeu_cau",
            "text",
            "Họ và tên người yêu cầu",
            "Requester's full name",
            required=True,
            binding="full_name",
            max_length=100,
        ),
        _field(
            "cccd_nguoi_yeu_cau",
            "cccd",
            "Số định danh cá nhân của người yêu cầu",
            "Requester's personal ID number",
            required=True,
            binding="cccd",
        ),
        _field("dien_thoai", "phone", "Số điện thoại", "Phone number", binding="phone"),
        _field("tre", "section", "Người được khai sinh", "The child"),
        _field(
            "ho_ten_tre",
            "text",
            "Họ, chữ đệm, tên của trẻ",
            "Child's full name",
            required=True,
            max_length=100,
        ),
        _field("ngay_sinh_tre", "date", "Ngày, tháng, năm sinh", "Date of birth", required=True),
        _field(
            "gioi_tinh_tre",
            "radio",
            "Giới tính",
            "Sex",
            required=True,
            options=[
                {"value": "male", "label": {"vi": "Nam", "en": "Male"}},
                {"value": "female", "label": {"vi": "Nữ", "en": "Female"}},
            ],
        ),
        _field("noi_sinh", "text", "Nơi sinh", "Place of birth", max_length=300),
        _field("cha_me", "section", "Cha, mẹ của trẻ", "The child's parents"),
        _field(
            "ho_ten_me", "text", "Họ và tên người mẹ", "Mother's full name", required=True, max_length=100
        ),
        _field("cccd_me", "cccd", "Số định danh cá nhân của người mẹ", "Mother's personal ID number"),
        _field("ho_ten_cha", "text", "Họ và tên người cha", "Father's full name", max_length=100),
        _field("cccd_cha", "cccd", "Số định danh cá nhân của người cha", "Father's personal ID number"),
        _field("noi_cu_tru", "address", "Nơi cư trú của cha, mẹ", "Parents' place of residence"),
        _field(
            "cam_doan",
            "consent",
            "Tôi cam đoan nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật.",
            "I declare that the above is true and I am responsible for it before the law.",
            required=True,
        ),
    ]


def _target() -> Procedure | None:
    """Birth registration when the demo ward receives it online, else the first online procedure
    it receives (the small test catalog)."""
    ward = Agency.objects.filter(code=DEMO_WARD_CODE).first()
    if ward is None:
        return None
    online = (
        Procedure.objects.filter(
            current_version__status=VersionStatus.PUBLISHED,
            local_variants__agency=ward,
            local_variants__is_active=True,
        )
        .exclude(current_version__online_level=OnlineLevel.DIRECT)
        .select_related("current_version")
        .distinct()
        .order_by("code")
    )
    return online.filter(Q(code=BIRTH_REGISTRATION)).first() or online.first()


def seed_forms(ctx: SeedContext) -> None:
    """Publish the birth-registration form and attach it to the procedure (once)."""
    procedure = _target()
    if procedure is None:
        ctx.log("forms: no online procedure at the demo ward, skipped")
        return
    definition = FormDefinition.objects.filter(key=FORM_KEY).first()
    if definition is None:
        definition = form_services.create_form_definition(
            key=FORM_KEY, name=FORM_NAME, owner_agency=None, actor=None
        )
    published = definition.versions.filter(status="published").first()
    if published is None:
        published = form_services.save_and_publish_form(
            definition=definition,
            actor=None,
            ui_schema=ui_schema_for(birth_registration_fields()),
            change_note="Biểu mẫu mẫu (dữ liệu demo)",
        )
    if procedure.current_version.form_version_id == published.pk:
        ctx.log(f"forms: {FORM_KEY} already attached to {procedure.code}")
        return
    draft = catalog_services.get_draft(procedure) or catalog_services.start_draft(
        procedure=procedure, actor=None
    )
    catalog_services.choose_form(version=draft, form_version=published, actor=None)
    catalog_services.publish_draft(version=draft, actor=None, change_note="Gắn tờ khai điện tử")
    ctx.log(f"forms: {FORM_KEY} attached to {procedure.code}")
