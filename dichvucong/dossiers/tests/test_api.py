"""REST v1 dossiers: submission with Idempotency-Key, the caller's list and detail, public look-up."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from dichvucong.core import clock
from dichvucong.dossiers.api import LookupThrottle
from dichvucong.dossiers.constants import DossierStatus
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.tests.factories import EXE_BYTES, WEDNESDAY_9AM, make_received, make_world, pdf
from dichvucong.identity.services import create_personal_token
from dichvucong.security.testing import login_verified

pytestmark = pytest.mark.django_db
URL = "/api/v1/dossiers/"


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: WEDNESDAY_9AM)
    cache.clear()


@pytest.fixture
def world():
    return make_world()


def _payload(world, form_data: dict | None = None) -> dict:
    data = {
        "procedure": world.procedure.code,
        "agency": world.agency.code,
        "form_data": json.dumps(form_data or {"ho_ten_tre": "Nguyễn Văn Bình"}),
    }
    for pk in world.required_ids:
        data[f"doc_{pk}"] = pdf()
    return data


def _token(user, scopes: list[str]) -> str:
    return create_personal_token(
        owner=user, name="thử", scopes=scopes, expires_at=WEDNESDAY_9AM + timedelta(days=30)
    ).plaintext


def test_submission_needs_authentication(world) -> None:
    """Given no session and no token, when posting a dossier, then 401/403 and nothing is stored."""
    response = Client().post(URL, _payload(world))
    assert response.status_code in (401, 403)
    assert not Dossier.objects.exists()


def test_session_submission_then_same_key_returns_the_same_dossier(world) -> None:
    """Given a signed-in citizen, when she posts the same dossier twice with one Idempotency-Key,
    then the first answer is 201, the second 200 with the same dossier, and only one exists."""
    client = Client()
    client.force_login(world.citizen)
    first = client.post(URL, _payload(world), headers={"Idempotency-Key": "abc-123"})
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["status"] == DossierStatus.NEW
    assert len(body["documents"]) == 2
    second = client.post(URL, _payload(world), headers={"Idempotency-Key": "abc-123"})
    assert second.status_code == 200
    assert second.json()["id"] == body["id"]
    conflict = client.post(URL, _payload(world, {"khac": 1}), headers={"Idempotency-Key": "abc-123"})
    assert conflict.status_code == 409
    assert conflict.json()["error"]["code"] == "idempotency_conflict"
    assert Dossier.objects.count() == 1


def test_bearer_token_needs_the_write_scope(world) -> None:
    """Given a token with only dossiers:read, when posting, then 403; with dossiers:write, 201."""
    read_only = _token(world.citizen, ["dossiers:read"])
    response = Client().post(URL, _payload(world), headers={"Authorization": f"Bearer {read_only}"})
    assert response.status_code == 403
    writer = _token(world.citizen, ["dossiers:write"])
    response = Client().post(URL, _payload(world), headers={"Authorization": f"Bearer {writer}"})
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    ("change", "field_or_code"),
    [
        ({"form_data": "{not json"}, "form_data"),
        ({"form_data": "[1, 2]"}, "form_data"),
        ({"procedure": ""}, "procedure"),
        ({"doc_abc": SimpleUploadedFile("a.pdf", b"%PDF-1.4")}, "doc_abc"),
    ],
)
def test_bad_input_gets_a_field_error_and_stores_nothing(world, change, field_or_code) -> None:
    """Given malformed input, when posted, then 400 names the field in the error shape."""
    client = Client()
    client.force_login(world.citizen)
    data = {**_payload(world), **change}
    response = client.post(URL, data)
    assert response.status_code == 400
    assert field_or_code in response.json()["error"]["fields"]
    assert not Dossier.objects.exists()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ("exe", "file_rejected"),
        ("missing", "missing_documents"),
        ("procedure", "procedure_unavailable"),
        ("nul", "invalid"),
    ],
)
def test_refused_submissions_explain_why(world, change, code) -> None:
    """Given an .exe disguised as PDF, a missing required document or an unknown procedure, when
    posted, then 400 with a translated message and the service's code, nothing stored."""
    client = Client()
    client.force_login(world.citizen)
    data = _payload(world)
    if change == "exe":
        data[f"doc_{world.required_ids[0]}"] = SimpleUploadedFile("giay.pdf", EXE_BYTES)
    elif change == "missing":
        del data[f"doc_{world.required_ids[1]}"]
    elif change == "nul":
        data["form_data"] = '{"ho_ten": "An\\u0000"}'
    else:
        data["procedure"] = "0.000000"
    response = client.post(URL, data)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert not Dossier.objects.exists()


def test_list_and_detail_show_only_the_callers_dossiers(world) -> None:
    """Given a received dossier, when its owner lists and opens it she sees it with its history; a
    stranger's list is empty and the detail is 404 for him; the scoped officer may open it."""
    dossier = make_received(world)
    owner = Client()
    owner.force_login(world.citizen)
    assert owner.get(URL, {"q": "\x00"}).status_code == 200
    listing = owner.get(URL).json()
    assert [item["code"] for item in listing["results"]] == [dossier.code]
    detail = owner.get(f"{URL}{dossier.code}/").json()
    assert [event["action"] for event in detail["history"]][-2:] == ["submitted", "received"]
    stranger = Client()
    stranger.force_login(world.stranger)
    assert stranger.get(URL).json()["results"] == []
    assert stranger.get(f"{URL}{dossier.code}/").status_code == 404
    other_officer = login_verified(Client(), world.other_officer)
    assert other_officer.get(f"{URL}{dossier.code}/").status_code == 404
    officer = login_verified(Client(), world.officer)
    assert officer.get(f"{URL}{dossier.code}/").status_code == 200


def test_public_lookup_masks_the_name_and_hides_everything_else(world) -> None:
    """Given a received dossier of "Nguyễn Văn An", when anyone looks its code up, then they see the
    status, dates and "Nguyễn V** A*", and no document, form data or identity number."""
    dossier = make_received(world)
    response = Client().get(f"/api/v1/lookup/{dossier.code}/")
    assert response.status_code == 200
    body = response.json()
    assert body["applicant_name"] == "Nguyễn V** A*"
    assert body["status"] == DossierStatus.RECEIVED
    assert body["due_at"]
    assert set(body) == {
        "code",
        "procedure_name",
        "applicant_name",
        "status",
        "status_label",
        "received_at",
        "due_at",
        "returned_at",
    }


def test_unknown_and_malformed_codes_get_the_same_404(world) -> None:
    """Given a well-formed code that does not exist and garbage, when looked up, then both answers are
    the same 404 body."""
    make_received(world)
    unknown = Client().get("/api/v1/lookup/000.00.00.H29-260311-9999/")
    malformed = Client().get("/api/v1/lookup/'%20OR%201=1--/")
    assert unknown.status_code == malformed.status_code == 404
    assert unknown.json() == malformed.json()


def test_lookup_is_throttled(world, monkeypatch) -> None:
    """Given a limit of 3 look-ups a minute, when a client asks a fourth time, then it gets 429."""
    monkeypatch.setattr(LookupThrottle, "THROTTLE_RATES", {"lookup": "3/minute"})
    client = Client()
    codes = [client.get("/api/v1/lookup/000.00.00.H29-260311-0001/").status_code for _ in range(4)]
    assert codes == [404, 404, 404, 429]


def test_schema_lists_the_dossier_endpoints() -> None:
    """Given the API, when the OpenAPI document is fetched, then the dossier endpoints are in it."""
    paths = Client().get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    assert {"/api/v1/dossiers/", "/api/v1/dossiers/{code}/", "/api/v1/lookup/{code}/"} <= set(paths)
