"""``load_demo``: idempotent, refuses without DEMO_MODE, every demo user logs in with its scope."""

from __future__ import annotations

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client, RequestFactory, override_settings

from dichvucong.accounts.constants import MembershipRole, Role, UserKind
from dichvucong.accounts.models import Membership, Organisation, User
from dichvucong.agencies.models import Agency, Assignment, OfficeHours
from dichvucong.agencies.scopes import get_data_scope
from dichvucong.demo import seeders

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

USERNAMES = [
    "demo-citizen",
    "demo-business",
    "demo-business-member",
    "demo-counter",
    "demo-specialist",
    "demo-head",
    "demo-leader",
    "demo-ward-admin",
    "demo-city-admin",
    "demo-auditor",
]


def _counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Agency, OfficeHours, User, Organisation, Membership, Assignment))


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    """Argon2 is slow by design; the demo logic does not depend on the hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=StringIO())


def test_load_demo_twice_gives_same_counts(demo):
    """Given the demo loaded, when loaded again, then no row is added anywhere."""
    first = _counts()
    assert first[0] == 189 and first[2] == len(USERNAMES)
    call_command("load_demo", stdout=StringIO())
    assert _counts() == first


@override_settings(DEMO_MODE=False)
def test_load_demo_refuses_without_demo_mode(db):
    """Given DEMO_MODE off, when load_demo runs, then it stops with a clear message and creates nothing."""
    with pytest.raises(CommandError, match="DEMO_MODE is off"):
        call_command("load_demo", stdout=StringIO())
    assert not User.objects.exists() and not Agency.objects.exists()


def test_every_demo_user_logs_in(demo):
    """Each demo account logs in with DEMO_PASSWORD (and not with another password)."""
    request = RequestFactory().post("/login/")  # django-axes wants the request to authenticate
    for username in USERNAMES:
        assert Client().login(request=request, username=username, password=settings.DEMO_PASSWORD), username
    assert not Client().login(request=request, username="demo-citizen", password="sai-mat-khau-2026")


EXPECTED_SCOPES = {
    # username: (role, agencies visible: "ward" = Phường Bến Thành only, "city" = all)
    "demo-counter": (Role.COUNTER_OFFICER, "ward"),
    "demo-specialist": (Role.SPECIALIST, "ward"),
    "demo-head": (Role.UNIT_HEAD, "ward"),
    "demo-leader": (Role.AGENCY_LEADER, "ward"),
    "demo-ward-admin": (Role.AGENCY_ADMIN, "ward"),
    "demo-city-admin": (Role.CITY_ADMIN, "city"),
    "demo-auditor": (Role.AUDITOR, "city"),
}


def test_demo_officers_get_expected_scope(demo):
    """Each demo officer holds its role; ward staff see Phường Bến Thành only (the specialist only its two
    fields), the city admin and the auditor the whole city."""
    ben_thanh = Agency.objects.get(code="000.50.68.H29")
    assert ben_thanh.name == "Ủy ban nhân dân Phường Bến Thành"
    for username, (role, extent) in EXPECTED_SCOPES.items():
        scope = get_data_scope(User.objects.get(username=username))
        assert scope.roles == frozenset({role}), username
        assert scope.agency_ids == (None if extent == "city" else frozenset({ben_thanh.pk})), username
        expected_fields = frozenset({"ho-tich", "chung-thuc"}) if username == "demo-specialist" else None
        assert scope.field_codes == expected_fields, username


def test_citizen_and_business_accounts(demo):
    """The demo citizen has no scope; the demo business represents a company that has one more member."""
    assert get_data_scope(User.objects.get(username="demo-citizen")).is_empty
    rep = User.objects.get(username="demo-business")
    assert rep.kind == UserKind.BUSINESS
    company = rep.organisations.get()
    assert company.memberships.get(user=rep).role == MembershipRole.LEGAL_REPRESENTATIVE
    assert company.memberships.filter(role=MembershipRole.MEMBER).count() == 1


def test_later_apps_add_seeders(db, monkeypatch):
    """A seeder appended to SEEDERS runs after the built-in ones."""
    calls: list[str] = []
    monkeypatch.setattr(seeders, "SEEDERS", [*seeders.SEEDERS, lambda ctx: calls.append("extra")])
    from dichvucong.demo.management.commands import load_demo

    monkeypatch.setattr(load_demo, "SEEDERS", seeders.SEEDERS)
    call_command("load_demo", stdout=StringIO())
    assert calls == ["extra"]


def test_demo_accounts_have_an_email_address_so_the_email_channel_is_demonstrable(db, settings) -> None:
    """Given demo mode, when the demo is loaded, then every demo account has an address on the
    reserved .example domain, so notifications show the e-mail channel working (into var/mail)."""
    from django.core.management import call_command

    from dichvucong.accounts.models import User

    settings.DEMO_MODE = True
    call_command("load_demo", verbosity=0)
    emails = dict(User.objects.filter(username__startswith="demo-").values_list("username", "email"))
    assert emails and all(email == f"{name}@dichvucong.example" for name, email in emails.items())
