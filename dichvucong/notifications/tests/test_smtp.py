"""Real SMTP: the e-mail reaches an SMTP server (aiosmtpd, in the test) with correct UTF-8 headers."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from dichvucong.notifications.constants import Channel, DeliveryStatus
from dichvucong.notifications.services import notify


class _Inbox:
    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[_Inbox]:
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "Cổng Dịch vụ công <no-reply@dichvucong.example.vn>"
    try:
        yield inbox
    finally:
        controller.stop()


def _received(inbox: _Inbox) -> email.message.EmailMessage:
    assert len(inbox.envelopes) == 1
    return email.message_from_bytes(inbox.envelopes[0].content, policy=email.policy.default)


@pytest.mark.parametrize(
    ("language", "subject", "greeting"),
    [
        ("vi", "Mật khẩu tài khoản của bạn đã được thay đổi", "Kính gửi Lê Thị Hồng Nhung,"),
        ("en", "Your account password has been changed", "Dear Lê Thị Hồng Nhung,"),
    ],
)
def test_email_arrives_over_smtp_in_users_language(
    make_user, no_sms, outbox, smtp_server, language, subject, greeting
):
    """Given an SMTP server, when a delivery is sent, then it arrives with UTF-8 subject and body in the
    recipient's language, addressed to them, with the delivery's Message-ID."""
    user = make_user(full_name="Lê Thị Hồng Nhung", email="nhung@example.vn", preferred_language=language)
    notification = notify(
        recipient=user,
        template="account.password_changed",
        context={"changed_at": datetime(2026, 1, 2, 3, 4, tzinfo=UTC)},
        idempotency_key="pw",
    )
    assert outbox.run() == 1

    envelope = smtp_server.envelopes[0]
    assert envelope.rcpt_tos == ["nhung@example.vn"]
    assert envelope.mail_from == "no-reply@dichvucong.example.vn"
    raw_headers = envelope.original_content.split(b"\r\n\r\n", 1)[0]
    assert raw_headers.isascii()  # RFC 2047 encoded-words on the wire, UTF-8 inside
    assert b"=?utf-8?" in raw_headers
    message = _received(smtp_server)
    # Python folds a long encoded subject onto a continuation line; the parser keeps the fold's space.
    assert message["Subject"].strip() == subject
    assert str(message["From"]) == "Cổng Dịch vụ công <no-reply@dichvucong.example.vn>"
    assert message["Content-Language"] == language
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert greeting in text
    assert greeting.rstrip(",") in html
    delivery = notification.deliveries.get(channel=Channel.EMAIL)
    assert delivery.status == DeliveryStatus.SENT
    assert message["Message-ID"] == delivery.provider_message_id
