"""``manage.py verify_audit``: check the audit hash chain; exit status 1 on any problem (for cron/CI)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from dichvucong.core.audit import verify_audit_chain
from dichvucong.core.models import AuditChainHead, AuditEntry


class Command(BaseCommand):
    help = "Verify the hash-chained audit trail: prints OK and the entry count, or every problem found."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = verify_audit_chain()
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(f"audit chain verification failed: {len(problems)} problem(s)", returncode=1)
        count = AuditEntry.objects.count()
        head = AuditChainHead.objects.filter(pk=AuditChainHead.SINGLETON_PK).first()
        head_hash = head.last_hash if head and head.last_hash else "-"
        self.stdout.write(self.style.SUCCESS(f"OK: {count} audit entries, chain head {head_hash}"))
