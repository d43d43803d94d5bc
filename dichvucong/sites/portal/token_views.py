"""Portal page of a person's personal API tokens: create (shown once), list, revoke.

Thin shell over ``dichvucong.identity``: reads through its selectors, writes through its services,
and the page body (every user-visible string) is the template ``identity/portal/tokens.html``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.views.decorators.http import require_http_methods, require_POST

from dichvucong.core import clock
from dichvucong.identity import selectors, services
from dichvucong.identity.forms import PersonalTokenForm
from dichvucong.identity.models import PersonalAccessToken
from dichvucong.identity.pages import TOKENS_TITLE


def _has_account_nav() -> bool:
    try:
        get_template("portal/account/_nav.html")
    except TemplateDoesNotExist:
        return False
    return True


def _render(
    request: HttpRequest, form: PersonalTokenForm, *, created: object = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "portal/account/tokens.html",
        {
            "page_title": TOKENS_TITLE,
            "form": form,
            "created": created,
            "tokens": selectors.list_personal_tokens(request.user),
            "now": clock.now(),
            "account_nav": _has_account_nav(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def account_tokens(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _render(request, PersonalTokenForm())
    form = PersonalTokenForm(request.POST)
    if form.is_valid():
        try:
            created = services.create_personal_token(
                owner=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=clock.now() + form.expires_delta(),
            )
        except services.IdentityError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            # The plaintext is in this response only; a reload shows the list without it.
            response = _render(request, PersonalTokenForm(), created=created)
            response["Cache-Control"] = "no-store"
            return response
    return _render(request, form, status=400)


@login_required
@require_POST
def account_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token = selectors.get_personal_token(request.user, token_id)
    except PersonalAccessToken.DoesNotExist:
        raise Http404 from None
    services.revoke_personal_token(actor=request.user, token=token)
    return redirect("portal:account_tokens")
