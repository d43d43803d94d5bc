"""The demo seeders, run in order by ``manage.py load_demo``.

A seeder is a callable taking a ``SeedContext``; it must be idempotent (running it again changes
nothing) and build its data through its app's services. A later app adds its demo data by writing
``seed_<app>(ctx)`` in this package (or in its own ``demo.py``) and appending it to ``SEEDERS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from dichvucong.accounts.constants import MembershipRole
from dichvucong.accounts.models import Organisation, User
from dichvucong.accounts.services import add_member, create_business_with_representative, register_citizen
from dichvucong.agencies.models import Agency, Assignment
from dichvucong.agencies.services import create_assignment, create_officer, import_agencies
from dichvucong.demo.accounts import (
    CITY_CODE,
    DEMO_BUSINESS,
    DEMO_BUSINESS_MEMBER,
    DEMO_CITIZEN,
    DEMO_COMPANY,
    DEMO_OFFICERS,
)


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
            username=username, full_name=full_name, password=ctx.password, email=demo_email(username)
        )
        ctx.log(f"account {username}: created")
    return user


def seed_accounts(ctx: SeedContext) -> None:
    """The demo citizen, the demo business with its member, and the officers around Phường Bến Thành."""
    _citizen(ctx, *DEMO_CITIZEN)

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


SEEDERS: list[Seeder] = [
    seed_agencies,
    seed_accounts,
]
