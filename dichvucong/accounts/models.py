"""People: the user account (citizen, business member or officer) and organisations."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from dichvucong.accounts.constants import (
    AssuranceLevel,
    CodeChannel,
    CodePurpose,
    Gender,
    MembershipRole,
    PersonalDataAction,
    UserKind,
)
from dichvucong.core.crypto import EncryptedTextField


class User(AbstractUser):
    """An account. ``kind`` says which system it mainly uses; officers get roles via assignments."""

    kind = models.CharField(
        _("loại tài khoản"), max_length=16, choices=UserKind.choices, default=UserKind.CITIZEN
    )
    full_name = models.CharField(_("họ và tên"), max_length=200, blank=True)
    # Encrypted at rest (core.crypto); ``phone_index`` / ``cccd_index`` are the blind indexes used
    # for look-ups and uniqueness. Write them only through accounts.services, which keeps both in step.
    phone = EncryptedTextField(_("số điện thoại"), blank=True, default="")
    phone_index = models.CharField(max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001
    cccd = EncryptedTextField(_("số định danh cá nhân (CCCD)"), blank=True, default="")
    cccd_index = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    preferred_language = models.CharField(
        _("ngôn ngữ"), max_length=5, choices=[("vi", "Tiếng Việt"), ("en", "English")], default="vi"
    )
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    gender = models.CharField(_("giới tính"), max_length=8, choices=Gender.choices, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    email_verified_at = models.DateTimeField(_("xác minh thư điện tử lúc"), null=True, blank=True)
    phone_verified_at = models.DateTimeField(_("xác minh số điện thoại lúc"), null=True, blank=True)
    # None until the e-mail address or phone number is verified: the account cannot be used yet.
    assurance_level = models.PositiveSmallIntegerField(
        _("mức độ tin cậy"), choices=AssuranceLevel.choices, null=True, blank=True
    )
    identity_verified_at = models.DateTimeField(_("xác thực định danh lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("tài khoản")
        verbose_name_plural = _("tài khoản")
        indexes = [models.Index(fields=["kind"]), models.Index(fields=["phone_index"])]
        constraints = [
            models.UniqueConstraint(
                fields=["phone_index"],
                condition=models.Q(phone_verified_at__isnull=False),
                name="uniq_verified_phone",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class Organisation(models.Model):
    """A business or other organisation that files dossiers through its member users."""

    name = models.CharField(_("tên tổ chức"), max_length=300)
    tax_code = models.CharField(_("mã số thuế"), max_length=14, unique=True)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    members = models.ManyToManyField(User, through="Membership", related_name="organisations")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tổ chức")
        verbose_name_plural = _("tổ chức")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user acting for an organisation, as its legal representative or an authorised member."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(
        _("vai trò"), max_length=32, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thành viên tổ chức")
        verbose_name_plural = _("thành viên tổ chức")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="uniq_membership"),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(role=MembershipRole.LEGAL_REPRESENTATIVE),
                name="one_legal_representative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


class VerificationCode(models.Model):
    """A one-time code sent to an e-mail address or phone number; only its keyed hash is stored.

    Valid until ``expires_at``, for at most ``MAX_ATTEMPTS`` guesses, once (``used_at``); asking for
    a new code ends the previous one (``ended_at``). ``target`` is the address it was sent to (the new
    one when an address changes), encrypted like every phone number.
    """

    MAX_ATTEMPTS = 5

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="verification_codes")
    purpose = models.CharField(_("mục đích"), max_length=20, choices=CodePurpose.choices)
    channel = models.CharField(_("kênh"), max_length=8, choices=CodeChannel.choices)
    target = EncryptedTextField(_("gửi tới"))
    code_hash = models.CharField(max_length=100)
    attempts = models.PositiveSmallIntegerField(_("số lần nhập"), default=0)
    created_at = models.DateTimeField(_("tạo lúc"))
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    used_at = models.DateTimeField(_("dùng lúc"), null=True, blank=True)
    ended_at = models.DateTimeField(_("thay thế lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã xác minh")
        verbose_name_plural = _("mã xác minh")
        indexes = [models.Index(fields=["user", "purpose", "created_at"], name="acc_code_user_purpose_idx")]

    def __str__(self) -> str:
        return f"{self.purpose} #{self.pk} → {self.user_id}"


class PersonalDataAccess(models.Model):
    """Someone viewed, revealed, checked or downloaded a person's data: shown to that person."""

    subject = models.ForeignKey(
        User, verbose_name=_("chủ thể dữ liệu"), on_delete=models.CASCADE, related_name="data_accesses"
    )
    accessed_by = models.ForeignKey(
        User,
        verbose_name=_("người truy cập"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    accessed_by_name = models.CharField(_("tên người truy cập"), max_length=200, blank=True)
    action = models.CharField(_("hành động"), max_length=16, choices=PersonalDataAction.choices)
    what = models.CharField(_("dữ liệu"), max_length=200)
    reason = models.CharField(_("lý do"), max_length=300, blank=True)
    at = models.DateTimeField(_("lúc"))

    class Meta:
        verbose_name = _("truy cập dữ liệu cá nhân")
        verbose_name_plural = _("truy cập dữ liệu cá nhân")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject", "at"], name="acc_data_access_idx")]

    def __str__(self) -> str:
        return f"{self.action} {self.what} of {self.subject_id}"
