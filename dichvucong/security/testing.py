"""Test helpers: a session that has passed the second factor, without typing a code.

``force_login`` gives a password-level session only; officers then meet the verify step. Tests of
back-office or admin pages use ``login_verified(client, user)`` instead.
"""

from __future__ import annotations

from typing import Any

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from dichvucong.security.constants import TOTP_DEVICE_NAME


def login_verified(client: Any, user: Any) -> Any:
    """``client.force_login(user)`` plus an OTP-verified mark from a (created if needed) authenticator."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name=TOTP_DEVICE_NAME, confirmed=True
    )
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
