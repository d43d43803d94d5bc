"""Audit trail reads: each filter narrows the list, newest first."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from dichvucong.core.audit import record_audit
from dichvucong.core.selectors import list_audit_entries
from dichvucong.core.tests.conftest import FakeClock


@pytest.fixture
def trail(fake_clock: FakeClock) -> dict[str, Any]:
    """Four entries an hour apart, by two officers, on two kinds of target."""
    users = get_user_model().objects
    officer_a = users.create_user(username="officer-a", password=None)
    officer_b = users.create_user(username="officer-b", password=None)
    start = fake_clock()
    rows = [
        (officer_a, "agency.update", "agencies.agency", "1"),
        (officer_b, "agency.merge", "agencies.agency", "2"),
        (officer_a, "dossier.receive", "dossiers.dossier", "1"),
        (None, "agencyx.sync", "agencies.agency", "1"),
    ]
    entries = []
    for actor, action, target_type, target_id in rows:
        entries.append(record_audit(actor=actor, action=action, target_type=target_type, target_id=target_id))
        fake_clock.advance(hours=1)
    return {"a": officer_a, "b": officer_b, "entries": entries, "start": start}


def sequences(queryset: Any) -> list[int]:
    return [entry.sequence for entry in queryset]


@pytest.mark.django_db
def test_without_filters_every_entry_is_listed_newest_first(trail: dict[str, Any]) -> None:
    """Given four entries, when listed without filters, then all four, newest first."""
    assert sequences(list_audit_entries()) == [4, 3, 2, 1]


@pytest.mark.django_db
def test_filters_by_actor(trail: dict[str, Any]) -> None:
    """Given entries by two officers, when filtered by one, then only theirs."""
    assert sequences(list_audit_entries(actor_id=trail["a"].pk)) == [3, 1]


@pytest.mark.django_db
def test_action_prefix_matches_whole_dotted_prefixes(trail: dict[str, Any]) -> None:
    """Given agency.* and agencyx.* actions, when filtered by 'agency.', then only agency.* ones."""
    assert sequences(list_audit_entries(action_prefix="agency.")) == [2, 1]


@pytest.mark.django_db
def test_filters_by_target(trail: dict[str, Any]) -> None:
    """Given entries on several targets, when filtered by type and id, then only that object's."""
    assert sequences(list_audit_entries(target_type="agencies.agency", target_id="1")) == [4, 1]
    assert sequences(list_audit_entries(target_type="dossiers.dossier")) == [3]


@pytest.mark.django_db
def test_time_window_includes_since_and_excludes_until(trail: dict[str, Any]) -> None:
    """Given entries at hours 0..3, when listed from hour 1 until hour 3, then hours 1 and 2."""
    start = trail["start"]
    window = list_audit_entries(since=start + timedelta(hours=1), until=start + timedelta(hours=3))
    assert sequences(window) == [3, 2]


@pytest.mark.django_db
def test_listing_a_page_costs_one_query(trail: dict[str, Any], django_assert_num_queries: Any) -> None:
    """Given entries with actors, when a page is read with actor names, then a single query."""
    with django_assert_num_queries(1):
        names = [str(entry.actor) for entry in list_audit_entries()[:20] if entry.actor]
    assert len(names) == 3
