"""Once-only data: the prefill plugin registry (like the payment providers) and prefilling a form.

A plugin answers profile bindings (``constants.Binding``: ``full_name``, ``cccd``, ``business.tax_code``
…) for the person filling the form. Plugins are asked in registration order; the first value found
for a binding wins, and the rendered form says where each prefilled value came from. A plugin that
fails is logged and skipped: prefill never stops anyone from filling a form by hand.

    register_prefill_plugin("profile", ProfilePrefill())
    values = prefill_form(spec, context=PrefillContext(user=request.user))

File slots with a ``wallet_type`` offer the person's wallet documents of that type
(``wallet_choices``); ``validation.process_submission`` accepts only those.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.core import signing
from django.utils.functional import Promise

from dichvucong.forms.constants import CHOICE_TYPES, FieldType
from dichvucong.forms.spec import FormSpec

logger = logging.getLogger(__name__)
_SALT = "dichvucong.forms.prefill"


@dataclass(frozen=True)
class PrefillContext:
    """Who the form is filled for: the signed-in ``user`` and, when acting for a business, its
    ``organisation`` (an ``accounts.Organisation``)."""

    user: Any
    organisation: Any = None


class PrefillPlugin(Protocol):
    """Answers bindings for a person. ``label`` is shown next to the values it gave."""

    label: str | Promise

    def fetch(self, *, context: PrefillContext, bindings: frozenset[str]) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class PrefilledValue:
    value: Any
    source: str  # the plugin's registered name
    label: str  # where it came from, in words
    locked: bool = False


@dataclass(frozen=True)
class WalletChoice:
    """A wallet document offered for a file slot."""

    id: int
    title: str
    valid_until: datetime.date | None = None


def wallet_choices(spec: FormSpec, *, owner: Any, today: datetime.date) -> dict[str, list[WalletChoice]]:
    """For each file slot with a ``wallet_type``, the owner's documents of that type still valid today."""
    from dichvucong.forms.selectors import list_wallet_documents

    slots = {
        f"/{item['key']}": item["wallet_type"]
        for item in spec.fields
        if isinstance(item, dict) and item.get("type") == FieldType.FILE and item.get("wallet_type")
    }
    if not slots or not getattr(owner, "is_authenticated", False):
        return {}
    documents = list(list_wallet_documents(owner=owner, document_types=set(slots.values()), valid_on=today))
    return {
        pointer: [
            WalletChoice(id=doc.pk, title=doc.title, valid_until=doc.valid_until)
            for doc in documents
            if doc.document_type == kind
        ]
        for pointer, kind in slots.items()
    }


@dataclass
class _Registry:
    plugins: dict[str, PrefillPlugin] = field(default_factory=dict)


_registry = _Registry()


def register_prefill_plugin(name: str, plugin: PrefillPlugin, *, replace: bool = False) -> None:
    """Add a plugin under ``name``; registering a name twice is a mistake unless ``replace``."""
    if name in _registry.plugins and not replace:
        raise ValueError(f"prefill plugin {name!r} is already registered")
    _registry.plugins[name] = plugin


def unregister_prefill_plugin(name: str) -> None:
    _registry.plugins.pop(name, None)


def get_prefill_plugin(name: str) -> PrefillPlugin | None:
    return _registry.plugins.get(name)


def list_prefill_plugins() -> list[str]:
    return list(_registry.plugins)


def _coerce(field_spec: dict[str, Any], value: Any) -> Any:
    """The value as the field holds it, or ``None`` when it does not fit the field."""
    kind = field_spec.get("type")
    if isinstance(value, datetime.date):
        value = value.isoformat()
    if value in (None, "", [], {}):
        return None
    if kind == FieldType.ADDRESS:
        return value if isinstance(value, dict) else None
    if kind in CHOICE_TYPES and kind != FieldType.CHECKBOX:
        values = {
            option.get("value") for option in field_spec.get("options") or [] if isinstance(option, dict)
        }
        return value if value in values else None
    if kind in (FieldType.GROUP, FieldType.FILE, FieldType.CONSENT, FieldType.SECTION, FieldType.CHECKBOX):
        return None
    if isinstance(value, dict | list):
        return None
    return str(value)


def prefill_form(
    spec: FormSpec, *, context: PrefillContext, plugins: Iterable[str] | None = None
) -> dict[str, PrefilledValue]:
    """Prefilled values of the top-level bound fields, by JSON pointer (``/ho_ten``)."""
    bound = {
        item["key"]: item
        for item in spec.fields
        if isinstance(item, dict) and item.get("binding") and isinstance(item.get("key"), str)
    }
    if not bound:
        return {}
    wanted = frozenset(item["binding"] for item in bound.values())
    found: dict[str, tuple[Any, str, str]] = {}
    for name in plugins if plugins is not None else list_prefill_plugins():
        plugin = get_prefill_plugin(name)
        missing = wanted - set(found)
        if plugin is None or not missing:
            continue
        try:
            answer = plugin.fetch(context=context, bindings=missing)
        except Exception:  # a broken plugin must never break the form
            logger.warning("prefill plugin %s failed", name, exc_info=True)
            continue
        for binding in missing:
            if answer.get(binding) not in (None, ""):
                found[binding] = (answer[binding], name, str(plugin.label))
    result = {}
    for key, item in bound.items():
        if item["binding"] not in found:
            continue
        raw, source, label = found[item["binding"]]
        value = _coerce(item, raw)
        if value is not None:
            result[f"/{key}"] = PrefilledValue(
                value=value, source=source, label=label, locked=bool(item.get("locked"))
            )
    return result


def sign_prefill(values: Mapping[str, PrefilledValue]) -> str:
    """The hidden-field token that carries what was prefilled through a POST (tamper-evident)."""
    return signing.dumps(
        {path: [item.value, item.source, item.label, item.locked] for path, item in values.items()},
        salt=_SALT,
        compress=True,
    )


def unsign_prefill(token: str) -> dict[str, PrefilledValue]:
    """``signing.BadSignature`` when the token was changed."""
    data = signing.loads(token, salt=_SALT)
    return {
        path: PrefilledValue(value=item[0], source=item[1], label=item[2], locked=bool(item[3]))
        for path, item in data.items()
    }
