"""Look-up service adapter for form prefill (national population or business registry, or a shim).

Protocol (version 1)::

    POST {FORMS_PREFILL_HTTP_URL}/lookup
    Authorization: Bearer {FORMS_PREFILL_HTTP_API_KEY}
    Content-Type: application/json; charset=utf-8

    {"subject": {"cccd": "079203001234"}, "attributes": ["full_name", "date_of_birth"]}

``subject`` holds ``cccd`` (a person) or ``tax_code`` (a business), ``attributes`` the profile
bindings wanted. Answers: ``200`` with ``{"values": {"full_name": "…", …}, "source": "…"}`` (only the
attributes known), ``404`` when the subject is unknown (no values), ``401``/``403`` for a wrong key,
anything else is trouble. The adapter raises ``PrefillServiceError`` for everything but 200/404;
callers treat that as "no prefill", never as a reason to block a form. The local double is
``dichvucong.clients.testing.prefill_double``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import requests


class PrefillServiceError(Exception):
    """The look-up service could not answer."""


@dataclass(frozen=True)
class LookupResult:
    values: dict[str, Any] = field(default_factory=dict)
    source: str = ""


@dataclass(frozen=True)
class HttpPrefillService:
    base_url: str
    api_key: str = ""
    timeout: float = 5.0

    def lookup(self, *, subject: dict[str, str], attributes: Iterable[str]) -> LookupResult:
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        try:
            response = requests.post(
                self.base_url.rstrip("/") + "/lookup",
                json={"subject": subject, "attributes": sorted(attributes)},
                headers=headers,
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise PrefillServiceError(f"look-up service unreachable: {exc}") from exc
        if response.status_code == 404:
            return LookupResult()
        if response.status_code != 200:
            raise PrefillServiceError(f"look-up service answered {response.status_code}")
        try:
            body = response.json()
        except ValueError as exc:
            raise PrefillServiceError("look-up service answered no JSON") from exc
        values = body.get("values") if isinstance(body, dict) else None
        if not isinstance(values, dict):
            raise PrefillServiceError("look-up service answer has no 'values' object")
        return LookupResult(values=values, source=str(body.get("source") or "")[:200])
