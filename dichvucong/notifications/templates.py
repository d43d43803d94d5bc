"""The registry of notification templates and their strict rendering.

A template key (``account.welcome``) names a category, the context variables it needs, and files::

    <app>/templates/notifications/<key>/vi/subject.txt   one line
    <app>/templates/notifications/<key>/vi/body.txt      plain text (e-mail text part, inbox)
    <app>/templates/notifications/<key>/vi/body.html     optional HTML part of the e-mail
    … and the same under en/

Every language in ``settings.LANGUAGES`` must have the files. Text parts are rendered without
autoescaping, the HTML part with it. Rendering is strict: an unknown key, a missing declared
variable, or a ``{{ variable }}`` that the context does not provide raises ``NotificationError``
when the notification is enqueued, never later when it is sent. Use ``{% if var %}`` for optional
values.

Higher apps register their own keys from their ``AppConfig.ready()`` with ``register_template`` and
ship the files in their own ``templates/notifications/<key>/`` directory.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template import Context, Engine, TemplateDoesNotExist
from django.utils import translation

from dichvucong.notifications.constants import Category, NotificationErrorCode
from dichvucong.notifications.errors import NotificationError


@dataclass(frozen=True)
class NotificationTemplate:
    key: str
    category: Category
    variables: tuple[str, ...] = ()
    html: bool = True


@dataclass(frozen=True)
class RenderedMessage:
    language: str
    subject: str
    body: str
    body_html: str


_REGISTRY: dict[str, NotificationTemplate] = {}


def register_template(
    key: str, *, category: Category, variables: tuple[str, ...] = (), html: bool = True
) -> NotificationTemplate:
    """Add a template key; registering the same key twice with different settings is an error."""
    entry = NotificationTemplate(key=key, category=category, variables=tuple(variables), html=html)
    existing = _REGISTRY.get(key)
    if existing is not None and existing != entry:
        raise ValueError(f"notification template {key!r} is already registered differently")
    _REGISTRY[key] = entry
    return entry


def get_template(key: str) -> NotificationTemplate:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise NotificationError(
            NotificationErrorCode.UNKNOWN_TEMPLATE, f"unknown notification template {key!r}"
        ) from None


def list_templates() -> list[NotificationTemplate]:
    return sorted(_REGISTRY.values(), key=lambda entry: entry.key)


class _MissingVariable(str):
    """``string_if_invalid`` that raises: Django formats it with the missing variable's name."""

    def __contains__(self, item: object) -> bool:
        return True

    def __mod__(self, variable: object) -> str:
        raise _MissingVariableError(str(variable))


class _MissingVariableError(Exception):
    pass


_engine: Engine | None = None


def build_engine(*, loaders: list[Any] | None = None) -> Engine:
    """The strict engine: templates from every app's ``templates/`` unless ``loaders`` are given."""
    return Engine(
        app_dirs=loaders is None,
        loaders=loaders,
        string_if_invalid=_MissingVariable("<missing %s>"),
        libraries={
            "i18n": "django.templatetags.i18n",
            "l10n": "django.templatetags.l10n",
            "tz": "django.templatetags.tz",
        },
    )


def _get_engine() -> Engine:
    global _engine
    if _engine is None:  # built on first use: the app registry must be ready
        _engine = build_engine()
    return _engine


def template_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def render_message(key: str, context: Mapping[str, Any], *, language: str) -> RenderedMessage:
    """Render a template key in ``language``; raise ``NotificationError`` on any missing piece."""
    entry = get_template(key)
    missing = [name for name in entry.variables if name not in context]
    if missing:
        raise NotificationError(
            NotificationErrorCode.MISSING_CONTEXT,
            f"notification template {key!r} needs context variable(s): {', '.join(missing)}",
        )
    if language not in template_languages():
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        subject = _render(key, language, "subject.txt", context, autoescape=False)
        body = _render(key, language, "body.txt", context, autoescape=False)
        body_html = _render(key, language, "body.html", context, autoescape=True) if entry.html else ""
    subject = " ".join(subject.split())  # one line: no header injection, no stray newlines
    if not subject or not body.strip():
        raise NotificationError(
            NotificationErrorCode.MISSING_CONTEXT,
            f"notification template {key!r} rendered empty in {language}",
        )
    return RenderedMessage(
        language=language, subject=subject[:255], body=body.strip() + "\n", body_html=body_html
    )


def _render(key: str, language: str, part: str, context: Mapping[str, Any], *, autoescape: bool) -> str:
    name = f"notifications/{key}/{language}/{part}"
    try:
        template = _get_engine().get_template(name)
    except TemplateDoesNotExist:
        raise NotificationError(
            NotificationErrorCode.UNKNOWN_TEMPLATE, f"notification template file {name} does not exist"
        ) from None
    try:
        return template.render(Context(dict(context), autoescape=autoescape))
    except _MissingVariableError as exc:
        raise NotificationError(
            NotificationErrorCode.MISSING_CONTEXT,
            f"notification template {name} uses {{{{ {exc} }}}} but the context has no such value",
        ) from None


# --- The templates this app ships -----------------------------------------------------------------
# (``recipient_name``, ``site_url`` and ``link`` are always provided by ``services.notify``.)
register_template("account.welcome", category=Category.ACCOUNT)
register_template("account.password_changed", category=Category.SECURITY, variables=("changed_at",))
register_template("system.test", category=Category.SYSTEM, variables=("sent_by",))
