"""Portal dossier pages: applying online step by step, my dossiers, a dossier's page, the look-up."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from dichvucong.accounts.constants import AssuranceLevel
from dichvucong.dossiers import services
from dichvucong.dossiers.constants import DossierStatus, ReturnMethod
from dichvucong.dossiers.models import Dossier, DossierDocument
from dichvucong.dossiers.tests.factories import (
    EXE_BYTES,
    World,
    make_received,
    make_submitted,
    make_world,
    pdf,
)
from dichvucong.sites.portal.catalog_views import WARD_COOKIE

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _html(response) -> str:
    return response.content.decode()


def _apply_url(world: World) -> str:
    return reverse("portal:dossier_apply", args=[world.procedure.code])


def _step(dossier: Dossier, step: str) -> str:
    return reverse(
        "portal:dossier_apply_step", kwargs={"code": dossier.procedure.code, "pk": dossier.pk, "step": step}
    )


def _start_draft(client: Client, world: World) -> Dossier:
    response = client.post(
        _apply_url(world),
        {"agency": world.agency.code, "applicant": "self", "phone": "0901234567", "email": "", "address": ""},
    )
    assert response.status_code == 302, _html(response)
    return Dossier.objects.get(owner=world.citizen)


def _ready_draft(client: Client, world: World) -> Dossier:
    dossier = _start_draft(client, world)
    client.post(
        _step(dossier, "to-khai"), {"content": "Đề nghị đăng ký khai sinh cho con", "return_method": 0}
    )
    files = {f"tep-{pk}": pdf(f"giay-{pk}.pdf") for pk in world.required_ids}
    response = client.post(_step(dossier, "giay-to"), {"action": "next", **files})
    assert response.status_code == 302
    return dossier


def _token(html: str) -> str:
    match = re.search(r'name="token" value="([^"]+)"', html)
    assert match, "the submit form has no token"
    return match.group(1)


def _submit_url(dossier: Dossier) -> str:
    return reverse("portal:dossier_submit", args=[dossier.procedure.code, dossier.pk])


# --- Apply online ---------------------------------------------------------------------------------


def test_the_procedure_page_links_to_applying_online(world):
    """Given a procedure that can be filed online, when its page is opened, then the "apply online"
    button leads to /nop-ho-so/<code>/."""
    html = _html(Client().get(reverse("portal:procedure_detail", args=[world.procedure.code])))
    assert f'href="/nop-ho-so/{world.procedure.code}/"' in html


def test_applying_needs_a_signed_in_user(world):
    """Given a visitor, when they open the apply page, then they are sent to log in and come back."""
    response = Client().get(_apply_url(world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login") + "?next=")
    assert f"/nop-ho-so/{world.procedure.code}/" in response["Location"].replace("%2F", "/")


def test_step_one_preselects_the_ward_from_the_cookie_and_the_profile(world):
    """Given the visitor's ward chosen earlier and a profile, when step 1 opens, then the ward is
    selected among the receiving agencies and the contact fields are prefilled."""
    client = _client(world.citizen)
    client.cookies[WARD_COOKIE] = world.other_agency.code
    html = _html(client.get(_apply_url(world)))
    assert f'<option value="{world.other_agency.code}" selected>' in html
    assert f'<option value="{world.agency.code}">' in html
    assert world.citizen.email in html
    assert "Bản thân tôi (Nguyễn Văn An)" in html


def test_a_citizen_goes_through_every_step_and_submits(world):
    """Given a signed-in citizen, when they fill each step and submit, then the dossier is filed
    (status NEW) with their content and files, and the confirmation links to its tracking page."""
    client = _client(world.citizen)
    dossier = _ready_draft(client, world)
    assert dossier.documents.count() == len(world.required_ids)
    review = client.get(_step(dossier, "xem-lai"))
    html = _html(review)
    assert "Đề nghị đăng ký khai sinh cho con" in html and world.agency.name in html
    assert "Trả trực tiếp tại Bộ phận Một cửa" in html
    response = client.post(_submit_url(dossier), {"token": _token(html)}, follow=True)
    page = _html(response)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.NEW and dossier.submitted_at is not None
    assert "Đã nộp hồ sơ thành công" in page
    assert f"http://testserver/ho-so-cua-toi/{dossier.pk}/" in page


def test_a_double_click_or_resent_form_files_only_one_dossier(world):
    """Given the review page's submit form, when it is sent twice with the same token, then there is one
    dossier and both answers land on the same confirmation."""
    client = _client(world.citizen)
    dossier = _ready_draft(client, world)
    token = _token(_html(client.get(_step(dossier, "xem-lai"))))
    first = client.post(_submit_url(dossier), {"token": token})
    second = client.post(_submit_url(dossier), {"token": token})
    expected = reverse("portal:dossier_submitted", args=[dossier.pk])
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == expected
    assert Dossier.objects.filter(owner=world.citizen).count() == 1
    assert Dossier.objects.get(owner=world.citizen).events.filter(action="submitted").count() == 1


def test_each_render_of_the_review_page_has_a_fresh_token(world):
    """Given the review page, when it is rendered twice, then each submit form carries its own token."""
    client = _client(world.citizen)
    dossier = _ready_draft(client, world)
    assert _token(_html(client.get(_step(dossier, "xem-lai")))) != _token(
        _html(client.get(_step(dossier, "xem-lai")))
    )


def test_a_user_below_the_assurance_level_may_save_a_draft_but_not_submit():
    """Given a procedure needing level 2 and a level-1 citizen, when they apply, then the help to raise
    the level is shown, the draft is saved, the review has no submit button and a forced submit is
    refused with the help text."""
    world = make_world(min_assurance_level=AssuranceLevel.VERIFIED)
    client = _client(world.citizen)
    assert "xác thực định danh (mức 2)" in _html(client.get(_apply_url(world)))
    dossier = _ready_draft(client, world)
    html = _html(client.get(_step(dossier, "xem-lai")))
    assert "xác thực định danh (mức 2)" in html and 'name="token"' not in html
    response = client.post(_submit_url(dossier), {"token": "forced-token"})
    assert response.status_code == 400 and "xác thực định danh (mức 2)" in _html(response)
    dossier.refresh_from_db()
    assert dossier.is_draft


def test_a_bad_upload_is_refused_next_to_its_item(world):
    """Given a program renamed to .pdf, when it is uploaded for a document, then the step answers 400
    with the reason tied to that file field and nothing is stored."""
    client = _client(world.citizen)
    dossier = _start_draft(client, world)
    item = world.required_ids[0]
    fake = pdf("giay-chung-sinh.pdf", EXE_BYTES)
    response = client.post(_step(dossier, "giay-to"), {"action": "next", f"tep-{item}": fake})
    html = _html(response)
    assert response.status_code == 400
    assert f'id="id_tep-{item}_errors"' in html and "không khớp với định dạng PDF" in html
    assert f'aria-describedby="id_tep-{item}_helptext id_tep-{item}_errors" aria-invalid="true"' in html
    assert not dossier.documents.exists()


def test_a_zero_byte_and_a_wrong_type_file_are_refused(world):
    """Given an empty PDF and a .exe, when uploaded, then each gets its own clear message."""
    client = _client(world.citizen)
    dossier = _start_draft(client, world)
    first, second = world.required_ids[:2]
    response = client.post(
        _step(dossier, "giay-to"),
        {f"tep-{first}": pdf("rong.pdf", b""), f"tep-{second}": pdf("chuong-trinh.exe", EXE_BYTES)},
    )
    html = _html(response)
    assert "rỗng (0 byte)" in html and "không đúng định dạng cho phép" in html
    assert not dossier.documents.exists()


def test_missing_required_documents_block_the_submission(world):
    """Given a draft without its required files, when the review is submitted, then it stays a draft
    and the missing items are named."""
    client = _client(world.citizen)
    dossier = _start_draft(client, world)
    client.post(_step(dossier, "to-khai"), {"content": "Nội dung", "return_method": 0})
    html = _html(client.get(_step(dossier, "xem-lai")))
    assert "chưa có (bắt buộc)" in html
    response = client.post(_submit_url(dossier), {"token": _token(html)})
    assert response.status_code == 400 and "Giấy chứng sinh" in _html(response)
    dossier.refresh_from_db()
    assert dossier.is_draft


def test_postal_return_needs_an_address(world):
    """Given step 2, when the result is to come by post without an address, then the field error shows
    and nothing is saved."""
    client = _client(world.citizen)
    dossier = _start_draft(client, world)
    response = client.post(
        _step(dossier, "to-khai"), {"content": "Nội dung", "return_method": ReturnMethod.POSTAL}
    )
    assert response.status_code == 400
    assert 'id="id_return_address_errors"' in _html(response)
    dossier.refresh_from_db()
    assert "content" not in dossier.form_data


def test_a_draft_is_resumed_with_what_was_saved(world):
    """Given a draft saved at step 2, when the citizen comes back from "my dossiers", then it is listed
    as a draft and the form shows the saved content and applicant."""
    client = _client(world.citizen)
    dossier = _start_draft(client, world)
    client.post(_step(dossier, "to-khai"), {"content": "Nội dung đã lưu", "return_method": 0})
    listing = _html(client.get(reverse("portal:my_dossiers")))
    assert "Bản nháp" in listing and _step(dossier, "noi-nop") in listing
    assert "Nội dung đã lưu" in _html(client.get(_step(dossier, "to-khai")))
    dossier.refresh_from_db()
    assert dossier.applicant_phone == "0901234567"  # step 2 kept the applicant of step 1


def test_a_user_can_apply_for_an_organisation_they_represent(world):
    """Given a citizen who represents a business, when they apply for it, then the dossier is filed for
    the organisation; a stranger's organisation id is not accepted."""
    from dichvucong.accounts.constants import MembershipRole
    from dichvucong.accounts.models import Membership, Organisation

    org = Organisation.objects.create(
        name="Công ty TNHH Ánh Dương", tax_code="0312345678", address="1 Lê Lợi"
    )
    Membership.objects.create(organisation=org, user=world.citizen, role=MembershipRole.LEGAL_REPRESENTATIVE)
    other = Organisation.objects.create(name="Công ty khác", tax_code="0399999999")
    client = _client(world.citizen)
    assert "Công ty TNHH Ánh Dương" in _html(client.get(_apply_url(world)))
    bad = client.post(_apply_url(world), {"agency": world.agency.code, "applicant": f"org-{other.pk}"})
    assert bad.status_code == 400 and not Dossier.objects.exists()
    client.post(_apply_url(world), {"agency": world.agency.code, "applicant": f"org-{org.pk}"})
    dossier = Dossier.objects.get()
    assert dossier.organisation == org and dossier.applicant_name == "Công ty TNHH Ánh Dương"


# --- Permissions ----------------------------------------------------------------------------------


def test_another_users_dossier_is_not_found_everywhere(world):
    """Given a citizen's dossier and draft, when another citizen opens its pages, files or actions, then
    each answers 404 and nothing changes."""
    dossier = make_submitted(world)
    document = dossier.documents.first()
    draft = services.save_draft(
        user=world.citizen, procedure_version=world.version, agency=world.agency, form_data={}
    )
    client = _client(world.stranger)
    urls = [
        reverse("portal:dossier_detail", args=[dossier.pk]),
        reverse("portal:dossier_file", args=[dossier.pk, document.pk]),
        reverse("portal:dossier_withdraw", args=[dossier.pk]),
        reverse("portal:dossier_submitted", args=[dossier.pk]),
        _step(draft, "to-khai"),
        _step(draft, "xem-lai"),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            reverse("portal:dossier_withdraw", args=[dossier.pk]), {"reason": "x", "confirm": "on"}
        ).status_code
        == 404
    )
    assert client.post(_submit_url(draft), {"token": "t"}).status_code == 404
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.NEW
    assert "Đăng ký khai sinh" not in _html(client.get(reverse("portal:my_dossiers")))


def test_pages_need_a_signed_in_user(world):
    """Given a visitor, when they open my dossiers or a dossier, then they are sent to log in."""
    dossier = make_submitted(world)
    for url in (reverse("portal:my_dossiers"), reverse("portal:dossier_detail", args=[dossier.pk])):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("portal:login"))


# --- My dossiers and a dossier's page -------------------------------------------------------------


def test_my_dossiers_lists_and_filters_by_status_and_text(world):
    """Given a received dossier and a submitted one, when filtering by status "received" or by its
    code, then only the received one shows, with its badge and due date."""
    received = make_received(world)
    make_submitted(world)
    client = _client(world.citizen)
    html = _html(client.get(reverse("portal:my_dossiers")))
    assert html.count('class="card dossier-card"') == 2
    filtered = _html(client.get(reverse("portal:my_dossiers"), {"status": DossierStatus.RECEIVED}))
    assert filtered.count('class="card dossier-card"') == 1 and received.code in filtered
    assert "status-badge--running" in filtered and "Hẹn trả" in filtered
    by_code = _html(client.get(reverse("portal:my_dossiers"), {"q": received.code}))
    assert by_code.count('class="card dossier-card"') == 1
    nothing = _html(client.get(reverse("portal:my_dossiers"), {"q": "khong-co-ho-so-nay"}))
    assert "Không có hồ sơ nào khớp" in nothing


def test_the_dossier_page_shows_each_step_with_officer_role_and_agency(world):
    """Given a dossier received by an officer, when the applicant opens it, then the history lists the
    submission and the reception in order with the officer's name, role and agency, the code and the
    due date."""
    dossier = make_received(world)
    html = _html(_client(world.citizen).get(reverse("portal:dossier_detail", args=[dossier.pk])))
    assert dossier.code in html
    assert html.index("Nộp hồ sơ trực tuyến") < html.index("Tiếp nhận hồ sơ")
    assert world.officer.display_name in html and "Cán bộ một cửa" in html and world.agency.name in html
    assert "Hẹn trả kết quả" in html and "Lưu nháp" not in html


def test_results_are_downloaded_through_the_checked_view_only(world, settings):
    """Given a resolved dossier with a result, when the applicant downloads it, then the file comes as
    an attachment from the dossier view (never a media URL); another citizen gets 404."""
    dossier = make_received(world)
    services.attach_result(
        dossier=dossier, officer=world.officer, upload=pdf("ket-qua.pdf"), title="Giấy khai sinh"
    )
    services.resolve(dossier=dossier, officer=world.officer)
    result = DossierDocument.objects.get(dossier=dossier, kind="result")
    client = _client(world.citizen)
    html = _html(client.get(reverse("portal:dossier_detail", args=[dossier.pk])))
    url = reverse("portal:dossier_file", args=[dossier.pk, result.pk])
    assert "Giấy khai sinh" in html and url in html and settings.MEDIA_URL not in html
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert _client(world.stranger).get(url).status_code == 404


def test_the_applicant_sends_the_requested_supplement(world):
    """Given a supplement request, when the applicant opens the dossier and uploads a file, then the
    request's items were listed and the dossier goes back to being processed."""
    dossier = make_received(world)
    services.request_supplement(
        dossier=dossier,
        officer=world.officer,
        items=[{"title": "Bản sao giấy chứng sinh", "reason": "Bản đã nộp bị mờ"}],
    )
    client = _client(world.citizen)
    html = _html(client.get(reverse("portal:dossier_detail", args=[dossier.pk])))
    assert "Bản sao giấy chứng sinh" in html and "Bản đã nộp bị mờ" in html
    empty = client.post(reverse("portal:dossier_supplement", args=[dossier.pk]), {"note": ""}, follow=True)
    assert "Vui lòng chọn ít nhất một tệp" in _html(empty)
    response = client.post(
        reverse("portal:dossier_supplement", args=[dossier.pk]),
        {"note": "Đã chụp lại", "bo-sung-1": pdf("chung-sinh-ro.pdf")},
        follow=True,
    )
    assert "Đã gửi hồ sơ bổ sung" in _html(response)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.documents.filter(kind="supplement").count() == 1


def test_withdrawing_needs_a_reason_and_a_confirmation(world):
    """Given a submitted dossier, when withdrawn without confirming, then 400 and nothing changes; when
    confirmed with a reason, then it is withdrawn and the reason is in its history."""
    dossier = make_submitted(world)
    client = _client(world.citizen)
    url = reverse("portal:dossier_withdraw", args=[dossier.pk])
    refused = client.post(url, {"reason": "Nộp nhầm thủ tục"})
    assert refused.status_code == 400 and 'id="id_confirm_errors"' in _html(refused)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.NEW
    client.post(url, {"reason": "Nộp nhầm thủ tục", "confirm": "on"})
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.WITHDRAWN
    html = _html(client.get(reverse("portal:dossier_detail", args=[dossier.pk])))
    assert "Nộp nhầm thủ tục" in html and "Rút hồ sơ" in html
    assert url not in html  # nothing more to withdraw


def test_my_dossiers_in_english(world):
    """Given English chosen, when my dossiers opens, then it is in English."""
    make_received(world)
    client = _client(world.citizen)
    client.cookies["dvc_language"] = "en"
    html = _html(client.get(reverse("portal:my_dossiers")))
    assert '<html lang="en"' in html and "My dossiers" in html
    assert "Dossier code" in html and "Due:" in html and "Hẹn trả" not in html


# --- Public look-up -------------------------------------------------------------------------------


def test_the_lookup_shows_only_public_fields_with_a_masked_name(world):
    """Given a received dossier, when its code is looked up (as the QR link does), then the status and
    dates show with the masked name, and no personal data."""
    dossier = make_received(world)
    response = Client().get(reverse("portal:lookup"), {"ma": dossier.code.lower()})
    html = _html(response)
    assert response.status_code == 200
    assert "Nguyễn V** A*" in html and "Được tiếp nhận" in html and dossier.code in html
    assert "Nguyễn Văn An" not in html and world.citizen.email not in html
    assert "autofocus" in html and response["Cache-Control"] == "no-store"


def test_unknown_and_malformed_codes_get_the_same_answer(world):
    """Given no such dossier, when an unknown well-formed code and a malformed one are looked up, then
    both pages say the same thing."""
    make_received(world)

    def result_of(code: str) -> str:
        html = _html(Client().get(reverse("portal:lookup"), {"ma": code}))
        return html[html.index('class="card lookup-result"') : html.index("</section>")]

    unknown = result_of("000.00.00.H29-260101-9999")
    malformed = result_of("<script>alert(1)</script>")
    assert "Không tìm thấy hồ sơ" in unknown and unknown == malformed


def test_an_empty_lookup_shows_only_the_form(world):
    """Given an empty look-up, when the page opens, then only the form shows (no result)."""
    html = _html(Client().get(reverse("portal:lookup")))
    assert 'id="lookup-code"' in html and "lookup-result" not in html


def test_the_receipt_downloads_as_a_pdf_for_the_applicant_only(world):
    """Given a received dossier, when the applicant follows the receipt link, then a PDF named after the
    code comes back; another citizen gets 404."""
    dossier = make_received(world)
    client = _client(world.citizen)
    url = reverse("portal:dossier_receipt", args=[dossier.pk])
    assert url in _html(client.get(reverse("portal:dossier_detail", args=[dossier.pk])))
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and dossier.code in response["Content-Disposition"]
    assert _client(world.stranger).get(url).status_code == 404


def test_a_submitted_dossier_has_no_receipt_yet(world):
    """Given a dossier not yet received (no code), when its page opens, then there is no receipt link
    and the receipt URL answers 404."""
    dossier = make_submitted(world)
    client = _client(world.citizen)
    url = reverse("portal:dossier_receipt", args=[dossier.pk])
    html = _html(client.get(reverse("portal:dossier_detail", args=[dossier.pk])))
    assert url not in html and "chưa cấp" in html
    assert client.get(url).status_code == 404


def test_a_file_can_be_removed_from_a_draft(world):
    """Given a draft with an uploaded file, when the citizen removes it, then it is gone and the item
    shows the upload field again."""
    client = _client(world.citizen)
    dossier = _start_draft(client, world)
    item = world.required_ids[0]
    client.post(_step(dossier, "giay-to"), {f"tep-{item}": pdf("to-khai.pdf")})
    document = dossier.documents.get()
    response = client.post(_step(dossier, "giay-to"), {"remove": document.pk}, follow=True)
    assert "Đã xóa tệp to-khai.pdf" in _html(response)
    assert not dossier.documents.exists()


def test_a_procedure_filed_only_at_the_counter_has_no_online_application(world):
    """Given a procedure that is only filed in person, when its apply URL is opened, then 404."""
    from dichvucong.procedures.constants import OnlineLevel
    from dichvucong.procedures.tests.factories import make_procedure

    counter_only = make_procedure(online_level=OnlineLevel.DIRECT, agencies=[world.agency])
    client = _client(world.citizen)
    assert client.get(reverse("portal:dossier_apply", args=[counter_only.code])).status_code == 404
    assert client.get(reverse("portal:dossier_apply", args=["khong-ton-tai"])).status_code == 404


def test_dossier_pages_have_one_h1_and_no_inline_script_or_style(world):
    """Given each dossier page, when rendered, then it has exactly one h1 and no inline script or style
    (the CSP forbids them)."""
    client = _client(world.citizen)
    draft = _ready_draft(client, world)
    received = make_received(world)
    urls = [
        _apply_url(world),
        *(_step(draft, step) for step in ("noi-nop", "to-khai", "giay-to", "xem-lai")),
        reverse("portal:my_dossiers"),
        reverse("portal:dossier_detail", args=[received.pk]),
        reverse("portal:dossier_withdraw", args=[received.pk]),
        reverse("portal:lookup") + f"?ma={received.code}",
    ]
    for url in urls:
        html = _html(client.get(url))
        assert html.count("<h1") == 1, url
        assert "style=" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html), url
