"""Single sign-on records: what a client of our OIDC provider may see, links to the national SSO,
personal API tokens (hashed) and their daily use."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dichvucong.identity.constants import TokenKind


class ClientPolicy(models.Model):
    """What one OIDC client (a django-oauth-toolkit ``Application``) may ask for.

    ``allowed_scopes`` caps the scopes the client may request; the CCCD is released only when
    ``may_see_cccd`` is set *and* the ``cccd`` scope was granted. First-party clients (the three
    shells) carry a ``code`` and skip consent through ``Application.skip_authorization``.
    """

    application = models.OneToOneField(
        "oauth2_provider.Application", on_delete=models.CASCADE, related_name="policy"
    )
    code = models.SlugField(_("mã ứng dụng nội bộ"), max_length=32, unique=True, null=True, blank=True)
    allowed_scopes = models.JSONField(_("phạm vi được phép"), default=list)
    may_see_cccd = models.BooleanField(_("được xem số CCCD"), default=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chính sách ứng dụng OIDC")
        verbose_name_plural = _("chính sách ứng dụng OIDC")

    def __str__(self) -> str:
        return str(self.application)


class FederatedIdentity(models.Model):
    """An account linked to a subject of an upstream identity provider (the national SSO / VNeID)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="federated_identities"
    )
    issuer = models.CharField(_("nhà cung cấp định danh"), max_length=300)
    subject = models.CharField(_("mã định danh tại nhà cung cấp"), max_length=255)
    assurance_level = models.PositiveSmallIntegerField(_("mức độ tin cậy gần nhất"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("liên kết định danh quốc gia")
        verbose_name_plural = _("liên kết định danh quốc gia")
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="uniq_federated_subject")]

    def __str__(self) -> str:
        return f"{self.user} ← {self.issuer}#{self.subject}"


class PersonalAccessToken(models.Model):
    """A token a user makes for scripts. Only its SHA-256 is stored; ``prefix`` lets people tell
    their tokens apart (``dvcpat_AbCd1234…``)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="personal_access_tokens"
    )
    name = models.CharField(_("tên"), max_length=100)
    prefix = models.CharField(_("phần đầu"), max_length=16, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(_("phạm vi"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã truy cập cá nhân")
        verbose_name_plural = _("mã truy cập cá nhân")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_active_at(self, moment: object) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > moment)


class ApiTokenUse(models.Model):
    """One row per token and day: the cheap usage record (written at most once a minute per token)."""

    kind = models.CharField(max_length=16, choices=TokenKind.choices)
    token_ref = models.CharField(max_length=64)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    first_used_at = models.DateTimeField()
    last_used_at = models.DateTimeField()
    last_ip = models.GenericIPAddressField(null=True, blank=True)
    writes = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("lượt dùng mã truy cập")
        verbose_name_plural = _("lượt dùng mã truy cập")
        constraints = [
            models.UniqueConstraint(fields=["kind", "token_ref", "day"], name="uniq_token_use_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.token_ref} {self.day}"
