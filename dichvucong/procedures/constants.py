"""Choices of the procedure catalog (thủ tục hành chính, TTHC)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    PUBLISHED = "published", _("Đang áp dụng")
    SUPERSEDED = "superseded", _("Đã thay thế")


class CatalogScope(models.TextChoices):
    """Whether the city carries the procedure out (applyable here) or a central agency does."""

    LOCAL = "local", _("Thực hiện tại Thành phố")
    CENTRAL = "central", _("Do cơ quan trung ương thực hiện")


class OnlineLevel(models.TextChoices):
    """Decree 42/2022: full online, partly online, or information only (apply in person).

    Legacy levels map as: level 4 → FULL, level 3 → PARTIAL, levels 1–2 → DIRECT.
    """

    FULL = "full", _("Dịch vụ công trực tuyến toàn trình")
    PARTIAL = "partial", _("Dịch vụ công trực tuyến một phần")
    DIRECT = "direct", _("Chỉ nộp trực tiếp hoặc qua bưu chính")


class Channel(models.TextChoices):
    """How a dossier is submitted (cách thức thực hiện)."""

    DIRECT = "direct", _("Trực tiếp")
    ONLINE = "online", _("Trực tuyến")
    POSTAL = "postal", _("Dịch vụ bưu chính")


class DurationUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("ngày làm việc")
    DAYS = "days", _("ngày")
    HOURS = "hours", _("giờ làm việc")
    MONTHS = "months", _("tháng")
    NONE = "none", _("không quy định thời hạn")


class Level(models.TextChoices):
    """Implementing level (cấp thực hiện) after the 2025 reform: no district level any more."""

    CENTRAL = "central", _("Cấp bộ")
    CITY = "city", _("Cấp tỉnh")
    WARD = "ward", _("Cấp xã")


class Audience(models.TextChoices):
    CITIZEN = "citizen", _("Công dân")
    BUSINESS = "business", _("Doanh nghiệp, tổ chức")
