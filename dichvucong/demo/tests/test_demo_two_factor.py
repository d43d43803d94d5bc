"""Demo officers sign in with the published TOTP secret (DEMO_MODE only)."""

from __future__ import annotations

from base64 import b32decode
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from dichvucong.demo.accounts import DEMO_OFFICERS, DEMO_TOTP_SECRET

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_every_demo_officer_has_an_authenticator_with_the_published_secret() -> None:
    """Given the demo loaded, then each demo officer has one confirmed authenticator whose key is the
    documented secret, and `demo_totp` prints the code it expects now."""
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())  # idempotent: still one device each
    for spec in DEMO_OFFICERS:
        device = TOTPDevice.objects.get(user__username=spec.username)
        assert device.confirmed and device.bin_key == b32decode(DEMO_TOTP_SECRET)
    out = StringIO()
    call_command("demo_totp", stdout=out)
    assert out.getvalue().strip() == f"{totp(b32decode(DEMO_TOTP_SECRET)):06d}"


@override_settings(DEMO_MODE=False)
def test_demo_totp_refuses_outside_demo_mode() -> None:
    """Given DEMO_MODE off, when demo_totp runs, then it refuses."""
    with pytest.raises(CommandError):
        call_command("demo_totp", stdout=StringIO())
