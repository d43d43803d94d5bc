"""The demo accounts: one per kind of user, all around one ward (Phường Bến Thành), with Vietnamese names."""

from __future__ import annotations

from dataclasses import dataclass

from dichvucong.accounts.constants import Role

CITY_CODE = "000.00.00.H29"
DEMO_WARD_CODE = "000.50.68.H29"  # Ủy ban nhân dân Phường Bến Thành (NSO unit 26743)
CITY_INSPECTORATE_CODE = "000.00.36.H29"  # Thanh tra Thành phố
DEMO_FIELDS = ("ho-tich", "chung-thuc")  # lĩnh vực Hộ tịch, Chứng thực
# Officers must sign in with TOTP; in the demo they all share this published authenticator secret
# (base32, 30-second codes). Add it to an authenticator app or run `manage.py demo_totp`.
DEMO_TOTP_SECRET = "DICHVUCONGDEMOTOTPHOCHIMINHCITYA"  # noqa: S105 - published on purpose, demo only

DEMO_CITIZEN = ("demo-citizen", "Nguyễn Văn An")
# A made-up personal identification number (079 = Hồ Chí Minh City) for the demo citizen.
DEMO_CITIZEN_CCCD = "079090001234"
DEMO_BUSINESS = ("demo-business", "Trần Thị Bích Ngọc")
DEMO_BUSINESS_MEMBER = ("demo-business-member", "Lê Minh Châu")
DEMO_COMPANY = (
    "Công ty TNHH Thương mại Dịch vụ Sen Việt",
    "0319990001",
    "12 Lê Lợi, Phường Bến Thành, TP. Hồ Chí Minh",
)


@dataclass(frozen=True)
class DemoOfficer:
    username: str
    full_name: str
    agency_code: str
    role: str
    fields: tuple[str, ...] = ()


DEMO_OFFICERS: tuple[DemoOfficer, ...] = (
    DemoOfficer("demo-counter", "Phạm Thị Thu Hà", DEMO_WARD_CODE, Role.COUNTER_OFFICER),
    DemoOfficer("demo-specialist", "Võ Minh Tuấn", DEMO_WARD_CODE, Role.SPECIALIST, DEMO_FIELDS),
    DemoOfficer("demo-head", "Đặng Thị Hồng Nhung", DEMO_WARD_CODE, Role.UNIT_HEAD),
    DemoOfficer("demo-leader", "Huỳnh Văn Phúc", DEMO_WARD_CODE, Role.AGENCY_LEADER),
    DemoOfficer("demo-ward-admin", "Bùi Quốc Khánh", DEMO_WARD_CODE, Role.AGENCY_ADMIN),
    DemoOfficer("demo-city-admin", "Ngô Thanh Sơn", CITY_CODE, Role.CITY_ADMIN),
    DemoOfficer("demo-auditor", "Lý Thị Mai Anh", CITY_INSPECTORATE_CODE, Role.AUDITOR),
)
