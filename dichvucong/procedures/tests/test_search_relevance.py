"""Relevance smoke test on a small fixture catalog, and the search_relevance command."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from dichvucong.procedures.relevance import evaluate
from dichvucong.procedures.searchindex import reset_index
from dichvucong.procedures.tests.search_catalog import build_catalog

pytestmark = pytest.mark.django_db

JUDGED = [
    {"q": "khai tu", "relevant": ["1.000656", "1.001766"], "kind": "no-accent"},
    {"q": "xin giấy phép lái xe mới vì bị mất", "relevant": ["3.000348"], "kind": "colloquial"},
    {"q": "sổ đỏ", "relevant": ["1.012787", "1.011443"], "kind": "keyword"},
    {"q": "temporary residence registration", "relevant": ["1.004194"], "kind": "english"},
    {"q": "thuong tru", "relevant": ["1.004222"], "kind": "no-accent"},
    {"q": "kết hôm", "relevant": ["1.000894"], "kind": "typo"},
    {"q": "2.001019", "relevant": ["2.001019"], "kind": "code"},
]


@pytest.fixture(autouse=True)
def catalog():
    reset_index()
    yield build_catalog()
    reset_index()


def test_fixture_queries_are_answered_near_the_top() -> None:
    """Given the fixture catalog, when the judged queries run, then recall@5 and MRR are high overall."""
    _scores, summary = evaluate(JUDGED)
    count, recall, mrr = summary["all"]
    assert count == len(JUDGED)
    assert recall >= 0.85
    assert mrr >= 0.85


def test_command_prints_recall_and_mrr_per_kind(tmp_path) -> None:
    """Given a file of judged queries, when search_relevance runs on it, then it prints one line per kind
    and an overall line with recall@5 and MRR."""
    path = tmp_path / "queries.json"
    path.write_text(json.dumps(JUDGED), encoding="utf-8")
    out = StringIO()
    call_command("search_relevance", str(path), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["kind", "queries", "recall@5", "MRR"]
    kinds = {line.split()[0] for line in lines[1:]}
    assert kinds == {"all", "no-accent", "colloquial", "keyword", "english", "typo", "code"}
