"""One-time codes: six digits that prove someone reads an e-mail inbox or a phone's messages.

Rules: only a keyed hash is stored; a code expires after ``OTP_TTL_MINUTES``, allows
``VerificationCode.MAX_ATTEMPTS`` guesses, works once, and a new one for the same purpose ends the
previous one — but not sooner than ``OTP_RESEND_SECONDS`` after it (resend cool-down).

Sending goes through the core outbox (topic ``accounts.send_code``), so a code is sent if and only
if it was stored, with retries. Why not ``notifications.notify``: that writes the message body into
the person's portal inbox, so a signed-in person could read the code meant for a *new* e-mail
address or phone there without owning it, and the code would sit in the database in clear. The
outbox payload carries the code sealed with the field-encryption key (``core.crypto.seal``) and the
handler refuses to send a code that is no longer usable.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from dichvucong.accounts.constants import CodeChannel
from dichvucong.accounts.models import User, VerificationCode
from dichvucong.accounts.validation import AccountError
from dichvucong.clients.sms import SmsError, get_sms_gateway, normalize_phone_number
from dichvucong.core import clock
from dichvucong.core.crypto import blind_index, open_sealed, seal
from dichvucong.core.outbox import enqueue_message, outbox_handler

logger = logging.getLogger(__name__)

SEND_TOPIC = "accounts.send_code"


def _hash(code_id_salt: str, code: str) -> str:
    return f"{code_id_salt}${blind_index(code, purpose=f'accounts.otp.{code_id_salt}')}"


def _matches(stored: str, code: str) -> bool:
    salt, _sep, _digest = stored.partition("$")
    return hmac.compare_digest(stored, _hash(salt, code))


def issue_code(*, user: User, purpose: str, channel: str, target: str) -> VerificationCode:
    """Store a new code for ``user`` and queue it to ``target``; ends any earlier code of the purpose.

    Refused (``AccountError``) while the previous code of the same purpose is younger than the
    resend cool-down.
    """
    now = clock.now()
    previous = (
        VerificationCode.objects.filter(
            user=user, purpose=purpose, used_at__isnull=True, ended_at__isnull=True
        )
        .order_by("-created_at")
        .first()
    )
    cooldown = timedelta(seconds=settings.OTP_RESEND_SECONDS)
    if previous is not None and previous.created_at + cooldown > now:
        wait = int((previous.created_at + cooldown - now).total_seconds()) + 1
        raise AccountError(
            _("Mã vừa được gửi. Vui lòng chờ %(seconds)s giây rồi yêu cầu gửi lại.") % {"seconds": wait}
        )
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        VerificationCode.objects.filter(
            user=user, purpose=purpose, used_at__isnull=True, ended_at__isnull=True
        ).update(ended_at=now)
        row = VerificationCode.objects.create(
            user=user,
            purpose=purpose,
            channel=channel,
            target=target,
            code_hash=_hash(secrets.token_hex(8), code),
            created_at=now,
            expires_at=now + timedelta(minutes=settings.OTP_TTL_MINUTES),
        )
        enqueue_message(
            topic=SEND_TOPIC,
            payload={"code_id": row.pk, "sealed": seal(code)},
            idempotency_key=f"{SEND_TOPIC}:{row.pk}",
        )
    return row


def latest_code(*, user: User, purpose: str) -> VerificationCode | None:
    return VerificationCode.objects.filter(user=user, purpose=purpose).order_by("-created_at", "-id").first()


def check_code(*, user: User, purpose: str, code: str) -> VerificationCode:
    """Use the current code of ``purpose``: returns it marked used, or raises ``AccountError``.

    Wrong guesses are counted even though the caller's transaction may roll back (they are saved
    in their own transaction first), so a guesser cannot reset the counter.
    """
    code = (code or "").strip().replace(" ", "")
    now = clock.now()
    row = latest_code(user=user, purpose=purpose)
    if row is None or row.ended_at is not None:
        raise AccountError(_("Không có mã xác minh nào đang chờ. Vui lòng yêu cầu mã mới."), field="code")
    if row.used_at is not None:
        raise AccountError(_("Mã này đã được sử dụng. Vui lòng yêu cầu mã mới."), field="code")
    if row.expires_at <= now:
        raise AccountError(_("Mã đã hết hạn. Vui lòng yêu cầu mã mới."), field="code")
    if row.attempts >= VerificationCode.MAX_ATTEMPTS:
        raise AccountError(_("Đã nhập sai quá số lần cho phép. Vui lòng yêu cầu mã mới."), field="code")
    if not (len(code) == 6 and code.isdigit() and _matches(row.code_hash, code)):
        with transaction.atomic():
            VerificationCode.objects.filter(pk=row.pk).update(attempts=row.attempts + 1)
        left = VerificationCode.MAX_ATTEMPTS - row.attempts - 1
        if left <= 0:
            raise AccountError(
                _("Mã không đúng. Đã nhập sai quá số lần cho phép, vui lòng yêu cầu mã mới."), field="code"
            )
        raise AccountError(_("Mã không đúng. Bạn còn %(left)s lần thử.") % {"left": left}, field="code")
    updated = VerificationCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now)
    if not updated:  # a concurrent request used it first
        raise AccountError(_("Mã này đã được sử dụng. Vui lòng yêu cầu mã mới."), field="code")
    row.used_at = now
    return row


# --- Sending (outbox handler) ---------------------------------------------------------------------


@outbox_handler(SEND_TOPIC)
def send_code(payload: dict[str, Any]) -> None:
    """Send one queued code by e-mail or SMS, unless it was used, replaced or expired meanwhile."""
    row = VerificationCode.objects.select_related("user").filter(pk=int(payload["code_id"])).first()
    if row is None or row.used_at is not None or row.ended_at is not None or row.expires_at <= clock.now():
        return
    code = open_sealed(str(payload["sealed"]), max_age_seconds=settings.OTP_TTL_MINUTES * 60)
    if code is None:
        return
    context = {
        "code": code,
        "minutes": settings.OTP_TTL_MINUTES,
        "purpose": row.get_purpose_display(),
        "recipient_name": row.user.display_name,
    }
    with translation.override(row.user.preferred_language or settings.LANGUAGE_CODE):
        context["purpose"] = str(row.get_purpose_display())
        if row.channel == CodeChannel.SMS:
            _send_sms(row, context)
        else:
            _send_email(row, context)


def _send_email(row: VerificationCode, context: dict[str, Any]) -> None:
    subject = " ".join(render_to_string("accounts/code/subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("accounts/code/body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.target],
        headers={"Message-ID": f"<accounts-code-{row.pk}@dichvucong.local>"},
    )
    message.attach_alternative(render_to_string("accounts/code/body.html", context), "text/html")
    message.send()


def _send_sms(row: VerificationCode, context: dict[str, Any]) -> None:
    gateway = get_sms_gateway()
    if gateway is None:
        logger.warning("Verification code %s not sent: SMS_GATEWAY_URL is not configured", row.pk)
        return
    text = " ".join(render_to_string("accounts/code/sms.txt", context).split())
    try:
        gateway.send(to=normalize_phone_number(row.target), text=text, idempotency_key=f"dvc-code-{row.pk}")
    except SmsError as exc:
        if exc.retryable:
            raise
        logger.warning("Verification code %s could not be sent by SMS: %s", row.pk, exc)
