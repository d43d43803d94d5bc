"""The back-office menu shows what the roles use and what exists."""

from __future__ import annotations

from dataclasses import dataclass

from django.test import override_settings

from dichvucong.accounts.constants import Role
from dichvucong.sites.backoffice.navigation import build_navigation


@dataclass(frozen=True)
class FakeScope:
    roles: frozenset[str]

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))


def _labels(roles: set[str]) -> list[str]:
    return [str(link.label) for link in build_navigation(FakeScope(frozenset(roles)), current_view_name=None)]


@override_settings(ROOT_URLCONF="dichvucong.sites.backoffice.tests.urls_full")
def test_menu_entries_follow_the_roles() -> None:
    """Given every back-office page exists, when the menu is built, then a counter officer sees reception
    but not the officer administration, and a city admin sees officers and reports but not reception."""
    counter = _labels({Role.COUNTER_OFFICER})
    admin = _labels({Role.CITY_ADMIN})
    assert "Tiếp nhận hồ sơ" in counter and "Cán bộ, công chức" not in counter
    assert "Cán bộ, công chức" in admin and "Báo cáo, thống kê" in admin and "Tiếp nhận hồ sơ" not in admin
    assert counter[0] == admin[0] == "Tổng quan"


@override_settings(ROOT_URLCONF="dichvucong.sites.backoffice.tests.urls_minimal")
def test_menu_hides_pages_that_do_not_exist_yet() -> None:
    """Given only the dashboard exists, when a city admin's menu is built, then it has just the dashboard."""
    assert _labels({Role.CITY_ADMIN, Role.COUNTER_OFFICER}) == ["Tổng quan"]


@override_settings(ROOT_URLCONF="dichvucong.sites.backoffice.tests.urls_full")
def test_a_detail_page_marks_its_menu_entry_current() -> None:
    """Given an agency detail page, when the menu is built, then the agencies entry is the current one."""
    links = build_navigation(
        FakeScope(frozenset({Role.CITY_ADMIN})), current_view_name="backoffice:agency_detail"
    )
    assert [str(link.label) for link in links if link.current] == ["Cơ quan, đơn vị"]
