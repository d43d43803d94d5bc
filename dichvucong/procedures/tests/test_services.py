"""Versioning of procedures (draft → published → superseded), page views and popularity."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from dichvucong.agencies.tests.factories import make_citizen
from dichvucong.core.audit import AuditEntry
from dichvucong.procedures import services
from dichvucong.procedures.constants import Channel, DurationUnit, VersionStatus
from dichvucong.procedures.importer import import_catalog, read_lines
from dichvucong.procedures.models import Procedure, RecentView
from dichvucong.procedures.viewcounts import flush_view_counts, pending_views

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "fixtures" / "catalog-sample.jsonl"


@pytest.fixture
def birth(db) -> Procedure:
    import_catalog(read_lines(SAMPLE), actor=None, names_en={"1.001193": ("Birth registration", 1)})
    return Procedure.objects.get(code="1.001193")


def test_start_draft_copies_the_published_version(birth):
    """Given a published procedure, when a draft is started, then it copies content, options, fees and
    documents."""
    published = birth.current_version
    draft = services.start_draft(procedure=birth, actor=None)
    assert draft.status == VersionStatus.DRAFT and draft.number == 2
    assert draft.name == published.name and draft.field == published.field
    assert draft.options.count() == published.options.count() == 3
    assert draft.fees.count() == published.fees.count()
    assert all(fee.option.version_id == draft.pk for fee in draft.fees.all())
    assert draft.documents.count() == published.documents.count()
    assert services.start_draft(procedure=birth, actor=None).pk == draft.pk  # one draft at a time


def test_publish_supersedes_and_becomes_current(birth):
    """Given an edited draft, when published with a note, then it is current and the old version is
    superseded."""
    old = birth.current_version
    draft = services.start_draft(procedure=birth, actor=None)
    services.update_draft(
        version=draft,
        actor=None,
        changes={"name": "Đăng ký khai sinh", "name_en": "Registering a birth"},
        options=[
            {
                "channel": Channel.ONLINE,
                "duration": Decimal(1),
                "duration_unit": DurationUnit.WORKING_DAYS,
                "fees": [{"amount": Decimal(0), "name": "Lệ phí"}],
            }
        ],
        documents=[{"name": "Tờ khai đăng ký khai sinh", "originals": 1}],
    )
    services.publish_draft(version=draft, actor=None, change_note="Rút gọn tên")
    birth.refresh_from_db()
    old.refresh_from_db()
    current = birth.current_version
    assert current.pk == draft.pk and current.status == VersionStatus.PUBLISHED
    assert current.change_note == "Rút gọn tên" and current.published_at is not None
    assert old.status == VersionStatus.SUPERSEDED and old.options.count() == 3  # history kept intact
    assert current.options.get().fees.get().name == "Lệ phí" and current.documents.count() == 1
    assert "registering a birth" in current.search_text
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "procedure_version.start_draft",
        "procedure_version.update",
        "procedure_version.publish",
    } <= actions


def test_frozen_versions_cannot_be_edited_or_discarded(birth):
    """Given the published version, when someone tries to edit or discard it, then a clear error and
    no change."""
    published = birth.current_version
    with pytest.raises(services.VersionFrozenError, match="đã được công bố"):
        services.update_draft(version=published, actor=None, changes={"name": "Khác"})
    with pytest.raises(services.VersionFrozenError):
        services.discard_draft(version=published, actor=None)
    published.refresh_from_db()
    assert published.name == "Thủ tục đăng ký khai sinh"


def test_unknown_fields_are_refused(birth):
    """Given a draft, when a non-editable field is changed, then an error names it."""
    draft = services.start_draft(procedure=birth, actor=None)
    with pytest.raises(services.CatalogError, match="status"):
        services.update_draft(version=draft, actor=None, changes={"status": VersionStatus.PUBLISHED})


def test_discard_draft_keeps_the_published_version(birth):
    """Given a draft, when discarded, then only the published version remains."""
    draft = services.start_draft(procedure=birth, actor=None)
    services.discard_draft(version=draft, actor=None)
    assert list(birth.versions.values_list("status", flat=True)) == [VersionStatus.PUBLISHED]


def test_reimport_keeps_a_hand_published_edit_when_the_source_is_unchanged(birth):
    """Given an edit published by hand, when the same national file is imported again, then the edit stays."""
    draft = services.start_draft(procedure=birth, actor=None)
    services.update_draft(version=draft, actor=None, changes={"name": "Đăng ký khai sinh"})
    services.publish_draft(version=draft, actor=None)
    report = import_catalog(read_lines(SAMPLE), actor=None, names_en={"1.001193": ("Birth registration", 1)})
    assert report.updated == 0
    birth.refresh_from_db()
    assert birth.current_version.name == "Đăng ký khai sinh"


def test_record_view_counts_and_remembers(birth):
    """Given a citizen, when they open a procedure twice, then the count rises by two and one recent
    view is kept."""
    citizen = make_citizen()
    flush_view_counts()  # nothing left over from another test
    before = Procedure.objects.get(pk=birth.pk).view_count
    services.record_view(procedure=birth, user=citizen)
    services.record_view(procedure=birth, user=citizen)
    services.record_view(procedure=birth, user=None)
    assert pending_views([birth.pk]) == {birth.pk: 3}
    assert flush_view_counts() == 3
    birth.refresh_from_db()
    assert birth.view_count == before + 3
    assert pending_views([birth.pk]) == {}
    assert RecentView.objects.filter(user=citizen, procedure=birth).count() == 1


def test_popularity_grows_with_views_and_rank(birth):
    """Given views on a ranked procedure, when popularity is recomputed, then it exceeds an unranked
    unseen one."""
    before = birth.popularity
    for _ in range(5):
        services.record_view(procedure=birth, user=None)
    flush_view_counts()
    assert services.recompute_popularity() >= 1
    birth.refresh_from_db()
    other = Procedure.objects.get(code="1.000178")
    assert birth.popularity > before > other.popularity == 0
