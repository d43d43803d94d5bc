"""Vocabularies of the satisfaction evaluation (SPEC-VN §3)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class QuestionnaireStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    PUBLISHED = "published", _("Đang áp dụng")
    SUPERSEDED = "superseded", _("Đã thay thế")


class QuestionKind(models.TextChoices):
    """Who gives the points: computed from dossier or agency data, or answered by the applicant."""

    COMPUTED = "computed", _("Chỉ số tính tự động")
    CITIZEN = "citizen", _("Người dân trả lời")


class QuestionBasis(models.TextChoices):
    """The data a computed index is taken from."""

    DOSSIER = "dossier", _("Từng hồ sơ")
    AGENCY = "agency", _("Cấp cơ quan")
    ANSWER = "answer", _("Câu trả lời của người dân")


class AnswerScale(models.TextChoices):
    POINTS = "points", _("Điểm 2 / 1 / 0")
    SATISFACTION_3 = "satisfaction3", _("3 mức hài lòng")
    SATISFACTION_5 = "satisfaction5", _("5 mức hài lòng")


class Satisfaction(models.IntegerChoices):
    """Points of the 3-level scale (Rất hài lòng 2 / Hài lòng 1 / Không hài lòng 0)."""

    VERY_SATISFIED = 2, _("Rất hài lòng")
    SATISFIED = 1, _("Hài lòng")
    DISSATISFIED = 0, _("Không hài lòng")


class RatingStage(models.TextChoices):
    """The stages a dossier's applicant rates, each attributed to the officers who did it (E3)."""

    RECEPTION = "reception", _("Tiếp nhận hồ sơ")
    PROCESSING = "processing", _("Xử lý hồ sơ")
    RETURN = "return", _("Trả kết quả")


class RatingChannel(models.TextChoices):
    PORTAL = "portal", _("Cổng Dịch vụ công")
    KIOSK = "kiosk", _("Máy đánh giá tại quầy")
    MOBILE = "mobile", _("Đường dẫn trên điện thoại (mã QR)")
    SMS = "sms", _("Tin nhắn SMS")


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Mới mở")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    CLOSED = "closed", _("Đã đóng")


class FraudKind(models.TextChoices):
    FORGED_TOKEN = "forged_token", _("Đường dẫn giả mạo")
    EXPIRED_TOKEN = "expired_token", _("Đường dẫn hết hạn")
    REPLAYED = "replayed", _("Gửi lại đánh giá đã khóa")
    DUPLICATE = "duplicate", _("Đánh giá lần hai cùng bước")
    STAGE_NOT_REACHED = "stage_not_reached", _("Đánh giá bước chưa thực hiện")
    UNKNOWN_DEVICE = "unknown_device", _("Máy đánh giá chưa đăng ký")
    DEVICE_FLOOD = "device_flood", _("Quá nhiều đánh giá từ một máy")
    IP_FLOOD = "ip_flood", _("Quá nhiều đánh giá từ một địa chỉ IP")


class Grade(models.TextChoices):
    """Classification of an agency's 18-point score (thresholds in ``EVALUATION_GRADE_THRESHOLDS``)."""

    EXCELLENT = "xuat_sac", _("Xuất sắc")
    GOOD = "tot", _("Tốt")
    FAIR = "kha", _("Khá")
    AVERAGE = "trung_binh", _("Trung bình")
    WEAK = "yeu", _("Yếu")


class EvaluationErrorCode(models.TextChoices):
    INVALID = "invalid", _("Dữ liệu không hợp lệ")
    NOT_ALLOWED = "not_allowed", _("Không có quyền")
    NO_QUESTIONNAIRE = "no_questionnaire", _("Chưa có bộ tiêu chí")
    STAGE_NOT_REACHED = "stage_not_reached", _("Hồ sơ chưa đến bước này")
    ALREADY_RATED = "already_rated", _("Đã đánh giá")
    FROZEN = "frozen", _("Đánh giá đã khóa")
    BAD_TOKEN = "bad_token", _("Đường dẫn không hợp lệ")
    EXPIRED_TOKEN = "expired_token", _("Đường dẫn hết hạn")
    UNKNOWN_DEVICE = "unknown_device", _("Máy chưa đăng ký")
    RATE_LIMITED = "rate_limited", _("Quá nhiều đánh giá")
    REASON_REQUIRED = "reason_required", _("Cần nêu lý do")
    WRONG_STATUS = "wrong_status", _("Trạng thái không cho phép")


# Index keys of the citizen's answers that decide "unhappy" (a Không hài lòng asks why).
UNHAPPY_VALUE = Satisfaction.DISSATISFIED
OVERALL_KEY = "overall"
ATTITUDE_KEY = "idx7"
INDEX_KEYS = tuple(f"idx{n}" for n in range(1, 10))
MAX_SCORE = 18
REASON_MAX_LENGTH = 1000

# The cookie holding a registered kiosk's secret (set by the back-office registration, read by the kiosk).
KIOSK_COOKIE = "dvc_kiosk"
