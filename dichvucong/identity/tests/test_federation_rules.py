"""Which account a verified national-SSO identity signs in to (the rules after the protocol)."""

from __future__ import annotations

from typing import Any

import pytest

from dichvucong.core.models import AuditEntry
from dichvucong.identity.federation import parse_assurance_level, sign_in_federated
from dichvucong.identity.models import FederatedIdentity
from dichvucong.identity.services import IdentityError
from dichvucong.identity.tests.conftest import CCCD

ISSUER = "https://sso.dichvucong.gov.vn"


def test_assurance_claims_are_read_leniently() -> None:
    """Given acr values in several shapes, when parsed, then the level number is found and capped."""
    assert [parse_assurance_level(v) for v in ("2", 2, "urn:vneid:loa:2", "loa-9", None, "x")] == [
        2,
        2,
        2,
        2,
        1,
        1,
    ]


@pytest.mark.django_db
def test_new_person_gets_an_account_and_a_weaker_login_never_lowers_the_level() -> None:
    """Given an unknown person at level 2, when they sign in, then an account is created at level 2;
    when they later sign in at level 1, then the account stays at level 2. Both logins are audited."""
    first = sign_in_federated(
        issuer=ISSUER, claims={"sub": "s-1", "name": "Lê Văn C", "cccd": "079111222333", "acr": "2"}
    )
    assert first.created and first.user.full_name == "Lê Văn C"
    again = sign_in_federated(issuer=ISSUER, claims={"sub": "s-1", "acr": "1"})
    again.user.refresh_from_db()
    assert again.user.pk == first.user.pk and getattr(again.user, "assurance_level", 2) == 2
    assert AuditEntry.objects.filter(action="identity.federation.login").count() == 2


@pytest.mark.django_db
def test_cccd_linked_to_another_subject_is_refused(citizen: Any) -> None:
    """Given an account already linked to subject A of the upstream, when subject B arrives with the
    same CCCD, then the login is refused with a clear message and no second link is made."""
    if not hasattr(citizen, "cccd"):
        pytest.skip("the accounts app keeps no CCCD")
    sign_in_federated(issuer=ISSUER, claims={"sub": "A", "cccd": CCCD, "acr": "2"})
    with pytest.raises(IdentityError) as refused:
        sign_in_federated(issuer=ISSUER, claims={"sub": "B", "cccd": CCCD, "acr": "2"})
    assert "đã được liên kết" in refused.value.message
    assert list(FederatedIdentity.objects.values_list("subject", flat=True)) == ["A"]
