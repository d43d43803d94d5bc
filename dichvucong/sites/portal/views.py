"""Portal pages: home, static pages and the login/logout views.

Views stay thin: they pick a template and pass what the request says. The only logic here is where a
user lands after logging in (officers go to the back office), that a ``next`` must be safe, and
that a person who needs a second factor is sent to it (``security_views``).

Sign-ins are recorded here, by the login view, rather than by receiving Django's ``user_logged_in``
/ ``user_login_failed`` signals: the view knows the method (password), the address and the outcome
(including an axes lock-out), the project avoids signals, and ``Client.force_login`` in tests does
not write history or send "new device" notifications. Other ways in (SSO) call the same
``security.services.record_login_success`` with their own method.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views import i18n

from dichvucong.accounts.constants import UserKind
from dichvucong.accounts.services import set_preferred_language
from dichvucong.security import selectors as security_selectors
from dichvucong.security import services as security_services
from dichvucong.security.constants import LoginMethod
from dichvucong.security.middleware import client_ip, mark_activity, user_agent_of
from dichvucong.sites.portal.catalog_views import for_you_context


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", for_you_context(request))


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch (cookie, safe ``next``), also saved on the account when signed in."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    supported = {code for code, _name in settings.LANGUAGES}
    if request.method == "POST" and request.user.is_authenticated and language in supported:
        set_preferred_language(user=request.user, language=language)
    return response


def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/pages/accessibility.html")


class LoginView(auth_views.LoginView):
    """Django's login with our template; axes counts failures and locks out (see settings)."""

    template_name = "portal/account/login.html"
    redirect_authenticated_user = False

    def get_default_redirect_url(self) -> str:
        """Where to go without a (safe) ``next``: officers to the back office, others to the portal."""
        if getattr(self.request.user, "kind", None) == UserKind.OFFICER:
            return reverse("backoffice:home")
        return reverse("portal:home")

    def form_valid(self, form: Any) -> HttpResponse:
        """Password accepted: record it, then go on to the second factor when the account needs one."""
        user = form.get_user()
        response = super().form_valid(form)
        mark_activity(self.request)
        security_services.record_login_success(
            user=user,
            method=LoginMethod.PASSWORD,
            ip_address=client_ip(self.request),
            user_agent=user_agent_of(self.request),
        )
        if security_selectors.requires_second_step(user):
            step = (
                "portal:two_factor_verify"
                if security_selectors.has_two_factor(user)
                else "portal:two_factor_enrol"
            )
            return redirect(f"{reverse(step)}?{urlencode({'next': self.get_success_url()})}")
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        username = self.request.POST.get("username", "").strip()
        if username:
            locked_out = bool(getattr(self.request, "axes_locked_out", False))
            security_services.record_login_failure(
                username=username,
                reason=security_services.failure_reason_for(locked_out=locked_out),
                ip_address=client_ip(self.request),
                user_agent=user_agent_of(self.request),
            )
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    """POST-only logout (Django 5) back to the portal home; the session leaves the sessions list."""

    next_page = "portal:home"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        security_services.end_session(session_key=request.session.session_key or "")
        return super().post(request, *args, **kwargs)
