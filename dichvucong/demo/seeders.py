"""The demo seeders, run in order by ``manage.py load_demo``.

A seeder is a callable taking a ``SeedContext``; it must be idempotent (running it again changes
nothing) and build its data through its app's services. A later app adds its demo data by writing
``seed_<app>(ctx)`` in this package (or in its own ``demo.py``) and appending it to ``SEEDERS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dichvucong.accounts.constants import AssuranceLevel, MembershipRole
from dichvucong.accounts.models import Organisation, User
from dichvucong.accounts.services import (
    add_member,
    create_business_with_representative,
    register_citizen,
    set_assurance_level,
    set_cccd,
)
from dichvucong.agencies.models import Agency, Assignment
from dichvucong.agencies.services import create_assignment, create_officer, import_agencies
from dichvucong.demo.accounts import (
    CITY_CODE,
    DEMO_BUSINESS,
    DEMO_BUSINESS_MEMBER,
    DEMO_CITIZEN,
    DEMO_CITIZEN_CCCD,
    DEMO_COMPANY,
    DEMO_OFFICERS,
    DEMO_TOTP_SECRET,
)
from dichvucong.demo.calendar import seed_calendar
from dichvucong.demo.catalog import seed_catalog
from dichvucong.demo.dossiers import seed_dossiers
from dichvucong.demo.evaluations import seed_ratings, seed_statistics
from dichvucong.demo.forms import seed_forms


@dataclass(frozen=True)
class SeedContext:
    password: str
    log: Callable[[str], None]


Seeder = Callable[[SeedContext], None]


def seed_agencies(ctx: SeedContext) -> None:
    """The city's agency tree from the project's fixture, unless it is already there."""
    if Agency.objects.filter(code=CITY_CODE).exists():
        ctx.log("agencies: already loaded")
        return
    result = import_agencies(actor=None)
    ctx.log(f"agencies: {result.created} created")


def demo_email(username: str) -> str:
    """Demo mail goes to the reserved ``.example`` domain (RFC 2606); locally it lands in var/mail."""
    return f"{username}@dichvucong.example"


def _citizen(ctx: SeedContext, username: str, full_name: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = register_citizen(
            username=username,
            full_name=full_name,
            password=ctx.password,
            email=demo_email(username),
            email_verified=True,
        )
        ctx.log(f"account {username}: created")
    return user


def seed_accounts(ctx: SeedContext) -> None:
    """The demo citizen, the demo business with its member, and the officers around Phường Bến Thành."""
    citizen = _citizen(ctx, *DEMO_CITIZEN)
    if citizen.assurance_level != AssuranceLevel.VERIFIED:
        # The demo citizen had their CCCD checked (level 2), so every procedure can be tried online.
        set_cccd(user=citizen, cccd=DEMO_CITIZEN_CCCD)
        set_assurance_level(actor=None, user=citizen, level=AssuranceLevel.VERIFIED, source="demo")
        ctx.log(f"account {citizen.username}: identity verified (CCCD {DEMO_CITIZEN_CCCD})")

    company_name, tax_code, address = DEMO_COMPANY
    organisation = Organisation.objects.filter(tax_code=tax_code).first()
    if organisation is None:
        username, full_name = DEMO_BUSINESS
        organisation, _rep = create_business_with_representative(
            organisation_name=company_name,
            tax_code=tax_code,
            address=address,
            representative_username=username,
            representative_full_name=full_name,
            password=ctx.password,
            email=demo_email(username),
        )
        ctx.log(f"account {username}: created with {company_name}")
    member = _citizen(ctx, *DEMO_BUSINESS_MEMBER)
    if not organisation.memberships.filter(user=member).exists():
        add_member(actor=None, organisation=organisation, user=member, role=MembershipRole.MEMBER)

    for spec in DEMO_OFFICERS:
        agency = Agency.objects.get(code=spec.agency_code)
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            create_officer(
                actor=None,
                username=spec.username,
                full_name=spec.full_name,
                agency=agency,
                role=spec.role,
                fields=spec.fields,
                password=ctx.password,
                email=demo_email(spec.username),
            )
            ctx.log(f"account {spec.username}: created")
        elif not Assignment.objects.filter(user=user, agency=agency, role=spec.role, active=True).exists():
            create_assignment(actor=None, user=user, agency=agency, role=spec.role, fields=spec.fields)


def seed_two_factor(ctx: SeedContext) -> None:
    """Demo officers get an authenticator with the published ``DEMO_TOTP_SECRET`` (officers must use
    a second factor); an officer who already has one keeps it."""
    from base64 import b32decode

    from dichvucong.security.selectors import has_two_factor
    from dichvucong.security.services import install_known_totp_device

    key = b32decode(DEMO_TOTP_SECRET)
    for spec in DEMO_OFFICERS:
        user = User.objects.get(username=spec.username)
        if not has_two_factor(user):
            install_known_totp_device(user=user, key=key)
            ctx.log(f"account {spec.username}: authenticator added")
    ctx.log(f"two-factor: demo officers use the TOTP secret {DEMO_TOTP_SECRET} (or `manage.py demo_totp`)")


def seed_faq(ctx: SeedContext) -> None:
    """City-wide FAQ entries (procedures/data/faq.json) for the procedures the catalog holds."""
    import json
    from pathlib import Path

    from dichvucong.procedures.faq import create_faq
    from dichvucong.procedures.models import Faq, Procedure

    data = Path(__file__).resolve().parents[1] / "procedures" / "data" / "faq.json"
    entries = json.loads(data.read_text("utf-8"))
    codes = {entry["procedure_code"] for entry in entries}
    procedures = {p.code: p for p in Procedure.objects.filter(code__in=codes)}
    if not procedures:
        ctx.log("faq: skipped (the procedure catalog is not loaded)")
        return
    created = 0
    for position, entry in enumerate(entries):
        procedure = procedures.get(entry["procedure_code"])
        if procedure is None or Faq.objects.filter(procedure=procedure, question=entry["question"]).exists():
            continue
        create_faq(
            actor=None,
            procedure=procedure,
            question=entry["question"],
            answer=entry["answer"],
            question_en=entry.get("question_en", ""),
            answer_en=entry.get("answer_en", ""),
            position=position,
        )
        created += 1
    ctx.log(f"faq: {created} created")


def seed_oidc_clients(ctx: SeedContext) -> None:
    """The portal, back office and kiosk as first-party clients of our OIDC provider (idempotent)."""
    from dichvucong.identity.services import ensure_first_party_clients

    for application in ensure_first_party_clients():
        ctx.log(f"oidc client {application.policy.code}: {application.client_id}")


SEEDERS: list[Seeder] = [
    seed_agencies,
    seed_calendar,
    seed_accounts,
    seed_two_factor,
    seed_catalog,
    seed_faq,
    seed_oidc_clients,
    seed_dossiers,
    seed_ratings,
    seed_statistics,
    seed_forms,
]
