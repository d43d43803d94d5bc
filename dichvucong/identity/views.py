"""Pages of single sign-on: the consent and logout screens of our provider (django-oauth-toolkit
views with our templates) and the national SSO login and callback."""

from __future__ import annotations

import logging

import requests
from authlib.common.errors import AuthlibBaseError
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from joserfc.errors import JoseError
from oauth2_provider import views as dot_views

from dichvucong.identity import federation
from dichvucong.identity.services import IdentityError
from dichvucong.security import services as security_services
from dichvucong.security.constants import LoginMethod
from dichvucong.security.middleware import client_ip, mark_activity, user_agent_of

log = logging.getLogger(__name__)
_NEXT_KEY = "identity_federation_next"


class AuthorizationView(dot_views.AuthorizationView):
    """Consent screen: which application, what it will see (in plain words), approve or deny.

    First-party clients (``skip_authorization``) never show it; neither does a client the user already
    approved for the same scopes (``REQUEST_APPROVAL_PROMPT = "auto"``)."""

    template_name = "identity/consent.html"


class LogoutView(dot_views.RPInitiatedLogoutView):
    """RP-initiated logout; only registered ``post_logout_redirect_uris`` are followed."""

    template_name = "identity/logout_confirm.html"


def _error(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "identity/federation_error.html", {"message": message}, status=status)


@require_GET
def federation_login(request: HttpRequest) -> HttpResponse:
    """Send the browser to the national portal's login (state, nonce and PKCE kept in the session)."""
    if not federation.is_configured():
        raise Http404
    next_url = request.GET.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        request.session[_NEXT_KEY] = next_url
    else:
        request.session.pop(_NEXT_KEY, None)
    redirect_uri = request.build_absolute_uri(reverse("identity:federation_callback"))
    try:
        return federation.get_client().authorize_redirect(request, redirect_uri)
    except (requests.RequestException, AuthlibBaseError, ValueError):
        log.warning("national SSO: metadata unavailable")
        return _error(
            request, _("Cổng Dịch vụ công quốc gia hiện không phản hồi. Hãy thử lại sau ít phút."), 502
        )


@require_GET
def federation_callback(request: HttpRequest) -> HttpResponse:
    """Back from the national portal: check the answer, then sign the linked (or new) account in."""
    if not federation.is_configured():
        raise Http404
    client = federation.get_client()
    failed = _("Đăng nhập qua Cổng Dịch vụ công quốc gia không thành công. Hãy thử lại.")
    try:
        issuer = client.load_server_metadata().get("issuer", "")
        if request.GET.get("iss") and request.GET["iss"] != issuer:  # RFC 9207 mix-up defence
            return _error(request, failed, 400)
        token = client.authorize_access_token(request)
        claims = dict(token.get("userinfo") or {})
        if claims and "cccd" not in claims and "userinfo_endpoint" in client.load_server_metadata():
            extra = client.userinfo(token=token)
            if extra.get("sub") == claims.get("sub"):
                claims = {**extra, **claims}
    except requests.RequestException:
        log.warning("national SSO: upstream unreachable during the callback")
        return _error(
            request, _("Cổng Dịch vụ công quốc gia hiện không phản hồi. Hãy thử lại sau ít phút."), 502
        )
    except (AuthlibBaseError, JoseError, ValueError) as exc:
        log.warning("national SSO: refused callback (%s)", type(exc).__name__)
        return _error(request, failed, 400)
    if not claims:
        return _error(request, failed, 400)
    try:
        result = federation.sign_in_federated(issuer=issuer, claims=claims)
    except IdentityError as exc:
        return _error(request, exc.message, 403)
    next_url = request.session.pop(_NEXT_KEY, "")
    login(request, result.user, backend="django.contrib.auth.backends.ModelBackend")
    mark_activity(request)
    security_services.record_login_success(
        user=result.user,
        method=LoginMethod.SSO,
        ip_address=client_ip(request),
        user_agent=user_agent_of(request),
    )
    messages.success(request, _("Bạn đã đăng nhập bằng tài khoản định danh quốc gia."))
    return redirect(next_url or settings.LOGIN_REDIRECT_URL)
