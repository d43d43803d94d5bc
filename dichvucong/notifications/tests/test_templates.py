"""The template registry and its strict, per-language rendering."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.template import Context

from dichvucong.notifications.constants import Category, NotificationErrorCode
from dichvucong.notifications.errors import NotificationError
from dichvucong.notifications.templates import build_engine, get_template, list_templates, render_message

SAMPLE_CONTEXT = {
    "recipient_name": "Phạm Minh Đức",
    "site_url": "https://dvc.example.vn",
    "link": "",
    "changed_at": "2026-01-01",
    "sent_by": "ops",
    # security.new_device, security.unlock (registered by dichvucong.security)
    "device": "Chrome · Android",
    "ip_address": "203.0.113.7",
    "signed_in_at": "01/01/2026 08:00",
    "valid_minutes": 60,
    # dossier.* (registered by dichvucong.dossiers)
    "dossier_ref": "000.50.68.H29-260311-0001",
    "code": "000.50.68.H29-260311-0001",
    "procedure_name": "Đăng ký khai sinh",
    "agency_name": "Ủy ban nhân dân Phường Bến Thành",
    "submitted_at": "11/03/2026 09:00",
    "received_at": "11/03/2026 09:00",
    "due_at": "16/03/2026 09:00",
    "reason": "Không thuộc thẩm quyền",
    "items": "- Giấy chứng sinh",
    "deadline": "16/03/2026",
    "note": "",
    "results": "Giấy khai sinh",
    "method": "Trả qua dịch vụ bưu chính",
    "returned_at": "20/03/2026 10:00",
    # workflows.task_* (registered by dichvucong.workflows)
    "task_name": "Thụ lý hồ sơ",
    "subject_label": "Hồ sơ 000.50.68.H29-260311-0001",
    "assignee_name": "Nguyễn Văn An",
    # evaluation.* (registered by dichvucong.evaluations)
    "stage": "Tiếp nhận hồ sơ",
    # reports.monthly_report (registered by dichvucong.reports)
    "month": "03/2026",
    "unit": "Toàn Thành phố",
}


def test_shipped_keys_are_registered():
    """Given the app, then welcome, password_changed (security) and system.test are registered."""
    keys = {entry.key: entry.category for entry in list_templates()}
    assert keys["account.welcome"] == Category.ACCOUNT
    assert keys["account.password_changed"] == Category.SECURITY
    assert keys["system.test"] == Category.SYSTEM


@pytest.mark.parametrize("entry", list_templates(), ids=lambda entry: entry.key)
@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_every_key_renders_in_every_language(entry, language):
    """Given each registered key and language, when rendered, then subject and body exist."""
    rendered = render_message(entry.key, SAMPLE_CONTEXT, language=language)
    assert rendered.language == language
    assert rendered.subject and "\n" not in rendered.subject
    assert "Phạm Minh Đức" in rendered.body
    assert bool(rendered.body_html) == entry.html


def test_vietnamese_and_english_differ():
    """Given the welcome key, when rendered in vi and en, then the texts are the two languages."""
    vi = render_message("account.welcome", SAMPLE_CONTEXT, language="vi")
    en = render_message("account.welcome", SAMPLE_CONTEXT, language="en")
    assert vi.subject.startswith("Chào mừng")
    assert en.subject.startswith("Welcome")


def test_unsupported_language_falls_back_to_default():
    """Given a language the site does not offer, when rendering, then the default language is used."""
    assert render_message("account.welcome", SAMPLE_CONTEXT, language="fr").language == settings.LANGUAGE_CODE


def test_unknown_key_is_an_error():
    """Given an unregistered key, then UNKNOWN_TEMPLATE."""
    with pytest.raises(NotificationError) as error:
        get_template("dossier.nope")
    assert error.value.code == NotificationErrorCode.UNKNOWN_TEMPLATE


def test_declared_variable_missing_is_an_error():
    """Given a context without a declared variable, then MISSING_CONTEXT naming it."""
    context = {key: value for key, value in SAMPLE_CONTEXT.items() if key != "sent_by"}
    with pytest.raises(NotificationError, match="sent_by"):
        render_message("system.test", context, language="vi")


def test_engine_refuses_undefined_variables():
    """Given a template printing a variable the context lacks, when rendered, then it raises instead of ''."""
    engine = build_engine(
        loaders=[
            (
                "django.template.loaders.locmem.Loader",
                {"t.txt": "{% if maybe %}{{ maybe }}{% endif %}{{ x }}"},
            )
        ]
    )
    template = engine.get_template("t.txt")
    assert template.render(Context({"x": "ok"})) == "ok"  # optional values behind {% if %} are fine
    with pytest.raises(Exception, match="x"):
        template.render(Context({}))


def test_registering_a_key_twice_differently_is_refused():
    """Given a registered key, when registered again with another category, then ValueError."""
    from dichvucong.notifications.templates import register_template

    with pytest.raises(ValueError, match="already registered"):
        register_template("account.welcome", category=Category.SYSTEM)
