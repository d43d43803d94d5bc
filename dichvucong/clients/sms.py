"""SMS gateway adapter: an interface, one HTTP implementation, and Vietnamese number normalisation.

The platform speaks one small JSON-over-HTTPS protocol; an operator puts a shim in front of whichever
brand-name SMS provider the city contracts with (or the provider implements it directly). The local
double in ``dichvucong.clients.testing.sms_gateway`` implements the same protocol for tests and
development (``manage.py run_sms_gateway_double``).

Protocol (version 1)
--------------------
Send one message::

    POST {SMS_GATEWAY_URL}/messages
    Authorization: Bearer {SMS_GATEWAY_API_KEY}
    Content-Type: application/json; charset=utf-8
    Idempotency-Key: {client_ref}

    {"to": "+84912345678", "from": "DICHVUCONG", "text": "Mật khẩu của bạn đã được thay đổi",
     "client_ref": "dvc-delivery-42"}

* ``to``: E.164 (``+`` and 8 to 15 digits). Vietnamese numbers are normalised here before sending:
  ``0912 345 678``, ``84912345678``, ``0084912345678`` → ``+84912345678``; only mobile numbers
  (``+84`` then 9 digits starting 3, 5, 7, 8 or 9) can receive SMS, anything else is rejected
  before any request is made.
* ``from``: the registered brand name (``SMS_SENDER_NAME``), at most 11 characters.
* ``text``: UTF-8, 1 to 1000 characters; the gateway splits it into segments (UCS-2 when it has
  Vietnamese diacritics).
* ``client_ref``: the caller's idempotency key, at most 100 characters. The gateway keeps it for at
  least 24 hours: a second request with the same ``client_ref`` sends nothing and answers ``200`` with
  the first message's id, so retrying after a timeout never sends twice.

Success: ``201 Created`` (or ``200 OK`` for a replayed ``client_ref``) with
``{"message_id": "…", "status": "accepted"}``.

Errors: a status code and ``{"error": {"code": "…", "message": "…"}}``. How the adapter reads them:

==========================  ===================================  ==========================
status                      meaning                              adapter raises
==========================  ===================================  ==========================
400 ``invalid_request``     a field is missing or malformed      ``SmsPermanentError``
400 ``invalid_number``      the gateway cannot reach the number  ``SmsPermanentError``
401 / 403                   wrong or revoked API key             ``SmsRetryableError`` (*)
409 ``client_ref_conflict`` same client_ref, different message   ``SmsPermanentError``
413 / 422                   text too long / refused content      ``SmsPermanentError``
429                         rate limited                         ``SmsRetryableError``
5xx, timeout, no connection gateway or network trouble           ``SmsRetryableError``
2xx without ``message_id``  malformed answer                     ``SmsRetryableError``
any other status            e.g. 404 from a wrong gateway URL    ``SmsRetryableError`` (*)
==========================  ===================================  ==========================

(*) a wrong key or URL is an operator's configuration mistake affecting every message; it is
retried (with the outbox's backoff) so that messages are not lost while the setting is fixed.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any, Protocol

import requests
from django.conf import settings

logger = logging.getLogger(__name__)

MAX_TEXT_LENGTH = 1000
MAX_CLIENT_REF_LENGTH = 100
MAX_SENDER_LENGTH = 11

_PERMANENT_STATUSES = frozenset({400, 409, 413, 422})  # the request itself is wrong; all else retries
_VN_MOBILE = re.compile(r"^\+84[35789]\d{8}$")
_E164 = re.compile(r"^\+[1-9]\d{7,14}$")
_SEPARATORS = re.compile(r"[\s.\-()]")


@dataclass(frozen=True)
class SmsResult:
    """What the gateway answered for an accepted message."""

    message_id: str
    status: str
    to: str


class SmsError(Exception):
    """A message was not accepted. ``retryable`` says whether sending it again may succeed."""

    retryable: bool = True

    def __init__(self, message: str, *, code: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


class SmsRetryableError(SmsError):
    """Temporary failure (gateway down, rate limit, network): try again later."""

    retryable = True


class SmsPermanentError(SmsError):
    """The message can never be sent as it is (invalid number, rejected content): do not retry."""

    retryable = False


class InvalidPhoneNumber(SmsPermanentError):
    """The number cannot receive SMS; raised before anything is sent."""


class SmsGateway(Protocol):
    """Anything that can send one SMS; implementations raise ``SmsError`` subclasses on failure."""

    def send(self, *, to: str, text: str, idempotency_key: str) -> SmsResult: ...


def normalize_phone_number(raw: str) -> str:
    """Return the number in E.164; Vietnamese numbers must be mobile numbers.

    >>> normalize_phone_number("0912 345 678")
    '+84912345678'
    """
    number = _SEPARATORS.sub("", raw or "")
    if number.startswith("00"):
        number = "+" + number[2:]
    elif number.startswith("0"):
        number = "+84" + number[1:]
    elif number.startswith("84") and len(number) == 11:
        number = "+" + number
    if number.startswith("+840"):  # "+84 (0) 912 …": the trunk zero written after the country code
        number = "+84" + number[4:]
    if number.startswith("+84"):
        if not _VN_MOBILE.match(number):
            raise InvalidPhoneNumber(f"not a Vietnamese mobile number: {raw!r}", code="invalid_number")
        return number
    if not _E164.match(number):
        raise InvalidPhoneNumber(f"not a phone number in E.164 form: {raw!r}", code="invalid_number")
    return number


class HttpSmsGateway:
    """The protocol above over HTTP(S) with ``requests``."""

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        sender: str,
        timeout: float,
        session: requests.Session | None = None,
    ) -> None:
        if not base_url:
            raise ValueError("base_url is required")
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.sender = sender[:MAX_SENDER_LENGTH]
        self.timeout = timeout
        self.session = session  # None: one short-lived connection per message

    def send(self, *, to: str, text: str, idempotency_key: str) -> SmsResult:
        number = normalize_phone_number(to)
        if not text or len(text) > MAX_TEXT_LENGTH:
            raise SmsPermanentError(
                f"text must have 1 to {MAX_TEXT_LENGTH} characters", code="invalid_request"
            )
        if not idempotency_key or len(idempotency_key) > MAX_CLIENT_REF_LENGTH:
            raise SmsPermanentError("idempotency_key must have 1 to 100 characters", code="invalid_request")
        body = {"to": number, "from": self.sender, "text": text, "client_ref": idempotency_key}
        headers = {"Authorization": f"Bearer {self.api_key}", "Idempotency-Key": idempotency_key}
        try:
            post = self.session.post if self.session is not None else requests.post
            response = post(f"{self.base_url}/messages", json=body, headers=headers, timeout=self.timeout)
        except requests.RequestException as exc:
            raise SmsRetryableError(f"SMS gateway unreachable: {type(exc).__name__}: {exc}") from exc
        return self._read(response, number)

    def _read(self, response: requests.Response, number: str) -> SmsResult:
        payload = _json_or_empty(response)
        status = response.status_code
        if 200 <= status < 300:
            message_id = payload.get("message_id")
            if not isinstance(message_id, str) or not message_id:
                raise SmsRetryableError(f"SMS gateway answered {status} without a message_id", status=status)
            return SmsResult(message_id=message_id, status=str(payload.get("status", "accepted")), to=number)
        error = payload.get("error") if isinstance(payload.get("error"), dict) else {}
        code = str(error.get("code", ""))
        message = (
            f"SMS gateway answered {status} {code}: {error.get('message', response.reason or '')}".strip()
        )
        if status in (401, 403):
            logger.error("SMS gateway refused our credentials (%s): check SMS_GATEWAY_API_KEY", status)
        if status in _PERMANENT_STATUSES:
            raise SmsPermanentError(message, code=code, status=status)
        raise SmsRetryableError(message, code=code, status=status)


def _json_or_empty(response: requests.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def sms_enabled() -> bool:
    """SMS is on only when a gateway is configured; there is no fake fallback."""
    return bool(settings.SMS_GATEWAY_URL)


def get_sms_gateway() -> SmsGateway | None:
    """The configured gateway, or ``None`` when ``SMS_GATEWAY_URL`` is unset (SMS disabled)."""
    if not sms_enabled():
        return None
    return HttpSmsGateway(
        base_url=settings.SMS_GATEWAY_URL,
        api_key=settings.SMS_GATEWAY_API_KEY,
        sender=settings.SMS_SENDER_NAME,
        timeout=settings.SMS_TIMEOUT,
    )
