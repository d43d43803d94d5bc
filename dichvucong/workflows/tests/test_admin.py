"""The read-only admin pages of workflows open for operators and offer no edits."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dichvucong.workflows.models import OpenTask, ProcessVersion
from dichvucong.workflows.tests.conftest import City, start


@pytest.mark.parametrize("model", ["processdefinition", "processversion", "workflowinstance", "opentask"])
def test_changelists_open(admin_client, city: City, common: ProcessVersion, model: str) -> None:
    """Each workflows changelist renders with data present."""
    start(common, city)
    response = admin_client.get(reverse(f"admin:workflows_{model}_changelist"))
    assert response.status_code == 200


def test_open_task_cannot_be_added(admin_client, city: City, common: ProcessVersion) -> None:
    """The projection is written by the services only."""
    start(common, city)
    assert admin_client.get(reverse("admin:workflows_opentask_add")).status_code == 403
    task = OpenTask.objects.first()
    response = admin_client.get(reverse("admin:workflows_opentask_change", args=[task.pk]))
    assert response.status_code == 200
    assert b'name="_save"' not in response.content
