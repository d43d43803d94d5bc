"""The back-office menu: one entry per function, shown to the roles that use it.

An entry appears only when its URL name exists, so the menu grows by itself as later issues add
their pages to ``backoffice/urls.py`` under these names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from dichvucong.accounts.constants import Role


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str] = frozenset()  # empty: every back-office user
    current_for: frozenset[str] = frozenset()  # other URL names (detail pages) that belong to this entry


@dataclass(frozen=True)
class NavLink:
    label: str | Promise
    url: str
    current: bool


_PROCESSING = frozenset({Role.SPECIALIST, Role.UNIT_HEAD, Role.AGENCY_LEADER})
_REPORTING = frozenset({Role.UNIT_HEAD, Role.AGENCY_LEADER, Role.CITY_ADMIN, Role.AUDITOR})
_ADMIN = frozenset({Role.AGENCY_ADMIN, Role.CITY_ADMIN})
_ORGANISATION = _ADMIN | {Role.AGENCY_LEADER, Role.UNIT_HEAD, Role.AUDITOR}

NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem(pgettext_lazy("back-office menu", "Tổng quan"), "backoffice:home"),
    NavItem(
        pgettext_lazy("back-office menu", "Tiếp nhận hồ sơ"),
        "backoffice:reception",
        frozenset({Role.COUNTER_OFFICER}),
    ),
    NavItem(
        pgettext_lazy("back-office menu", "Hồ sơ cần xử lý"),
        "backoffice:worklist",
        _PROCESSING | {Role.COUNTER_OFFICER},
    ),
    NavItem(
        pgettext_lazy("back-office menu", "Trả kết quả"),
        "backoffice:results",
        frozenset({Role.COUNTER_OFFICER}),
    ),
    NavItem(pgettext_lazy("back-office menu", "Tra cứu hồ sơ"), "backoffice:dossier_search", frozenset()),
    NavItem(
        pgettext_lazy("back-office menu", "Bảng điều hành"),
        "backoffice:dashboard",
        _REPORTING,
        frozenset({"backoffice:dashboard_city", "backoffice:dashboard_agency"}),
    ),
    NavItem(pgettext_lazy("back-office menu", "Báo cáo, thống kê"), "backoffice:reports", _REPORTING),
    NavItem(
        pgettext_lazy("back-office menu", "Đánh giá hài lòng"),
        "backoffice:evaluations",
        _REPORTING | _ADMIN,
        frozenset(
            {
                "backoffice:evaluation_follow_ups",
                "backoffice:kiosk_devices",
                "backoffice:evaluation_criteria",
                "backoffice:evaluation_verify",
            }
        ),
    ),
    NavItem(
        pgettext_lazy("back-office menu", "Danh mục thủ tục"),
        "backoffice:catalog",
        _ADMIN,
        frozenset({"backoffice:catalog_detail", "backoffice:catalog_edit", "backoffice:catalog_version"}),
    ),
    NavItem(
        pgettext_lazy("back-office menu", "Quy trình xử lý"),
        "backoffice:processes",
        _ADMIN,
        frozenset({"backoffice:process_edit", "backoffice:process_version"}),
    ),
    NavItem(
        pgettext_lazy("back-office menu", "Biểu mẫu điện tử"),
        "backoffice:forms",
        _ADMIN,
        frozenset({"backoffice:form_edit", "backoffice:form_version"}),
    ),
    NavItem(
        pgettext_lazy("back-office menu", "Hỏi đáp"),
        "backoffice:faq_list",
        _ADMIN,
        frozenset({"backoffice:faq_create", "backoffice:faq_import", "backoffice:faq_edit"}),
    ),
    NavItem(
        pgettext_lazy("back-office menu", "Cơ quan, đơn vị"),
        "backoffice:agencies",
        _ORGANISATION,
        frozenset({"backoffice:agency_detail", "backoffice:agency_edit"}),
    ),
    NavItem(
        pgettext_lazy("back-office menu", "Cán bộ, công chức"),
        "backoffice:users",
        _ORGANISATION,
        frozenset({"backoffice:user_detail", "backoffice:user_create"}),
    ),
    NavItem(
        pgettext_lazy("back-office menu", "Ứng dụng đăng nhập (OIDC)"),
        "backoffice:oidc_clients",
        frozenset({Role.CITY_ADMIN}),
        frozenset({"backoffice:oidc_client_create", "backoffice:oidc_client_detail"}),
    ),
    NavItem(
        pgettext_lazy("back-office menu", "Lịch làm việc"),
        "backoffice:calendar",
        frozenset({Role.CITY_ADMIN}),
    ),
    NavItem(
        pgettext_lazy("back-office menu", "Nhật ký hệ thống"),
        "backoffice:audit_log",
        frozenset({Role.CITY_ADMIN, Role.AUDITOR}),
    ),
)


def build_navigation(scope: Any, *, current_view_name: str | None) -> list[NavLink]:
    """The entries the scope's roles may use and whose page exists, marking the current one."""
    links = []
    for item in NAV_ITEMS:
        if item.roles and not scope.has_role(*item.roles):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        current = current_view_name == item.url_name or current_view_name in item.current_for
        links.append(NavLink(label=item.label, url=url, current=current))
    return links
