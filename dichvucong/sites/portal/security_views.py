"""Portal pages of strong authentication: the second step after the password, enrolling an
authenticator app, the "Bảo mật tài khoản" page (second factor, backup codes, sessions, sign-in
history) and the one-time unlock link of a locked-out account.

Thin views over ``dichvucong.security`` services and selectors. Every object is looked up within the
signed-in user's own rows, so another person's session id is a 404.
"""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import django_otp
import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from dichvucong.security import selectors, services
from dichvucong.security.constants import LoginFailureReason, LoginMethod
from dichvucong.security.errors import SecurityError
from dichvucong.security.middleware import client_ip, user_agent_of
from dichvucong.security.models import UserSession
from dichvucong.security.useragents import describe_user_agent


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Mã xác thực"),
        max_length=20,
        help_text=gettext_lazy("6 chữ số trong ứng dụng xác thực, hoặc một mã dự phòng."),
        error_messages={"required": gettext_lazy("Vui lòng nhập mã xác thực.")},
    )


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _default_landing(user: Any) -> str:
    return reverse("backoffice:home") if selectors.must_use_two_factor(user) else reverse("portal:home")


def _has_account_nav() -> bool:
    """The shared account menu (``portal/account/_nav.html``) is included only once it exists."""
    try:
        get_template("portal/account/_nav.html")
    except TemplateDoesNotExist:
        return False
    return True


# --- The second step -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """After the password: a code from the authenticator app or a backup code."""
    user = request.user
    next_url = _safe_next(request, _default_landing(user))
    if user.is_verified():  # type: ignore[union-attr]
        return redirect(next_url)
    if not selectors.has_two_factor(user):
        return redirect(f"{reverse('portal:two_factor_enrol')}?next={next_url}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.verify_second_factor(user=user, token=form.cleaned_data["code"])
        except SecurityError as exc:
            services.record_login_failure(
                username=user.get_username(),
                user=user,
                method=LoginMethod.OTP,
                reason=LoginFailureReason.BAD_CODE,
                ip_address=client_ip(request),
                user_agent=user_agent_of(request),
            )
            form.add_error("code", exc.message)
        else:
            django_otp.login(request, device)
            services.record_login_success(
                user=user,
                method=LoginMethod.OTP,
                ip_address=client_ip(request),
                user_agent=user_agent_of(request),
            )
            return redirect(next_url)
    return render(request, "portal/account/two_factor_verify.html", {"form": form, "next": next_url})


def _qr_svg(url: str) -> str:
    svg = segno.make(url, error="m").svg_inline(scale=4, svgclass="qr-code", title=_("Mã QR để quét"))
    return svg.replace("<svg ", '<svg role="img" focusable="false" ', 1)


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    """Scan a QR code (or type the key) into an authenticator app, then confirm with its first code;
    the backup codes are shown once on the next page."""
    user = request.user
    default = (
        _default_landing(user) if selectors.must_use_two_factor(user) else reverse("portal:account_security")
    )
    next_url = _safe_next(request, default)
    if selectors.has_two_factor(user):
        return redirect(next_url if user.is_verified() else reverse("portal:two_factor_verify"))  # type: ignore[union-attr]
    device = services.start_enrolment(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            confirmed, codes = services.confirm_enrolment(user=user, token=form.cleaned_data["code"])
        except SecurityError as exc:
            form.add_error("code", exc.message)
        else:
            django_otp.login(request, confirmed)
            return render(
                request,
                "portal/account/backup_codes.html",
                {"codes": codes, "next": next_url, "just_enrolled": True},
            )
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": _qr_svg(device.config_url),
        "secret": _grouped(secret),
        "mandatory": selectors.must_use_two_factor(user),
    }
    return render(request, "portal/account/two_factor_enrol.html", context)


# --- The security page ---------------------------------------------------------------------------


@login_required
def account_security(request: HttpRequest) -> HttpResponse:
    user = request.user
    current_key = request.session.session_key
    sessions = [
        {"row": row, "device": describe_user_agent(row.user_agent), "current": row.session_key == current_key}
        for row in selectors.list_sessions(user=user)
    ]
    events = [
        {"event": event, "device": event.device or describe_user_agent(event.user_agent)}
        for event in selectors.list_login_events(user=user)
    ]
    context = {
        "has_two_factor": selectors.has_two_factor(user),
        "mandatory": selectors.must_use_two_factor(user),
        "backup_count": selectors.count_backup_codes(user),
        "sessions": sessions,
        "other_sessions": sum(1 for s in sessions if not s["current"]),
        "events": events,
        "disable_form": CodeForm(prefix="disable"),
        "has_account_nav": _has_account_nav(),
    }
    return render(request, "portal/account/security.html", context)


@login_required
@require_POST
def backup_codes_regenerate(request: HttpRequest) -> HttpResponse:
    try:
        codes = services.regenerate_backup_codes(user=request.user)
    except SecurityError as exc:
        messages.error(request, exc.message)
        return redirect("portal:account_security")
    return render(
        request,
        "portal/account/backup_codes.html",
        {"codes": codes, "next": reverse("portal:account_security"), "just_enrolled": False},
    )


@login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST, prefix="disable")
    if form.is_valid():
        try:
            services.disable_two_factor(user=request.user, token=form.cleaned_data["code"])
        except SecurityError as exc:
            form.add_error("code", exc.message)
        else:
            messages.success(request, _("Đã tắt xác thực hai lớp."))
            return redirect("portal:account_security")
    messages.error(request, " ".join(form.errors.get("code", [])))
    return redirect("portal:account_security")


@login_required
@require_POST
def session_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.revoke_session(user=request.user, pk=pk)
    except UserSession.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("Đã đăng xuất phiên đó."))
    return redirect("portal:account_security")


@login_required
@require_POST
def sessions_revoke_others(request: HttpRequest) -> HttpResponse:
    count = services.revoke_other_sessions(
        user=request.user, keep_session_key=request.session.session_key or ""
    )
    messages.success(request, _("Đã đăng xuất %(count)d phiên khác.") % {"count": count})
    return redirect("portal:account_security")


# --- Unlocking --------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def account_unlock(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners that open links do not use the link up); POST unlocks."""
    if request.method == "POST":
        try:
            services.unlock_account(token=token)
        except SecurityError as exc:
            return render(request, "portal/account/unlock.html", {"error": exc.message}, status=400)
        return render(request, "portal/account/unlock.html", {"unlocked": True})
    return render(request, "portal/account/unlock.html", {"minutes": settings.UNLOCK_LINK_MINUTES})
