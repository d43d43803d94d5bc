"""Vocabularies of the accounts context."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UserKind(models.TextChoices):
    CITIZEN = "citizen", _("Công dân")
    BUSINESS = "business", _("Doanh nghiệp / tổ chức")
    OFFICER = "officer", _("Cán bộ, công chức")


class Role(models.TextChoices):
    """Roles an officer holds at an agency (see agencies.Assignment). Citizens need no role row."""

    COUNTER_OFFICER = "counter_officer", _("Cán bộ một cửa")
    SPECIALIST = "specialist", _("Chuyên viên")
    UNIT_HEAD = "unit_head", _("Lãnh đạo phòng")
    AGENCY_LEADER = "agency_leader", _("Lãnh đạo cơ quan")
    AGENCY_ADMIN = "agency_admin", _("Quản trị cơ quan")
    CITY_ADMIN = "city_admin", _("Quản trị thành phố")
    AUDITOR = "auditor", _("Thanh tra, kiểm toán")


class MembershipRole(models.TextChoices):
    LEGAL_REPRESENTATIVE = "legal_representative", _("Người đại diện theo pháp luật")
    MEMBER = "member", _("Thành viên được ủy quyền")


class AssuranceLevel(models.IntegerChoices):
    """How sure we are of who the account holder is (Decision 274/QĐ-TTg style levels).

    Each procedure names the minimum level needed to submit online (``procedures`` keeps it);
    a user below it is told how to raise theirs.
    """

    BASIC = 1, _("Mức 1: đã xác minh thư điện tử hoặc số điện thoại")
    VERIFIED = 2, _("Mức 2: đã xác thực định danh (VNeID mức 2 hoặc đối chiếu tại quầy)")
