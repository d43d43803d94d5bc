"""The FAQ demo seeder: entries from procedures/data/faq.json for the procedures the catalog holds."""

from __future__ import annotations

import pytest

from dichvucong.demo.seeders import SeedContext, seed_faq
from dichvucong.procedures import faq as faq_services
from dichvucong.procedures.models import Faq
from dichvucong.procedures.tests.factories import make_field, make_procedure


@pytest.fixture
def setup(db):
    return {"birth": make_procedure(code="1.001193", name="Đăng ký khai sinh", field=make_field("ho-tich"))}


def test_demo_faq_seeder_adds_entries_for_loaded_procedures_once(setup):
    """Given a catalog holding only 1.001193, when the FAQ seeder runs twice, then that procedure's
    entries exist once each and nothing else is created; with no catalog it skips."""
    logs: list[str] = []
    seed_faq(SeedContext(password="x", log=logs.append))
    seed_faq(SeedContext(password="x", log=logs.append))
    faqs = Faq.objects.all()
    assert faqs.count() >= 5 and {f.procedure.code for f in faqs} == {"1.001193"}
    assert logs[-1] == "faq: 0 created"
    assert faq_services.search_faqs("khai sinh le phi")[0].faq.question_en


def test_demo_faq_seeder_skips_without_a_catalog(db):
    """Given no procedures, when the FAQ seeder runs, then it says it skipped and creates nothing."""
    logs: list[str] = []
    seed_faq(SeedContext(password="x", log=logs.append))
    assert "skipped" in logs[0] and Faq.objects.count() == 0
