"""Profile, CCCD lock, counter verification, businesses and personal-data reveals."""

from __future__ import annotations

from datetime import date

import pytest

from dichvucong.accounts import selectors, services
from dichvucong.accounts.constants import AssuranceLevel, MembershipRole, PersonalDataAction
from dichvucong.accounts.models import Membership, Organisation
from dichvucong.accounts.services import AccountError
from dichvucong.core.models import AuditEntry

PASSWORD = "mat-khau-thu-nghiem-2026"


@pytest.fixture
def citizen(db):
    return services.register_citizen(
        username="an", full_name="Nguyễn Văn An", password=PASSWORD, email="an@example.vn"
    )


@pytest.fixture
def officer(db):
    return services.create_officer_account(actor=None, username="canbo", full_name="Trần Thị Bình")


def _verified(username: str, email: str):
    from dichvucong.accounts.models import User
    from dichvucong.core import clock

    user = services.register_citizen(username=username, full_name=username, password=PASSWORD, email=email)
    User.objects.filter(pk=user.pk).update(email_verified_at=clock.now())
    user.refresh_from_db()
    return user


def test_profile_update_saves_and_refuses_bad_values(citizen) -> None:
    """Given a citizen, when they save their details they are kept; a future birth date is refused."""
    services.update_profile(
        user=citizen,
        full_name=" Nguyễn  Văn An ",
        date_of_birth=date(1990, 5, 1),
        gender="male",
        address="1 Lê Lợi",
        preferred_language="en",
    )
    citizen.refresh_from_db()
    assert citizen.full_name == "Nguyễn Văn An" and citizen.preferred_language == "en"
    with pytest.raises(AccountError, match="Ngày sinh"):
        services.update_profile(user=citizen, full_name="An", date_of_birth=date(2999, 1, 1))


def test_cccd_locked_once_identity_verified_at_counter(citizen, officer) -> None:
    """Given a citizen whose CCCD an officer checked at the counter, then they are level 2, the check is
    in their access log and audit trail, and they can no longer change the number themselves."""
    services.set_cccd(user=citizen, cccd="079012345612")
    services.verify_identity_at_counter(officer=officer, user=citizen, cccd="079012345612")
    citizen.refresh_from_db()
    assert citizen.assurance_level == AssuranceLevel.VERIFIED
    assert selectors.list_data_accesses(citizen).get().action == PersonalDataAction.VERIFIED
    assert AuditEntry.objects.filter(action="accounts.verify_identity_at_counter").exists()
    with pytest.raises(AccountError, match="không thể tự thay đổi"):
        services.set_cccd(user=citizen, cccd="079012345699")


def test_counter_check_refuses_mismatch_and_non_officers(citizen, officer) -> None:
    """Given a declared CCCD, when the card shows another number, or a citizen tries, then it is refused."""
    services.set_cccd(user=citizen, cccd="079012345612")
    with pytest.raises(AccountError, match="không khớp"):
        services.verify_identity_at_counter(officer=officer, user=citizen, cccd="079012345699")
    with pytest.raises(AccountError, match="cán bộ"):
        services.verify_identity_at_counter(officer=citizen, user=citizen, cccd="079012345612")
    citizen.refresh_from_db()
    assert citizen.assurance_level == AssuranceLevel.BASIC


def test_business_created_by_verified_user_with_valid_tax_code(citizen) -> None:
    """Given a citizen, when they register a business, then they are its legal representative; a bad or
    taken tax code is refused."""
    org = services.create_business(actor=citizen, name="Công ty An Phát", tax_code="0312345678")
    assert Membership.objects.get(organisation=org, user=citizen).role == MembershipRole.LEGAL_REPRESENTATIVE
    with pytest.raises(AccountError, match="10 hoặc 13"):
        services.create_business(actor=citizen, name="X", tax_code="12345")
    with pytest.raises(AccountError, match="đã được đăng ký"):
        services.create_business(actor=citizen, name="Y", tax_code="0312345678")
    assert Organisation.objects.count() == 1


def test_members_added_by_contact_removed_and_representation_transferred(citizen) -> None:
    """Given a business, when its representative adds a verified account by e-mail and hands over the
    role, then the new person is the representative and the old one a member who can no longer manage."""
    binh = _verified("binh", "binh@example.vn")
    org = services.create_business(actor=citizen, name="Công ty An Phát", tax_code="0312345678")
    with pytest.raises(AccountError, match="Không tìm thấy"):
        services.add_member_by_contact(actor=citizen, organisation=org, contact="nobody@example.vn")
    services.add_member_by_contact(actor=citizen, organisation=org, contact="BINH@example.vn")
    assert [m.organisation for m in selectors.list_memberships(binh)] == [org]
    with pytest.raises(AccountError, match="người đại diện"):
        services.remove_member(actor=binh, organisation=org, user=citizen)
    services.transfer_representation(actor=citizen, organisation=org, to_user=binh)
    roles = {m.user: m.role for m in selectors.list_organisation_members(org)}
    assert roles == {binh: MembershipRole.LEGAL_REPRESENTATIVE, citizen: MembershipRole.MEMBER}
    with pytest.raises(AccountError):
        services.add_member_by_contact(actor=citizen, organisation=org, contact="binh@example.vn")
    services.remove_member(actor=binh, organisation=org, user=citizen)
    assert not selectors.list_memberships(citizen).exists()


def test_reveal_is_logged_for_the_person_and_audited(citizen, officer) -> None:
    """Given an officer revealing a CCCD with a reason, then the value is returned, the person's access
    log shows who and why, and the audit trail has an entry without the number."""
    services.set_cccd(user=citizen, cccd="079012345612")
    with pytest.raises(AccountError, match="lý do"):
        services.reveal_personal_data(actor=officer, subject=citizen, field="cccd", reason="")
    value = services.reveal_personal_data(
        actor=officer, subject=citizen, field="cccd", reason="Đối chiếu hồ sơ"
    )
    assert value == "079012345612"
    access = selectors.list_data_accesses(citizen).get()
    assert (access.accessed_by, access.what, access.reason) == (officer, "cccd", "Đối chiếu hồ sơ")
    entry = AuditEntry.objects.get(action="accounts.reveal_personal_data")
    assert "079012345612" not in str(entry.after)


def test_masks_keep_only_the_ends() -> None:
    """Given full numbers, then officers see them masked in the agreed shape."""
    from dichvucong.accounts.validation import mask_cccd, mask_phone

    assert mask_cccd("079012345612") == "0790******12"
    assert mask_phone("0912345689") == "09******89"
