"""Hash-chained, append-only audit trail: who changed what, when, provably untouched since.

Why a chain: an audit log that an administrator with database access can quietly edit is not
evidence. Each entry stores SHA-256 digests of its before/after state and a hash over its own
fields plus the previous entry's hash, and a single chain-head row remembers the last sequence and
hash. ``verify_audit_chain()`` then finds entries that were edited, deleted (in the middle or at
the end), moved, or inserted behind the application's back. Anyone who can rewrite the whole table
*and* the head can still forge a consistent history; publishing the head hash elsewhere (the
``verify_audit`` command prints it) closes that gap.

Appending is serialised: the head row is locked FOR UPDATE on PostgreSQL (SQLite's IMMEDIATE
transactions serialise writers anyway), so two writers never fork the chain. The lock is held until
the caller's transaction commits, so call ``record_audit`` as the last write of a service; if the
transaction rolls back, the entry goes with the change it describes.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Model

from dichvucong.core import clock
from dichvucong.core.models import AuditChainHead, AuditEntry
from dichvucong.core.request_id import get_request_id

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

__all__ = ["GENESIS_HASH", "AuditProblem", "canonical_json", "record_audit", "verify_audit_chain"]

GENESIS_HASH = "0" * 64
HASH_VERSION = 1
# How far from its current place a moved entry is looked for when classifying a hash mismatch.
_REORDER_SEARCH = 1000
_ACTION = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")

ProblemKind = Literal["edited", "deleted", "reordered", "inserted"]


@dataclass(frozen=True)
class AuditProblem:
    """One way the stored chain differs from what ``record_audit`` wrote."""

    entry_id: int | None
    sequence: int | None
    kind: ProblemKind
    detail: str

    def __str__(self) -> str:
        where = f"#{self.sequence}" if self.sequence is not None else "chain"
        return f"{where}: {self.kind}: {self.detail}"


# --- Canonical form -------------------------------------------------------------------------------


def canonical_json(value: Any) -> str:
    """Sorted keys, no whitespace, UTF-8 text: the same data always gives the same string."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _normalise(value: dict[str, Any] | None, name: str) -> dict[str, Any] | None:
    """Dates, decimals and UUIDs become strings, exactly as they will be read back from the table."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError(f"record_audit({name}=…) must be a dict or None, got {type(value).__name__}")
    try:
        normalised = json.loads(json.dumps(value, cls=DjangoJSONEncoder, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"record_audit({name}=…) is not JSON-serialisable: {exc}") from exc
    return normalised  # type: ignore[no-any-return]


def _digest(value: Any) -> str:
    return hashlib.sha256(canonical_json(_integral_floats_as_int(value)).encode("utf-8")).hexdigest()


def _integral_floats_as_int(value: Any) -> Any:
    """``1e20`` comes back from PostgreSQL's jsonb as ``100000000000000000000``: digest both alike."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _integral_floats_as_int(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_integral_floats_as_int(item) for item in value]
    return value


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def compute_entry_hash(entry: AuditEntry, *, sequence: int | None = None) -> str:
    """SHA-256 over the entry's canonical fields and ``prev_hash`` (``sequence`` may be overridden)."""
    fields = {
        "v": HASH_VERSION,
        "sequence": entry.sequence if sequence is None else sequence,
        "created_at": _timestamp(entry.created_at),
        "actor_id": entry.actor_id,
        "actor_display": entry.actor_display,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "before_sha256": entry.before_sha256,
        "after_sha256": entry.after_sha256,
        "note": entry.note,
        "request_id": entry.request_id,
        "prev_hash": entry.prev_hash,
    }
    return hashlib.sha256(canonical_json(fields).encode("utf-8")).hexdigest()


# --- Writing --------------------------------------------------------------------------------------


def record_audit(
    *,
    actor: AbstractBaseUser | None,
    action: str,
    target: Model | None = None,
    target_type: str = "",
    target_id: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEntry:
    """Append one entry to the audit chain in the caller's transaction.

    ``action`` is ``"<noun>.<verb>"`` in lower case (``"agency.update"``). ``target`` fills
    ``target_type`` (``app_label.model``) and ``target_id`` (its pk) unless they are given.
    ``before``/``after`` hold the fields that changed (JSON-serialisable; dates and decimals become
    strings); keep personal data out unless the law requires it there.
    """
    if not _ACTION.match(action) or len(action) > 100:
        raise ValueError(
            f"Audit action {action!r} must look like 'noun.verb' (lower case, dots, underscores)"
        )
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
    if target_id and not target_type:
        raise ValueError("record_audit: target_id given without target_type")
    if len(target_type) > 100 or len(str(target_id)) > 64:
        raise ValueError("record_audit: target_type is limited to 100 and target_id to 64 characters")
    before_json = _normalise(before, "before")
    after_json = _normalise(after, "after")
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None  # AnonymousUser: the system or an anonymous visitor acted
    request_id = get_request_id()

    with transaction.atomic():
        head = _lock_head()
        entry = AuditEntry(
            sequence=head.sequence + 1,
            created_at=clock.now(),
            actor=actor,  # type: ignore[misc]
            actor_display=_display_name(actor)[:200],
            action=action,
            target_type=target_type,
            target_id=str(target_id),
            before=before_json,
            after=after_json,
            before_sha256=_digest(before_json),
            after_sha256=_digest(after_json),
            note=note,
            request_id="" if request_id == "-" else request_id[:64],
            prev_hash=head.last_hash or GENESIS_HASH,
        )
        entry.hash = compute_entry_hash(entry)
        entry.save(force_insert=True)
        AuditChainHead.objects.filter(pk=head.pk).update(
            sequence=entry.sequence, last_hash=entry.hash, updated_at=entry.created_at
        )
    return entry


def _lock_head() -> AuditChainHead:
    """The chain head, locked until the transaction ends (created on first use)."""
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(
        pk=AuditChainHead.SINGLETON_PK, defaults={"sequence": 0, "last_hash": ""}
    )
    return head


def _display_name(actor: Any) -> str:
    if actor is None:
        return ""
    for attribute in ("display_name", "get_full_name"):
        value = getattr(actor, attribute, None)
        value = value() if callable(value) else value
        if value:
            return str(value)
    return str(actor.get_username())


# --- Verifying ------------------------------------------------------------------------------------


def verify_audit_chain() -> list[AuditProblem]:
    """Walk the chain in sequence order and report every entry that is not as it was written.

    Checks, per entry: the before/after digests match the stored JSON, the hash matches the fields,
    the sequence has no gap, and ``prev_hash`` links to the previous entry. Then the tail is compared
    with the chain head, so that removing the newest entries is caught too.
    """
    problems: list[AuditProblem] = []
    head = AuditChainHead.objects.filter(pk=AuditChainHead.SINGLETON_PK).first()
    # Without a head (itself a problem, reported below) every entry is judged by its links alone.
    head_sequence = head.sequence if head else sys.maxsize

    expected_sequence = 1
    last: AuditEntry | None = None
    last_reported = False
    entries = AuditEntry.objects.order_by("sequence")
    for entry in entries.iterator(chunk_size=2000):
        found: list[AuditProblem] = []
        gap = entry.sequence > expected_sequence
        if gap:
            missing = (
                f"#{expected_sequence}"
                if entry.sequence == expected_sequence + 1
                else f"#{expected_sequence}–#{entry.sequence - 1}"
            )
            found.append(
                AuditProblem(
                    entry.pk, entry.sequence, "deleted", f"entries {missing} are missing before this one"
                )
            )
        if entry.sequence > head_sequence:
            found.append(
                AuditProblem(
                    entry.pk,
                    entry.sequence,
                    "inserted",
                    f"beyond the chain head (#{head_sequence}): not appended through record_audit",
                )
            )
        else:
            own = _check_entry(entry)
            if own is not None:
                found.append(own)
            elif not gap and last is not None and entry.prev_hash != last.hash and not last_reported:
                # This entry is intact but was chained to a different predecessor: the row before it
                # was rewritten with a recomputed hash (or put there from elsewhere).
                problems.append(
                    AuditProblem(
                        last.pk,
                        last.sequence,
                        "edited",
                        f"entry #{entry.sequence} was chained to another entry here: this one was rewritten",
                    )
                )
            elif not gap and last is None and entry.prev_hash != GENESIS_HASH:
                found.append(
                    AuditProblem(
                        entry.pk, entry.sequence, "inserted", "the first entry is not chained to the start"
                    )
                )
        problems.extend(found)
        last_reported = bool(found)
        expected_sequence = entry.sequence + 1
        last = entry

    last_sequence = last.sequence if last else 0
    if head is None:
        head_sequence = 0
    if head is None and last is not None:
        problems.append(AuditProblem(None, None, "deleted", "the chain head row is missing"))
    elif last_sequence < head_sequence:
        missing = (
            f"#{last_sequence + 1}"
            if last_sequence + 1 == head_sequence
            else f"#{last_sequence + 1}–#{head_sequence}"
        )
        problems.append(
            AuditProblem(
                None,
                head_sequence,
                "deleted",
                f"the newest entries {missing} are missing (chain head is #{head_sequence})",
            )
        )
    elif (
        head is not None
        and last is not None
        and last_sequence == head_sequence
        and last.hash != head.last_hash
    ):
        problems.append(
            AuditProblem(
                last.pk, last.sequence, "edited", "the last entry's hash differs from the chain head"
            )
        )
    return problems


def _check_entry(entry: AuditEntry) -> AuditProblem | None:
    """Problems visible in the entry alone: data against digests, fields against the hash."""
    if _digest(entry.before) != entry.before_sha256 or _digest(entry.after) != entry.after_sha256:
        return AuditProblem(
            entry.pk, entry.sequence, "edited", "the before/after data does not match its digest"
        )
    if compute_entry_hash(entry) != entry.hash:
        original = _original_sequence(entry)
        if original is not None and original != entry.sequence:
            return AuditProblem(
                entry.pk, entry.sequence, "reordered", f"this entry was written as #{original} and moved here"
            )
        return AuditProblem(
            entry.pk, entry.sequence, "edited", "the stored fields do not match the entry's hash"
        )
    return None


def _original_sequence(entry: AuditEntry) -> int | None:
    """The sequence the entry was written with, if moving it explains its hash mismatch.

    First the place right after the entry its ``prev_hash`` names, then nearby positions (the hash
    covers the sequence, so only the true one matches); None when no move explains it.
    """
    candidates: list[int] = []
    if entry.prev_hash == GENESIS_HASH:
        candidates.append(1)
    else:
        predecessor = (
            AuditEntry.objects.filter(hash=entry.prev_hash).values_list("sequence", flat=True).first()
        )
        if predecessor is not None:
            candidates.append(predecessor + 1)
    for distance in range(1, _REORDER_SEARCH + 1):
        candidates.extend((entry.sequence - distance, entry.sequence + distance))
    for candidate in candidates:
        if candidate >= 1 and compute_entry_hash(entry, sequence=candidate) == entry.hash:
            return candidate
    return None
