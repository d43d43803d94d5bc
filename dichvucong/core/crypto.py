"""Field-level encryption of personal data at rest, and blind indexes to find it again.

Why: a stolen database dump or backup must not hand out citizens' ID (CCCD) and phone numbers.
``EncryptedTextField`` stores a Fernet token (AES-128-CBC + HMAC-SHA256) instead of the value; the
keys come from ``FIELD_ENCRYPTION_KEYS`` (comma-separated, the first one encrypts, every one
decrypts), so a key is rotated by putting a new one first and running ``manage.py
rotate_field_keys``, which re-encrypts every stored value with it.

An encrypted column cannot be searched or made unique (the same value encrypts differently each
time), so a model that needs exact look-ups also stores ``blind_index(value, purpose=…)``: a keyed
HMAC-SHA256 (key ``FIELD_HASH_KEY``) that is equal for equal values and useless without the key.
Changing ``FIELD_HASH_KEY`` invalidates every index; it is not rotated.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

__all__ = [
    "DecryptionError",
    "EncryptedTextField",
    "blind_index",
    "decrypt",
    "encrypt",
    "encrypted_fields",
    "is_current_key",
    "open_sealed",
    "rotate_token",
    "seal",
]


class DecryptionError(Exception):
    """A stored value that none of the configured keys can decrypt (key removed too early?)."""


@lru_cache(maxsize=8)
def _fernets(keys: tuple[str, ...]) -> tuple[MultiFernet, Fernet]:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must name at least one Fernet key")
    try:
        fernets = [Fernet(key.encode("ascii")) for key in keys]
    except (ValueError, UnicodeEncodeError) as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must be comma-separated Fernet keys (32 url-safe base64 bytes, "
            f"generate one with `python -c 'from cryptography.fernet import Fernet; "
            f"print(Fernet.generate_key().decode())'`): {exc}"
        ) from None
    return MultiFernet(fernets), fernets[0]


def _keys() -> tuple[MultiFernet, Fernet]:
    return _fernets(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    """The Fernet token of ``value`` under the current (first) key."""
    return _keys()[0].encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _keys()[0].decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError) as exc:
        raise DecryptionError("no configured FIELD_ENCRYPTION_KEYS key decrypts this value") from exc


def is_current_key(token: str) -> bool:
    """Whether ``token`` is already encrypted with the first key (nothing to rotate)."""
    try:
        _keys()[1].decrypt(token.encode("ascii"))
    except InvalidToken:
        return False
    return True


def rotate_token(token: str) -> str:
    """The same plaintext, encrypted again with the first key."""
    try:
        return _keys()[0].rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as exc:
        raise DecryptionError("no configured FIELD_ENCRYPTION_KEYS key decrypts this value") from exc


def seal(value: str) -> str:
    """Encrypt a short-lived secret for a queue payload (e.g. a one-time code waiting to be sent)."""
    return encrypt(value)


def open_sealed(token: str, *, max_age_seconds: int) -> str | None:
    """The sealed secret, or ``None`` once it is older than ``max_age_seconds`` or unreadable."""
    try:
        return _keys()[0].decrypt(token.encode("ascii"), ttl=max_age_seconds).decode("utf-8")
    except (InvalidToken, UnicodeError):
        return None


def blind_index(value: str, *, purpose: str) -> str:
    """Keyed HMAC-SHA256 of a normalised ``value``; ``purpose`` keeps indexes of different fields apart."""
    key = settings.FIELD_HASH_KEY.encode("utf-8")
    message = f"{purpose}\x00{value}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """Text stored encrypted (a Fernet token); Python code reads and writes the plain value.

    The empty string is stored as is, so "no value" stays visible without a key. Not searchable:
    pair it with a blind-index column for look-ups and uniqueness.
    """

    description = "Text encrypted at rest with FIELD_ENCRYPTION_KEYS"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    """Every concrete model with encrypted columns, and those columns' attribute names."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        names = [
            field.attname for field in model._meta.concrete_fields if isinstance(field, EncryptedTextField)
        ]
        if names:
            found.append((model, names))
    return found
