"""``manage.py create_api_token USERNAME --scopes dossiers:read profile:read --expires 30d`` prints a
new personal API token (for automation). The token is shown once; only its hash is stored."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dichvucong.core import clock
from dichvucong.identity.constants import API_SCOPES
from dichvucong.identity.services import IdentityError, create_personal_token

_DAYS = re.compile(r"^(\d{1,3})d$")


def parse_expiry(value: str) -> dt.datetime:
    """``30d`` → now + 30 days; ``2026-12-31`` → the end of that day in the local time zone."""
    match = _DAYS.match(value)
    if match:
        return clock.now() + dt.timedelta(days=int(match.group(1)))
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--expires must be YYYY-MM-DD or <days>d (e.g. 30d), got {value!r}") from None
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


class Command(BaseCommand):
    help = "Create a personal API token for USERNAME and print it (shown once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--scopes", nargs="+", required=True, help=f"any of: {' '.join(API_SCOPES)}")
        parser.add_argument("--expires", default="90d", help="YYYY-MM-DD or <days>d (default 90d)")
        parser.add_argument("--name", default="", help="a label shown in the user's token list")

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist:
            raise CommandError(f"no user named {options['username']!r}") from None
        scopes = [scope for item in options["scopes"] for scope in item.replace(",", " ").split()]
        expires_at = parse_expiry(options["expires"])
        name = options["name"] or f"manage.py create_api_token {clock.now():%Y-%m-%d}"
        try:
            created = create_personal_token(owner=user, name=name, scopes=scopes, expires_at=expires_at)
        except IdentityError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(created.plaintext)
        self.stderr.write(
            f"token {created.token.prefix}… for {user.get_username()}: "
            f"scopes {' '.join(created.token.scopes)}, "
            f"expires {expires_at:%Y-%m-%d %H:%M %Z}"
        )
