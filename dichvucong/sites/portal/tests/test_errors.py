"""Error pages: translated, in the portal shell, never a stack trace."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client, override_settings
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_404_page_is_translated_and_has_the_shell() -> None:
    """Given an unknown address, when it is fetched, then a Vietnamese 404 page with the portal shell
    comes back; in English it is English."""
    client = Client()
    response = client.get("/khong-co-trang-nay/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Không tìm thấy trang" in html and 'class="site-header"' in html
    client.cookies["dvc_language"] = "en"
    assert "Page not found" in client.get("/khong-co-trang-nay/").content.decode()


@override_settings(ROOT_URLCONF="dichvucong.sites.portal.tests.urls_failing")
def test_500_page_is_translated_without_a_stack_trace() -> None:
    """Given a view that crashes, when it is fetched, then the 500 page says so in words and shows no
    exception, traceback or file path."""
    client = Client(raise_request_exception=False)
    response = client.get("/hong/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "Hệ thống đang gặp sự cố" in html
    for leak in ("Traceback", "RuntimeError", "boom-secret", ".py"):
        assert leak not in html


def test_500_template_renders_in_english_without_a_request() -> None:
    """Given the 500 template rendered the way Django does (no request), when English is active, then
    it renders in English."""
    with translation.override("en"):
        html = render_to_string("500.html")
    assert '<html lang="en"' in html and "Something went wrong" in html


def test_403_page_is_translated() -> None:
    """Given the generic 403 template, when rendered, then it explains the refusal in Vietnamese."""
    html = render_to_string("403.html")
    assert "Không có quyền truy cập" in html
