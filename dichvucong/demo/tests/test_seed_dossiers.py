"""The demo dossiers: every status, real codes and due dates, dated over the last 60 days, made once."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from dichvucong.accounts.models import User
from dichvucong.core import clock
from dichvucong.demo import dossiers as demo_dossiers
from dichvucong.demo.accounts import DEMO_WARD_CODE
from dichvucong.dossiers.constants import DOSSIER_CODE_RE, DossierStatus, EventAction
from dichvucong.dossiers.models import Dossier, DossierEvent

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def demo(settings, monkeypatch, tmp_path):
    """The demo city with a small catalog and 40 dossiers (the first 11 cover every status)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    monkeypatch.setattr(demo_dossiers, "DOSSIER_COUNT", 40)
    call_command("load_demo", stdout=StringIO())


def test_demo_dossiers_cover_every_status_and_drafts(demo) -> None:
    """Given the demo loaded, when the dossiers are counted by status, then each national status 1–10
    and drafts are there, so every screen has something to show."""
    statuses = set(Dossier.objects.values_list("status", flat=True))

    assert statuses == {None, *DossierStatus.values}


def test_demo_dossiers_belong_to_the_demo_people(demo) -> None:
    """Given the demo loaded, then demo-citizen owns online dossiers, demo-counter received at Phường Bến
    Thành, and walk-in dossiers have no account."""
    citizen = User.objects.get(username="demo-citizen")
    counter = User.objects.get(username="demo-counter")

    assert Dossier.objects.filter(owner=citizen).exists()
    assert Dossier.objects.filter(owner__isnull=True, recorded_by=counter).exists()
    received = DossierEvent.objects.filter(action=EventAction.RECEIVED, agency__code=DEMO_WARD_CODE)
    assert received.exists()
    assert set(received.values_list("actor__username", flat=True)) == {"demo-counter"}


def test_demo_dossiers_have_codes_and_dates_of_the_last_60_days(demo) -> None:
    """Given the demo loaded, then each received dossier has a legal code whose date is its reception
    day, and every event happened within the last 60 days and in order."""
    now = clock.now()
    received = Dossier.objects.filter(received_at__isnull=False)
    assert received.exists()
    for dossier in received:
        assert DOSSIER_CODE_RE.match(dossier.code)
        from django.utils import timezone

        assert dossier.code.split("-")[1] == timezone.localtime(dossier.received_at).strftime("%y%m%d")
    events = DossierEvent.objects.all()
    assert all(now - timedelta(days=61) <= e.at <= now for e in events)
    for dossier in Dossier.objects.all():
        times = [e.at for e in dossier.events.order_by("id")]
        assert times == sorted(times), dossier


def test_loading_the_demo_again_adds_no_dossier(demo) -> None:
    """Given the demo loaded, when load_demo runs again, then no dossier or event is added."""
    before = (Dossier.objects.count(), DossierEvent.objects.count())

    call_command("load_demo", stdout=StringIO())

    assert (Dossier.objects.count(), DossierEvent.objects.count()) == before
    assert before[0] > 0


def test_demo_worklists_are_populated_through_real_workflow_steps(demo) -> None:
    """Given the demo loaded, then dossiers at Phường Bến Thành moved through the one-stop process
    (task events, no direct status writes for "Đang xử lý"), and demo-specialist and demo-head have
    open tasks in their worklists."""
    from dichvucong.workflows.models import OpenTask

    ward = Dossier.objects.filter(agency__code=DEMO_WARD_CODE)
    assert DossierEvent.objects.filter(dossier__in=ward, action=EventAction.TASK_COMPLETED).exists()
    processing = ward.filter(status=DossierStatus.PROCESSING)
    assert processing.exists()
    assert not DossierEvent.objects.filter(
        dossier__in=processing, actor_role="demo", to_status=DossierStatus.PROCESSING
    ).exists()
    from dichvucong.agencies.scopes import get_data_scope
    from dichvucong.dossiers import selectors

    specialist = User.objects.get(username="demo-specialist")
    head = User.objects.get(username="demo-head")
    assert selectors.worklist(specialist, get_data_scope(specialist), tab=selectors.WORKLIST_MINE).exists()
    head_scope = get_data_scope(head)
    assert (
        selectors.worklist(head, head_scope, tab=selectors.WORKLIST_MINE)
        | selectors.worklist(head, head_scope, tab=selectors.WORKLIST_AVAILABLE)
    ).exists()
    assert OpenTask.objects.filter(candidate_role="unit_head").exists()
