"""Portal pages of a person's notifications: the inbox and the channel preferences.

Thin shell over ``dichvucong.notifications``: every read goes through its selectors, every write
through its services, and every user-visible string lives in that app (templates included from
``notifications/portal/``), so this file and its templates carry no translatable text.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from dichvucong.notifications import selectors, services
from dichvucong.notifications.constants import INBOX_TITLE, PREFERENCES_TITLE, Channel
from dichvucong.notifications.forms import ChannelPreferencesForm
from dichvucong.notifications.models import Notification

PAGE_SIZE = 20


@login_required
@require_http_methods(["GET", "HEAD"])
def notification_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    paginator = Paginator(selectors.list_notifications(user=request.user, unread_only=unread_only), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "portal/notifications/list.html",
        {
            "page_title": INBOX_TITLE,
            "page_obj": page,
            "notifications": page.object_list,
            "unread_only": unread_only,
            "unread_count": selectors.count_unread_notifications(user=request.user),
        },
    )


@login_required
@require_POST
def notification_mark_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    try:
        services.mark_notification_read(user=request.user, notification_id=notification_id)
    except Notification.DoesNotExist:
        raise Http404 from None
    return _back_to_list(request)


@login_required
@require_POST
def notification_mark_all_read(request: HttpRequest) -> HttpResponse:
    services.mark_all_notifications_read(user=request.user)
    return _back_to_list(request)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ChannelPreferencesForm(request.POST, user=request.user)
        if form.is_valid():
            services.set_channel_preferences(user=request.user, choices=form.choices())
            return redirect(f"{reverse('portal:notification_preferences')}?saved=1")
    else:
        form = ChannelPreferencesForm(user=request.user)
    return render(
        request,
        "portal/notifications/preferences.html",
        {
            "page_title": PREFERENCES_TITLE,
            "inbox_title": INBOX_TITLE,
            "form": form,
            "saved": request.GET.get("saved") == "1",
            "sms_available": any(
                choice.available
                for row in form.rows
                for choice in row.choices
                if choice.channel == Channel.SMS
            ),
        },
    )


def _back_to_list(request: HttpRequest) -> HttpResponse:
    """Back to the page the form was on (only our own list URL, never an outside address)."""
    query = []
    if request.POST.get("unread") == "1":
        query.append("unread=1")
    page = request.POST.get("page", "")
    if page.isdigit():
        query.append(f"page={page}")
    url = reverse("portal:notifications")
    return redirect(f"{url}?{'&'.join(query)}" if query else url)
