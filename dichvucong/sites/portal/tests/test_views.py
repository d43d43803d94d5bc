"""Portal pages: the shell, the search page, static pages, language switch and headers."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_is_vietnamese_by_default_with_one_h1_and_the_main_nav() -> None:
    """Given no language choice, when the home page is fetched, then it is in Vietnamese with one h1,
    a skip link to the main landmark and the main navigation."""
    response = Client().get(reverse("portal:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi"' in html
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert 'href="#main"' in html and '<main id="main"' in html
    for label in ("Thủ tục hành chính", "Nộp hồ sơ", "Tra cứu hồ sơ", "Thống kê", "Hỏi đáp"):
        assert label in html


def test_every_portal_page_offers_the_language_switch_with_csrf() -> None:
    """Given the portal pages, when each is fetched, then it holds a CSRF-protected form posting to
    set_language with a ``next`` back to the same page."""
    client = Client()
    for url in (reverse("portal:home"), reverse("portal:accessibility"), reverse("portal:login")):
        html = client.get(url).content.decode()
        assert f'action="{reverse("set_language")}"' in html
        assert 'name="csrfmiddlewaretoken"' in html
        assert f'name="next" value="{url}"' in html
        assert '<button type="submit" name="language" value="en" lang="en">English</button>' in html


def test_switching_to_english_translates_the_portal() -> None:
    """Given the portal, when English is chosen through set_language, then the page comes back in
    English, with a switch back to Vietnamese."""
    client = Client()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert "Public Service Portal" in html and "Administrative procedures" in html
    assert "Thủ tục hành chính" not in html
    assert 'value="vi" lang="vi">Tiếng Việt</button>' in html


def test_procedure_search_echoes_the_query_escaped() -> None:
    """Given a search with markup in it and an empty catalog, when the search page renders, then the
    query is shown escaped and the page says nothing was found."""
    response = Client().get(reverse("portal:procedure_search"), {"q": "<b>khai sinh</b>"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "&lt;b&gt;khai sinh&lt;/b&gt;" in html and "<b>khai sinh</b>" not in html
    assert "Không tìm thấy thủ tục phù hợp" in html


def test_accessibility_statement_page_is_linked_from_the_footer() -> None:
    """Given any portal page, when it renders, then the footer links the accessibility statement."""
    html = Client().get(reverse("portal:home")).content.decode()
    assert reverse("portal:accessibility") in html
    statement = Client().get(reverse("portal:accessibility"))
    assert statement.status_code == 200 and "WCAG" in statement.content.decode()


def test_security_headers_are_sent() -> None:
    """Given a portal page, when it is fetched, then CSP, frame, sniffing and referrer headers are set."""
    response = Client().get(reverse("portal:home"))
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_styles_or_inline_scripts() -> None:
    """Given the strict CSP (no inline styles; scripts only from files), when the pages render, then
    none carries a style attribute, a <style> block or an inline <script>."""
    client = Client()
    for url in (reverse("portal:home"), reverse("portal:login"), reverse("evaluation:home"), "/missing/"):
        html = client.get(url).content.decode()
        assert " style=" not in html and "<style" not in html
        for tag in re.findall(r"<script[^>]*>", html):
            assert " src=" in tag


def test_script_nonce_in_the_page_is_in_the_csp_header() -> None:
    """Given the kiosk page, whose script tag carries the request's nonce, when it is served, then the
    Content-Security-Policy header allows exactly that nonce."""
    response = Client().get(reverse("evaluation:home"))
    nonce = re.search(r'<script [^>]*nonce="([^"]+)"', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]
