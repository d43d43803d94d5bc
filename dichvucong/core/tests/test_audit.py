"""The hash-chained audit trail: appends link up, the ORM cannot change them, and tampering behind the
application's back (raw SQL) is found and classified by ``verify_audit_chain``."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction

from dichvucong.core.audit import GENESIS_HASH, AuditProblem, record_audit, verify_audit_chain
from dichvucong.core.models import AuditChainHead, AuditEntry, AuditImmutableError
from dichvucong.core.request_id import reset_request_id, set_request_id
from dichvucong.core.tests.conftest import FakeClock

TABLE = AuditEntry._meta.db_table


def tamper(sql: str, params: list[Any] | None = None) -> None:
    """Change the table the way an intruder with database access would, bypassing ORM and trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")  # triggers off, this transaction
        cursor.execute(sql, params or [])


def make_user(username: str = "canbo", **fields: Any) -> Any:
    return get_user_model().objects.create_user(username=username, password=None, **fields)


def chain(count: int) -> list[AuditEntry]:
    return [
        record_audit(
            actor=None,
            action="agency.update",
            target_type="agencies.agency",
            target_id=str(n),
            before={"name": f"old {n}"},
            after={"name": f"new {n}"},
        )
        for n in range(1, count + 1)
    ]


def kinds(problems: list[AuditProblem]) -> list[tuple[str, int | None]]:
    return [(problem.kind, problem.sequence) for problem in problems]


# --- appending -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_entries_form_a_gap_free_linked_chain_that_verifies() -> None:
    """Given three appended entries, when verified, then sequences run 1..3, each links to the previous
    hash, the head remembers the last, and no problem is reported."""
    entries = chain(3)
    assert [entry.sequence for entry in entries] == [1, 2, 3]
    assert entries[0].prev_hash == GENESIS_HASH
    assert entries[1].prev_hash == entries[0].hash
    assert entries[2].prev_hash == entries[1].hash
    head = AuditChainHead.objects.get()
    assert (head.sequence, head.last_hash) == (3, entries[2].hash)
    assert verify_audit_chain() == []


@pytest.mark.django_db
def test_empty_chain_verifies() -> None:
    """Given no audit entries, when verified, then no problem."""
    assert verify_audit_chain() == []


@pytest.mark.django_db
def test_entry_records_actor_snapshot_target_request_and_digests(fake_clock: FakeClock) -> None:
    """Given an officer changing a model during request R, when audited, then the entry names the
    officer (id and display name), the target's type and pk, R, the time, and digests of the data."""
    officer = make_user("nguyenvana", full_name="Nguyễn Văn A")
    target = make_user("congdan")
    token = set_request_id("req-abcdef012345")
    try:
        entry = record_audit(
            actor=officer,
            action="account.update",
            target=target,
            before={"phone": "", "born": date(1990, 1, 2), "fee": Decimal("1.50")},
            after={"phone": "0901234567"},
            note="Cập nhật số điện thoại",
        )
    finally:
        reset_request_id(token)
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.actor_id == officer.pk
    assert entry.actor_display == "Nguyễn Văn A"
    assert (entry.target_type, entry.target_id) == ("accounts.user", str(target.pk))
    assert entry.request_id == "req-abcdef012345"
    assert entry.created_at == fake_clock()
    assert entry.before == {"phone": "", "born": "1990-01-02", "fee": "1.50"}
    assert len(entry.before_sha256) == len(entry.after_sha256) == 64
    assert verify_audit_chain() == []


@pytest.mark.django_db
def test_numbers_verify_after_the_database_round_trip() -> None:
    """Given data with floats the database may spell differently (1e20, 1.0, 1e-7), when read back and
    verified, then no false alarm."""
    record_audit(actor=None, action="fee.update", before={"a": 1e20, "b": 1.0, "c": 1.5e-7, "d": [2.5, -0.0]})
    assert verify_audit_chain() == []


@pytest.mark.django_db
def test_anonymous_actor_is_recorded_as_the_system() -> None:
    """Given an anonymous user as actor, when audited, then the entry has no actor."""
    from django.contrib.auth.models import AnonymousUser

    entry = record_audit(actor=AnonymousUser(), action="lookup.view")  # type: ignore[arg-type]
    assert entry.actor_id is None
    assert entry.actor_display == ""


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["", "Agency.Update", "agency update", "agency.", ".update"])
def test_malformed_action_is_refused(action: str) -> None:
    """Given an action that is not lower-case dotted, when audited, then ValueError and no entry."""
    with pytest.raises(ValueError, match="action"):
        record_audit(actor=None, action=action)
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_data_that_is_not_json_is_refused() -> None:
    """Given before-data holding an object JSON cannot represent, when audited, then ValueError."""
    with pytest.raises(ValueError, match="before"):
        record_audit(actor=None, action="agency.update", before={"x": object()})


@pytest.mark.django_db
def test_entry_rolls_back_with_the_change_it_describes() -> None:
    """Given a service that audits and then fails, when its transaction rolls back, then neither entry
    nor head moved, and the next entry continues the chain."""
    chain(1)
    with pytest.raises(RuntimeError), transaction.atomic():
        record_audit(actor=None, action="agency.update")
        raise RuntimeError
    assert AuditChainHead.objects.get().sequence == 1
    assert record_audit(actor=None, action="agency.update").sequence == 2
    assert verify_audit_chain() == []


# --- the ORM guard -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_orm_refuses_to_change_or_remove_entries() -> None:
    """Given an entry, when saved again, deleted, or bulk updated/deleted through the ORM, then
    AuditImmutableError each time and the chain still verifies."""
    entry = chain(1)[0]
    entry.note = "sửa"
    with pytest.raises(AuditImmutableError):
        entry.save()
    with pytest.raises(AuditImmutableError):
        entry.delete()
    with pytest.raises(AuditImmutableError):
        AuditEntry.objects.filter(pk=entry.pk).update(note="sửa")
    with pytest.raises(AuditImmutableError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AuditImmutableError):
        AuditEntry.objects.bulk_create([AuditEntry(sequence=2)])
    assert verify_audit_chain() == []


@pytest.mark.django_db
def test_actor_with_audit_entries_cannot_be_deleted() -> None:
    """Given an officer with audit entries, when the account is deleted, then it is refused (PROTECT):
    people are deactivated, their history stays."""
    from django.db.models import ProtectedError

    officer = make_user()
    record_audit(actor=officer, action="agency.update")
    with pytest.raises(ProtectedError):
        officer.delete()


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("sql", [f"UPDATE {TABLE} SET note = 'x'", f"DELETE FROM {TABLE}"])  # noqa: S608
def test_postgres_trigger_rejects_raw_update_and_delete(sql: str) -> None:
    """Given PostgreSQL, when raw SQL updates or deletes an audit row, then the database refuses it."""
    chain(1)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert verify_audit_chain() == []


# --- tampering is detected -----------------------------------------------------------------------


@pytest.mark.django_db
def test_raw_edit_of_a_field_is_detected_as_edited() -> None:
    """Given a chain, when an entry's action is changed with raw SQL, then it is reported edited."""
    entries = chain(3)
    tamper(f"UPDATE {TABLE} SET action = 'agency.view' WHERE id = %s", [entries[1].pk])  # noqa: S608
    assert kinds(verify_audit_chain()) == [("edited", 2)]


@pytest.mark.django_db
def test_raw_edit_of_the_stored_data_is_detected_as_edited() -> None:
    """Given a chain, when an entry's after-JSON is rewritten, then its digest no longer matches: edited."""
    entries = chain(3)
    tamper(f"UPDATE {TABLE} SET after = %s WHERE id = %s", ['{"name": "forged"}', entries[0].pk])  # noqa: S608
    assert kinds(verify_audit_chain()) == [("edited", 1)]


@pytest.mark.django_db
def test_rewrite_with_a_recomputed_hash_is_detected_by_the_next_link() -> None:
    """Given a chain, when an entry is rewritten and its hash recomputed to match, then the next entry's
    link exposes it as edited."""
    from dichvucong.core.audit import compute_entry_hash

    entries = chain(3)
    forged = AuditEntry.objects.get(pk=entries[1].pk)
    forged.note = "forged"
    tamper(
        f"UPDATE {TABLE} SET note = %s, hash = %s WHERE id = %s",  # noqa: S608
        ["forged", compute_entry_hash(forged), forged.pk],
    )
    assert kinds(verify_audit_chain()) == [("edited", 2)]


@pytest.mark.django_db
def test_deleting_an_entry_in_the_middle_is_detected() -> None:
    """Given five entries, when #3 is deleted with raw SQL, then it is reported deleted."""
    entries = chain(5)
    tamper(f"DELETE FROM {TABLE} WHERE id = %s", [entries[2].pk])  # noqa: S608
    problems = verify_audit_chain()
    assert kinds(problems) == [("deleted", 4)]
    assert "#3" in problems[0].detail


@pytest.mark.django_db
def test_deleting_the_newest_entries_is_detected_through_the_head() -> None:
    """Given five entries, when #4 and #5 are deleted (a shorter but self-consistent chain), then the
    chain head reveals them as deleted."""
    entries = chain(5)
    tamper(f"DELETE FROM {TABLE} WHERE id IN (%s, %s)", [entries[3].pk, entries[4].pk])  # noqa: S608
    problems = verify_audit_chain()
    assert kinds(problems) == [("deleted", 5)]
    assert "#4–#5" in problems[0].detail


@pytest.mark.django_db
def test_deleting_every_entry_but_not_the_head_is_detected() -> None:
    """Given entries, when all rows are deleted with raw SQL, then the head reports them deleted."""
    chain(2)
    tamper(f"DELETE FROM {TABLE}")  # noqa: S608
    assert kinds(verify_audit_chain()) == [("deleted", 2)]


@pytest.mark.django_db
def test_swapping_two_entries_is_detected_as_reordered() -> None:
    """Given a chain, when two entries swap their sequence numbers, then both are reported reordered."""
    entries = chain(4)
    tamper(f"UPDATE {TABLE} SET sequence = 1000 WHERE id = %s", [entries[1].pk])  # noqa: S608
    tamper(f"UPDATE {TABLE} SET sequence = 2 WHERE id = %s", [entries[2].pk])  # noqa: S608
    tamper(f"UPDATE {TABLE} SET sequence = 3 WHERE id = %s", [entries[1].pk])  # noqa: S608
    problems = verify_audit_chain()
    assert kinds(problems) == [("reordered", 2), ("reordered", 3)]
    assert "written as #3" in problems[0].detail


@pytest.mark.django_db
def test_row_inserted_behind_the_applications_back_is_detected() -> None:
    """Given a chain, when a row is inserted with raw SQL after the last entry, then it is reported
    inserted (the head does not know it)."""
    entries = chain(2)
    last = entries[-1]
    tamper(
        f"INSERT INTO {TABLE} (sequence, created_at, actor_display, action, target_type, target_id, "  # noqa: S608
        "before_sha256, after_sha256, note, request_id, prev_hash, hash) "
        "VALUES (3, %s, '', 'agency.delete', '', '', %s, %s, '', '', %s, %s)",
        [last.created_at, last.before_sha256, last.after_sha256, last.hash, "f" * 64],
    )
    assert kinds(verify_audit_chain()) == [("inserted", 3)]


@pytest.mark.django_db
def test_missing_chain_head_is_detected() -> None:
    """Given entries, when the chain-head row is removed, then verification reports it."""
    chain(1)
    AuditChainHead.objects.all().delete()
    assert kinds(verify_audit_chain()) == [("deleted", None)]


# --- concurrency ---------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain() -> None:
    """Given eight threads appending five entries each at once, when done, then sequences run 1..40
    without gap or duplicate and the chain verifies."""
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            barrier.wait(timeout=10)
            for i in range(5):
                with transaction.atomic():
                    record_audit(actor=None, action="agency.update", target_type="t", target_id=f"{n}-{i}")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert list(AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True)) == list(
        range(1, 41)
    )
    assert verify_audit_chain() == []
