"""The phone link (QR on the receipt/result slip) end to end: a phone-sized screen rates the
processing stage, an unhappy answer asks why, and the public ranking counts the rating."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import describe, run_axe, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_phone_rates_processing_from_the_signed_link(page: Any, live_server: Any) -> None:
    """Given a resolved dossier and the signed link for its processing stage, when it is opened on a
    375 px phone and answered "Không hài lòng" without a reason, then the page asks why; with a reason
    the rating is stored for the processing officer, a follow-up opens, and the public page lists the
    agency with one rating."""
    from dichvucong.evaluations.constants import RatingChannel, RatingStage
    from dichvucong.evaluations.links import make_token
    from dichvucong.evaluations.models import FollowUp, Rating
    from dichvucong.evaluations.services import seed_evaluation_criteria
    from dichvucong.evaluations.tests.factories import make_resolved, make_world

    seed_evaluation_criteria()
    world = make_world()
    dossier = make_resolved(world)
    page.set_viewport_size({"width": 375, "height": 780})
    page.goto(f"{live_server.url}/danh-gia/{make_token(dossier, RatingStage.PROCESSING)}/")
    assert world.officer.display_name in page.locator(".rate-stages").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    violations = run_axe(page)
    assert violations == [], describe(violations)
    screenshot(page, "evaluation-phone-link-vi-375")

    for fieldset in page.locator("fieldset.rate-question").all():
        fieldset.locator("label.rate-option").last.click()  # the last option is the lowest mark
    page.get_by_role("button", name="Gửi đánh giá").click()
    assert "lý do" in page.get_by_role("alert").inner_text()
    assert not Rating.objects.exists()

    for fieldset in page.locator("fieldset.rate-question").all():
        fieldset.locator("label.rate-option").last.click()
    page.get_by_label("Lý do không hài lòng (bắt buộc khi chọn “Không hài lòng”)").fill("Chờ quá lâu")
    page.get_by_role("button", name="Gửi đánh giá").click()
    page.wait_for_load_state()
    rating = Rating.objects.get(dossier=dossier)
    assert (rating.stage, rating.channel, rating.unhappy) == (
        RatingStage.PROCESSING,
        RatingChannel.MOBILE,
        True,
    )
    assert list(rating.officers.all()) == [world.officer]
    assert FollowUp.objects.get(rating=rating).agency_id == world.agency.pk

    page.goto(live_server.url + "/danh-gia-hai-long/")
    row = page.get_by_role("row").filter(has_text=world.agency.name)
    assert row.count() == 1
