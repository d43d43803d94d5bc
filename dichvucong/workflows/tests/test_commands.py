"""``manage.py load_process_templates``: publishes the shipped templates once, then changes nothing."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from dichvucong.workflows.constants import ProcessVersionStatus
from dichvucong.workflows.models import ProcessDefinition, ProcessVersion
from dichvucong.workflows.shipped import load_shipped_templates


def test_load_process_templates_is_idempotent(db: None) -> None:
    """First run creates three published city templates; the second run reports them unchanged."""
    out = StringIO()
    call_command("load_process_templates", stdout=out)
    assert "mot-cua-chung: created" in out.getvalue()
    assert set(ProcessDefinition.objects.values_list("key", flat=True)) == {
        "mot-cua-chung",
        "lien-thong",
        "mot-cua-trong-ngay",
    }
    assert ProcessDefinition.objects.filter(owner_agency__isnull=True).count() == 3
    assert ProcessVersion.objects.filter(status=ProcessVersionStatus.PUBLISHED).count() == 3
    out = StringIO()
    call_command("load_process_templates", stdout=out)
    assert out.getvalue().count("unchanged") == 3
    assert ProcessVersion.objects.count() == 3


def test_a_changed_file_becomes_a_new_published_version(db: None, monkeypatch) -> None:
    """When a shipped drawing changes, the template gets version 2 and version 1 is superseded."""
    load_shipped_templates()
    from dichvucong.workflows import shipped

    original = shipped.Path.read_text

    def edited(self, *args, **kwargs):
        text = original(self, *args, **kwargs)
        return (
            text.replace('budgetHours="40"', 'budgetHours="32"')
            if self.name == "mot-cua-chung.bpmn"
            else text
        )

    monkeypatch.setattr(shipped.Path, "read_text", edited)
    assert load_shipped_templates()["mot-cua-chung"] == "updated"
    definition = ProcessDefinition.objects.get(key="mot-cua-chung")
    assert list(definition.versions.order_by("number").values_list("number", "status")) == [
        (1, ProcessVersionStatus.SUPERSEDED),
        (2, ProcessVersionStatus.PUBLISHED),
    ]
