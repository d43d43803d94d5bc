"""``manage.py demo_totp``: print the current second-factor code of the demo officers (DEMO_MODE only)."""

from __future__ import annotations

from base64 import b32decode
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp

from dichvucong.demo.accounts import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current TOTP code shared by the demo officers (needs DEMO_MODE=true)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("DEMO_MODE is off: there is no demo authenticator secret.")
        self.stdout.write(f"{totp(b32decode(DEMO_TOTP_SECRET)):06d}")
