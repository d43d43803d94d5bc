"""The public pages' shared data cache (``public_cache``): what every visitor sees the same way is
computed once, a catalog publication shows at once, the statistics say when they were computed, and
no page ever reuses another visitor's form token or script nonce.

The cache is off under tests by default (``PORTAL_PUBLIC_CACHE``); these tests turn it on."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from dichvucong.agencies.constants import AgencyKind
from dichvucong.agencies.tests.factories import make_agency
from dichvucong.dossiers.tests.factories import VN
from dichvucong.procedures.constants import Channel, DurationUnit
from dichvucong.procedures.models import Procedure
from dichvucong.procedures.tests.factories import make_field, make_procedure
from dichvucong.reports.tests import factories as f
from dichvucong.sites.portal import catalog_views, public_cache
from dichvucong.sites.portal.catalog_views import WARD_COOKIE

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings):
    """The public cache on, empty before and after the test (the test database is rolled back)."""
    settings.PORTAL_PUBLIC_CACHE = True
    cache.clear()
    public_cache.forget_generation()
    catalog_views._card_memo.clear()
    yield
    cache.clear()
    public_cache.forget_generation()
    catalog_views._card_memo.clear()


@pytest.fixture
def catalog():
    city = make_agency(kind=AgencyKind.CITY, name="Ủy ban nhân dân Thành phố", code="000.00.00.H29")
    ward = make_agency(parent=city, name="Ủy ban nhân dân Phường Bến Thành", code="000.50.68.H29")
    field = make_field("ho-tich")
    options = [(Channel.DIRECT, Decimal("3"), DurationUnit.WORKING_DAYS)]
    birth = make_procedure(
        code="1.001193",
        name="Đăng ký khai sinh",
        field=field,
        options=options,
        agencies=[ward],
        popularity=10,
    )
    marriage = make_procedure(
        code="1.000894", name="Đăng ký kết hôn", field=field, options=options, agencies=[ward], popularity=8
    )
    return {"ward": ward, "field": field, "birth": birth, "marriage": marriage}


def _popular(response) -> list[str]:
    return [card.code for card in response.context["for_you_popular"]]


def test_the_popular_list_is_shared_until_the_catalog_changes(cached, catalog) -> None:
    """Given the home page seen once, when popularity counters move, then the next visitor still gets
    the same list (computed once, for a minute); when a procedure is published, it shows at once."""
    client = Client()
    assert _popular(client.get(reverse("portal:home")))[:2] == ["1.001193", "1.000894"]
    Procedure.objects.filter(pk=catalog["marriage"].pk).update(popularity=50)
    assert _popular(Client().get(reverse("portal:home")))[:2] == ["1.001193", "1.000894"]
    make_procedure(code="1.000656", name="Đăng ký khai tử", field=catalog["field"], popularity=99)
    assert _popular(Client().get(reverse("portal:home")))[:3] == ["1.000656", "1.000894", "1.001193"]


def test_each_ward_gets_its_own_list_and_the_ward_choice_is_kept(cached, catalog) -> None:
    """Given a procedure received only at another ward, when a visitor of the ward opens the home page,
    then their ward's list (not the city's) is shown and the ward is selected in the form."""
    other = make_agency(parent=catalog["ward"].parent, name="Phường Sài Gòn", code="000.50.69.H29")
    make_procedure(code="1.004227", name="Đăng ký đất đai", agencies=[other], popularity=99)
    city = Client().get(reverse("portal:home"))
    assert _popular(city)[0] == "1.004227" and not city.context["for_you_in_ward"]
    client = Client()
    client.cookies[WARD_COOKIE] = catalog["ward"].code
    response = client.get(reverse("portal:home"))
    assert response.context["for_you_in_ward"] and "1.004227" not in _popular(response)
    assert f'<option value="{catalog["ward"].code}" selected>' in response.content.decode()


def test_cached_pages_still_carry_a_fresh_token_and_nonce_per_request(cached, catalog) -> None:
    """Given the home page and a search served from the cache, when two visitors open them, then each
    gets their own CSRF token and CSP nonce (only data is cached, never a whole page)."""
    pages = []
    for _ in range(2):
        client = Client()
        home = client.get(reverse("portal:home")).content.decode()
        search = client.get(reverse("portal:procedure_search"), {"q": "khai sinh"}).content.decode()
        pages.append((home, search))
    for index in (0, 1):
        tokens = {re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', p[0]).group(1) for p in pages}
        nonces = {re.search(r'nonce="([^"]+)"', p[index]).group(1) for p in pages}
        assert len(tokens) == 2 and len(nonces) == 2
    assert "Đăng ký khai sinh" in pages[1][1]


def test_a_search_finds_a_newly_published_procedure_at_once(cached, catalog) -> None:
    """Given a search answered from the cache, when a matching procedure is published, then the same
    search lists it (the cached result list belongs to the catalog's previous generation)."""
    url = reverse("portal:procedure_search")
    assert "Đăng ký khai tử" not in Client().get(url, {"q": "dang ky khai"}).content.decode()
    make_procedure(code="1.000656", name="Đăng ký khai tử", field=catalog["field"])
    assert "Đăng ký khai tử" in Client().get(url, {"q": "dang ky khai"}).content.decode()


def test_the_search_page_in_english_is_not_served_the_vietnamese_results(cached, catalog) -> None:
    """Given the Vietnamese results cached, when the same search is asked in English, then the English
    result list is shown (the cache key includes the language)."""
    url = reverse("portal:procedure_search")
    Client().get(url, {"q": "khai sinh"})
    english = Client()
    english.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    page = english.get(url, {"q": "khai sinh"}).content.decode()
    assert "procedure" in page.lower() and "thủ tục</h2>" not in page


MARCH = {"ky": "month", "ngay": "2026-03-10", "nhom": "agency"}


def test_statistics_are_computed_once_per_period_and_say_when(cached) -> None:
    """Given March's figures opened at 10:00, when another dossier is received and the page is opened
    again, then the same (cached) figures and "computed at 10:00" are shown; another grouping of the
    same month is computed afresh and counts the new dossier."""
    world = f.make_stats_world()
    with f.at(datetime(2026, 3, 2, 9, 0, tzinfo=VN)):
        f.record_counter(world, agency=world.ward, procedure=world.procedure)
    url = reverse("portal:statistics")
    with f.at(datetime(2026, 3, 10, 10, 0, tzinfo=VN)):
        first = Client().get(url, MARCH)
    with f.at(datetime(2026, 3, 10, 10, 1, tzinfo=VN)):
        f.record_counter(world, agency=world.ward, procedure=world.procedure)
    with f.at(datetime(2026, 3, 10, 10, 2, tzinfo=VN)):
        again = Client().get(url, MARCH)
        by_field = Client().get(url, {**MARCH, "nhom": "field"})
    assert first.context["figures"]["received_total"] == again.context["figures"]["received_total"] == 1
    assert "Số liệu được tổng hợp lúc 10:00 ngày 10/03/2026" in again.content.decode()
    assert by_field.context["figures"]["received_total"] == 2
    assert "10:02" in by_field.content.decode()


def test_the_satisfaction_page_reuses_its_figures_for_every_visitor(cached, monkeypatch) -> None:
    """Given the public satisfaction page (its figures read every finished dossier of the quarter:
    seconds at 10 million dossiers), when three visitors open it, then the agencies' figures and the
    trend are computed once; a visitor asking for an unknown field gets the same whole-city entry."""
    from dichvucong.evaluations import selectors as evaluation_selectors
    from dichvucong.evaluations.tests.factories import make_returned, make_world

    make_returned(make_world())
    calls = {"rows": 0, "trend": 0}
    rows, trend = evaluation_selectors.list_agency_figures, evaluation_selectors.get_city_satisfaction

    def count_rows(*args, **kwargs):
        calls["rows"] += 1
        return rows(*args, **kwargs)

    def count_trend(*args, **kwargs):
        calls["trend"] += 1
        return trend(*args, **kwargs)

    monkeypatch.setattr(evaluation_selectors, "list_agency_figures", count_rows)
    monkeypatch.setattr(evaluation_selectors, "get_city_satisfaction", count_trend)
    url = reverse("portal:satisfaction")
    for _ in range(3):
        assert Client().get(url).status_code == 200
    assert calls == {"rows": 1, "trend": 4}  # four quarters in the trend, each once
    Client().get(url, {"linh-vuc": "khong-co-linh-vuc-nay"})
    assert calls["rows"] == 1  # an unknown field is the whole city again: the same entry
