"""A small realistic catalog for search, API and relevance tests (names as in the national catalog)."""

from __future__ import annotations

from dichvucong.agencies.constants import AgencyKind
from dichvucong.agencies.tests.factories import make_agency
from dichvucong.procedures.constants import CatalogScope, OnlineLevel
from dichvucong.procedures.models import Procedure
from dichvucong.procedures.tests.factories import make_field, make_procedure

# code, name, field, scope, level_city, level_ward, business, online level
CATALOG = [
    ("1.000656", "Thủ tục đăng ký khai tử", "ho-tich", "local", False, True, False, "full"),
    ("1.005461", "Đăng ký lại khai tử", "ho-tich", "local", False, True, False, "partial"),
    (
        "1.001766",
        "Thủ tục đăng ký khai tử có yếu tố nước ngoài",
        "ho-tich",
        "local",
        False,
        True,
        False,
        "partial",
    ),
    ("1.001193", "Thủ tục đăng ký khai sinh", "ho-tich", "local", False, True, False, "full"),
    ("1.000894", "Thủ tục đăng ký kết hôn", "ho-tich", "local", False, True, False, "partial"),
    ("1.004194", "Đăng ký tạm trú", "cu-tru", "local", False, True, False, "full"),
    ("1.004222", "Đăng ký thường trú", "cu-tru", "local", False, True, False, "full"),
    ("2.001019", "Chứng thực di chúc", "chung-thuc", "local", False, True, False, "direct"),
    (
        "1.001803",
        "Thủ tục giám định tiền giả, tiền nghi giả",
        "ngan-hang",
        "central",
        True,
        False,
        False,
        "direct",
    ),
    ("3.000347", "Đổi giấy phép lái xe", "duong-bo", "central", False, False, False, "full"),
    ("3.000348", "Cấp lại giấy phép lái xe", "duong-bo", "local", True, False, False, "full"),
    (
        "2.002041",
        "Đăng ký thay đổi địa chỉ trụ sở chính, đăng ký đổi tên của doanh nghiệp",
        "thanh-lap-va-hoat-dong-doanh-nghiep",
        "local",
        True,
        False,
        True,
        "full",
    ),
    (
        "2.001610",
        "Đăng ký thành lập doanh nghiệp tư nhân",
        "thanh-lap-va-hoat-dong-doanh-nghiep",
        "local",
        True,
        False,
        True,
        "full",
    ),
    (
        "1.012787",
        "Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất lần đầu",
        "dat-dai",
        "local",
        True,
        False,
        False,
        "partial",
    ),
    (
        "1.011443",
        "Xóa đăng ký biện pháp bảo đảm bằng quyền sử dụng đất, tài sản gắn liền với đất",
        "dat-dai",
        "local",
        True,
        False,
        False,
        "partial",
    ),
]

WARD_CODE = "000.50.68.H29"


def build_catalog() -> dict[str, Procedure]:
    """Create the catalog; 1.004194 has a local variant at the ward ``WARD_CODE``."""
    city = make_agency(kind=AgencyKind.CITY, name="Ủy ban nhân dân Thành phố", code="000.00.00.H29")
    ward = make_agency(
        parent=city, kind=AgencyKind.WARD, name="Ủy ban nhân dân Phường Bến Thành", code=WARD_CODE
    )
    made: dict[str, Procedure] = {}
    for code, name, field, scope, city_level, ward_level, business, online in CATALOG:
        made[code] = make_procedure(
            code=code,
            name=name,
            field=make_field(field),
            scope=CatalogScope(scope),
            level_city=city_level,
            level_ward=ward_level,
            for_citizens=not business,
            for_businesses=business,
            online_level=OnlineLevel(online),
            results=(),
            documents=(),
            agencies=[ward] if code == "1.004194" else (),
        )
    return made
