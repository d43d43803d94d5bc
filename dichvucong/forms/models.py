"""Form definitions (biểu mẫu), their versions (JSON Schema + UI schema) and reusable field templates.

The citizen's document wallet (``WalletDocument``, with its use log ``WalletDocumentUse``) keeps
documents given once (uploaded, issued as results, fetched from national databases) so that file
slots of later forms can reuse them.

A version is a draft while edited, then published (frozen), then superseded; a published version is
never edited or deleted (callers freeze it by foreign key, with ``on_delete=PROTECT``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dichvucong.agencies.models import Agency
from dichvucong.forms.constants import FormVersionStatus, WalletSource
from dichvucong.forms.spec import FormSpec


class FormDefinition(models.Model):
    """A named form (biểu mẫu điện tử, tờ khai); its contents are the versions. No owner = city-wide."""

    key = models.SlugField(_("mã biểu mẫu"), max_length=100, unique=True)
    name = models.CharField(_("tên biểu mẫu"), max_length=300)
    owner_agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan sở hữu"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="form_definitions",
        help_text=_("Để trống là biểu mẫu dùng chung của thành phố."),
    )
    created_at = models.DateTimeField(_("tạo lúc"))

    class Meta:
        verbose_name = _("biểu mẫu")
        verbose_name_plural = _("biểu mẫu")
        ordering = ["name", "key"]

    def __str__(self) -> str:
        return self.name


class FormVersion(models.Model):
    """One version of a form: the JSON Schema (2020-12) that validates data and the UI schema (order,
    sections, labels vi/en, help, conditions, repeating groups, bindings) that lays it out."""

    definition = models.ForeignKey(
        FormDefinition, on_delete=models.CASCADE, related_name="versions", verbose_name=_("biểu mẫu")
    )
    number = models.PositiveIntegerField(_("phiên bản"))
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=FormVersionStatus.choices, default=FormVersionStatus.DRAFT
    )
    schema = models.JSONField(_("JSON Schema"), default=dict)
    ui_schema = models.JSONField(_("UI schema"), default=dict)
    change_note = models.CharField(_("ghi chú thay đổi"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    created_at = models.DateTimeField(_("tạo lúc"))
    updated_at = models.DateTimeField(_("cập nhật lúc"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người công bố"),
    )
    published_at = models.DateTimeField(_("công bố lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("phiên bản biểu mẫu")
        verbose_name_plural = _("phiên bản biểu mẫu")
        ordering = ["definition", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["definition", "number"], name="uniq_form_version_number"),
            models.UniqueConstraint(
                fields=["definition"],
                condition=Q(status=FormVersionStatus.DRAFT),
                name="uniq_form_version_draft",
            ),
            models.UniqueConstraint(
                fields=["definition"],
                condition=Q(status=FormVersionStatus.PUBLISHED),
                name="uniq_form_version_published",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.definition.key} v{self.number} ({self.get_status_display()})"

    @property
    def is_frozen(self) -> bool:
        return self.status != FormVersionStatus.DRAFT

    @property
    def spec(self) -> FormSpec:
        return FormSpec(
            key=self.definition.key, number=self.number, schema=self.schema, ui_schema=self.ui_schema
        )


class FieldTemplate(models.Model):
    """A reusable field (mẫu trường), e.g. "Họ và tên người nộp" bound to the profile's full name."""

    name = models.CharField(_("tên mẫu trường"), max_length=200)
    field = models.JSONField(_("trường"), default=dict)
    owner_agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan sở hữu"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="form_field_templates",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    created_at = models.DateTimeField(_("tạo lúc"))

    class Meta:
        verbose_name = _("mẫu trường")
        verbose_name_plural = _("mẫu trường")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WalletDocument(models.Model):
    """A document in a person's wallet (kho dữ liệu điện tử của cá nhân): type, validity and source."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="wallet_documents",
        verbose_name=_("chủ sở hữu"),
    )
    document_type = models.CharField(_("loại giấy tờ"), max_length=100)
    title = models.CharField(_("tên giấy tờ"), max_length=300)
    file = models.FileField(_("tệp"), upload_to="wallet/%Y/%m/")
    content_type = models.CharField(_("kiểu tệp"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("dung lượng (byte)"), default=0)
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    source = models.CharField(
        _("nguồn"), max_length=20, choices=WalletSource.choices, default=WalletSource.UPLOADED
    )
    source_ref = models.CharField(_("tham chiếu nguồn"), max_length=200, blank=True)
    valid_until = models.DateField(_("có giá trị đến"), null=True, blank=True)
    created_at = models.DateTimeField(_("thêm lúc"))

    class Meta:
        verbose_name = _("giấy tờ trong kho dữ liệu")
        verbose_name_plural = _("giấy tờ trong kho dữ liệu")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "document_type"], name="forms_wallet_owner_type_idx")]

    def __str__(self) -> str:
        return self.title


class WalletDocumentUse(models.Model):
    """One reuse of a wallet document (which dossier, which officer): the owner sees this log."""

    document = models.ForeignKey(
        WalletDocument, on_delete=models.CASCADE, related_name="uses", verbose_name=_("giấy tờ")
    )
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người sử dụng"),
    )
    used_by_name = models.CharField(_("tên người sử dụng"), max_length=200, blank=True)
    subject_type = models.CharField(_("loại đối tượng"), max_length=100)
    subject_id = models.CharField(_("mã đối tượng"), max_length=64)
    purpose = models.CharField(_("mục đích"), max_length=300, blank=True)
    at = models.DateTimeField(_("lúc"))

    class Meta:
        verbose_name = _("lượt sử dụng giấy tờ")
        verbose_name_plural = _("lượt sử dụng giấy tờ")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.document_id} → {self.subject_type}#{self.subject_id}"
