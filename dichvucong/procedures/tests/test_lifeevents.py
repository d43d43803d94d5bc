"""The shipped life events and their idempotent loader."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from dichvucong.procedures.lifeevents import load_life_events, read_life_events
from dichvucong.procedures.models import LifeEvent
from dichvucong.procedures.tests.factories import make_procedure

pytestmark = pytest.mark.django_db

REQUIRED = {
    "sinh-con",
    "ket-hon",
    "ly-hon",
    "nguoi-than-qua-doi",
    "chuyen-noi-o",
    "mo-ho-kinh-doanh",
    "thanh-lap-doanh-nghiep",
    "xay-nha",
    "mua-ban-nha-dat",
    "lai-xe",
    "nghi-huu",
    "mat-viec",
}


def test_the_shipped_file_covers_the_common_events() -> None:
    """Given the shipped file, when read, then it has at least twelve events including the common ones,
    each with both names, a description, keywords and procedure codes."""
    events = read_life_events()
    assert len(events) >= 12
    assert {event["slug"] for event in events} >= REQUIRED
    for event in events:
        assert event["name"] and event["name_en"] and event["description"] and event["keywords"]
        assert event["procedures"]


def test_loading_twice_links_procedures_without_duplicates(tmp_path) -> None:
    """Given a file naming one existing and one unknown code, when loaded twice, then the event exists
    once, links the existing procedure, folds its keywords and reports the unknown code."""
    birth = make_procedure(code="1.001193", name="Thủ tục đăng ký khai sinh")
    path = tmp_path / "events.json"
    path.write_text(
        json.dumps(
            [
                {
                    "slug": "sinh-con",
                    "name": "Sinh con",
                    "name_en": "Having a baby",
                    "description": "…",
                    "keywords": ["Sinh con", "đẻ con"],
                    "procedures": ["1.001193", "9.999999"],
                }
            ]
        ),
        encoding="utf-8",
    )
    first = load_life_events(path=path)
    second = load_life_events(path=path)
    assert (first.created, second.created, second.updated) == (1, 0, 1)
    assert second.missing_codes == {"sinh-con": ["9.999999"]}
    event = LifeEvent.objects.get()
    assert list(event.procedures.all()) == [birth]
    assert event.keywords == "sinh con, de con"


def test_command_reports_what_it_loaded() -> None:
    """Given an empty catalog, when the command loads the shipped file, then it creates every event and
    lists the codes it could not link."""
    out = StringIO()
    call_command("load_life_events", stdout=out)
    assert LifeEvent.objects.count() == len(read_life_events())
    assert "created" in out.getvalue()
    assert "not in the catalog" in out.getvalue()
