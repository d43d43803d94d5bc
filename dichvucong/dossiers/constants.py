"""Vocabularies of the dossier lifecycle. Status and channel values are the national codes (SPEC-VN §4.1)."""

from __future__ import annotations

import re

from django.db import models
from django.utils.translation import gettext_lazy as _

# Circular 01/2018/TT-VPCP Art. 19: <QCVN 102 agency code>-YYMMDD-NNNN
DOSSIER_CODE_REGEX = r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}$"
DOSSIER_CODE_RE = re.compile(DOSSIER_CODE_REGEX)


class DossierStatus(models.IntegerChoices):
    """``TrangThaiHoSo`` as sent to the national portal. A draft (not yet submitted) has no status."""

    NEW = 1, _("Mới đăng ký")
    RECEIVED = 2, _("Được tiếp nhận")
    REFUSED = 3, _("Không được tiếp nhận")
    PROCESSING = 4, _("Đang xử lý")
    SUPPLEMENT_REQUESTED = 5, _("Yêu cầu bổ sung giấy tờ")
    PAYMENT_REQUESTED = 6, _("Yêu cầu thực hiện nghĩa vụ tài chính")
    WITHDRAWN = 7, _("Công dân yêu cầu rút hồ sơ")
    STOPPED = 8, _("Dừng xử lý")
    RESOLVED = 9, _("Đã xử lý xong")
    RETURNED = 10, _("Đã trả kết quả")


# Statuses after which nothing more happens to the dossier.
FINAL_STATUSES = frozenset(
    {DossierStatus.REFUSED, DossierStatus.WITHDRAWN, DossierStatus.STOPPED, DossierStatus.RETURNED}
)


class SubmissionChannel(models.IntegerChoices):
    """``KenhThucHien``."""

    DIRECT = 1, _("Trực tiếp")
    ONLINE = 2, _("Trực tuyến")
    POSTAL = 3, _("Qua bưu chính công ích")


class ReturnMethod(models.IntegerChoices):
    """``HinhThuc`` of returning the result."""

    COUNTER = 0, _("Trả trực tiếp tại Bộ phận Một cửa")
    POSTAL = 1, _("Trả qua dịch vụ bưu chính")
    ONLINE = 2, _("Trả kết quả điện tử trên Cổng")


class ApplicantKind(models.IntegerChoices):
    """``LoaiDoiTuong``."""

    CITIZEN = 1, _("Công dân")
    BUSINESS = 2, _("Doanh nghiệp")
    STATE_AGENCY = 3, _("Cơ quan nhà nước")
    ORGANISATION = 4, _("Tổ chức khác")


class DocumentKind(models.TextChoices):
    APPLICATION = "application", _("Thành phần hồ sơ")
    SUPPLEMENT = "supplement", _("Hồ sơ bổ sung")
    RESULT = "result", _("Kết quả giải quyết")
    RECEIPT = "receipt", _("Giấy tiếp nhận và hẹn trả kết quả")
    NOTICE = "notice", _("Phiếu, thông báo")


class ScanStatus(models.TextChoices):
    NOT_SCANNED = "not_scanned", _("Chưa quét virus (chưa cấu hình ClamAV)")
    CLEAN = "clean", _("Sạch")
    INFECTED = "infected", _("Nhiễm mã độc")


class EventAction(models.TextChoices):
    """What a ``DossierEvent`` records. The workflow issue adds its own processing actions."""

    DRAFT_SAVED = "draft_saved", _("Lưu nháp")
    SUBMITTED = "submitted", _("Nộp hồ sơ trực tuyến")
    RECEIVED = "received", _("Tiếp nhận hồ sơ")
    REFUSED = "refused", _("Từ chối tiếp nhận")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Yêu cầu bổ sung hồ sơ")
    SUPPLEMENTED = "supplemented", _("Bổ sung hồ sơ")
    WITHDRAWN = "withdrawn", _("Rút hồ sơ")
    RESULT_ATTACHED = "result_attached", _("Đính kèm kết quả")
    RESOLVED = "resolved", _("Hoàn thành xử lý")
    RETURNED = "returned", _("Trả kết quả")
    NOTE = "note", _("Ghi chú")
    # Processing through the dossier's workflow (``dossiers.processing``).
    WORKFLOW_STARTED = "workflow_started", _("Bắt đầu quy trình xử lý")
    TASK_COMPLETED = "task_completed", _("Hoàn thành bước xử lý")
    TASK_RETURNED = "task_returned", _("Trả lại bước trước")
    TASK_CLAIMED = "task_claimed", _("Nhận xử lý")
    TASK_ASSIGNED = "task_assigned", _("Phân công xử lý")
    TRANSFERRED = "transferred", _("Chuyển liên thông")
    TRANSFER_ACCEPTED = "transfer_accepted", _("Cơ quan liên thông nhận hồ sơ")
    TRANSFER_RETURNED = "transfer_returned", _("Cơ quan liên thông trả kết quả")
    RESCHEDULED = "rescheduled", _("Xin lỗi và hẹn lại ngày trả kết quả")
    STOPPED = "stopped", _("Dừng xử lý")


class TransferStatus(models.TextChoices):
    """Where an inter-agency transfer (liên thông) stands."""

    SENT = "sent", _("Đã chuyển, chờ tiếp nhận")
    ACCEPTED = "accepted", _("Đang xử lý tại cơ quan liên thông")
    RETURNED = "returned", _("Đã trả kết quả về")
    REFUSED = "refused", _("Bị từ chối do tệp bị thay đổi")
