"""The one-stop counter in a real browser: a walk-in dossier recorded and its receipt opened, an online
dossier accepted from the queue; each page checked with axe-core (WCAG 2.1 A/AA), the dossier page at
320 px."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import describe, log_in, run_axe, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
def counter(make_officer: Any, make_citizen: Any) -> dict[str, Any]:
    """A counter officer of Bến Thành, the birth registration carried out there, a waiting online dossier."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dichvucong.accounts.constants import AssuranceLevel
    from dichvucong.accounts.services import set_assurance_level
    from dichvucong.agencies.models import Agency
    from dichvucong.dossiers import services
    from dichvucong.procedures.constants import Channel, DurationUnit
    from dichvucong.procedures.tests.factories import make_procedure

    officer = make_officer()
    ward = Agency.objects.get(code="000.50.68.H29")
    procedure = make_procedure(
        code="1.001193",
        name="Đăng ký khai sinh",
        min_assurance_level=AssuranceLevel.BASIC,
        options=(
            (Channel.ONLINE, Decimal("3"), DurationUnit.WORKING_DAYS),
            (Channel.DIRECT, Decimal("3"), DurationUnit.WORKING_DAYS),
        ),
        documents=({"name": "Tờ khai đăng ký khai sinh", "originals": 1},),
        agencies=[ward],
    )
    citizen = make_citizen(full_name="Lê Thị Cúc")
    set_assurance_level(actor=None, user=citizen, level=AssuranceLevel.VERIFIED, source="test")
    document = procedure.current_version.documents.get()
    dossier, _created = services.create_online_dossier(
        user=citizen,
        procedure_code="1.001193",
        agency_code=ward.code,
        form_data={"ho_ten_tre": "Lê Văn Bé"},
        uploads={document.pk: SimpleUploadedFile("to-khai.pdf", PDF, "application/pdf")},
        idempotency_key="browser-1",
    )
    return {"officer": officer, "dossier": dossier}


def _no_violations(page: Any, name: str) -> None:
    violations = run_axe(page)
    screenshot(page, name)
    assert not violations, describe(violations)


def test_walk_in_dossier_is_recorded_and_its_receipt_opens(
    page: Any, context: Any, live_server: Any, counter: dict[str, Any], tmp_path: Path
) -> None:
    """Given a counter officer, when they find the procedure, fill the applicant and upload the scan,
    then the dossier gets a code and a due date, and the receipt link serves a PDF; pages pass axe."""
    log_in(context, live_server, counter["officer"])
    page.goto(f"{live_server.url}/backoffice/tiep-nhan/moi/")
    page.fill("#id_q", "khai sinh")
    page.click("form[role=search] button[type=submit]")
    page.click("a[href='?thu_tuc=1.001193']")
    page.wait_for_selector("#id_name")
    _no_violations(page, "counter-intake-form")
    page.fill("#id_name", "Trần Văn Tư")
    page.fill("#id_id_number", "079012345678")
    page.fill("#id_phone", "0912345678")
    page.fill("#id_content", "Đăng ký khai sinh cho con")
    page.fill("#id_queue_ticket", "A012")
    scan = tmp_path / "to-khai.pdf"
    scan.write_bytes(PDF)
    page.set_input_files("input[type=file]", str(scan))
    page.click("form[enctype] button[type=submit]")
    page.wait_for_selector(".dossier-done")
    code = page.locator(".dossier-done .dossier-code").inner_text().strip()
    assert code.startswith("000.50.68.H29-")
    _no_violations(page, "counter-intake-done")
    link = page.locator(".dossier-done a", has_text="In giấy tiếp nhận")
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF") and code in response.headers["content-disposition"]


def test_online_dossier_is_accepted_from_the_queue_at_320px(
    page: Any, context: Any, live_server: Any, counter: dict[str, Any]
) -> None:
    """Given a waiting online dossier, when the officer opens it from the queue on a 320 px phone and
    accepts it, then its code is shown with the receipt link, the page fits and passes axe."""
    log_in(context, live_server, counter["officer"])
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{live_server.url}/backoffice/tiep-nhan/")
    _no_violations(page, "reception-queue-320")
    page.get_by_role("link", name="Lê Thị Cúc").click()
    page.wait_for_selector("#decide-title")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    _no_violations(page, "dossier-detail-320")
    page.get_by_role("button", name="Tiếp nhận hồ sơ").click()
    page.wait_for_selector(".dossier-done")
    assert page.locator(".dossier-done .dossier-code").inner_text().startswith("000.50.68.H29-")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    _no_violations(page, "dossier-accepted-320")


def test_search_results_and_supplement_pages_pass_axe(
    page: Any, context: Any, live_server: Any, counter: dict[str, Any]
) -> None:
    """Given a waiting online dossier, when the officer searches by name without accents, opens the
    results page and sends an empty supplement request, then the dossier is found, the errors are
    listed and tied to their fields, and each page passes axe."""
    log_in(context, live_server, counter["officer"])
    page.goto(f"{live_server.url}/backoffice/tra-cuu-ho-so/?name=le+thi+cuc")
    assert page.locator(".dossier-table tbody tr").count() == 1
    _no_violations(page, "dossier-search")
    page.goto(f"{live_server.url}/backoffice/tra-ket-qua/")
    _no_violations(page, "dossier-results")
    page.goto(f"{live_server.url}/backoffice/ho-so/{counter['dossier'].pk}/yeu-cau-bo-sung/")
    page.get_by_role("button", name="Gửi yêu cầu bổ sung").click()
    page.wait_for_selector(".error-summary")
    assert page.locator("#id_guided_once").get_attribute("aria-invalid") == "true"
    _no_violations(page, "dossier-supplement-errors")
