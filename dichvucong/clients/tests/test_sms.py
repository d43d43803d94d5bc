"""The SMS adapter against the gateway double over real HTTP, and Vietnamese number normalisation."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from dichvucong.clients.sms import (
    HttpSmsGateway,
    InvalidPhoneNumber,
    SmsPermanentError,
    SmsRetryableError,
    get_sms_gateway,
    normalize_phone_number,
)
from dichvucong.clients.testing.sms_gateway import SmsGatewayDouble

KEY = "k-0123456789"


@pytest.fixture
def gateway() -> Iterator[SmsGatewayDouble]:
    with SmsGatewayDouble(api_key=KEY) as double:
        yield double


def _adapter(double: SmsGatewayDouble, *, api_key: str = KEY) -> HttpSmsGateway:
    return HttpSmsGateway(base_url=double.url + "/", api_key=api_key, sender="DICHVUCONG", timeout=5)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912345678", "+84912345678"),
        ("0912 345 678", "+84912345678"),
        ("091.234.5678", "+84912345678"),
        ("(+84) 912-345-678", "+84912345678"),
        ("84912345678", "+84912345678"),
        ("0084912345678", "+84912345678"),
        ("+84 (0) 912 345 678", "+84912345678"),
        ("0386123456", "+84386123456"),
        ("0701234567", "+84701234567"),
        ("+33612345678", "+33612345678"),
    ],
)
def test_normalise_to_e164(raw, expected):
    """Given a number written the usual ways, when normalised, then it is E.164."""
    assert normalize_phone_number(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "12345", "02838296052", "0912345", "09123456789", "01662345678", "+840", "abc", "+0912345678"]
)
def test_reject_numbers_that_cannot_receive_sms(raw):
    """Given a landline, old 11-digit, short or garbage number, when normalised, then InvalidPhoneNumber."""
    with pytest.raises(InvalidPhoneNumber) as error:
        normalize_phone_number(raw)
    assert error.value.retryable is False


def test_send_success(gateway):
    """Given a valid message, when sent, then the gateway stores it and the adapter returns its id."""
    result = _adapter(gateway).send(
        to="0912 345 678", text="Hồ sơ đã được tiếp nhận", idempotency_key="ref-1"
    )
    assert result.message_id == gateway.messages[0]["message_id"]
    assert (result.status, result.to) == ("accepted", "+84912345678")
    assert gateway.messages[0] | {"message_id": "x"} == {
        "to": "+84912345678",
        "from": "DICHVUCONG",
        "text": "Hồ sơ đã được tiếp nhận",
        "client_ref": "ref-1",
        "message_id": "x",
    }


def test_replayed_client_ref_sends_once(gateway):
    """Given a message already accepted, when sent again with the same key, then same id, one message."""
    adapter = _adapter(gateway)
    first = adapter.send(to="0912345678", text="A", idempotency_key="ref-1")
    second = adapter.send(to="0912345678", text="A", idempotency_key="ref-1")
    assert first.message_id == second.message_id
    assert len(gateway.messages) == 1


def test_reused_client_ref_for_other_text_is_permanent(gateway):
    """Given a key used for one text, when reused for another, then 409 is a permanent error."""
    adapter = _adapter(gateway)
    adapter.send(to="0912345678", text="A", idempotency_key="ref-1")
    with pytest.raises(SmsPermanentError) as error:
        adapter.send(to="0912345678", text="B", idempotency_key="ref-1")
    assert (error.value.status, error.value.code) == (409, "client_ref_conflict")


def test_503_is_retryable(gateway):
    """Given the gateway unavailable, when sending, then SmsRetryableError with the status."""
    gateway.fail_next(1, status=503)
    with pytest.raises(SmsRetryableError) as error:
        _adapter(gateway).send(to="0912345678", text="A", idempotency_key="ref-1")
    assert error.value.status == 503
    assert gateway.messages == []


def test_429_is_retryable(gateway):
    """Given the gateway rate-limits, when sending, then the error is retryable."""
    gateway.fail_next(1, status=429)
    with pytest.raises(SmsRetryableError):
        _adapter(gateway).send(to="0912345678", text="A", idempotency_key="ref-1")


def test_400_is_permanent(gateway):
    """Given the gateway rejects the request, when sending, then SmsPermanentError with its code."""
    gateway.fail_next(1, status=400)
    with pytest.raises(SmsPermanentError) as error:
        _adapter(gateway).send(to="0912345678", text="A", idempotency_key="ref-1")
    assert (error.value.status, error.value.code) == (400, "invalid_request")


def test_wrong_key_is_retryable_configuration_error(gateway):
    """Given a wrong API key, when sending, then 401 is retryable (the operator fixes the key)."""
    with pytest.raises(SmsRetryableError) as error:
        _adapter(gateway, api_key="wrong").send(to="0912345678", text="A", idempotency_key="ref-1")
    assert error.value.status == 401
    assert gateway.messages == []


def test_invalid_number_is_rejected_before_any_request(gateway):
    """Given a landline number, when sending, then InvalidPhoneNumber and the gateway sees nothing."""
    with pytest.raises(InvalidPhoneNumber):
        _adapter(gateway).send(to="028 3829 6052", text="A", idempotency_key="ref-1")
    assert gateway.requests_received == 0


def test_overlong_text_is_permanent(gateway):
    """Given 1001 characters, when sending, then a permanent error without a request."""
    with pytest.raises(SmsPermanentError):
        _adapter(gateway).send(to="0912345678", text="a" * 1001, idempotency_key="ref-1")
    assert gateway.requests_received == 0


def test_unreachable_gateway_is_retryable():
    """Given nothing listening at the URL, when sending, then SmsRetryableError."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    adapter = HttpSmsGateway(base_url=f"http://127.0.0.1:{port}", api_key=KEY, sender="X", timeout=2)
    with pytest.raises(SmsRetryableError, match="unreachable"):
        adapter.send(to="0912345678", text="A", idempotency_key="ref-1")


def test_gateway_disabled_without_url(settings):
    """Given SMS_GATEWAY_URL unset, then there is no gateway (SMS is disabled, not faked)."""
    settings.SMS_GATEWAY_URL = ""
    assert get_sms_gateway() is None


def test_gateway_from_settings(settings, gateway):
    """Given SMS_* settings, then the configured adapter sends through that gateway."""
    settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_API_KEY, settings.SMS_SENDER_NAME = (
        gateway.url,
        KEY,
        "QUAN1",
    )
    adapter = get_sms_gateway()
    assert adapter is not None
    adapter.send(to="0912345678", text="A", idempotency_key="ref-1")
    assert gateway.messages[0]["from"] == "QUAN1"


def test_wrong_gateway_url_is_retryable(gateway):
    """Given a URL path the gateway does not serve (404), when sending, then retryable (configuration)."""
    adapter = HttpSmsGateway(base_url=f"{gateway.url}/v0", api_key=KEY, sender="X", timeout=5)
    with pytest.raises(SmsRetryableError) as error:
        adapter.send(to="0912345678", text="A", idempotency_key="ref-1")
    assert error.value.status == 404
