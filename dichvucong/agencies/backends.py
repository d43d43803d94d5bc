"""Permission backend: the city-admin role carries Django's model permissions in the admin site.

Apps below ``agencies`` (core, notifications) register their read-only admin pages on ``admin.site``
without knowing who is a city admin. Their ``ModelAdmin`` classes ask ``user.has_perm(...)``; this
backend answers yes for active city admins, so they see those pages, while each ``ModelAdmin`` still
refuses what nobody may do (editing audit entries, adding outbox rows). It never authenticates.
"""

from __future__ import annotations

from typing import Any

from dichvucong.agencies.permissions import is_city_admin


class CityAdminPermissionBackend:
    def authenticate(self, request: Any, **credentials: Any) -> None:
        return None

    def get_user(self, user_id: int) -> None:
        return None

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return bool(getattr(user_obj, "is_active", False) and is_city_admin(user_obj))

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return bool(getattr(user_obj, "is_active", False) and is_city_admin(user_obj))
