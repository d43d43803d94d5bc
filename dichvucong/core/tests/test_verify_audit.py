"""``manage.py verify_audit``: OK with the count on a clean chain; each problem and exit status 1 if not."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from dichvucong.core.audit import record_audit
from dichvucong.core.management.commands.verify_audit import Command
from dichvucong.core.models import AuditEntry
from dichvucong.core.tests.test_audit import tamper


@pytest.mark.django_db
def test_clean_chain_prints_ok_with_the_count() -> None:
    """Given two intact entries, when the command runs, then it prints OK with 2 and exits normally."""
    record_audit(actor=None, action="agency.update")
    last = record_audit(actor=None, action="agency.update")
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue().startswith("OK: 2 audit entries")
    assert last.hash in out.getvalue()


@pytest.mark.django_db
def test_tampered_chain_prints_each_problem_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    """Given an entry edited behind the ORM's back, when run from the command line, then the problem is
    printed and the process exits with status 1."""
    record_audit(actor=None, action="agency.update")
    entry = record_audit(actor=None, action="agency.update")
    tamper(f"UPDATE {AuditEntry._meta.db_table} SET note = 'x' WHERE id = %s", [entry.pk])  # noqa: S608

    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(["manage.py", "verify_audit"])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "#2: edited" in err
    assert "1 problem(s)" in err
