"""Questionnaires (versioned criteria as rows), ratings per dossier stage, follow-ups, fraud signals.

A ``Question`` keeps a stable ``index_key`` (``idx1``…``idx9``, ``convenience``, ``overall``) across
questionnaire versions, so its results stay comparable while its wording changes. Answers are
``RatingAnswer`` rows, never columns. A ``Rating`` is unique per dossier and stage; its officers are
taken from the dossier event log of that stage.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from dichvucong.core import clock
from dichvucong.evaluations.constants import (
    AnswerScale,
    FollowUpStatus,
    FraudKind,
    QuestionBasis,
    QuestionKind,
    QuestionnaireStatus,
    RatingChannel,
    RatingStage,
)


def _localised(vi: str, en: str) -> str:
    return en if en and (translation.get_language() or "").startswith("en") else vi


class Questionnaire(models.Model):
    """Bộ tiêu chí đánh giá: one version is published (in force) at a time."""

    version = models.PositiveIntegerField(_("phiên bản"), unique=True)
    title = models.CharField(_("tên bộ tiêu chí"), max_length=300)
    title_en = models.CharField(_("tên tiếng Anh"), max_length=300, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=QuestionnaireStatus.choices, default=QuestionnaireStatus.DRAFT
    )
    published_at = models.DateTimeField(_("áp dụng từ"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bộ tiêu chí đánh giá")
        verbose_name_plural = _("bộ tiêu chí đánh giá")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="published"), name="uniq_published_questionnaire"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def display_title(self) -> str:
        return _localised(self.title, self.title_en)


class Question(models.Model):
    """Tiêu chí, câu hỏi: one of the 9 indices or a citizen question, with its answer options."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    index_key = models.SlugField(_("mã chỉ số"), max_length=32)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    text = models.CharField(_("nội dung"), max_length=500)
    text_en = models.CharField(_("nội dung tiếng Anh"), max_length=500, blank=True)
    kind = models.CharField(_("loại"), max_length=16, choices=QuestionKind.choices)
    basis = models.CharField(_("nguồn dữ liệu"), max_length=16, choices=QuestionBasis.choices)
    scale = models.CharField(_("thang trả lời"), max_length=16, choices=AnswerScale.choices)

    class Meta:
        verbose_name = _("tiêu chí đánh giá")
        verbose_name_plural = _("tiêu chí đánh giá")
        ordering = ["questionnaire", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "index_key"], name="uniq_question_index_key")
        ]

    def __str__(self) -> str:
        return f"{self.index_key}: {self.text}"

    @property
    def display_text(self) -> str:
        return _localised(self.text, self.text_en)


class AnswerOption(models.Model):
    """Phương án trả lời: points 2 / 1 / 0 or a satisfaction level."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    value = models.SmallIntegerField(_("điểm"))
    label = models.CharField(_("nội dung"), max_length=300)
    label_en = models.CharField(_("nội dung tiếng Anh"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("phương án trả lời")
        verbose_name_plural = _("phương án trả lời")
        ordering = ["question", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["question", "value"], name="uniq_option_value")]

    def __str__(self) -> str:
        return f"{self.value}: {self.label}"

    @property
    def display_label(self) -> str:
        return _localised(self.label, self.label_en)


class KioskDevice(models.Model):
    """Máy đánh giá tại quầy, registered by an admin; the browser carries a secret cookie."""

    name = models.CharField(_("tên máy"), max_length=100)
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    active = models.BooleanField(_("đang hoạt động"), default=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(_("đăng ký lúc"))
    last_seen_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)

    class Meta:
        verbose_name = _("máy đánh giá tại quầy")
        verbose_name_plural = _("máy đánh giá tại quầy")
        ordering = ["agency", "name"]

    def __str__(self) -> str:
        return self.name


class Rating(models.Model):
    """Phiếu đánh giá: one per dossier stage, by its applicant, changeable until ``editable_until``."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(_("bước được đánh giá"), max_length=16, choices=RatingStage.choices)
    channel = models.CharField(_("kênh đánh giá"), max_length=16, choices=RatingChannel.choices)
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="ratings")
    # Copied from the dossier when rated, so figures per agency and field are cheap filters.
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="+"
    )
    field_code = models.CharField(_("lĩnh vực"), max_length=100, blank=True)
    officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("cán bộ thực hiện"), related_name="+", blank=True
    )
    # The answer to the overall question (Satisfaction), NULL when it was not asked.
    satisfaction = models.SmallIntegerField(_("mức độ hài lòng"), null=True, blank=True)
    unhappy = models.BooleanField(_("không hài lòng"), default=False)
    reason = models.TextField(_("lý do không hài lòng"), blank=True)
    submitted_at = models.DateTimeField(_("đánh giá lúc"))
    updated_at = models.DateTimeField(_("sửa lúc"))
    editable_until = models.DateTimeField(_("được sửa đến"))
    device = models.ForeignKey(KioskDevice, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    ip_hash = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("phiếu đánh giá")
        verbose_name_plural = _("phiếu đánh giá")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "submitted_at"], name="rating_agency_at"),
            models.Index(fields=["device", "submitted_at"], name="rating_device_at"),
            models.Index(fields=["ip_hash", "submitted_at"], name="rating_ip_at"),
        ]
        constraints = [models.UniqueConstraint(fields=["dossier", "stage"], name="uniq_rating_stage")]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.stage}"

    @property
    def frozen(self) -> bool:
        return clock.now() >= self.editable_until


class RatingAnswer(models.Model):
    """One answer of a rating; ``index_key`` copied from the question keeps periods comparable."""

    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    index_key = models.SlugField(max_length=32)
    value = models.SmallIntegerField(_("điểm"))

    class Meta:
        verbose_name = _("câu trả lời đánh giá")
        verbose_name_plural = _("câu trả lời đánh giá")
        constraints = [models.UniqueConstraint(fields=["rating", "question"], name="uniq_rating_answer")]

    def __str__(self) -> str:
        return f"{self.index_key}={self.value}"


class FollowUp(models.Model):
    """Phiếu theo dõi xử lý ý kiến không hài lòng: open → in progress → closed with a note."""

    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="follow_up")
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    opened_at = models.DateTimeField(_("mở lúc"))
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("kết quả xử lý"), blank=True)
    closed_at = models.DateTimeField(_("đóng lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("phiếu theo dõi ý kiến không hài lòng")
        verbose_name_plural = _("phiếu theo dõi ý kiến không hài lòng")
        ordering = ["status", "-opened_at"]
        indexes = [models.Index(fields=["agency", "status"], name="followup_agency_status")]

    def __str__(self) -> str:
        return f"{self.rating_id} {self.status}"


class FraudSignal(models.Model):
    """A refused rating attempt (forged or expired link, second rating, flood…) for the fraud report."""

    kind = models.CharField(_("loại"), max_length=32, choices=FraudKind.choices)
    channel = models.CharField(_("kênh"), max_length=16, choices=RatingChannel.choices)
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    stage = models.CharField(max_length=16, blank=True)
    device = models.ForeignKey(
        KioskDevice, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ip_hash = models.CharField(max_length=32, blank=True)
    at = models.DateTimeField(_("thời điểm"))

    class Meta:
        verbose_name = _("dấu hiệu đánh giá bất thường")
        verbose_name_plural = _("dấu hiệu đánh giá bất thường")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["kind", "at"], name="fraud_kind_at")]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"


class EvaluationSnapshot(models.Model):
    """Kết quả đánh giá đã công bố: an agency's figures for a period as published, for the recount."""

    period = models.CharField(_("kỳ"), max_length=16)  # 2026-Q1
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="+"
    )
    figures = models.JSONField(_("số liệu"), default=dict)
    published_at = models.DateTimeField(_("công bố lúc"))

    class Meta:
        verbose_name = _("kết quả đánh giá đã công bố")
        verbose_name_plural = _("kết quả đánh giá đã công bố")
        ordering = ["-period", "agency"]
        constraints = [models.UniqueConstraint(fields=["period", "agency"], name="uniq_snapshot_period")]

    def __str__(self) -> str:
        return f"{self.period} {self.agency_id}"


class VerifiedScore(models.Model):
    """Điểm thẩm định: the supervising officer's verified points of an agency for a period (indices
    1–9, 0–2 each), kept beside the computed ones; the grade uses the verified total when present."""

    period = models.CharField(_("kỳ"), max_length=16)
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="+"
    )
    points = models.JSONField(_("điểm thẩm định"), default=dict)
    total = models.DecimalField(_("tổng điểm thẩm định"), max_digits=5, decimal_places=2)
    note = models.TextField(_("ý kiến thẩm định"), blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    verified_at = models.DateTimeField(_("thẩm định lúc"))

    class Meta:
        verbose_name = _("điểm thẩm định")
        verbose_name_plural = _("điểm thẩm định")
        constraints = [models.UniqueConstraint(fields=["period", "agency"], name="uniq_verified_score")]

    def __str__(self) -> str:
        return f"{self.period} {self.agency_id} {self.total}"


class PublicityCheck(models.Model):
    """Kiểm tra niêm yết: whether the supervising officer found an agency's procedures posted at its
    office for a period. Index 6 needs "posted and electronic"; the electronic half is computed from
    the catalog, the posted half is a fact only an inspection can establish, so it is recorded here."""

    period = models.CharField(_("kỳ"), max_length=16)
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="+"
    )
    posted = models.BooleanField(_("đã niêm yết đầy đủ tại trụ sở"))
    note = models.TextField(_("ghi chú kiểm tra"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("ghi nhận lúc"))

    class Meta:
        verbose_name = _("kết quả kiểm tra niêm yết")
        verbose_name_plural = _("kết quả kiểm tra niêm yết")
        constraints = [models.UniqueConstraint(fields=["period", "agency"], name="uniq_publicity_check")]

    def __str__(self) -> str:
        return f"{self.period} {self.agency_id} {self.posted}"


class QuestionWording(models.Model):
    """Cách diễn đạt riêng: an agency's own wording (and English text) of one question of the
    questionnaire in force, shown to its applicants and those of its subtree (the nearest agency up
    the tree wins). Keyed by the stable ``index_key``: agencies reword or translate, they never add or
    remove indices, so their answers stay comparable with everyone else's."""

    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("cơ quan"), on_delete=models.CASCADE, related_name="+"
    )
    index_key = models.SlugField(_("mã chỉ số"), max_length=32)
    text = models.CharField(_("nội dung"), max_length=500)
    text_en = models.CharField(_("nội dung tiếng Anh"), max_length=500, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("sửa lúc"))

    class Meta:
        verbose_name = _("cách diễn đạt riêng của cơ quan")
        verbose_name_plural = _("cách diễn đạt riêng của cơ quan")
        ordering = ["agency", "index_key"]
        constraints = [models.UniqueConstraint(fields=["agency", "index_key"], name="uniq_question_wording")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.index_key}"
