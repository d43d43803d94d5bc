"""Field encryption at rest, blind indexes and key rotation."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from dichvucong.core import crypto


def test_encrypt_round_trip_and_blind_index_is_stable_and_keyed(settings) -> None:
    """Given a value, then it decrypts back, encrypts differently each time, and its blind index is
    equal for equal values but changes with FIELD_HASH_KEY and purpose."""
    token = crypto.encrypt("079012345612")
    assert crypto.decrypt(token) == "079012345612"
    assert crypto.encrypt("079012345612") != token
    index = crypto.blind_index("079012345612", purpose="accounts.cccd")
    assert index == crypto.blind_index("079012345612", purpose="accounts.cccd")
    assert index != crypto.blind_index("079012345612", purpose="accounts.phone")
    settings.FIELD_HASH_KEY = "another-key-of-at-least-thirty-two-characters"
    assert crypto.blind_index("079012345612", purpose="accounts.cccd") != index


def test_invalid_key_names_the_variable(settings) -> None:
    """Given a malformed key, when anything is encrypted, then the error names FIELD_ENCRYPTION_KEYS."""
    settings.FIELD_ENCRYPTION_KEYS = ["not-a-fernet-key"]
    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
        crypto.encrypt("x")


def test_value_from_an_unknown_key_is_refused(settings) -> None:
    """Given a token of a key that was removed from the list, then decrypting raises DecryptionError."""
    token = Fernet(Fernet.generate_key()).encrypt(b"secret").decode()
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token)


def test_production_requires_the_keys(monkeypatch) -> None:
    """Given DJANGO_ENV=production without FIELD_ENCRYPTION_KEYS, then the settings refuse to load,
    naming the variable."""
    import importlib
    import sys

    monkeypatch.setenv("DJANGO_ENV", "production")
    monkeypatch.setenv("DJANGO_SECRET_KEY", "x" * 50)
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "dichvucong.example")
    monkeypatch.setenv("EMAIL_HOST", "smtp.example")
    monkeypatch.delenv("FIELD_ENCRYPTION_KEYS", raising=False)
    saved = sys.modules.pop("config.settings", None)
    try:
        with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
            importlib.import_module("config.settings")
    finally:
        sys.modules.pop("config.settings", None)
        if saved is not None:
            sys.modules["config.settings"] = saved
