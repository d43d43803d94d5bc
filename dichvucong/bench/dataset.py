"""The benchmark data set: the accounts the benchmarks act as, and what the database holds.

``generate_demo_load`` makes the dossiers (through ``generate_dossiers``) and hands a share of them to
one heavy citizen; ``bench`` reads the same accounts back. Every account here is synthetic, named
``bench-…``, without a usable password, so none can sign in through a form.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models import Count

from dichvucong.accounts.constants import AssuranceLevel, Role, UserKind
from dichvucong.accounts.models import User
from dichvucong.agencies.models import Agency, Assignment
from dichvucong.dossiers.constants import SubmissionChannel
from dichvucong.dossiers.models import Dossier, DossierEvent
from dichvucong.procedures.models import ProcedureAgency

CITIZEN_USERNAME = "bench-citizen"
OFFICER_USERNAME = "bench-auditor"
LEADER_USERNAME = "bench-leader"


def catalog_ready() -> bool:
    """Whether a published procedure is received by an active agency (``generate_dossiers`` needs one)."""
    return ProcedureAgency.objects.filter(is_active=True, procedure__current_version__isnull=False).exists()


def ensure_citizen() -> User:
    """The heavy citizen: owns many dossiers, verified identity (level 2) so it may submit anything."""
    user, _created = User.objects.get_or_create(
        username=CITIZEN_USERNAME,
        defaults={
            "full_name": "Công dân đo tải",
            "email": f"{CITIZEN_USERNAME}@bench.dichvucong.example",
            "kind": UserKind.CITIZEN,
        },
    )
    top = max(AssuranceLevel.values)
    if user.assurance_level != top or user.has_usable_password() or not user.is_active:
        user.assurance_level = top
        user.is_active = True
        user.set_unusable_password()
        user.save(update_fields=["assurance_level", "is_active", "password"])
    return user


def _ensure_officer(username: str, full_name: str, role: str, agency: Agency) -> User:
    user, _created = User.objects.get_or_create(
        username=username,
        defaults={
            "full_name": full_name,
            "email": f"{username}@bench.dichvucong.example",
            "kind": UserKind.OFFICER,
        },
    )
    if user.has_usable_password():
        user.set_unusable_password()
        user.save(update_fields=["password"])
    if not Assignment.objects.filter(user=user, role=role, active=True).exists():
        from dichvucong.agencies.services import create_assignment

        with transaction.atomic():
            create_assignment(actor=None, user=user, agency=agency, role=role, include_subtree=True)
    return user


def ensure_officer() -> User:
    """A city-wide auditor (sees every dossier), the widest officer search there is."""
    root = Agency.objects.filter(parent__isnull=True).order_by("pk").first()
    if root is None:
        raise LookupError("no agency: load the agency tree first (make demo)")
    return _ensure_officer(OFFICER_USERNAME, "Cán bộ đo tải", Role.AUDITOR, root)


def busiest_agency() -> Agency | None:
    """The agency that received the most dossiers (None without dossiers)."""
    top = Dossier.objects.values("agency").annotate(n=Count("pk")).order_by("-n").first()
    return Agency.objects.get(pk=top["agency"]) if top else None


def ensure_leader() -> User | None:
    """The leader of the busiest agency (a worklist role, whole subtree); None without dossiers."""
    existing = Assignment.objects.filter(user__username=LEADER_USERNAME, active=True).first()
    if existing is not None:
        return existing.user
    agency = busiest_agency()
    if agency is None:
        return None
    return _ensure_officer(LEADER_USERNAME, "Lãnh đạo đo tải", Role.AGENCY_LEADER, agency)


def give_dossiers_to_citizen(citizen: User, wanted: int) -> int:
    """Make ``citizen`` the owner of ``wanted`` online dossiers (the newest ones of other synthetic
    owners); returns how many it owns now."""
    owned = Dossier.objects.filter(owner=citizen).count()
    missing = wanted - owned
    if missing > 0:
        ids = list(
            Dossier.objects.filter(
                channel=SubmissionChannel.ONLINE,
                owner__username__startswith="bench-user-",
                status__isnull=False,
            )
            .order_by("-pk")
            .values_list("pk", flat=True)[:missing]
        )
        with transaction.atomic():
            Dossier.objects.filter(pk__in=ids).update(owner=citizen)
        owned += len(ids)
    return owned


def database_bytes() -> int | None:
    """Size of the database on disk: the SQLite file and its WAL, or ``pg_database_size``."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            return int(cursor.fetchone()[0])
    if connection.vendor == "sqlite":
        name = str(connection.settings_dict["NAME"])
        if name == ":memory:" or name.startswith("file:") or not os.path.exists(name):
            return None
        return sum(
            Path(name + suffix).stat().st_size for suffix in ("", "-wal") if Path(name + suffix).exists()
        )
    return None


def table_bytes() -> dict[str, int]:
    """Bytes of the dossier and event tables with their indexes (PostgreSQL; SQLite with dbstat)."""
    tables = {"dossiers": Dossier._meta.db_table, "events": DossierEvent._meta.db_table}
    found: dict[str, int] = {}
    with connection.cursor() as cursor:
        for key, table in tables.items():
            if connection.vendor == "postgresql":
                sql = "SELECT pg_total_relation_size(%s)"
                params = [table]
            elif connection.vendor == "sqlite":
                # dbstat: the pages of the table and of every index on it.
                sql = (
                    "SELECT SUM(pgsize) FROM dbstat WHERE name = %s OR name IN "
                    "(SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = %s)"
                )
                params = [table, table]
            else:
                break
            try:
                cursor.execute(sql, params)
                value = cursor.fetchone()[0]
            except DatabaseError:  # dbstat is an optional SQLite module
                value = None
            if value is not None:
                found[key] = int(value)
    return found


def counts() -> dict[str, Any]:
    return {"dossiers": Dossier.objects.count(), "events": DossierEvent.objects.count()}
