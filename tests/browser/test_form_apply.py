"""Issue 6 "Done when" in a real browser: a citizen applying for the second time finds the procedure's
form prefilled from their profile (and told where from), attaches a document from their wallet with
one click, sees it in the wallet's access log; the server refuses a crafted submission the browser
would have blocked. Screenshots at 1280 and 320 px, in Vietnamese and English; axe on each page."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import describe, log_in, run_axe, screenshot, set_language

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
CCCD = "079203001234"


@pytest.fixture
def world(transactional_db: None) -> Any:
    """A birth registration with the demo's published form, and a citizen who applied before and
    kept the birth certificate in their wallet."""
    from dichvucong.accounts.services import set_cccd
    from dichvucong.demo.forms import birth_registration_fields
    from dichvucong.dossiers.tests.factories import make_world
    from dichvucong.forms import services as form_services
    from dichvucong.forms.palette import ui_schema_for
    from dichvucong.procedures.models import ProcedureVersion

    world = make_world()
    set_cccd(user=world.citizen, cccd=CCCD)
    definition = form_services.create_form_definition(
        key="to-khai-khai-sinh", name="Tờ khai đăng ký khai sinh", owner_agency=None, actor=None
    )
    form = form_services.save_and_publish_form(
        definition=definition, actor=None, ui_schema=ui_schema_for(birth_registration_fields())
    )
    ProcedureVersion.objects.filter(pk=world.version.pk).update(form_version=form)
    form_services.add_wallet_document(
        owner=world.citizen,
        document_type="giay-chung-sinh",
        title="Giấy chứng sinh",
        content=PDF,
        filename="giay-chung-sinh.pdf",
        content_type="application/pdf",
        actor=world.citizen,
    )
    return world


def _checked(page: Any, name: str) -> None:
    violations = run_axe(page)
    screenshot(page, name)
    assert not violations, describe(violations)


def test_second_application_is_prefilled_reuses_the_wallet_and_refuses_a_crafted_post(
    page: Any, live_server: Any, world: Any
) -> None:
    """Given the citizen's profile and wallet, when they apply: the declaration shows their name and
    CCCD filled in with the source; a crafted POST (a field the form does not have, a date the date
    picker cannot give) is refused by the server with per-field errors and nothing stored; the valid
    one is stored; the birth certificate is attached from the wallet with one click and the use shows
    on the wallet page."""
    from dichvucong.dossiers.models import Dossier

    log_in(page.context, live_server, world.citizen)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/nop-ho-so/{world.procedure.code}/")
    page.get_by_label("Nơi nộp hồ sơ").select_option(world.agency.code)
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    page.wait_for_url("**/to-khai/")
    assert page.get_by_label("Họ và tên người yêu cầu").input_value() == world.citizen.full_name
    assert page.get_by_label("Số định danh cá nhân của người yêu cầu").input_value() == CCCD
    assert "hồ sơ tài khoản của bạn trên Cổng" in page.inner_text("main")
    _checked(page, "form-apply-prefilled-1280-vi")

    # A crafted submission: a control the form does not have and a date no date picker gives.
    page.get_by_label("Họ, chữ đệm, tên của trẻ").fill("Nguyễn Văn Bình")
    page.evaluate(
        """() => {
            const form = document.querySelector('form.apply-form');
            const extra = document.createElement('input');
            extra.type = 'hidden'; extra.name = 'f-da_duyet'; extra.value = '1';
            form.appendChild(extra);
            const date = form.querySelector('[name="f-ngay_sinh_tre"]');
            date.type = 'text'; date.value = '31/02/2026';
            form.noValidate = true;
        }"""
    )
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.wait_for_load_state()
    summary = page.locator(".error-summary").first.inner_text()
    assert "Trường này không có trong biểu mẫu." in summary
    assert "Ngày không đúng." in page.inner_text("main")
    draft = Dossier.objects.get(owner=world.citizen)
    assert "fields" not in draft.form_data
    _checked(page, "form-apply-refused-1280-vi")

    page.goto(f"{live_server.url}/nop-ho-so/{world.procedure.code}/{draft.pk}/to-khai/")
    page.get_by_label("Họ, chữ đệm, tên của trẻ").fill("Nguyễn Văn Bình")
    page.get_by_label("Ngày, tháng, năm sinh").fill("2026-11-01")
    page.get_by_label("Nam", exact=True).check()
    page.get_by_label("Họ và tên người mẹ").fill("Trần Thị Cúc")
    page.get_by_label("Tôi cam đoan", exact=False).check()
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    page.wait_for_url("**/giay-to/")
    draft.refresh_from_db()
    assert draft.form_data["fields"]["ho_ten_tre"] == "Nguyễn Văn Bình"
    _checked(page, "form-apply-documents-1280-vi")
    page.get_by_role("button", name="Dùng “Giấy chứng sinh” từ kho").click()
    page.wait_for_url("**/giay-to/")
    assert "Đã đính kèm giấy tờ từ kho dữ liệu của bạn." in page.inner_text("main")
    assert draft.documents.filter(required_document__name="Giấy chứng sinh").exists()

    page.goto(f"{live_server.url}/ho-so-cua-toi/kho-giay-to/")
    assert "dùng làm “Giấy chứng sinh”" in page.inner_text("main")
    _checked(page, "form-wallet-1280-vi")

    page.set_viewport_size({"width": 320, "height": 800})
    _checked(page, "form-wallet-320-vi")
    page.goto(f"{live_server.url}/nop-ho-so/{world.procedure.code}/{draft.pk}/to-khai/")
    _checked(page, "form-apply-320-vi")
    assert page.evaluate("document.documentElement.scrollWidth <= 320")

    set_language(page.context, live_server, "en")
    page.reload()
    assert "your account profile on the Portal" in page.inner_text("main")
    _checked(page, "form-apply-320-en")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/ho-so-cua-toi/kho-giay-to/")
    assert "My document wallet" in page.inner_text("main")
    _checked(page, "form-wallet-1280-en")
