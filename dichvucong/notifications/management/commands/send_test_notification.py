"""``manage.py send_test_notification USERNAME [--now]``: check the channels with ``system.test``."""

from __future__ import annotations

import getpass
import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from dichvucong.core.audit import record_audit
from dichvucong.core.models import OutboxMessage
from dichvucong.core.outbox import dispatch_message
from dichvucong.notifications.selectors import list_deliveries
from dichvucong.notifications.services import notify


class Command(BaseCommand):
    help = (
        "Send the system.test notification to a user on every channel their preferences allow, "
        "and print each delivery's status. With --now the e-mail/SMS are sent in this process "
        "instead of by the worker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--sent-by", default="", help="operator name shown in the message (default: OS user)"
        )
        parser.add_argument(
            "--now", action="store_true", help="send through the outbox now, without a worker"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user_model = get_user_model()
        try:
            user = user_model.objects.get(username=options["username"])
        except user_model.DoesNotExist:
            raise CommandError(f"no user with username {options['username']!r}") from None
        sent_by = options["sent_by"] or getpass.getuser()
        with transaction.atomic():
            notification = notify(
                recipient=user,
                template="system.test",
                context={"sent_by": sent_by},
                idempotency_key=f"system.test:{uuid.uuid4().hex}",
            )
            record_audit(
                actor=None,
                action="notifications.test_send",
                target=notification,
                after={"recipient": user.pk, "sent_by": sent_by},
            )
        deliveries = list(list_deliveries(notification=notification))
        if options["now"]:
            keys = [delivery.outbox_key for delivery in deliveries]
            for message_id in OutboxMessage.objects.filter(idempotency_key__in=keys).values_list(
                "pk", flat=True
            ):
                dispatch_message(message_id=message_id)
            deliveries = list(list_deliveries(notification=notification))
        self.stdout.write(f"notification #{notification.pk} to {user.username} ({notification.language})")
        for delivery in deliveries:
            line = f"  {delivery.channel:<6} {delivery.status:<8} {delivery.address}"
            if delivery.error:
                line += f"  [{delivery.error.splitlines()[-1]}]"
            self.stdout.write(line)
