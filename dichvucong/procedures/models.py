"""The procedure catalog (thủ tục hành chính): procedures, their versions, and what hangs off them.

A ``Procedure`` is the stable identity (national code ``1.001193``). Its content lives in
``ProcedureVersion`` rows: editing creates a DRAFT version; publishing freezes it (status
PUBLISHED) and marks the previous published one SUPERSEDED. Dossiers refer to the version they were
filed under, so a published version is never edited again. Writes go through ``services.py``.

Search reads the denormalised, accent-folded columns of the *published* version (``search_name``,
``search_text``) and the procedure's ``popularity``; see ``search.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from dichvucong.accounts.constants import AssuranceLevel
from dichvucong.core.text import fold
from dichvucong.procedures.constants import (
    CatalogScope,
    Channel,
    DurationUnit,
    OnlineLevel,
    VersionStatus,
)


class Field(models.Model):
    """A field of administration (lĩnh vực), e.g. "Hộ tịch", "Đất đai"."""

    code = models.SlugField(_("mã lĩnh vực"), max_length=100, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=300, unique=True)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=300, blank=True)
    search_name = models.CharField(max_length=300, editable=False, db_index=True)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LifeEvent(models.Model):
    """A life event ("sinh con", "kết hôn", "mở hộ kinh doanh") grouping the procedures it needs."""

    slug = models.SlugField(_("mã sự kiện"), max_length=100, unique=True)
    name = models.CharField(_("tên sự kiện"), max_length=200)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=200, blank=True)
    description = models.TextField(_("mô tả"), blank=True)
    description_en = models.TextField(_("mô tả tiếng Anh"), blank=True)
    # Folded words people use for this event ("sinh em be", "co con", "giay khai sinh", "baby"…).
    keywords = models.TextField(_("từ khóa"), blank=True)
    audience = models.CharField(_("đối tượng"), max_length=16, blank=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    procedures = models.ManyToManyField("Procedure", related_name="life_events", blank=True)

    class Meta:
        verbose_name = _("sự kiện trong đời")
        verbose_name_plural = _("sự kiện trong đời")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    """One administrative procedure, across all its versions."""

    code = models.CharField(_("mã thủ tục"), max_length=32, unique=True)
    scope = models.CharField(
        _("phạm vi"), max_length=16, choices=CatalogScope.choices, default=CatalogScope.LOCAL
    )
    current_version = models.OneToOneField(
        "ProcedureVersion",
        verbose_name=_("phiên bản đang áp dụng"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    national_url = models.URLField(_("địa chỉ trên Cổng DVC quốc gia"), max_length=500, blank=True)
    # Page views (F() increments) plus a prior from the list of the most used procedures.
    view_count = models.PositiveIntegerField(_("lượt xem"), default=0)
    usage_rank = models.PositiveIntegerField(
        _("thứ hạng sử dụng"), null=True, blank=True, help_text=_("1 = được sử dụng nhiều nhất.")
    )
    popularity = models.FloatField(_("độ phổ biến"), default=0.0, db_index=True)
    related = models.ManyToManyField("self", verbose_name=_("thủ tục liên quan"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["code"]

    def __str__(self) -> str:
        version = self.current_version
        return f"{self.code} {version.name}" if version else self.code


class ProcedureVersion(models.Model):
    """The content of a procedure at one point in time. Published versions are frozen."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("số phiên bản"))
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    # The longest name in the national catalog has 1,094 characters.
    name = models.CharField(_("tên thủ tục"), max_length=2000)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=2000, blank=True)
    field = models.ForeignKey(
        Field, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="versions"
    )
    decision_number = models.CharField(_("số quyết định công bố"), max_length=200, blank=True)
    procedure_type = models.CharField(_("loại thủ tục"), max_length=300, blank=True)
    # Implementing levels after the 2025 reform (cấp bộ / cấp tỉnh / cấp xã); several may be true.
    level_central = models.BooleanField(_("cấp bộ"), default=False)
    level_city = models.BooleanField(_("cấp tỉnh"), default=False)
    level_ward = models.BooleanField(_("cấp xã"), default=False)
    for_citizens = models.BooleanField(_("công dân"), default=True)
    for_businesses = models.BooleanField(_("doanh nghiệp, tổ chức"), default=False)
    audience_text = models.TextField(_("đối tượng thực hiện"), blank=True)
    online_level = models.CharField(
        _("mức độ dịch vụ công trực tuyến"),
        max_length=16,
        choices=OnlineLevel.choices,
        default=OnlineLevel.DIRECT,
    )
    min_assurance_level = models.PositiveSmallIntegerField(
        _("mức xác thực tối thiểu để nộp trực tuyến"),
        choices=AssuranceLevel.choices,
        default=AssuranceLevel.VERIFIED,
    )
    competent_authority = models.TextField(_("cơ quan có thẩm quyền"), blank=True)
    implementing_agency_text = models.TextField(_("cơ quan thực hiện"), blank=True)
    receiving_address = models.TextField(_("địa chỉ tiếp nhận"), blank=True)
    # [{"title": "Bước 1: …", "text": "…"}]
    steps = models.JSONField(_("trình tự thực hiện"), default=list, blank=True)
    conditions = models.TextField(_("yêu cầu, điều kiện"), blank=True)
    # [{"number": "68/2013/TT-BCA", "title": "…"}]
    legal_basis = models.JSONField(_("căn cứ pháp lý"), default=list, blank=True)
    # [{"code": "KQ.G01.00262", "name": "…"}]
    results = models.JSONField(_("kết quả thực hiện"), default=list, blank=True)
    fee_exemptions = models.TextField(_("đối tượng được miễn, giảm phí"), blank=True)
    # The source record as imported and what the importer could not parse.
    raw = models.JSONField(_("dữ liệu gốc"), default=dict, blank=True)
    parse_problems = models.JSONField(_("nội dung chưa phân tích được"), default=list, blank=True)
    # Fingerprint of the imported source record (and its English name): a re-import with the same
    # fingerprint changes nothing, so hand edits published since are kept.
    source_hash = models.CharField(max_length=64, blank=True, editable=False)
    # Accent-folded search columns, filled by services on every save.
    search_name = models.TextField(editable=False, blank=True)
    search_text = models.TextField(editable=False, blank=True)
    change_note = models.CharField(_("ghi chú thay đổi"), max_length=500, blank=True)
    # The internal process (BPMN) dossiers of this version run through; a published version keeps the
    # one it was published with. NULL: the dossier layer uses the city template (``mot-cua-chung``,
    # or ``mot-cua-trong-ngay`` when the legal time is at most one working day).
    process_version = models.ForeignKey(
        "workflows.ProcessVersion",
        verbose_name=_("quy trình nội bộ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="procedure_versions",
    )
    # The application form (tờ khai điện tử) citizens and counter officers fill; a published version
    # keeps the form version it was published with (a form version in use cannot be deleted).
    form_version = models.ForeignKey(
        "forms.FormVersion",
        verbose_name=_("biểu mẫu tờ khai"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="procedure_versions",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering = ["procedure", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="uniq_procedure_version_number"),
            models.UniqueConstraint(
                fields=["procedure"],
                condition=Q(status=VersionStatus.PUBLISHED),
                name="one_published_version",
            ),
            models.UniqueConstraint(
                fields=["procedure"], condition=Q(status=VersionStatus.DRAFT), name="one_draft_version"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "field"]),
            # The search index's staleness check reads (count, max(updated_at)) of published versions.
            models.Index(fields=["status", "updated_at"], name="procedures_version_status_upd"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number} ({self.get_status_display()})"

    @property
    def is_frozen(self) -> bool:
        return self.status != VersionStatus.DRAFT


class ProcessingOption(models.Model):
    """One way to submit (channel) with its processing time: a row of "cách thức thực hiện"."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(default=0)
    channel = models.CharField(_("hình thức nộp"), max_length=16, choices=Channel.choices)
    duration = models.DecimalField(
        _("thời hạn giải quyết"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    duration_unit = models.CharField(
        _("đơn vị thời gian"), max_length=16, choices=DurationUnit.choices, default=DurationUnit.WORKING_DAYS
    )
    description = models.TextField(_("mô tả"), blank=True)

    class Meta:
        verbose_name = _("cách thức thực hiện")
        verbose_name_plural = _("cách thức thực hiện")
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.duration or '—'} {self.get_duration_unit_display()}"


class Fee(models.Model):
    """A fee or charge (phí, lệ phí); ``option`` is NULL when it applies to every channel."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="fees")
    option = models.ForeignKey(
        ProcessingOption, on_delete=models.CASCADE, null=True, blank=True, related_name="fees"
    )
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("tên phí, lệ phí"), max_length=300, blank=True)
    amount = models.DecimalField(_("mức thu"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("đơn vị"), max_length=8, default="VND")
    description = models.TextField(_("mô tả"), blank=True)

    class Meta:
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}" if self.amount is not None else self.description[:50]


class RequiredDocument(models.Model):
    """A document the applicant hands in (thành phần hồ sơ); dossiers attach files per row."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="documents")
    position = models.PositiveSmallIntegerField(default=0)
    case = models.CharField(_("trường hợp"), max_length=500, blank=True)
    name = models.TextField(_("tên giấy tờ"))
    originals = models.PositiveSmallIntegerField(_("số bản chính"), default=0)
    copies = models.PositiveSmallIntegerField(_("số bản sao"), default=0)
    quantity_text = models.CharField(_("số lượng (nguyên văn)"), max_length=200, blank=True)
    template_name = models.CharField(_("mẫu đơn, tờ khai"), max_length=500, blank=True)
    template_url = models.URLField(_("địa chỉ mẫu đơn"), max_length=500, blank=True)
    template_file = models.FileField(_("tệp mẫu đơn"), upload_to="procedures/templates/", blank=True)
    is_required = models.BooleanField(_("bắt buộc"), default=True)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return self.name[:80]

    @property
    def document_key(self) -> str:
        """The key a form's file slot names this document by, also its document-wallet type: the
        folded slug of the name (``Giấy khai sinh`` → ``giay-khai-sinh``), starting with a letter."""
        return document_key(self.name)


def document_key(name: str) -> str:
    """The folded slug of a document name, at most 100 characters, starting with a letter."""
    slug = slugify(fold(name or ""))[:96].strip("-")
    if not slug or not slug[0].isalpha():
        slug = f"gt-{slug}".strip("-")
    return slug[:100]


class ProcedureAgency(models.Model):
    """A local variant: the procedure as carried out by one agency (code + agency code)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="local_variants")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="procedure_variants")
    local_code = models.CharField(_("mã thủ tục tại cơ quan"), max_length=64, unique=True)
    is_active = models.BooleanField(_("đang tiếp nhận"), default=True)

    class Meta:
        verbose_name = _("thủ tục tại cơ quan")
        verbose_name_plural = _("thủ tục tại cơ quan")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "agency"], name="uniq_procedure_agency"),
        ]
        indexes = [models.Index(fields=["agency", "is_active"])]

    def __str__(self) -> str:
        return self.local_code


class Faq(models.Model):
    """A question and answer about a procedure or a whole field, managed by agency admins."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, null=True, blank=True, related_name="faqs"
    )
    field = models.ForeignKey(Field, on_delete=models.CASCADE, null=True, blank=True, related_name="faqs")
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("cơ quan quản lý"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="faqs",
    )
    question = models.TextField(_("câu hỏi"))
    answer = models.TextField(_("trả lời"))
    question_en = models.TextField(_("câu hỏi tiếng Anh"), blank=True)
    answer_en = models.TextField(_("trả lời tiếng Anh"), blank=True)
    is_published = models.BooleanField(_("công khai"), default=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    search_text = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("câu hỏi thường gặp")
        verbose_name_plural = _("câu hỏi thường gặp")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(procedure__isnull=False) | Q(field__isnull=False), name="faq_has_subject"
            ),
        ]

    def __str__(self) -> str:
        return self.question[:80]


class RecentView(models.Model):
    """The procedures a signed-in person opened lately ("for you")."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="+")
    viewed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "procedure"], name="uniq_recent_view")]
        indexes = [models.Index(fields=["user", "-viewed_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.procedure_id}"
