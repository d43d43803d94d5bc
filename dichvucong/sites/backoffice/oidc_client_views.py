"""Back-office pages where city admins register the OIDC clients of our provider.

Thin shell over ``dichvucong.identity``; the page bodies (all user-visible strings) are the
templates ``identity/backoffice/*.html``. The client secret appears once, in the response to the
registration, and is stored hashed by django-oauth-toolkit.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from dichvucong.accounts.constants import Role
from dichvucong.identity import selectors, services
from dichvucong.identity.forms import OidcClientForm
from dichvucong.identity.pages import CLIENT_NEW_TITLE, CLIENTS_TITLE
from dichvucong.sites.backoffice.access import officer_required

_CITY_ADMIN = [Role.CITY_ADMIN]


@officer_required(roles=_CITY_ADMIN)
@require_http_methods(["GET", "HEAD"])
def oidc_client_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "backoffice/oidc/client_list.html",
        {"page_title": CLIENTS_TITLE, "clients": selectors.list_oidc_clients()},
    )


@officer_required(roles=_CITY_ADMIN)
@require_http_methods(["GET", "HEAD", "POST"])
def oidc_client_create(request: HttpRequest) -> HttpResponse:
    form = OidcClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            registered = services.register_oidc_client(
                actor=request.user,
                name=data["name"],
                redirect_uris=data["redirect_uris"],
                post_logout_redirect_uris=data["post_logout_redirect_uris"],
                confidential=data["confidential"],
                allowed_scopes=data["allowed_scopes"],
                may_see_cccd=data["may_see_cccd"],
                skip_consent=data["skip_consent"],
            )
        except services.IdentityError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            response = render(
                request,
                "backoffice/oidc/client_created.html",
                {
                    "page_title": CLIENTS_TITLE,
                    "application": registered.application,
                    "client_secret": registered.client_secret,
                    "discovery_url": request.build_absolute_uri("/o/.well-known/openid-configuration"),
                },
                status=201,
            )
            response["Cache-Control"] = "no-store"
            return response
    return render(
        request,
        "backoffice/oidc/client_form.html",
        {"page_title": CLIENT_NEW_TITLE, "clients_title": CLIENTS_TITLE, "form": form},
        status=400 if form.errors else 200,
    )


@officer_required(roles=_CITY_ADMIN)
@require_http_methods(["GET", "HEAD"])
def oidc_client_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from oauth2_provider.models import Application

    try:
        application = selectors.get_oidc_client(pk)
    except Application.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "backoffice/oidc/client_detail.html",
        {
            "page_title": application.name,
            "clients_title": CLIENTS_TITLE,
            "application": application,
            "discovery_url": request.build_absolute_uri("/o/.well-known/openid-configuration"),
        },
    )
