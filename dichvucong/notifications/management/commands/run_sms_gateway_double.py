"""``manage.py run_sms_gateway_double --port 8025``: the local SMS gateway, for development.

Point the platform at it with ``SMS_GATEWAY_URL=http://127.0.0.1:8025`` and
``SMS_GATEWAY_API_KEY`` equal to ``--api-key``; accepted messages are printed, never sent.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dichvucong.clients.testing.sms_gateway import SmsGatewayDouble


class Command(BaseCommand):
    help = "Run the SMS gateway test double (the protocol of dichvucong.clients.sms) until interrupted."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8025)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--api-key", default="dev-sms-key")

    def handle(self, *args: Any, **options: Any) -> None:
        gateway = SmsGatewayDouble(api_key=options["api_key"], host=options["host"], port=options["port"])
        gateway.on_message = lambda message: self.stdout.write(json.dumps(message, ensure_ascii=False))
        self.stdout.write(
            f"SMS gateway double on {gateway.url} (SMS_GATEWAY_URL={gateway.url} "
            f"SMS_GATEWAY_API_KEY={options['api_key']}); Ctrl+C to stop"
        )
        try:
            gateway.serve_forever()
        except KeyboardInterrupt:
            self.stdout.write("stopped")
