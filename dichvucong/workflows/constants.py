"""Vocabularies of the workflows context: task rules, statuses, worklist scopes, error and problem codes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dichvucong.accounts.constants import Role
from dichvucong.agencies.constants import SlaState

# Our BPMN extension namespace (``<dvc:taskRules …/>`` inside a user task's ``extensionElements``).
DVC_NAMESPACE = "https://dichvucong.vn/schema/bpmn/1.0"
BPMN_NAMESPACE = "http://www.omg.org/spec/BPMN/20100524/MODEL"
# Version of the state layout we store (bumped when we change how the engine state is kept).
SERIALIZER_PREFIX = "spiff"
# The key under which the completing action is put into the task data (conditions read it).
ACTION_KEY = "action"
# Largest accepted BPMN document (characters): a hand-drawn process is a few dozen kilobytes.
MAX_BPMN_CHARS = 2_000_000
# Task ids the engine reserves for its own start and end nodes.
RESERVED_IDS = frozenset({"Start", "End", "Root"})

# Re-exported so callers need one import for task vocabularies.
__all__ = ["Role", "SlaState"]


class TaskStage(models.TextChoices):
    """The dossier stage a user task belongs to."""

    RECEPTION = "reception", _("Tiếp nhận")
    PROCESSING = "processing", _("Thụ lý, giải quyết")
    APPROVAL = "approval", _("Phê duyệt, ký")
    RETURN = "return", _("Trả kết quả")


class TaskAction(models.TextChoices):
    """The buttons an officer may see on a task (``actions`` of ``dvc:taskRules``)."""

    APPROVE = "approve", _("Chuyển bước tiếp theo")
    RETURN_PREVIOUS = "return_previous", _("Trả lại bước trước")
    REQUEST_SUPPLEMENT = "request_supplement", _("Yêu cầu bổ sung hồ sơ")
    TRANSFER = "transfer", _("Chuyển liên thông")
    SIGN = "sign", _("Ký duyệt")
    RETURN_RESULT = "return_result", _("Trả kết quả")
    REFUSE = "refuse", _("Từ chối giải quyết")


# Roles a user task may name as its candidates.
TASK_ROLES = frozenset({Role.COUNTER_OFFICER, Role.SPECIALIST, Role.UNIT_HEAD, Role.AGENCY_LEADER})
# Roles that may hand a task to an officer (assign / reassign) in their agency.
ASSIGNING_ROLES = frozenset({Role.UNIT_HEAD, Role.AGENCY_LEADER, Role.AGENCY_ADMIN, Role.CITY_ADMIN})


class AgencyRule(models.TextChoices):
    """Which agency a task's candidates belong to; ``code:<QCVN code>`` names a fixed agency."""

    RECEIVING = "receiving", _("Cơ quan tiếp nhận hồ sơ")
    FIELD_OWNER = "field_owner", _("Cơ quan chủ trì lĩnh vực")
    PARENT = "parent", _("Cơ quan cấp trên của cơ quan tiếp nhận")


AGENCY_CODE_PREFIX = "code:"


class ProcessVersionStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    PUBLISHED = "published", _("Đang áp dụng")
    SUPERSEDED = "superseded", _("Đã thay thế")


class WorkflowStatus(models.TextChoices):
    RUNNING = "running", _("Đang xử lý")
    COMPLETED = "completed", _("Đã kết thúc")
    CANCELLED = "cancelled", _("Đã huỷ")


class WorklistScope(models.TextChoices):
    """Which open tasks a worklist shows."""

    MINE = "mine", _("Việc của tôi")
    AVAILABLE = "available", _("Việc chờ nhận")
    INBOX = "inbox", _("Việc của tôi và việc chờ nhận")
    UNIT = "unit", _("Việc của đơn vị")


class ProblemCode(models.TextChoices):
    """What validation can find wrong with a BPMN document (``Problem.code``)."""

    PARSE_ERROR = "parse_error", _("Tệp không phải BPMN 2.0 hợp lệ")
    NO_PROCESS = "no_process", _("Không có quy trình")
    MULTIPLE_PROCESSES = "multiple_processes", _("Có nhiều quy trình")
    RESERVED_ID = "reserved_id", _("Mã phần tử trùng tên dành riêng")
    DUPLICATE_ID = "duplicate_id", _("Mã phần tử bị trùng")
    NO_START = "no_start", _("Thiếu sự kiện bắt đầu")
    NO_END = "no_end", _("Thiếu sự kiện kết thúc")
    UNSUPPORTED_ELEMENT = "unsupported_element", _("Phần tử không được hỗ trợ")
    MISSING_TASK_RULES = "missing_task_rules", _("Bước xử lý thiếu quy tắc")
    INVALID_STAGE = "invalid_stage", _("Giai đoạn không hợp lệ")
    INVALID_ROLE = "invalid_role", _("Vai trò không hợp lệ")
    INVALID_AGENCY = "invalid_agency", _("Cơ quan xử lý không hợp lệ")
    INVALID_BUDGET = "invalid_budget", _("Thời gian xử lý không hợp lệ")
    INVALID_ACTIONS = "invalid_actions", _("Thao tác không hợp lệ")
    UNSAFE_EXPRESSION = "unsafe_expression", _("Biểu thức điều kiện không được phép")
    MISSING_CONDITION = "missing_condition", _("Nhánh rẽ thiếu điều kiện")
    ACTION_WITHOUT_BRANCH = "action_without_branch", _("Thao tác không có nhánh đi tiếp")
    INVALID_TIMER = "invalid_timer", _("Bộ hẹn giờ không hợp lệ")
    DEAD_END = "dead_end", _("Bước không dẫn tới kết thúc")
    UNREACHABLE = "unreachable", _("Bước không thể tới được")
    OVER_BUDGET = "over_budget", _("Tổng thời gian vượt thời hạn luật định")
    ENGINE_ERROR = "engine_error", _("Bộ máy quy trình không chạy được tệp này")


class WorkflowErrorCode(models.TextChoices):
    """Machine-readable reasons a workflow change was refused."""

    INVALID = "invalid", _("Dữ liệu không hợp lệ")
    INVALID_PROCESS = "invalid_process", _("Quy trình có lỗi, chưa thể ban hành")
    NOT_DRAFT = "not_draft", _("Chỉ sửa được bản nháp")
    NOT_PUBLISHED = "not_published", _("Phiên bản quy trình chưa được ban hành")
    DUPLICATE_KEY = "duplicate_key", _("Mã quy trình đã tồn tại")
    ALREADY_STARTED = "already_started", _("Hồ sơ đã có quy trình xử lý")
    NOT_RUNNING = "not_running", _("Quy trình không còn đang xử lý")
    TASK_CLOSED = "task_closed", _("Bước xử lý đã được thực hiện")
    TASK_TAKEN = "task_taken", _("Bước xử lý đã được giao cho cán bộ khác")
    ACTION_NOT_ALLOWED = "action_not_allowed", _("Thao tác không được phép ở bước này")
    NOT_ALLOWED = "not_allowed", _("Bạn không có quyền thực hiện bước này")
    AGENCY_UNRESOLVED = "agency_unresolved", _("Không xác định được cơ quan xử lý")
    NO_ROUTE = "no_route", _("Quy trình không có nhánh phù hợp với thao tác")
    SUSPENDED = "suspended", _("Bước xử lý đang tạm dừng chờ bổ sung")
    ENGINE = "engine", _("Lỗi bộ máy quy trình")
