"""The kiosk evaluation: registered device, stage buttons with the officer, large answers, thanks."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from dichvucong.evaluations.constants import KIOSK_COOKIE, FraudKind, RatingChannel, RatingStage
from dichvucong.evaluations.models import FraudSignal, Rating
from dichvucong.evaluations.services import seed_evaluation_criteria
from dichvucong.evaluations.tests.factories import make_kiosk, make_received, make_world, rate

pytestmark = pytest.mark.django_db
HAPPY = {"q_idx7": "2", "q_convenience": "2", "q_overall": "2"}


@pytest.fixture(autouse=True)
def _criteria() -> None:
    seed_evaluation_criteria()


def _kiosk(world: object) -> Client:
    _device, secret = make_kiosk(world)  # type: ignore[arg-type]
    client = Client()
    client.cookies[KIOSK_COOKIE] = secret
    return client


def test_an_unregistered_browser_cannot_rate() -> None:
    """Given a browser without the kiosk cookie, when it opens a dossier's stages, then 403 with a
    clear message, counted as an unknown device."""
    dossier = make_received(make_world())
    response = Client().get(reverse("evaluation:choose_stage", args=[dossier.code]))
    assert response.status_code == 403 and "chưa được đăng ký" in response.content.decode()
    assert FraudSignal.objects.get().kind == FraudKind.UNKNOWN_DEVICE


def test_the_stages_show_the_officer_and_only_reached_stages_are_buttons() -> None:
    """Given a received dossier, when a kiosk opens it, then reception is a button naming the officer
    and the later stages are marked not reached."""
    world = make_world()
    dossier = make_received(world)
    html = _kiosk(world).get(reverse("evaluation:choose_stage", args=[dossier.code])).content.decode()
    assert reverse("evaluation:rate_stage", args=[dossier.code, RatingStage.RECEPTION]) in html
    assert reverse("evaluation:rate_stage", args=[dossier.code, RatingStage.RETURN]) not in html
    assert world.officer.display_name in html and "Chưa đến bước này" in html


def test_a_kiosk_rating_is_stored_and_thanked_with_a_short_reset() -> None:
    """Given the rating screen, when the large buttons are chosen and sent, then the rating is stored
    for the kiosk and the thank-you screen resets itself after a few seconds."""
    world = make_world()
    dossier = make_received(world)
    client = _kiosk(world)
    url = reverse("evaluation:rate_stage", args=[dossier.code, RatingStage.RECEPTION])
    page = client.get(url).content.decode()
    assert 'class="kiosk-choice kiosk-choice--2"' in page and world.officer.display_name in page
    response = client.post(url, HAPPY)
    html = response.content.decode()
    assert response.status_code == 200 and "Cảm ơn Quý khách" in html and 'data-idle-seconds="8"' in html
    rating = Rating.objects.get(dossier=dossier)
    assert rating.channel == RatingChannel.KIOSK and rating.device is not None


def test_a_stage_already_rated_elsewhere_is_refused_on_the_kiosk() -> None:
    """Given reception rated by phone, when the kiosk rates it, then 409 with the message."""
    world = make_world()
    dossier = make_received(world)
    rate(dossier)
    response = _kiosk(world).post(
        reverse("evaluation:rate_stage", args=[dossier.code, RatingStage.RECEPTION]), HAPPY
    )
    assert response.status_code == 409 and "đã được đánh giá" in response.content.decode()


def test_an_unknown_code_says_not_found() -> None:
    """Given a registered kiosk, when an unknown code is opened, then 404 with a way back."""
    world = make_world()
    response = _kiosk(world).get(reverse("evaluation:choose_stage", args=["000.00.00.H29-990101-0001"]))
    assert response.status_code == 404 and "Không tìm thấy hồ sơ" in response.content.decode()
