"""Back-office actions of strong authentication: an admin resets an officer's second factor (lost
phone). The officer must be inside the admin's scope (``agencies.permissions.can_manage_officer``,
checked again by the service); outside it the page is a 404. The reset is audited."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dichvucong.accounts.constants import Role
from dichvucong.accounts.models import User
from dichvucong.agencies import permissions, selectors
from dichvucong.agencies.constants import ADMIN_ROLES
from dichvucong.security import selectors as security_selectors
from dichvucong.security import services as security_services
from dichvucong.security.errors import SecurityError
from dichvucong.security.useragents import describe_user_agent
from dichvucong.sites.backoffice.access import officer_required


def login_history_context(request: HttpRequest, target: User) -> dict[str, Any]:
    """What the officer detail page shows about sign-ins: to admins who manage the officer and to
    auditors; nothing to other viewers."""
    may_see = permissions.can_manage_officer(request.user, target) or request.data_scope.has_role(  # type: ignore[attr-defined]
        Role.AUDITOR
    )
    if not may_see:
        return {"show_login_history": False}
    events = [
        {"event": event, "device": event.device or describe_user_agent(event.user_agent)}
        for event in security_selectors.list_login_events(user=target)
    ]
    return {
        "show_login_history": True,
        "events": events,
        "target_has_two_factor": security_selectors.has_two_factor(target),
        "can_reset_two_factor": target.pk != request.user.pk
        and permissions.can_manage_officer(request.user, target),
    }


@officer_required(roles=ADMIN_ROLES)
@require_POST
def user_reset_two_factor(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        target = selectors.get_user_in_scope(request.user, pk)
    except User.DoesNotExist:
        raise Http404 from None
    if target.pk == request.user.pk:
        raise Http404
    try:
        security_services.reset_two_factor(actor=request.user, user=target)
    except SecurityError:
        raise Http404 from None
    messages.success(
        request,
        _("Đã đặt lại xác thực hai lớp. Lần đăng nhập tới, %(name)s sẽ cài đặt lại ứng dụng xác thực.")
        % {"name": target.display_name},
    )
    return redirect("backoffice:user_detail", pk=target.pk)
