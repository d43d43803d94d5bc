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


class Gender(models.TextChoices):
    FEMALE = "female", _("Nữ")
    MALE = "male", _("Nam")
    OTHER = "other", _("Khác")


class CodePurpose(models.TextChoices):
    """What a one-time code proves (``VerificationCode.purpose``)."""

    REGISTER = "register", _("Xác minh đăng ký tài khoản")
    CHANGE_EMAIL = "change_email", _("Xác minh thư điện tử mới")
    CHANGE_PHONE = "change_phone", _("Xác minh số điện thoại mới")
    PASSWORD_RESET = "password_reset", _("Đặt lại mật khẩu")


class CodeChannel(models.TextChoices):
    EMAIL = "email", _("Thư điện tử")
    SMS = "sms", _("Tin nhắn SMS")


class PersonalDataAction(models.TextChoices):
    """What someone did with a person's data (``PersonalDataAccess.action``)."""

    VIEWED = "viewed", _("Xem")
    REVEALED = "revealed", _("Hiện đầy đủ giá trị bị che")
    VERIFIED = "verified", _("Đối chiếu giấy tờ tại quầy")
    DOWNLOADED = "downloaded", _("Tải dữ liệu cá nhân")
