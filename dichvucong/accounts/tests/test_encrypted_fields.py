"""Encrypted personal data of accounts: key rotation over real rows (``manage.py rotate_field_keys``)."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection


def _stored(user_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT cccd FROM accounts_user WHERE id = %s", [user_id])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_rotate_field_keys_reencrypts_with_the_first_key_and_is_idempotent(settings) -> None:
    """Given values under an old key, when a new key is put first and rotate_field_keys runs, then every
    value is readable with the new key alone; a second run rotates nothing."""
    from dichvucong.accounts.services import register_citizen, set_cccd

    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    users = [
        register_citizen(username=f"cd{i}", full_name="An", password="mat-khau-dai-2026") for i in range(3)
    ]
    for i, user in enumerate(users):
        set_cccd(user=user, cccd=f"07901234561{i}")
    before = _stored(users[0].pk)

    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    out = io.StringIO()
    call_command("rotate_field_keys", "--batch-size", "2", stdout=out)
    assert "OK: 3 rotated" in out.getvalue()
    assert _stored(users[0].pk) != before

    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key is gone: values must still read
    from dichvucong.accounts.models import User

    assert User.objects.get(pk=users[2].pk).cccd == "079012345612"
    out = io.StringIO()
    call_command("rotate_field_keys", stdout=out)
    assert "OK: 0 rotated of 3" in out.getvalue()
