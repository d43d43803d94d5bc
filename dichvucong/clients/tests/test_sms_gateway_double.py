"""The SMS gateway double speaks the protocol: auth, validation, injected failures (raw HTTP)."""

from __future__ import annotations

import pytest
import requests

from dichvucong.clients.testing.sms_gateway import SmsGatewayDouble

KEY = "double-key-1"
VALID = {"to": "+84912345678", "from": "DICHVUCONG", "text": "Xin chào", "client_ref": "r1"}


@pytest.fixture
def double():
    with SmsGatewayDouble(api_key=KEY) as gateway:
        yield gateway


def _post(double, body, *, key=KEY, path="/messages"):
    return requests.post(
        f"{double.url}{path}", json=body, headers={"Authorization": f"Bearer {key}"}, timeout=5
    )


def test_accepts_valid_message(double):
    """Given a valid body and key, when posted, then 201 with a message id, and the message is stored."""
    response = _post(double, VALID)
    assert response.status_code == 201
    assert response.json() == {"message_id": double.messages[0]["message_id"], "status": "accepted"}
    assert double.messages[0]["text"] == "Xin chào"


def test_requires_the_bearer_key(double):
    """Given a wrong key, when posted, then 401 and nothing stored."""
    response = _post(double, VALID, key="nope")
    assert (response.status_code, response.json()["error"]["code"]) == (401, "unauthorized")
    assert double.messages == []


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"to": "0912345678"}, "invalid_number"),
        ({"to": "+842838296052"}, "invalid_number"),
        ({"text": ""}, "invalid_request"),
        ({"text": "x" * 1001}, "invalid_request"),
        ({"from": "A-VERY-LONG-NAME"}, "invalid_request"),
        ({"client_ref": None}, "invalid_request"),
    ],
)
def test_validates_the_body(double, change, code):
    """Given an invalid field, when posted, then 400 with the protocol's error code."""
    response = _post(double, {**VALID, **change})
    assert (response.status_code, response.json()["error"]["code"]) == (400, code)
    assert double.messages == []


def test_injected_failures_then_success(double):
    """Given fail_next(2, 503), when posted three times, then 503, 503, 201."""
    double.fail_next(2, status=503)
    statuses = [_post(double, VALID).status_code for _ in range(3)]
    assert statuses == [503, 503, 201]
    assert len(double.messages) == 1


def test_unknown_path_is_404(double):
    """Given another path, when posted, then 404."""
    assert _post(double, VALID, path="/other").status_code == 404
