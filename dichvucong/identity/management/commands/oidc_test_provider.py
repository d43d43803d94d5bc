"""``manage.py oidc_test_provider``: prepare THIS instance to play an upstream identity provider
(the "national portal") for an end-to-end federation test or a local trial.

Creates (or updates) one citizen with a password and, when the accounts app stores one, a CCCD and
an assurance level; and one confidential client with a fixed id, secret and redirect URI that skips
consent and may see the CCCD. Refuses to run in production.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from oauth2_provider.models import Application

from dichvucong.identity.constants import Scope
from dichvucong.identity.models import ClientPolicy


class Command(BaseCommand):
    help = "Set up a user and a client so this instance can act as a test upstream OIDC provider."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--full-name", default="Nguyễn Văn Quốc Gia")
        parser.add_argument("--cccd", default="")
        parser.add_argument("--assurance-level", type=int, default=2)
        parser.add_argument("--client-id", required=True)
        parser.add_argument("--client-secret", required=True)
        parser.add_argument("--redirect-uri", required=True)

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("oidc_test_provider is for tests and local trials, never production")
        User = get_user_model()
        user, _created = User.objects.get_or_create(username=options["username"])
        user.full_name = options["full_name"]
        user.set_password(options["password"])
        if hasattr(user, "assurance_level"):
            user.assurance_level = options["assurance_level"]
        if options["cccd"] and hasattr(user, "cccd"):
            from dichvucong.identity.federation import cccd_lookup_index

            user.cccd = options["cccd"]
            if hasattr(user, "cccd_index"):
                user.cccd_index = cccd_lookup_index(options["cccd"])
        user.save()
        Application.objects.filter(client_id=options["client_id"]).delete()
        application = Application.objects.create(
            name="Cổng Dịch vụ công thành phố (thử nghiệm)",
            client_id=options["client_id"],
            client_secret=options["client_secret"],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=options["redirect_uri"],
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=True,
        )
        ClientPolicy.objects.create(
            application=application,
            allowed_scopes=[Scope.OPENID, Scope.PROFILE, Scope.EMAIL, Scope.CCCD],
            may_see_cccd=True,
        )
        self.stdout.write(f"user {user.get_username()} and client {application.client_id} ready")
