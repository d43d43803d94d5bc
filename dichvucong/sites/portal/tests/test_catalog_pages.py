"""Portal catalog pages: search with filters, lists, the procedure page, FAQ page and "for you"."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from dichvucong.agencies.constants import AgencyKind
from dichvucong.agencies.tests.factories import make_agency, make_citizen
from dichvucong.procedures.constants import CatalogScope, Channel, DurationUnit, OnlineLevel
from dichvucong.procedures.faq import create_faq
from dichvucong.procedures.models import Procedure, RecentView
from dichvucong.procedures.tests.factories import make_field, make_life_event, make_procedure
from dichvucong.sites.portal.catalog_views import WARD_COOKIE

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    city = make_agency(kind=AgencyKind.CITY, name="Ủy ban nhân dân Thành phố", code="000.00.00.H29")
    ward = make_agency(parent=city, name="Ủy ban nhân dân Phường Bến Thành", code="000.50.68.H29")
    other_ward = make_agency(parent=city, name="Ủy ban nhân dân Phường Sài Gòn", code="000.50.69.H29")
    ho_tich = make_field("ho-tich")
    dat_dai = make_field("dat-dai")
    birth = make_procedure(
        code="1.001193",
        name="Đăng ký khai sinh",
        name_en="Birth registration",
        field=ho_tich,
        options=[
            (Channel.DIRECT, Decimal("1"), DurationUnit.WORKING_DAYS),
            (Channel.ONLINE, Decimal("3"), DurationUnit.WORKING_DAYS),
        ],
        fees=[("Lệ phí đăng ký khai sinh", Decimal("0"))],
        fee_exemptions="Trẻ em đăng ký đúng hạn được miễn lệ phí.",
        documents=[
            {
                "name": "Tờ khai đăng ký khai sinh",
                "originals": 1,
                "copies": 0,
                "template_name": "Tờ khai đăng ký khai sinh",
                "template_url": "https://example.org/to-khai-khai-sinh.docx",
            },
            {"name": "Giấy chứng sinh", "originals": 1, "copies": 0},
        ],
        agencies=[ward],
        popularity=10,
    )
    marriage = make_procedure(
        code="1.000894",
        name="Đăng ký kết hôn",
        field=ho_tich,
        fees=[("Lệ phí", Decimal("0"))],
        agencies=[ward],
        popularity=8,
    )
    land = make_procedure(
        code="1.004227",
        name="Đăng ký biến động quyền sử dụng đất",
        field=dat_dai,
        level_ward=False,
        level_city=True,
        online_level=OnlineLevel.PARTIAL,
        fees=[("Lệ phí cấp giấy", Decimal("50000"))],
        options=[(Channel.DIRECT, Decimal("10"), DurationUnit.WORKING_DAYS)],
        agencies=[other_ward],
        popularity=5,
    )
    passport = make_procedure(
        code="2.002154",
        name="Cấp hộ chiếu phổ thông",
        field=make_field("xuat-nhap-canh", name="Xuất nhập cảnh"),
        scope=CatalogScope.CENTRAL,
        national_url="https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=2.002154",
        level_ward=False,
    )
    birth.related.add(marriage)
    event = make_life_event(slug="sinh-con", name="Sinh con", name_en="Having a baby", procedures=[birth])
    return {
        "ward": ward,
        "other_ward": other_ward,
        "birth": birth,
        "marriage": marriage,
        "land": land,
        "passport": passport,
        "event": event,
    }


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_search_without_accents_finds_the_procedure_with_its_fee_and_time(catalog):
    """Given the catalog, when searching "dang ky khai sinh", then the birth registration is listed
    with its code, field, online level, processing time and fee summary."""
    html = _html(Client().get(reverse("portal:procedure_search"), {"q": "dang ky khai sinh"}))
    first_card = html[html.index('class="procedure-card"') :]
    assert "Đăng ký khai sinh" in first_card[: first_card.index("</li>")]
    assert "1.001193" in html and "Hộ tịch" in html
    assert "Dịch vụ công trực tuyến toàn trình" in html
    assert "1 ngày làm việc" in html and "Miễn phí" in html
    assert 'href="/thu-tuc/1.001193/"' in html


def test_field_filter_narrows_the_results(catalog):
    """Given procedures in two fields, when filtering by field "dat-dai", then only the land one shows."""
    html = _html(Client().get(reverse("portal:procedure_search"), {"q": "dang ky", "field": "dat-dai"}))
    assert "Đăng ký biến động quyền sử dụng đất" in html
    assert "Đăng ký khai sinh" not in html and "Đăng ký kết hôn" not in html


def test_unknown_filter_values_are_ignored_not_errors(catalog):
    """Given a stale link with an unknown field and a bad page, when opened, then results still show."""
    html = _html(
        Client().get(reverse("portal:procedure_search"), {"q": "khai sinh", "field": "khong-co", "page": "x"})
    )
    assert "Đăng ký khai sinh" in html


def test_no_results_offers_help_life_events_and_the_assistant(catalog):
    """Given a query that matches nothing, when searching, then the page explains how to phrase it,
    offers life events and a link to the assistant carrying the question."""
    html = _html(Client().get(reverse("portal:procedure_search"), {"q": "zzqxw vvkk"}))
    assert "Không tìm thấy thủ tục phù hợp" in html
    assert reverse("portal:procedures_by_life_event", args=["sinh-con"]) in html
    assert reverse("portal:assistant") + "?q=zzqxw+vvkk" in html


def test_search_page_escapes_the_query(catalog):
    """Given a query with markup, when the page renders, then the query is shown escaped."""
    html = _html(Client().get(reverse("portal:procedure_search"), {"q": "<b>khai sinh</b>"}))
    assert "&lt;b&gt;khai sinh&lt;/b&gt;" in html and "<b>khai sinh</b>" not in html


def test_fetch_request_gets_only_the_results_fragment(catalog):
    """Given the script's fetch header, when filtering, then only the results region is returned."""
    response = Client().get(
        reverse("portal:procedure_search"), {"field": "ho-tich"}, headers={"X-Requested-With": "fetch"}
    )
    html = _html(response)
    assert "<html" not in html and "Đăng ký kết hôn" in html


def test_english_interface_shows_english_names_where_they_exist(catalog):
    """Given English as the UI language, when searching, then the English name is shown when there is one."""
    client = Client()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = _html(client.get(reverse("portal:procedure_search"), {"q": "khai sinh"}))
    assert "Birth registration" in html and "Civil status" in html


def test_lists_by_field_agency_level_and_life_event(catalog):
    """Given the catalog, when opening the lists by field, by ward, by level and by life event, then
    each lists its procedures only."""
    client = Client()
    by_field = _html(client.get(reverse("portal:procedures_by_field", args=["dat-dai"])))
    assert "Đăng ký biến động quyền sử dụng đất" in by_field and "Đăng ký khai sinh" not in by_field
    by_agency = _html(client.get(reverse("portal:procedures_by_agency", args=["000.50.68.H29"])))
    assert "Đăng ký khai sinh" in by_agency and "Đăng ký biến động" not in by_agency
    by_level = _html(client.get(reverse("portal:procedures_by_level", args=["city"])))
    assert "Đăng ký biến động quyền sử dụng đất" in by_level and "Đăng ký kết hôn" not in by_level
    by_event = _html(client.get(reverse("portal:procedures_by_life_event", args=["sinh-con"])))
    assert "Sinh con" in by_event and "Đăng ký khai sinh" in by_event and "Đăng ký kết hôn" not in by_event
    assert client.get(reverse("portal:procedures_by_level", args=["district"])).status_code == 404
    assert client.get(reverse("portal:procedures_by_field", args=["khong-co"])).status_code == 404


def test_procedure_page_shows_everything_needed_before_applying(catalog):
    """Given the birth registration, when its page opens, then it shows code, field, levels, channels
    with times, fees and exemptions, documents with originals/copies and the template link, steps,
    legal basis, results, related procedures, the assurance level and where to submit."""
    html = _html(Client().get(reverse("portal:procedure_detail", args=["1.001193"])))
    assert len(re.findall(r"<h1[ >]", html)) == 1
    for text in (
        "Đăng ký khai sinh",
        "1.001193",
        "Hộ tịch",
        "Cấp xã",
        "Trực tiếp",
        "Trực tuyến",
        "3 ngày làm việc",
        "Lệ phí đăng ký khai sinh",
        "Trẻ em đăng ký đúng hạn được miễn lệ phí.",
        "Tờ khai đăng ký khai sinh",
        "Bản chính: 1 · Bản sao: 0",
        'href="https://example.org/to-khai-khai-sinh.docx"',
        "Nộp hồ sơ tại Bộ phận Một cửa.",
        "04/2020/TT-BTP",
        "Giấy khai sinh",
        "Đăng ký kết hôn",
        "Mức 2",
        "Ủy ban nhân dân Phường Bến Thành",
    ):
        assert text in html, text


def test_procedure_page_is_shareable_and_printable(catalog):
    """Given a procedure page, then it has a canonical URL, Open Graph tags, a copy-link control and
    the print stylesheet, with no inline script or style."""
    html = _html(Client().get(reverse("portal:procedure_detail", args=["1.001193"])))
    assert '<link rel="canonical" href="http://testserver/thu-tuc/1.001193/">' in html
    assert '<meta property="og:title" content="Đăng ký khai sinh">' in html
    assert "data-copy-link" in html and "portal/catalog.css" in html
    assert "style=" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html)


def test_apply_online_leads_to_the_online_application(catalog):
    """Given an anonymous visitor, when the page offers "apply online", then it leads to the online
    application, which asks them to log in and comes back."""
    html = _html(Client().get(reverse("portal:procedure_detail", args=["1.001193"])))
    assert "Nộp hồ sơ trực tuyến" in html
    assert 'href="/nop-ho-so/1.001193/"' in html
    response = Client().get("/nop-ho-so/1.001193/")
    assert response.status_code == 302 and response["Location"] == "/login/?next=/nop-ho-so/1.001193/"


def test_central_procedure_points_to_the_national_portal_instead_of_applying(catalog):
    """Given a procedure handled by central agencies, then the page says so, links the national portal
    and offers no apply button."""
    html = _html(Client().get(reverse("portal:procedure_detail", args=["2.002154"])))
    assert "Thủ tục do cơ quan trung ương giải quyết." in html
    assert "ma_thu_tuc=2.002154" in html
    assert "Nộp hồ sơ trực tuyến" not in html


def test_counter_visit_shows_the_chosen_wards_office_hours(catalog):
    """Given the visitor chose Phường Bến Thành, when opening a procedure received there, then the page
    shows that ward with its Saturday-morning office hours."""
    client = Client()
    client.post(reverse("portal:choose_ward"), {"ward": "000.50.68.H29", "next": "/"})
    html = _html(client.get(reverse("portal:procedure_detail", args=["1.001193"])))
    assert "Phường, xã bạn đã chọn." in html
    assert "Thứ Bảy 07:30–11:30" in html


def test_viewing_counts_and_remembers_recent_views(catalog):
    """Given a signed-in citizen, when the procedure page is opened twice, then the view count rises by
    two and the procedure appears under "recently viewed" on the home page."""
    from dichvucong.procedures.viewcounts import flush_view_counts

    citizen = make_citizen()
    client = Client()
    client.force_login(citizen)
    flush_view_counts()  # counts another test left in the shared cache
    before = Procedure.objects.get(code="1.000894").view_count
    client.get(reverse("portal:procedure_detail", args=["1.000894"]))
    client.get(reverse("portal:procedure_detail", args=["1.000894"]))
    flush_view_counts()  # the beat task's work: views are buffered in the cache
    assert Procedure.objects.get(code="1.000894").view_count == before + 2
    assert RecentView.objects.filter(user=citizen, procedure__code="1.000894").count() == 1
    home = _html(client.get(reverse("portal:home")))
    recent = home[home.index("Thủ tục bạn xem gần đây") :]
    assert "Đăng ký kết hôn" in recent[: recent.index("</ul>")]


def test_unknown_or_unpublished_procedure_is_404(catalog):
    """Given a code that does not exist, when its page is requested, then the answer is 404."""
    assert Client().get(reverse("portal:procedure_detail", args=["9.999999"])).status_code == 404


def test_home_for_you_shows_popular_in_the_chosen_ward_and_life_events(catalog):
    """Given the visitor chose Phường Sài Gòn, when the home page opens, then "popular" lists the land
    procedure received there (not the birth one), and life-event tiles are shown."""
    client = Client()
    client.cookies[WARD_COOKIE] = "000.50.69.H29"
    html = _html(client.get(reverse("portal:home")))
    section = html[html.index('id="danh-cho-ban"') :]
    assert "Được quan tâm nhiều tại Ủy ban nhân dân Phường Sài Gòn" in section
    popular = section[: section.index("</ul>")]
    assert "Đăng ký biến động quyền sử dụng đất" in popular and "Đăng ký khai sinh" not in popular
    assert reverse("portal:procedures_by_life_event", args=["sinh-con"]) in section


def test_home_without_ward_shows_city_wide_popular(catalog):
    """Given no ward chosen, then "popular" is city-wide, the most popular first."""
    html = _html(Client().get(reverse("portal:home")))
    section = html[html.index('id="danh-cho-ban"') :]
    assert "Được quan tâm nhiều trên toàn Thành phố" in section
    assert section.index("Đăng ký khai sinh") < section.index("Đăng ký kết hôn")


def test_choose_ward_rejects_unknown_codes_and_unsafe_next(catalog):
    """Given a forged ward code and an external next, when posted, then no cookie is set and the
    redirect stays on the site."""
    response = Client().post(reverse("portal:choose_ward"), {"ward": "x", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    assert not response.cookies.get(WARD_COOKIE) or not response.cookies[WARD_COOKIE].value


def test_faq_page_search_is_accent_insensitive_and_filters_by_field(catalog):
    """Given FAQ entries in two fields, when searching "le phi khai sinh" or filtering by field, then the
    matching entries show; the procedure page shows its own entries."""
    create_faq(
        actor=None,
        procedure=catalog["birth"],
        question="Đăng ký khai sinh có mất lệ phí không?",
        answer="Đăng ký khai sinh đúng hạn được miễn lệ phí.",
    )
    create_faq(
        actor=None,
        field=make_field("dat-dai"),
        question="Sổ đỏ là gì?",
        answer="Là giấy chứng nhận quyền sử dụng đất.",
    )
    client = Client()
    html = _html(client.get(reverse("portal:faq"), {"q": "le phi khai sinh"}))
    assert "Đăng ký khai sinh có mất lệ phí không?" in html and "Sổ đỏ là gì?" not in html
    html = _html(client.get(reverse("portal:faq"), {"field": "dat-dai"}))
    assert "Sổ đỏ là gì?" in html and "mất lệ phí" not in html
    detail = _html(client.get(reverse("portal:procedure_detail", args=["1.001193"])))
    assert "Đăng ký khai sinh có mất lệ phí không?" in detail and "Sổ đỏ là gì?" not in detail


def test_unpublished_faq_is_hidden_from_the_portal(catalog):
    """Given an unpublished entry, then neither the FAQ page nor the procedure page shows it."""
    create_faq(
        actor=None,
        procedure=catalog["birth"],
        question="Câu hỏi nháp?",
        answer="Chưa duyệt.",
        is_published=False,
    )
    assert "Câu hỏi nháp?" not in _html(Client().get(reverse("portal:faq")))
    assert "Câu hỏi nháp?" not in _html(Client().get(reverse("portal:procedure_detail", args=["1.001193"])))


def test_the_same_fee_repeated_on_every_channel_is_listed_once_with_its_channels(db):
    """Given a fee of 135.000 đồng repeated on the online and counter rows (as the crawl does), when
    the procedure page opens, then the fee appears once, naming both channels."""
    from dichvucong.procedures.models import Fee

    procedure = make_procedure(
        code="3.000348",
        name="Cấp lại giấy phép lái xe",
        options=(
            (Channel.ONLINE, Decimal("5"), DurationUnit.WORKING_DAYS),
            (Channel.DIRECT, Decimal("5"), DurationUnit.WORKING_DAYS),
        ),
        fees=(),
    )
    version = procedure.current_version
    for option in version.options.all():
        Fee.objects.create(version=version, option=option, name="Lệ phí", amount=Decimal("135000"))
    html = _html(Client().get(reverse("portal:procedure_detail", args=["3.000348"])))
    fees_block = html[html.index('<ul class="fees">') :]
    fees_block = fees_block[: fees_block.index("</ul>")]
    assert fees_block.count("<li>") == 1
    assert "135.000 đồng" in fees_block
    assert "Trực tuyến, Trực tiếp" in fees_block
