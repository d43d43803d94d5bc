"""People: the user account (citizen, business member or officer) and organisations."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from dichvucong.accounts.constants import MembershipRole, UserKind


class User(AbstractUser):
    """An account. ``kind`` says which system it mainly uses; officers get roles via assignments."""

    kind = models.CharField(
        _("loại tài khoản"), max_length=16, choices=UserKind.choices, default=UserKind.CITIZEN
    )
    full_name = models.CharField(_("họ và tên"), max_length=200, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    preferred_language = models.CharField(
        _("ngôn ngữ"), max_length=5, choices=[("vi", "Tiếng Việt"), ("en", "English")], default="vi"
    )

    class Meta:
        verbose_name = _("tài khoản")
        verbose_name_plural = _("tài khoản")
        indexes = [models.Index(fields=["kind"])]

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
