"""The look-up service adapter against its double over real HTTP."""

from __future__ import annotations

import pytest

from dichvucong.clients.prefill_service import HttpPrefillService, PrefillServiceError
from dichvucong.clients.testing.prefill_double import PrefillServiceDouble

PEOPLE = {"079203001234": {"full_name": "Lê Văn Cường", "date_of_birth": "1985-02-01"}}


def test_lookup_returns_only_the_attributes_asked_for() -> None:
    """Given a known CCCD, when two attributes are asked (one unknown), then only the known one comes
    back, with the source."""
    with PrefillServiceDouble(api_key="k", people=PEOPLE) as double:
        result = HttpPrefillService(base_url=double.url, api_key="k").lookup(
            subject={"cccd": "079203001234"}, attributes=["full_name", "email"]
        )
    assert result.values == {"full_name": "Lê Văn Cường"}
    assert result.source.startswith("Cơ sở dữ liệu quốc gia")


def test_an_unknown_subject_gives_no_values() -> None:
    """Given a CCCD the service does not know (404), then the result is empty, not an error."""
    with PrefillServiceDouble(api_key="k", people=PEOPLE) as double:
        result = HttpPrefillService(base_url=double.url, api_key="k").lookup(
            subject={"cccd": "001099000000"}, attributes=["full_name"]
        )
    assert result.values == {}


@pytest.mark.parametrize("api_key", ["sai"])
def test_a_wrong_key_is_an_error(api_key: str) -> None:
    """Given a wrong bearer key (401), then PrefillServiceError."""
    with PrefillServiceDouble(api_key="k", people=PEOPLE) as double, pytest.raises(PrefillServiceError):
        HttpPrefillService(base_url=double.url, api_key=api_key).lookup(
            subject={"cccd": "079203001234"}, attributes=["full_name"]
        )


def test_an_unreachable_service_is_an_error() -> None:
    """Given nobody listening, then PrefillServiceError (callers fall back to typing)."""
    double = PrefillServiceDouble(api_key="k")
    url = double.url
    double.stop()
    with pytest.raises(PrefillServiceError):
        HttpPrefillService(base_url=url, api_key="k", timeout=1).lookup(
            subject={"cccd": "1"}, attributes=["full_name"]
        )
