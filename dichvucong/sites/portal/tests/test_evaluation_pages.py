"""Portal evaluation pages: rating from "my dossiers", the signed phone link, the public figures."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from dichvucong.evaluations.constants import FraudKind, RatingChannel, RatingStage
from dichvucong.evaluations.links import make_token
from dichvucong.evaluations.models import FraudSignal, Rating
from dichvucong.evaluations.services import seed_evaluation_criteria
from dichvucong.evaluations.tests.factories import make_received, make_returned, make_world, rate

pytestmark = pytest.mark.django_db
HAPPY = {"q_idx7": "2", "q_convenience": "2", "q_overall": "2"}


@pytest.fixture(autouse=True)
def _criteria() -> None:
    seed_evaluation_criteria()


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_dossier_page_links_to_the_evaluation_and_the_applicant_rates_reception() -> None:
    """Given a received dossier, when its applicant opens it and rates reception, then the rating is
    stored through the portal channel and the page thanks them."""
    world = make_world()
    dossier = make_received(world)
    client = _client(world.citizen)
    url = reverse("portal:dossier_evaluate", args=[dossier.pk])
    assert url in client.get(reverse("portal:dossier_detail", args=[dossier.pk])).content.decode()
    page = client.get(url).content.decode()
    assert 'name="q_overall"' in page and world.officer.display_name in page
    response = client.post(url, {**HAPPY, "buoc": RatingStage.RECEPTION}, follow=True)
    assert "Cảm ơn Quý khách đã đánh giá" in response.content.decode()
    assert Rating.objects.get(dossier=dossier).channel == RatingChannel.PORTAL


def test_someone_elses_dossier_is_not_found() -> None:
    """Given another citizen, when they open the evaluation page of the dossier, then 404."""
    world = make_world()
    dossier = make_received(world)
    assert (
        _client(world.stranger).get(reverse("portal:dossier_evaluate", args=[dossier.pk])).status_code == 404
    )


def test_an_unhappy_answer_without_reason_is_shown_again_with_the_error() -> None:
    """Given the form, when Không hài lòng is sent without a reason, then 400 with the message and
    the choices kept."""
    world = make_world()
    dossier = make_received(world)
    response = _client(world.citizen).post(
        reverse("portal:dossier_evaluate", args=[dossier.pk]),
        {"q_idx7": "1", "q_convenience": "1", "q_overall": "0", "buoc": RatingStage.RECEPTION},
    )
    html = response.content.decode()
    assert response.status_code == 400 and "cho biết lý do" in html
    assert 'value="0" required checked' in html


def test_the_phone_link_rates_the_stage_it_names() -> None:
    """Given a signed link for the return stage, when it is opened and answered, then the return stage
    is rated through the mobile channel."""
    dossier = make_returned(make_world())
    url = reverse("portal:evaluation_link", args=[make_token(dossier, RatingStage.RETURN)])
    assert Client().get(url).status_code == 200
    response = Client().post(url, HAPPY)
    assert response.status_code == 302
    rating = Rating.objects.get(dossier=dossier)
    assert (rating.stage, rating.channel) == (RatingStage.RETURN, RatingChannel.MOBILE)


def test_a_forged_link_is_refused_and_counted() -> None:
    """Given a tampered token, when opened, then 400 with a clear message and a forged-link signal."""
    dossier = make_received(make_world())
    token = make_token(dossier)
    response = Client().get(reverse("portal:evaluation_link", args=[token[:-3] + "xyz"]))
    assert response.status_code == 400 and "không hợp lệ" in response.content.decode()
    assert FraudSignal.objects.get().kind == FraudKind.FORGED_TOKEN


def test_a_link_for_a_stage_not_reached_is_refused_on_submit() -> None:
    """Given a link for the return stage of a dossier only received, when answered, then refused."""
    dossier = make_received(make_world())
    url = reverse("portal:evaluation_link", args=[make_token(dossier, RatingStage.RETURN)])
    response = Client().post(url, HAPPY)
    assert response.status_code == 400 and "chưa đến bước" in response.content.decode()
    assert not Rating.objects.exists()


def test_the_public_page_ranks_agencies_with_their_rate_and_a_chart() -> None:
    """Given a rated returned dossier, when the public page is read, then it shows the agency with a
    100% rate, the trend chart and a labelled table."""
    world = make_world()
    rate(make_returned(world), stage=RatingStage.RETURN)
    html = Client().get(reverse("portal:satisfaction")).content.decode()
    assert world.agency.name in html and "100.0%" in html
    assert '<svg class="rate-chart"' in html and "<caption" in html and html.count("<h1") == 1


def test_the_public_page_ignores_a_bad_period() -> None:
    """Given a malformed period, when the public page is read, then it falls back to this quarter."""
    response = Client().get(reverse("portal:satisfaction"), {"ky": "<script>", "linh-vuc": "x"})
    assert response.status_code == 200 and "<script>" not in response.content.decode()


def test_the_public_page_query_count_does_not_grow_with_agencies() -> None:
    """Given one rated agency, then two more, when the public page is read, then it runs the same
    number of queries (figures are aggregated per period, not per agency)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rate(make_returned(make_world()), stage=RatingStage.RETURN)
    with CaptureQueriesContext(connection) as one:
        Client().get(reverse("portal:satisfaction"))
    for _n in range(2):
        rate(make_returned(make_world()), stage=RatingStage.RETURN)
    with CaptureQueriesContext(connection) as three:
        html = Client().get(reverse("portal:satisfaction")).content.decode()
    assert html.count('<th scope="row"') == 3
    assert len(three.captured_queries) == len(one.captured_queries)


def test_the_public_page_filters_by_agency() -> None:
    """Given two rated agencies, when the public page is filtered by one agency's code, then only it is
    ranked."""
    world, other = make_world(), make_world()
    rate(make_returned(world), stage=RatingStage.RETURN)
    rate(make_returned(other), stage=RatingStage.RETURN)
    html = Client().get(reverse("portal:satisfaction"), {"co-quan": world.agency.code}).content.decode()
    table = html[html.index("<table") :]
    assert world.agency.name in table and other.agency.name not in table
