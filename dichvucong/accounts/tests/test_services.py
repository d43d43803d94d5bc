"""Account services: citizens, businesses with their representative and members, bare officer accounts."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from dichvucong.accounts.constants import MembershipRole, UserKind
from dichvucong.accounts.models import Membership, Organisation, User
from dichvucong.accounts.services import (
    AccountError,
    add_member,
    create_business_with_representative,
    create_officer_account,
    register_citizen,
    set_user_active,
)
from dichvucong.core.models import AuditEntry

pytestmark = pytest.mark.django_db
PASSWORD = "mat-khau-thu-nghiem-2026"


def _business(**overrides):
    values = {
        "organisation_name": "Công ty TNHH Sen Vàng",
        "tax_code": "0312345678",
        "representative_username": "senvang",
        "representative_full_name": "Phạm Thị Lan",
        "password": PASSWORD,
    }
    return create_business_with_representative(**{**values, **overrides})


def test_register_citizen_creates_citizen_and_audits(db):
    """When a citizen registers, then a citizen account with a password exists, audited."""
    user = register_citizen(username="nguyenvana", full_name="Nguyễn Văn A", password=PASSWORD)
    assert user.kind == UserKind.CITIZEN and user.check_password(PASSWORD)
    entry = AuditEntry.objects.get(action="accounts.register_citizen")
    assert entry.actor_id == user.pk and entry.target_id == str(user.pk)


def test_register_citizen_refuses_taken_username_case_insensitively(db):
    """Given an account "NguyenVanA", when "nguyenvana" registers, then refused."""
    register_citizen(username="NguyenVanA", full_name="A", password=PASSWORD)
    with pytest.raises(AccountError, match="đã được sử dụng"):
        register_citizen(username="nguyenvana", full_name="B", password=PASSWORD)


def test_register_citizen_refuses_weak_password(db):
    """When the password is too short, then the password validators refuse it and no account is made."""
    with pytest.raises(ValidationError):
        register_citizen(username="yeu", full_name="Yếu", password="123")
    assert not User.objects.filter(username="yeu").exists()


def test_business_gets_legal_representative(db):
    """When a business registers, then the organisation and its legal representative membership exist."""
    organisation, rep = _business()
    assert rep.kind == UserKind.BUSINESS
    assert (
        Membership.objects.get(organisation=organisation, user=rep).role
        == MembershipRole.LEGAL_REPRESENTATIVE
    )


@pytest.mark.parametrize("tax_code", ["123", "03123456AB", "031234567"])
def test_business_rejects_malformed_tax_code(db, tax_code):
    """Given a tax code that is not 10 or 13 digits, then registration is refused with nothing stored."""
    with pytest.raises(AccountError):
        _business(tax_code=tax_code)
    assert not Organisation.objects.exists() and not User.objects.exists()


def test_business_rejects_duplicate_tax_code(db):
    """Given a registered tax code, when another business uses it, then it is refused."""
    _business()
    with pytest.raises(AccountError):
        _business(representative_username="khac")


def test_representative_adds_member_others_cannot(db):
    """Given a business, its representative adds a member; the member itself cannot."""
    organisation, rep = _business()
    member = register_citizen(username="nhanvien", full_name="Lê Văn Bình", password=PASSWORD)
    add_member(actor=rep, organisation=organisation, user=member)
    outsider = register_citizen(username="ngoai", full_name="Ngoài", password=PASSWORD)
    with pytest.raises(AccountError):
        add_member(actor=member, organisation=organisation, user=outsider)
    with pytest.raises(AccountError):
        add_member(actor=rep, organisation=organisation, user=member)  # already a member
    assert organisation.members.count() == 2


def test_second_legal_representative_refused(db):
    """When a second legal representative is added, then it is refused (one per organisation)."""
    organisation, rep = _business()
    member = register_citizen(username="nhanvien", full_name="Lê Văn Bình", password=PASSWORD)
    with pytest.raises(AccountError):
        add_member(
            actor=rep, organisation=organisation, user=member, role=MembershipRole.LEGAL_REPRESENTATIVE
        )


def test_officer_cannot_join_business(db):
    """Given an officer account, when added to a business, then it is refused."""
    organisation, rep = _business()
    officer = create_officer_account(actor=None, username="canbo", full_name="Cán bộ")
    with pytest.raises(AccountError):
        add_member(actor=rep, organisation=organisation, user=officer)


def test_officer_account_has_no_password_unless_given(db):
    """When an officer account is created without password, then it cannot log in with a password."""
    officer = create_officer_account(actor=None, username="canbo", full_name="Trần Văn Cán")
    assert officer.kind == UserKind.OFFICER and not officer.has_usable_password()


def test_set_user_active_audits_before_and_after(db):
    """When an account is locked, then the audit entry records is_active before and after."""
    user = register_citizen(username="khoa", full_name="Khóa", password=PASSWORD)
    set_user_active(actor=None, user=user, active=False)
    entry = AuditEntry.objects.get(action="accounts.set_user_active")
    assert entry.before["is_active"] is True and entry.after["is_active"] is False
