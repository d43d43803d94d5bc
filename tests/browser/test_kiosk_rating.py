"""The kiosk evaluation end to end: a returned dossier rated by its code with large buttons."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import describe, run_axe, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_kiosk_rates_a_returned_dossier_and_resets(page: Any, context: Any, live_server: Any) -> None:
    """Given a registered kiosk and a returned dossier, when the visitor types the code, picks the
    return stage and touches the large answer buttons, then the rating is stored, the thank-you shows,
    the kiosk goes back to the empty welcome screen by itself, and the public ranking shows the agency."""
    from dichvucong.evaluations.constants import KIOSK_COOKIE, RatingChannel, RatingStage
    from dichvucong.evaluations.models import Rating
    from dichvucong.evaluations.services import seed_evaluation_criteria
    from dichvucong.evaluations.tests.factories import make_kiosk, make_returned, make_world

    seed_evaluation_criteria()
    world = make_world()
    dossier = make_returned(world)
    _device, secret = make_kiosk(world)
    context.add_cookies([{"name": KIOSK_COOKIE, "value": secret, "url": live_server.url + "/evaluation/"}])

    page.clock.install()
    page.goto(live_server.url + "/evaluation/")
    page.get_by_label("Nhập mã hồ sơ").fill(dossier.code)
    page.get_by_role("button", name="Tiếp tục").click()
    stage_button = page.get_by_role("link", name="Trả kết quả")
    assert stage_button.bounding_box()["height"] >= 64
    stage_button.click()
    assert world.officer.display_name in page.locator(".kiosk-officers").inner_text()
    for question in page.locator("fieldset.kiosk-question").all():
        choice = question.locator("label.kiosk-choice").first
        assert choice.bounding_box()["height"] >= 64
        choice.click()
    screenshot(page, "evaluation-rate-vi-1280")
    violations = run_axe(page)
    assert violations == [], describe(violations)
    page.get_by_role("button", name="Gửi đánh giá").click()
    assert "Cảm ơn Quý khách" in page.locator("h1").inner_text()
    rating = Rating.objects.get(dossier=dossier)
    assert (rating.stage, rating.channel, rating.satisfaction) == (RatingStage.RETURN, RatingChannel.KIOSK, 2)
    with page.expect_navigation():
        page.clock.run_for(10 * 1000)
    assert page.get_by_label("Nhập mã hồ sơ").input_value() == ""

    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(f"{live_server.url}/evaluation/ho-so/{dossier.code}/{RatingStage.RECEPTION}/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"the rating screen scrolls sideways at 320 px ({width} px)"
    screenshot(page, "evaluation-rate-vi-320")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/danh-gia-hai-long/")
    assert world.agency.name in page.get_by_role("table").inner_text()
    violations = run_axe(page)
    assert violations == [], describe(violations)
    screenshot(page, "satisfaction-public-vi-1280")
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    screenshot(page, "satisfaction-public-vi-320")
