"""Writes of the accounts context: registering citizens, businesses and their members, officer accounts.

Every write is audited. Scope checks for officers live one layer up: ``accounts`` knows nothing of
agencies, so a back-office admin creates an officer through
``dichvucong.agencies.services.create_officer`` (which checks the admin's data scope, then calls
``create_officer_account`` here and adds the assignment).
"""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils.translation import gettext as _

from dichvucong.accounts.constants import MembershipRole, UserKind
from dichvucong.accounts.models import Membership, Organisation, User
from dichvucong.core.audit import record_audit


class AccountError(Exception):
    """A refused account change, with a translated message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _user_snapshot(user: User) -> dict[str, object]:
    return {
        "username": user.username,
        "kind": user.kind,
        "full_name": user.full_name,
        "is_active": user.is_active,
    }


def _create_user(
    *,
    username: str,
    kind: str,
    full_name: str,
    password: str | None,
    email: str = "",
    phone: str = "",
) -> User:
    username = username.strip()
    if not username:
        raise AccountError(_("Tên đăng nhập không được để trống."))
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError(_("Tên đăng nhập “%(username)s” đã được sử dụng.") % {"username": username})
    user = User(
        username=username, kind=kind, full_name=full_name.strip(), email=email.strip(), phone=phone.strip()
    )
    if password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def register_citizen(
    *,
    username: str,
    full_name: str,
    password: str,
    email: str = "",
    phone: str = "",
    actor: User | None = None,
) -> User:
    """A citizen signs up (or is registered by a system process); ``actor`` defaults to the citizen."""
    user = _create_user(
        username=username,
        kind=UserKind.CITIZEN,
        full_name=full_name,
        password=password,
        email=email,
        phone=phone,
    )
    record_audit(
        actor=actor or user, action="accounts.register_citizen", target=user, after=_user_snapshot(user)
    )
    return user


@transaction.atomic
def create_business_with_representative(
    *,
    organisation_name: str,
    tax_code: str,
    representative_username: str,
    representative_full_name: str,
    password: str,
    address: str = "",
    email: str = "",
    phone: str = "",
    actor: User | None = None,
) -> tuple[Organisation, User]:
    """Registers an organisation together with the account of its legal representative."""
    tax_code = tax_code.strip()
    if not tax_code.replace("-", "").isdigit() or len(tax_code.replace("-", "")) not in (10, 13):
        raise AccountError(_("Mã số thuế phải gồm 10 hoặc 13 chữ số."))
    if Organisation.objects.filter(tax_code=tax_code).exists():
        raise AccountError(_("Mã số thuế %(tax_code)s đã được đăng ký.") % {"tax_code": tax_code})
    user = _create_user(
        username=representative_username,
        kind=UserKind.BUSINESS,
        full_name=representative_full_name,
        password=password,
        email=email,
        phone=phone,
    )
    organisation = Organisation.objects.create(
        name=organisation_name.strip(), tax_code=tax_code, address=address
    )
    Membership.objects.create(organisation=organisation, user=user, role=MembershipRole.LEGAL_REPRESENTATIVE)
    record_audit(
        actor=actor or user,
        action="accounts.create_business",
        target=organisation,
        after={"name": organisation.name, "tax_code": tax_code, "representative": user.username},
    )
    return organisation, user


@transaction.atomic
def add_member(
    *,
    actor: User | None,
    organisation: Organisation,
    user: User,
    role: str = MembershipRole.MEMBER,
) -> Membership:
    """Adds ``user`` to the organisation. Only its legal representative (or a system process,
    ``actor=None``) may add members; there is one legal representative."""
    if (
        actor is not None
        and not Membership.objects.filter(
            organisation=organisation, user=actor, role=MembershipRole.LEGAL_REPRESENTATIVE
        ).exists()
    ):
        raise AccountError(_("Chỉ người đại diện theo pháp luật mới được thêm thành viên."))
    if role == MembershipRole.LEGAL_REPRESENTATIVE:
        raise AccountError(_("Mỗi tổ chức chỉ có một người đại diện theo pháp luật."))
    if user.kind == UserKind.OFFICER:
        raise AccountError(_("Tài khoản cán bộ không thể là thành viên của doanh nghiệp."))
    if Membership.objects.filter(organisation=organisation, user=user).exists():
        raise AccountError(_("Tài khoản này đã là thành viên của tổ chức."))
    membership = Membership.objects.create(organisation=organisation, user=user, role=role)
    record_audit(
        actor=actor,
        action="accounts.add_member",
        target=membership,
        after={"organisation": organisation.pk, "user": user.username, "role": role},
    )
    return membership


@transaction.atomic
def create_officer_account(
    *,
    actor: User | None,
    username: str,
    full_name: str,
    password: str | None = None,
    email: str = "",
    phone: str = "",
) -> User:
    """Creates the bare account of an officer, with no role. Not scope-checked: callers outside
    system processes must use ``agencies.services.create_officer``, which checks the actor's scope."""
    user = _create_user(
        username=username,
        kind=UserKind.OFFICER,
        full_name=full_name,
        password=password,
        email=email,
        phone=phone,
    )
    record_audit(actor=actor, action="accounts.create_officer", target=user, after=_user_snapshot(user))
    return user


@transaction.atomic
def set_user_active(*, actor: User | None, user: User, active: bool) -> User:
    """Locks or unlocks an account (accounts are never deleted)."""
    before = _user_snapshot(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    record_audit(
        actor=actor, action="accounts.set_user_active", target=user, before=before, after=_user_snapshot(user)
    )
    return user


def set_preferred_language(*, user: User, language: str) -> User:
    """Remember the language a signed-in person chose, so every device and e-mail uses it."""
    from django.conf import settings

    if language not in {code for code, _name in settings.LANGUAGES}:
        raise AccountError(_("Ngôn ngữ không được hỗ trợ."))
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    return user
