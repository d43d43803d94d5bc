"""``manage.py load_process_templates``: create or update the shipped BPMN process templates.

Idempotent: unchanged templates are left alone; a changed ``.bpmn`` file becomes a new published
version of its city template (running workflows keep theirs).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from dichvucong.workflows.errors import WorkflowError
from dichvucong.workflows.shipped import load_shipped_templates


class Command(BaseCommand):
    help = (
        "Publish the shipped process templates (mot-cua-chung, lien-thong, mot-cua-trong-ngay); idempotent."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            outcome = load_shipped_templates(actor=None)
        except WorkflowError as exc:
            details = "; ".join(p.message for p in exc.problems)
            raise CommandError(f"{exc.message} {details}".strip()) from exc
        for key, result in outcome.items():
            self.stdout.write(f"{key}: {result}")
        self.stdout.write(self.style.SUCCESS("Process templates loaded."))
