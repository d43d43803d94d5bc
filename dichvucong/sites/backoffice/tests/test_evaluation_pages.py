"""Back-office evaluation pages: scoped results, follow-ups, kiosk registration."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from dichvucong.accounts.constants import Role
from dichvucong.agencies.tests.factories import make_officer
from dichvucong.evaluations.constants import KIOSK_COOKIE, FollowUpStatus, RatingStage
from dichvucong.evaluations.models import FollowUp, KioskDevice
from dichvucong.evaluations.services import seed_evaluation_criteria
from dichvucong.evaluations.tests.factories import make_received, make_returned, make_world, rate, unhappy
from dichvucong.security.testing import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _criteria() -> None:
    seed_evaluation_criteria()


def _as(user: object) -> Client:
    client = Client()
    login_verified(client, user)
    return client


def test_a_unit_head_sees_the_figures_of_their_agency_only() -> None:
    """Given ratings at two agencies, when a unit head of the first opens the results, then only their
    agency and its officer appear."""
    world, other = make_world(), make_world()
    rate(make_returned(world), stage=RatingStage.RETURN)
    rate(make_returned(other), stage=RatingStage.RETURN)
    head, _a = make_officer(agency=world.agency, role=Role.UNIT_HEAD)
    html = _as(head).get(reverse("backoffice:evaluations")).content.decode()
    assert world.agency.name in html and other.agency.name not in html
    assert world.officer.display_name in html and other.officer.display_name not in html


def test_a_counter_officer_may_not_open_the_results() -> None:
    """Given a counter officer, when they open the results, then 403."""
    world = make_world()
    assert _as(world.officer).get(reverse("backoffice:evaluations")).status_code == 403


def test_a_unit_head_closes_a_follow_up_from_the_list() -> None:
    """Given an unhappy rating, when the unit head opens the follow-ups and closes it with a note, then
    it is closed."""
    world = make_world()
    head, _a = make_officer(agency=world.agency, role=Role.UNIT_HEAD)
    rate(make_received(world), answers=unhappy(), reason="Chờ lâu")
    client = _as(head)
    follow_up = FollowUp.objects.get()
    assert "Chờ lâu" in client.get(reverse("backoffice:evaluation_follow_ups")).content.decode()
    url = reverse("backoffice:evaluation_follow_up_action", args=[follow_up.pk])
    client.post(url, {"action": "close", "note": "Đã gọi điện xin lỗi"})
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.CLOSED and follow_up.note == "Đã gọi điện xin lỗi"


def test_another_agencys_follow_up_is_not_found() -> None:
    """Given a follow-up of another agency, when a unit head acts on it, then 404."""
    world, other = make_world(), make_world()
    rate(make_received(other), answers=unhappy(), reason="Chờ lâu")
    head, _a = make_officer(agency=world.agency, role=Role.UNIT_HEAD)
    url = reverse("backoffice:evaluation_follow_up_action", args=[FollowUp.objects.get().pk])
    assert _as(head).post(url, {"action": "start"}).status_code == 404


def test_an_agency_admin_registers_this_browser_as_a_kiosk() -> None:
    """Given an agency admin, when they register a kiosk, then the device exists and its secret cookie
    is set for the kiosk paths only, HttpOnly."""
    world = make_world()
    admin, _a = make_officer(agency=world.agency, role=Role.AGENCY_ADMIN)
    response = _as(admin).post(
        reverse("backoffice:kiosk_devices"), {"name": "Quầy 1", "agency": world.agency.pk}
    )
    assert response.status_code == 302
    cookie = response.cookies[KIOSK_COOKIE]
    assert cookie["path"] == "/evaluation/" and cookie["httponly"]
    assert KioskDevice.objects.get().name == "Quầy 1"


def test_a_unit_head_cannot_register_kiosks() -> None:
    """Given a unit head, when they open the kiosk registry, then 403."""
    world = make_world()
    head, _a = make_officer(agency=world.agency, role=Role.UNIT_HEAD)
    assert _as(head).get(reverse("backoffice:kiosk_devices")).status_code == 403


def test_a_city_admin_drafts_rewords_and_publishes_the_criteria() -> None:
    """Given the seeded questionnaire, when a city admin makes a draft, rewords "overall" and publishes,
    then version 2 is in force with the new wording and the same key."""
    from dichvucong.evaluations.models import Question
    from dichvucong.evaluations.selectors import get_questionnaire_in_force

    world = make_world()
    admin, _a = make_officer(agency=world.agency, role=Role.CITY_ADMIN)
    client = _as(admin)
    url = reverse("backoffice:evaluation_criteria")
    client.post(url, {"action": "draft"})
    question = Question.objects.get(questionnaire__version=2, index_key="overall")
    client.post(url, {"action": "reword", "question": question.pk, "text": "Nhìn chung, Quý khách hài lòng?"})
    client.post(url, {"action": "publish", "questionnaire": question.questionnaire_id})
    in_force = get_questionnaire_in_force()
    assert in_force.version == 2
    assert in_force.questions.get(index_key="overall").text == "Nhìn chung, Quý khách hài lòng?"
    assert "Nhìn chung" in client.get(url).content.decode()


def test_only_a_city_admin_edits_the_criteria() -> None:
    """Given a unit head, when they open the criteria page, then 403."""
    world = make_world()
    head, _a = make_officer(agency=world.agency, role=Role.UNIT_HEAD)
    assert _as(head).get(reverse("backoffice:evaluation_criteria")).status_code == 403


def test_the_quarter_report_downloads_as_xlsx_with_the_agency_row() -> None:
    """Given a rated returned dossier, when a unit head downloads the report, then the XLSX has the
    agency's row with one rating and a 100% rate."""
    import io

    from openpyxl import load_workbook

    world = make_world()
    rate(make_returned(world), stage=RatingStage.RETURN)
    head, _a = make_officer(agency=world.agency, role=Role.UNIT_HEAD)
    response = _as(head).get(reverse("backoffice:evaluation_export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    row = [cell.value for cell in sheet[3]]
    assert row[:5] == [1, world.agency.code, world.agency.name, 1, 1] and row[8] == 100.0


def test_an_agency_leader_records_verified_points_shown_beside_the_computed_ones() -> None:
    """Given a rated agency, when its leader enters verified points (with one out of range first), then
    the bad entry is refused with 400 and the good one appears on the results page."""
    world = make_world()
    rate(make_returned(world), stage=RatingStage.RETURN)
    leader, _a = make_officer(agency=world.agency, role=Role.AGENCY_LEADER)
    client = _as(leader)
    url = reverse("backoffice:evaluation_verify", args=[world.agency.pk])
    assert "Chỉ số 9" in client.get(url).content.decode()
    points = {f"idx{n}": "2" for n in range(1, 10)}
    assert client.post(url, {**points, "idx9": "5"}).status_code == 400
    assert client.post(url, {**points, "idx9": "1,5"}).status_code == 302
    html = client.get(reverse("backoffice:evaluations")).content.decode()
    assert "17.5 · Xuất sắc" in html


def test_the_quarter_report_downloads_as_pdf_with_the_agency_figures(tmp_path) -> None:
    """Given a rated returned dossier, when a unit head follows the PDF link of the results page, then
    a PDF arrives whose text has the agency, its 766 rate and its score."""
    import re

    from dichvucong.evaluations.tests.test_exports import pdf_text

    world = make_world()
    rate(make_returned(world), stage=RatingStage.RETURN)
    head, _a = make_officer(agency=world.agency, role=Role.UNIT_HEAD)
    client = _as(head)
    html = client.get(reverse("backoffice:evaluations")).content.decode()
    link = re.search(r'href="([^"]*bao-cao\.pdf[^"]*)"', html).group(1).replace("&amp;", "&")
    response = client.get(link)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('.pdf"')
    text = pdf_text(response.content, tmp_path)
    assert world.agency.name in text and " 100 " in text and "Xuất sắc" in text


def test_a_leader_records_that_the_procedures_are_posted_which_lifts_index_6() -> None:
    """Given a ward with published procedures, when its leader records on the verify page that they are
    posted at the office, then index 6 shows 2 instead of 1."""
    world = make_world()
    rate(make_returned(world), stage=RatingStage.RETURN)
    leader, _a = make_officer(agency=world.agency, role=Role.AGENCY_LEADER)
    client = _as(leader)
    url = reverse("backoffice:evaluation_verify", args=[world.agency.pk])
    html = client.get(url).content.decode()
    assert "Niêm yết công khai thủ tục tại trụ sở" in html
    response = client.post(url, {"action": "publicity", "posted": "yes", "publicity_note": "Đủ 12 thủ tục"})
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert "Đã ghi nhận: thủ tục được niêm yết đầy đủ." in html
    from dichvucong.evaluations.periods import current_quarter
    from dichvucong.evaluations.selectors import list_agency_figures

    [row] = list_agency_figures(current_quarter(), agency_ids=[world.agency.pk])
    assert row.indices["idx6"] == 2.0


# --- multi-level administration (E6) ------------------------------------------------------------------


def test_a_ward_admin_cannot_stop_another_wards_kiosk_but_stops_its_own() -> None:
    """Given a kiosk at each of two wards, when the first ward's admin posts the other ward's kiosk,
    then 404 and it stays active; its own kiosk is stopped."""
    from dichvucong.evaluations.tests.factories import make_kiosk

    world, other = make_world(), make_world()
    mine, _s = make_kiosk(world)
    theirs, _t = make_kiosk(other)
    admin, _a = make_officer(agency=world.agency, role=Role.AGENCY_ADMIN)
    client = _as(admin)
    url = reverse("backoffice:kiosk_devices")
    page = client.get(url).content.decode()
    assert mine.name in page and other.agency.name not in page
    assert client.post(url, {"deactivate": theirs.pk}).status_code == 404
    assert client.post(url, {"deactivate": mine.pk}).status_code == 302
    assert KioskDevice.objects.get(pk=mine.pk).active is False
    assert KioskDevice.objects.get(pk=theirs.pk).active is True


def test_a_ward_admin_cannot_register_a_kiosk_for_another_ward() -> None:
    world, other = make_world(), make_world()
    admin, _a = make_officer(agency=world.agency, role=Role.AGENCY_ADMIN)
    response = _as(admin).post(
        reverse("backoffice:kiosk_devices"), {"name": "Quầy lạ", "agency": other.agency.pk}
    )
    assert response.status_code == 400 and not KioskDevice.objects.exists()


def test_a_ward_admin_rewords_its_questions_which_its_applicants_then_see() -> None:
    """Given a ward admin, when they open the criteria page and reword "overall", then the page shows
    the new wording and the portal form of a dossier of that ward asks it; drafting a new version of
    the city questionnaire is refused (403)."""
    from dichvucong.evaluations.models import QuestionWording

    world = make_world()
    admin, _a = make_officer(agency=world.agency, role=Role.AGENCY_ADMIN)
    client = _as(admin)
    url = reverse("backoffice:evaluation_criteria")
    assert world.agency.name in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "action": "wording",
            "agency": world.agency.pk,
            "index_key": "overall",
            "text": "Ông/bà hài lòng chứ?",
        },
    )
    assert response.status_code == 302
    assert "Ông/bà hài lòng chứ?" in client.get(url).content.decode()
    assert client.post(url, {"action": "draft"}).status_code == 403
    dossier = make_returned(world)
    citizen = _as(world.citizen)
    form = citizen.get(reverse("portal:dossier_evaluate", args=[dossier.pk])).content.decode()
    assert "Ông/bà hài lòng chứ?" in form
    assert QuestionWording.objects.get().agency_id == world.agency.pk


def test_a_ward_admin_cannot_reword_another_wards_questions() -> None:
    """Given two wards, when the first ward's admin posts wording for the second, then 404 and nothing
    is stored; asking for the other ward's wording page shows only its own ward."""
    from dichvucong.evaluations.models import QuestionWording

    world, other = make_world(), make_world()
    admin, _a = make_officer(agency=world.agency, role=Role.AGENCY_ADMIN)
    client = _as(admin)
    url = reverse("backoffice:evaluation_criteria")
    response = client.post(
        url, {"action": "wording", "agency": other.agency.pk, "index_key": "overall", "text": "Xâm phạm"}
    )
    assert response.status_code == 404 and not QuestionWording.objects.exists()
    page = client.get(url, {"co-quan": other.agency.pk}).content.decode()
    assert other.agency.name not in page and world.agency.name in page


def test_a_ward_admin_publishes_its_wards_results_and_a_unit_head_may_not() -> None:
    """Given ratings at two wards, when the first ward's admin presses publish, then only that ward's
    figures are published and the page says when; a unit head's publish is refused (403)."""
    from dichvucong.evaluations.models import EvaluationSnapshot

    world, other = make_world(), make_world()
    rate(make_returned(world), stage=RatingStage.RETURN)
    rate(make_returned(other), stage=RatingStage.RETURN)
    admin, _a = make_officer(agency=world.agency, role=Role.AGENCY_ADMIN)
    client = _as(admin)
    url = reverse("backoffice:evaluations")
    assert "Chưa công bố kết quả kỳ này." in client.get(url).content.decode()
    assert client.post(url, {}).status_code == 302
    assert list(EvaluationSnapshot.objects.values_list("agency_id", flat=True)) == [world.agency.pk]
    assert "Đã công bố lần cuối lúc" in client.get(url).content.decode()
    head, _b = make_officer(agency=world.agency, role=Role.UNIT_HEAD)
    assert _as(head).post(url, {}).status_code == 403
