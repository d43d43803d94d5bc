"""Writes of the accounts context: registering citizens, businesses and their members, officer accounts.

Every write is audited. Scope checks for officers live one layer up: ``accounts`` knows nothing of
agencies, so a back-office admin creates an officer through
``dichvucong.agencies.services.create_officer`` (which checks the admin's data scope, then calls
``create_officer_account`` here and adds the assignment).
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dichvucong.accounts import verification
from dichvucong.accounts.constants import (
    AssuranceLevel,
    CodeChannel,
    CodePurpose,
    Gender,
    MembershipRole,
    PersonalDataAction,
    UserKind,
)
from dichvucong.accounts.models import Membership, Organisation, PersonalDataAccess, User, VerificationCode
from dichvucong.accounts.validation import AccountError as AccountError  # re-exported for callers
from dichvucong.accounts.validation import (
    cccd_index,
    clean_cccd,
    clean_email,
    clean_phone,
    clean_tax_code,
    mask_cccd,
    mask_phone,
    phone_index,
)
from dichvucong.core import clock
from dichvucong.core.audit import record_audit


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
    user = User(username=username, kind=kind, full_name=full_name.strip(), email=email.strip())
    if kind != UserKind.OFFICER:
        user.assurance_level = AssuranceLevel.BASIC
    if phone.strip():
        user.phone = clean_phone(phone)
        user.phone_index = phone_index(user.phone)
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
    email_verified: bool = False,
) -> User:
    """A citizen registered by a system process (demo, import, tests), active at level 1;
    ``actor`` defaults to the citizen. People sign up through ``start_registration``."""
    user = _create_user(
        username=username,
        kind=UserKind.CITIZEN,
        full_name=full_name,
        password=password,
        email=email,
        phone=phone,
    )
    if email_verified and user.email:
        user.email_verified_at = clock.now()
        user.save(update_fields=["email_verified_at"])
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
    tax_code = clean_tax_code(tax_code)
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


# --- Self-registration with a one-time code -------------------------------------------------------


def _is_pending(user: User) -> bool:
    """Registered but never verified: not usable, and taken over by whoever verifies the address."""
    return (
        not user.is_active
        and user.assurance_level is None
        and user.email_verified_at is None
        and user.phone_verified_at is None
        and user.last_login is None
    )


def _check_contact_free(*, email: str = "", phone: str = "", exclude: User | None = None) -> None:
    others = User.objects.all() if exclude is None else User.objects.exclude(pk=exclude.pk)
    if email and others.filter(email__iexact=email, email_verified_at__isnull=False).exists():
        raise AccountError(
            _("Địa chỉ thư điện tử này đã được đăng ký cho một tài khoản khác."), field="contact"
        )
    if phone and others.filter(phone_index=phone_index(phone), phone_verified_at__isnull=False).exists():
        raise AccountError(_("Số điện thoại này đã được đăng ký cho một tài khoản khác."), field="contact")


def _check_cccd_free(cccd: str, *, exclude: User | None = None) -> None:
    others = User.objects.all() if exclude is None else User.objects.exclude(pk=exclude.pk)
    if others.filter(cccd_index=cccd_index(cccd)).exists():
        raise AccountError(
            _(
                "Số định danh cá nhân này đã gắn với một tài khoản khác. "
                "Nếu đó là số của bạn, hãy liên hệ bộ phận một cửa."
            ),
            field="cccd",
        )


def split_contact(contact: str) -> tuple[str, str]:
    """``(email, "")`` or ``("", phone)`` from what the person typed in the one contact field."""
    contact = (contact or "").strip()
    if not contact:
        raise AccountError(_("Vui lòng nhập thư điện tử hoặc số điện thoại."), field="contact")
    if "@" in contact:
        return clean_email(contact, field="contact"), ""
    return "", clean_phone(contact, field="contact")


@transaction.atomic
def start_registration(
    *, contact: str, full_name: str, password: str, cccd: str = "", language: str = "vi"
) -> User:
    """A citizen signs up with an e-mail address or a mobile number; a code is sent there.

    The account stays inactive until ``complete_registration``. Registering again with the same,
    still unverified address takes the pending account over (new name, password, code), so nobody
    can block an address by starting and abandoning a registration.
    """
    email, phone = split_contact(contact)
    full_name = " ".join((full_name or "").split())
    if not full_name:
        raise AccountError(_("Vui lòng nhập họ và tên."), field="full_name")
    cccd = clean_cccd(cccd) if (cccd or "").strip() else ""
    username = email or f"sdt-{phone_index(phone)[:20]}"
    existing = User.objects.filter(username__iexact=username).first()
    if existing is not None and not _is_pending(existing):
        raise AccountError(
            _("Địa chỉ thư điện tử này đã được đăng ký cho một tài khoản khác.")
            if email
            else _("Số điện thoại này đã được đăng ký cho một tài khoản khác."),
            field="contact",
        )
    _check_contact_free(email=email, phone=phone, exclude=existing)
    if cccd:
        _check_cccd_free(cccd, exclude=existing)
    user = existing or User(username=username, kind=UserKind.CITIZEN)
    user.full_name, user.email, user.is_active = full_name, email, False
    user.phone, user.phone_index = phone, phone_index(phone)
    user.cccd, user.cccd_index = cccd, cccd_index(cccd)
    user.preferred_language = language if language in ("vi", "en") else "vi"
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise AccountError(" ".join(exc.messages), field="password") from None
    user.set_password(password)
    user.save()
    verification.issue_code(
        user=user,
        purpose=CodePurpose.REGISTER,
        channel=CodeChannel.EMAIL if email else CodeChannel.SMS,
        target=email or phone,
    )
    record_audit(actor=user, action="accounts.start_registration", target=user, after=_user_snapshot(user))
    return user


def resend_code(*, user: User, purpose: str) -> None:
    """Send a new code for the same purpose to the same address (cool-down applies)."""
    previous = verification.latest_code(user=user, purpose=purpose)
    if previous is None:
        raise AccountError(_("Không có mã xác minh nào đang chờ. Vui lòng yêu cầu mã mới."))
    verification.issue_code(user=user, purpose=purpose, channel=previous.channel, target=previous.target)


def complete_registration(*, user: User, code: str) -> User:
    """The right code activates the account at assurance level 1 and marks its address verified.

    The code is checked outside the transaction, so a wrong guess stays counted."""
    if not _is_pending(user):
        raise AccountError(_("Tài khoản này đã được xác minh. Vui lòng đăng nhập."), field="code")
    row = verification.check_code(user=user, purpose=CodePurpose.REGISTER, code=code)
    with transaction.atomic():
        return _activate(user, row)


def _activate(user: User, row: VerificationCode) -> User:
    now = clock.now()
    if row.channel == CodeChannel.EMAIL:
        _check_contact_free(email=row.target, exclude=user)
        user.email_verified_at = now
    else:
        _check_contact_free(phone=row.target, exclude=user)
        user.phone_verified_at = now
    user.is_active = True
    user.assurance_level = AssuranceLevel.BASIC
    user.save(update_fields=["email_verified_at", "phone_verified_at", "is_active", "assurance_level"])
    record_audit(
        actor=user,
        action="accounts.complete_registration",
        target=user,
        after={**_user_snapshot(user), "verified": row.channel, "assurance_level": user.assurance_level},
    )
    return user


# --- Password reset by phone (by e-mail: Django's token views) ------------------------------------


def find_account_for_reset(*, phone: str) -> User | None:
    """The active account whose verified phone this is, or ``None`` (callers say the same either way)."""
    try:
        phone = clean_phone(phone)
    except AccountError:
        return None
    return User.objects.filter(
        phone_index=phone_index(phone), phone_verified_at__isnull=False, is_active=True
    ).first()


def request_password_reset_code(*, user: User) -> bool:
    """Send a reset code to the account's verified phone; ``False`` (silently) during the cool-down."""
    try:
        verification.issue_code(
            user=user, purpose=CodePurpose.PASSWORD_RESET, channel=CodeChannel.SMS, target=user.phone
        )
    except AccountError:
        return False
    return True


def reset_password_with_code(*, user: User, code: str, new_password: str) -> User:
    """A valid reset code sets a new password (checked by the validators before the code is used)."""
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise AccountError(" ".join(exc.messages), field="new_password") from None
    verification.check_code(user=user, purpose=CodePurpose.PASSWORD_RESET, code=code)
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        record_audit(actor=user, action="accounts.reset_password", target=user, after={"channel": "sms"})
    return user


# --- Profile --------------------------------------------------------------------------------------


@transaction.atomic
def update_profile(
    *,
    user: User,
    full_name: str,
    date_of_birth: date | None = None,
    gender: str = "",
    address: str = "",
    preferred_language: str = "vi",
) -> User:
    """The person edits their own basic details (not the verified e-mail, phone or CCCD)."""
    full_name = " ".join((full_name or "").split())
    if not full_name:
        raise AccountError(_("Vui lòng nhập họ và tên."), field="full_name")
    if gender and gender not in Gender.values:
        raise AccountError(_("Giới tính không hợp lệ."), field="gender")
    if date_of_birth is not None and not (date(1900, 1, 1) <= date_of_birth <= clock.now().date()):
        raise AccountError(_("Ngày sinh không hợp lệ."), field="date_of_birth")
    if preferred_language not in ("vi", "en"):
        raise AccountError(_("Ngôn ngữ không được hỗ trợ."), field="preferred_language")
    fields = {
        "full_name": full_name,
        "date_of_birth": date_of_birth,
        "gender": gender,
        "address": (address or "").strip()[:300],
        "preferred_language": preferred_language,
    }
    before = {name: getattr(user, name) for name in fields}
    for name, value in fields.items():
        setattr(user, name, value)
    user.save(update_fields=list(fields))
    changed = {name: value for name, value in fields.items() if before[name] != value}
    if changed:
        record_audit(
            actor=user,
            action="accounts.update_profile",
            target=user,
            before={name: before[name] for name in changed},
            after=changed,
        )
    return user


@transaction.atomic
def set_cccd(*, user: User, cccd: str) -> User:
    """Record or correct the person's CCCD number; refused once their identity is verified."""
    if user.assurance_level == AssuranceLevel.VERIFIED:
        raise AccountError(
            _(
                "Tài khoản đã được xác thực định danh nên không thể tự thay đổi số CCCD. "
                "Vui lòng liên hệ bộ phận một cửa."
            ),
            field="cccd",
        )
    cccd = clean_cccd(cccd)
    if cccd == user.cccd:
        return user
    _check_cccd_free(cccd, exclude=user)
    before = mask_cccd(user.cccd)
    user.cccd, user.cccd_index = cccd, cccd_index(cccd)
    user.save(update_fields=["cccd", "cccd_index"])
    record_audit(
        actor=user,
        action="accounts.set_cccd",
        target=user,
        before={"cccd": before},
        after={"cccd": mask_cccd(cccd)},
    )
    return user


def request_contact_change(*, user: User, email: str = "", phone: str = "") -> None:
    """Send a code to a new e-mail address or phone number; nothing changes until it is confirmed."""
    if email:
        email = clean_email(email)
        if email == user.email and user.email_verified_at:
            raise AccountError(_("Đây đã là địa chỉ thư điện tử của bạn."), field="email")
        _check_contact_free(email=email, exclude=user)
        verification.issue_code(
            user=user, purpose=CodePurpose.CHANGE_EMAIL, channel=CodeChannel.EMAIL, target=email
        )
    elif phone:
        phone = clean_phone(phone)
        if phone == user.phone and user.phone_verified_at:
            raise AccountError(_("Đây đã là số điện thoại của bạn."), field="phone")
        _check_contact_free(phone=phone, exclude=user)
        verification.issue_code(
            user=user, purpose=CodePurpose.CHANGE_PHONE, channel=CodeChannel.SMS, target=phone
        )
    else:
        raise AccountError(_("Vui lòng nhập thư điện tử hoặc số điện thoại mới."))


def confirm_contact_change(*, user: User, purpose: str, code: str) -> User:
    """The code sent to the new address makes it the account's verified e-mail or phone."""
    if purpose not in (CodePurpose.CHANGE_EMAIL, CodePurpose.CHANGE_PHONE):
        raise ValueError(f"not a contact change: {purpose}")
    row = verification.check_code(user=user, purpose=purpose, code=code)
    with transaction.atomic():
        return _apply_contact_change(user, purpose, row)


def _apply_contact_change(user: User, purpose: str, row: VerificationCode) -> User:
    now = clock.now()
    if purpose == CodePurpose.CHANGE_EMAIL:
        _check_contact_free(email=row.target, exclude=user)
        before = {"email": user.email}
        if user.username.lower() == (user.email or "").lower() and user.email:
            if User.objects.filter(username__iexact=row.target).exclude(pk=user.pk).exists():
                raise AccountError(_("Địa chỉ thư điện tử này đã được đăng ký cho một tài khoản khác."))
            user.username = row.target
        user.email, user.email_verified_at = row.target, now
        user.save(update_fields=["username", "email", "email_verified_at"])
        after = {"email": user.email}
    else:
        _check_contact_free(phone=row.target, exclude=user)
        before = {"phone": mask_phone(user.phone)}
        user.phone, user.phone_index, user.phone_verified_at = row.target, phone_index(row.target), now
        user.save(update_fields=["phone", "phone_index", "phone_verified_at"])
        after = {"phone": mask_phone(user.phone)}
    record_audit(actor=user, action=f"accounts.{purpose}", target=user, before=before, after=after)
    return user


# --- Assurance levels -----------------------------------------------------------------------------


@transaction.atomic
def verify_identity_at_counter(*, officer: User, user: User, cccd: str) -> User:
    """An officer compared the person's CCCD card with the account: it becomes level 2 (VERIFIED).

    Only officers may do it (which officers, by role and data scope, is checked by the calling
    back-office view). A CCCD number different from the one the person entered is refused.
    """
    if officer.kind != UserKind.OFFICER or not officer.is_active:
        raise AccountError(_("Chỉ cán bộ đang hoạt động mới được xác thực định danh tại quầy."))
    if user.kind == UserKind.OFFICER or not user.is_active:
        raise AccountError(_("Tài khoản này không thể được xác thực định danh."))
    cccd = clean_cccd(cccd)
    if user.cccd and user.cccd != cccd:
        raise AccountError(_("Số CCCD trên giấy tờ không khớp với số đã khai trong tài khoản."), field="cccd")
    if not user.cccd:
        _check_cccd_free(cccd, exclude=user)
        user.cccd, user.cccd_index = cccd, cccd_index(cccd)
    before = {"assurance_level": user.assurance_level}
    user.assurance_level = AssuranceLevel.VERIFIED
    user.identity_verified_at = clock.now()
    user.save(update_fields=["cccd", "cccd_index", "assurance_level", "identity_verified_at"])
    record_data_access(
        subject=user,
        accessed_by=officer,
        action=PersonalDataAction.VERIFIED,
        what="cccd",
        reason=_("Đối chiếu căn cước công dân tại bộ phận một cửa"),
    )
    record_audit(
        actor=officer,
        action="accounts.verify_identity_at_counter",
        target=user,
        before=before,
        after={"assurance_level": user.assurance_level, "cccd": mask_cccd(cccd)},
    )
    return user


@transaction.atomic
def set_assurance_level(*, actor: User | None, user: User, level: int, source: str) -> User:
    """Record a level established elsewhere (e.g. VNeID level 2 through the national SSO)."""
    if level not in AssuranceLevel.values:
        raise ValueError(f"unknown assurance level {level}")
    before = {"assurance_level": user.assurance_level}
    user.assurance_level = level
    if level == AssuranceLevel.VERIFIED and user.identity_verified_at is None:
        user.identity_verified_at = clock.now()
    user.save(update_fields=["assurance_level", "identity_verified_at"])
    record_audit(
        actor=actor,
        action="accounts.set_assurance_level",
        target=user,
        before=before,
        after={"assurance_level": level, "source": source[:100]},
    )
    return user


# --- Businesses -----------------------------------------------------------------------------------


def _require_representative(actor: User, organisation: Organisation) -> None:
    if not Membership.objects.filter(
        organisation=organisation, user=actor, role=MembershipRole.LEGAL_REPRESENTATIVE
    ).exists():
        raise AccountError(_("Chỉ người đại diện theo pháp luật mới được thực hiện thao tác này."))


@transaction.atomic
def create_business(*, actor: User, name: str, tax_code: str, address: str = "") -> Organisation:
    """A verified, signed-in person registers a business and becomes its legal representative."""
    if actor.kind == UserKind.OFFICER or actor.assurance_level is None or not actor.is_active:
        raise AccountError(_("Chỉ tài khoản đã xác minh mới được đăng ký doanh nghiệp."))
    name = " ".join((name or "").split())
    if not name:
        raise AccountError(_("Vui lòng nhập tên doanh nghiệp."), field="name")
    tax_code = clean_tax_code(tax_code)
    if Organisation.objects.filter(tax_code=tax_code).exists():
        raise AccountError(
            _("Mã số thuế %(tax_code)s đã được đăng ký.") % {"tax_code": tax_code}, field="tax_code"
        )
    organisation = Organisation.objects.create(name=name, tax_code=tax_code, address=(address or "").strip())
    Membership.objects.create(organisation=organisation, user=actor, role=MembershipRole.LEGAL_REPRESENTATIVE)
    record_audit(
        actor=actor,
        action="accounts.create_business",
        target=organisation,
        after={"name": name, "tax_code": tax_code, "representative": actor.username},
    )
    return organisation


def find_verified_account(*, contact: str) -> User:
    """The active account whose verified e-mail or phone this is (``AccountError`` otherwise)."""
    email, phone = split_contact(contact)
    accounts = User.objects.filter(is_active=True).exclude(kind=UserKind.OFFICER)
    if email:
        user = accounts.filter(email__iexact=email, email_verified_at__isnull=False).first()
    else:
        user = accounts.filter(phone_index=phone_index(phone), phone_verified_at__isnull=False).first()
    if user is None:
        raise AccountError(
            _(
                "Không tìm thấy tài khoản đã xác minh với thông tin này. "
                "Người đó cần tự đăng ký và xác minh trước."
            ),
            field="contact",
        )
    return user


@transaction.atomic
def add_member_by_contact(*, actor: User, organisation: Organisation, contact: str) -> Membership:
    """The legal representative adds an existing verified account by its e-mail or phone."""
    _require_representative(actor, organisation)
    return add_member(actor=actor, organisation=organisation, user=find_verified_account(contact=contact))


@transaction.atomic
def remove_member(*, actor: User, organisation: Organisation, user: User) -> None:
    """The legal representative removes a member (never themself: transfer representation first)."""
    _require_representative(actor, organisation)
    membership = Membership.objects.filter(organisation=organisation, user=user).first()
    if membership is None:
        raise AccountError(_("Tài khoản này không phải thành viên của tổ chức."))
    if membership.role == MembershipRole.LEGAL_REPRESENTATIVE:
        raise AccountError(_("Không thể xóa người đại diện theo pháp luật. Hãy chuyển quyền đại diện trước."))
    membership.delete()
    record_audit(
        actor=actor,
        action="accounts.remove_member",
        target=organisation,
        before={"user": user.username, "role": membership.role},
    )


@transaction.atomic
def transfer_representation(*, actor: User, organisation: Organisation, to_user: User) -> None:
    """The legal representative hands the role to another member and stays on as a member."""
    _require_representative(actor, organisation)
    target = Membership.objects.filter(organisation=organisation, user=to_user).first()
    if target is None:
        raise AccountError(_("Chỉ có thể chuyển quyền đại diện cho một thành viên của tổ chức."))
    if to_user.pk == actor.pk:
        raise AccountError(_("Bạn đang là người đại diện theo pháp luật."))
    Membership.objects.filter(organisation=organisation, user=actor).update(role=MembershipRole.MEMBER)
    Membership.objects.filter(pk=target.pk).update(role=MembershipRole.LEGAL_REPRESENTATIVE)
    record_audit(
        actor=actor,
        action="accounts.transfer_representation",
        target=organisation,
        before={"representative": actor.username},
        after={"representative": to_user.username},
    )


# --- Personal data access -------------------------------------------------------------------------


def record_data_access(
    *, subject: User, accessed_by: User | None, action: str, what: str, reason: str = ""
) -> PersonalDataAccess:
    """Note that someone looked at a person's data; the person sees it on their data page."""
    return PersonalDataAccess.objects.create(
        subject=subject,
        accessed_by=accessed_by,
        accessed_by_name=(accessed_by.display_name if accessed_by else "")[:200],
        action=action,
        what=what[:200],
        reason=str(reason)[:300],
        at=clock.now(),
    )


REVEALABLE_FIELDS = ("cccd", "phone")


@transaction.atomic
def reveal_personal_data(*, actor: User, subject: User, field: str, reason: str) -> str:
    """Return the unmasked value of ``field``, recorded in the access log and the audit trail.

    Whether ``actor``'s role may reveal it is decided by the calling view (roles live in agencies).
    """
    if field not in REVEALABLE_FIELDS:
        raise ValueError(f"not a revealable field: {field}")
    reason = " ".join((reason or "").split())
    if len(reason) < 5:
        raise AccountError(_("Vui lòng ghi rõ lý do cần xem đầy đủ (ít nhất 5 ký tự)."), field="reason")
    record_data_access(
        subject=subject, accessed_by=actor, action=PersonalDataAction.REVEALED, what=field, reason=reason
    )
    record_audit(
        actor=actor,
        action="accounts.reveal_personal_data",
        target=subject,
        after={"field": field, "reason": reason[:300]},
    )
    return str(getattr(subject, field))
