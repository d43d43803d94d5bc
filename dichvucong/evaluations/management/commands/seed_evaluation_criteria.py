"""``manage.py seed_evaluation_criteria``: publish the default questionnaire if none exists."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from dichvucong.evaluations.services import seed_evaluation_criteria


class Command(BaseCommand):
    help = "Publish the default evaluation questionnaire (Decree 61 Art. 31 indices) when none exists."

    def handle(self, *args: Any, **options: Any) -> None:
        created = seed_evaluation_criteria()
        self.stdout.write("created version 1" if created else "a questionnaire already exists; nothing to do")
