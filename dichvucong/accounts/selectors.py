"""Reads of the accounts context: assurance checks, a person's businesses, their data and its access log."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from dichvucong.accounts.constants import AssuranceLevel
from dichvucong.accounts.models import Membership, Organisation, PersonalDataAccess, User, VerificationCode
from dichvucong.accounts.validation import cccd_index, mask_cccd, mask_phone


def get_verified_account_by_cccd(cccd: str) -> User | None:
    """The active citizen account whose identity was verified with this CCCD, if any.

    Used to give a walk-in dossier to its applicant's account: only an account at the verified
    assurance level qualifies, since anyone may type any number into an unverified profile.
    """
    index = cccd_index((cccd or "").strip())
    if index is None:
        return None
    return User.objects.filter(
        cccd_index=index, is_active=True, assurance_level__gte=AssuranceLevel.VERIFIED
    ).first()


def meets_assurance(user: Any, level: int) -> bool:
    """Whether a signed-in ``user`` is at least at assurance ``level`` (anonymous: never)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    current = getattr(user, "assurance_level", None)
    return current is not None and current >= level


def get_assurance_help(user: Any, level: int) -> str:
    """What to tell a person below ``level`` (empty when they meet it)."""
    if meets_assurance(user, level):
        return ""
    if level >= AssuranceLevel.VERIFIED:
        return _(
            "Thủ tục này yêu cầu tài khoản đã xác thực định danh (mức 2). Bạn có thể đăng nhập bằng "
            "tài khoản Cổng Dịch vụ công quốc gia (VNeID mức 2), hoặc mang căn cước công dân đến "
            "bộ phận một cửa bất kỳ để cán bộ đối chiếu."
        )
    return _("Vui lòng đăng nhập bằng tài khoản đã xác minh thư điện tử hoặc số điện thoại.")


def list_memberships(user: User) -> QuerySet[Membership]:
    """The businesses ``user`` acts for, with their role, by name."""
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name", "organisation_id")
    )


def get_membership(user: User, organisation_id: int) -> Membership:
    """``user``'s membership of one organisation (``Membership.DoesNotExist`` if they are not a member)."""
    return Membership.objects.select_related("organisation").get(user=user, organisation_id=organisation_id)


def list_organisation_members(organisation: Organisation) -> QuerySet[Membership]:
    """Members of an organisation, the legal representative first."""
    # "legal_representative" sorts before "member".
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("role", "user__full_name", "user_id")
    )


def list_data_accesses(user: User) -> QuerySet[PersonalDataAccess]:
    """Who viewed, revealed, checked or downloaded ``user``'s personal data, newest first."""
    return PersonalDataAccess.objects.filter(subject=user).order_by("-at", "-id")


def masked_identity(user: User) -> dict[str, str]:
    """The CCCD and phone numbers as officers see them by default."""
    return {"cccd": mask_cccd(user.cccd), "phone": mask_phone(user.phone)}


def export_account_data(user: User) -> dict[str, Any]:
    """The accounts part of a person's data download (profile, businesses, access log)."""
    return {
        "profile": {
            "username": user.username,
            "full_name": user.full_name,
            "email": user.email,
            "email_verified_at": user.email_verified_at,
            "phone": user.phone,
            "phone_verified_at": user.phone_verified_at,
            "cccd": user.cccd,
            "date_of_birth": user.date_of_birth,
            "gender": user.gender,
            "address": user.address,
            "preferred_language": user.preferred_language,
            "kind": user.kind,
            "assurance_level": user.assurance_level,
            "identity_verified_at": user.identity_verified_at,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        "memberships": [
            {
                "organisation": m.organisation.name,
                "tax_code": m.organisation.tax_code,
                "role": m.role,
                "since": m.created_at,
            }
            for m in list_memberships(user)
        ],
        "personal_data_access": [
            {
                "at": a.at,
                "by": a.accessed_by_name,
                "action": a.action,
                "what": a.what,
                "reason": a.reason,
            }
            for a in list_data_accesses(user)
        ],
    }


def get_latest_code(user: User, purpose: str) -> VerificationCode | None:
    """The newest one-time code of ``purpose`` (to say where it was sent; never its value)."""
    return VerificationCode.objects.filter(user=user, purpose=purpose).order_by("-created_at", "-id").first()
