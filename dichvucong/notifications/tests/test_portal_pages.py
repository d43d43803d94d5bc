"""Portal pages /notifications/ and /notifications/preferences/: own data only, POST with CSRF."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from dichvucong.notifications.constants import Category, Channel
from dichvucong.notifications.models import ChannelPreference, Notification
from dichvucong.notifications.services import notify

LIST = "/notifications/"
PREFS = "/notifications/preferences/"


@pytest.fixture
def owner(make_user, no_sms):
    return make_user(full_name="Võ Thị Sáu")


def _notify(user, key):
    return notify(recipient=user, template="system.test", context={"sent_by": "ops"}, idempotency_key=key)


def test_urls_are_in_the_portal_namespace():
    """Given the URL map, then the pages have stable portal names."""
    assert reverse("portal:notifications") == LIST
    assert reverse("portal:notification_preferences") == PREFS
    assert reverse("portal:notification_read", args=[7]) == "/notifications/7/read/"
    assert reverse("portal:notifications_read_all") == "/notifications/read-all/"


@pytest.mark.parametrize("url", [LIST, PREFS])
def test_login_required(client, db, url):
    """Given an anonymous visitor, when opening a notifications page, then they are sent to log in."""
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))


def test_list_shows_only_own_notifications_with_unread_marker(
    client, owner, make_user, django_assert_max_num_queries
):
    """Given notices for two people, when one opens the inbox, then only theirs appear, unread marked."""
    other = make_user()
    mine = _notify(owner, "a")
    theirs = notify(recipient=other, template="account.welcome", context={}, idempotency_key="b")
    client.force_login(owner)
    client.get(LIST)  # a session's first request stamps its activity (security middleware), once a minute
    with django_assert_max_num_queries(8):
        response = client.get(LIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert mine.subject in page
    assert theirs.subject not in page
    assert "notification--unread" in page
    assert "Bạn có 1 thông báo chưa đọc." in page


def test_list_query_count_does_not_grow_with_rows(client, owner, django_assert_max_num_queries):
    """Given a full page of notices, when the inbox renders, then the query count stays constant."""
    for index in range(20):
        _notify(owner, f"k{index}")
    client.force_login(owner)
    client.get(LIST)  # a session's first request stamps its activity (security middleware), once a minute
    with django_assert_max_num_queries(8):
        assert client.get(LIST).status_code == 200


def test_pagination(client, owner):
    """Given 25 notices, when opening page 2, then it lists the 5 oldest."""
    for index in range(25):
        _notify(owner, f"k{index}")
    client.force_login(owner)
    response = client.get(LIST, {"page": 2})
    assert len(response.context["notifications"]) == 5
    assert response.context["page_obj"].paginator.num_pages == 2


def test_mark_one_read(client, owner):
    """Given an unread notice, when its owner posts 'read', then it is read and they return to the list."""
    notification = _notify(owner, "a")
    client.force_login(owner)
    response = client.post(f"/notifications/{notification.pk}/read/", {"page": "1"})
    assert (response.status_code, response["Location"]) == (302, "/notifications/?page=1")
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_cannot_mark_someone_elses_notification(client, owner, make_user):
    """Given another person's notice id, when posting 'read', then 404 and it stays unread."""
    intruder = make_user()
    notification = _notify(owner, "a")
    client.force_login(intruder)
    assert client.post(f"/notifications/{notification.pk}/read/").status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_only_touches_own(client, owner, make_user):
    """Given unread notices for two people, when one marks all read, then the other's stay unread."""
    other = make_user()
    _notify(owner, "a")
    _notify(owner, "b")
    _notify(other, "a")
    client.force_login(owner)
    assert client.post("/notifications/read-all/").status_code == 302
    assert not Notification.objects.filter(recipient=owner, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).count() == 1


def test_marking_read_needs_post(client, owner):
    """Given a GET on the 'read' URL, then 405 and nothing changes."""
    notification = _notify(owner, "a")
    client.force_login(owner)
    assert client.get(f"/notifications/{notification.pk}/read/").status_code == 405


def test_marking_read_needs_csrf_token(owner):
    """Given a POST without the CSRF token, then 403."""
    notification = _notify(owner, "a")
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.post(f"/notifications/{notification.pk}/read/").status_code == 403
    assert client.post("/notifications/read-all/").status_code == 403


def test_unread_filter(client, owner):
    """Given one read and one unread notice, when filtering unread, then only the unread one is listed."""
    read, unread = _notify(owner, "a"), _notify(owner, "b")
    client.force_login(owner)
    client.post(f"/notifications/{read.pk}/read/")
    response = client.get(LIST, {"unread": "1"})
    assert [n.pk for n in response.context["notifications"]] == [unread.pk]


def test_preferences_page_shows_mandatory_disabled(client, owner):
    """Given the preferences page, then security e-mail is a disabled checked box with an explanation."""
    client.force_login(owner)
    page = client.get(PREFS).content.decode()
    assert 'name="security__email" id="id_security__email" checked disabled' in page
    assert "Bắt buộc" in page
    assert 'name="dossier__sms" id="id_dossier__sms">' in page  # editable, off by default


def test_preferences_saved(client, owner):
    """Given a POST choosing SMS for dossiers and no e-mail for system notices, then both are stored."""
    client.force_login(owner)
    data = {"dossier__email": "on", "dossier__sms": "on", "account__email": "on", "security__sms": ""}
    response = client.post(PREFS, data)
    assert (response.status_code, response["Location"]) == (302, PREFS + "?saved=1")
    stored = {(p.category, p.channel): p.enabled for p in ChannelPreference.objects.filter(user=owner)}
    assert stored[(Category.DOSSIER, Channel.SMS)] is True
    assert stored[(Category.SYSTEM, Channel.EMAIL)] is False
    assert (Category.SECURITY, Channel.EMAIL) not in stored  # mandatory: never read from the form


def test_preferences_cannot_switch_off_mandatory(client, owner):
    """Given a POST that omits the mandatory security e-mail, then it stays on."""
    client.force_login(owner)
    client.post(PREFS, {})
    notification = notify(
        recipient=owner,
        template="account.password_changed",
        context={"changed_at": "x"},
        idempotency_key="pw",
    )
    assert notification.deliveries.filter(channel=Channel.EMAIL).exists()


def test_pages_in_english(client, owner):
    """Given the English language cookie, then the inbox reads in English."""
    _notify(owner, "a")
    client.force_login(owner)
    client.cookies["dvc_language"] = "en"
    page = client.get(LIST).content.decode()
    assert "My notifications" in page
    assert "You have 1 unread notification." in page
    assert "Mark as read" in page
