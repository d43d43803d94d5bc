"""The prefill registry and the shipped plugins (own profile, HTTP look-up service)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.test import override_settings

from dichvucong.accounts.services import register_citizen
from dichvucong.clients.testing.prefill_double import PrefillServiceDouble
from dichvucong.forms.prefill import (
    PrefillContext,
    prefill_form,
    register_prefill_plugin,
    unregister_prefill_plugin,
)
from dichvucong.forms.prefill_plugins import LookupServicePrefill, ProfilePrefill
from dichvucong.forms.tests.factories import field, make_spec

SPEC = make_spec(
    [
        field("ho_ten", binding="full_name"),
        field("ngay_sinh", "date", binding="date_of_birth"),
        field("cccd", "cccd", binding="cccd", locked=True),
        field("ghi_chu"),
    ]
)


class _Fixed:
    def __init__(self, label: str, values: dict, *, fail: bool = False) -> None:
        self.label = label
        self.values = values
        self.fail = fail
        self.asked: list[frozenset[str]] = []

    def fetch(self, *, context, bindings):
        self.asked.append(bindings)
        if self.fail:
            raise RuntimeError("down")
        return self.values


@pytest.fixture
def plugins() -> Iterator[list[str]]:
    names: list[str] = []
    yield names
    for name in names:
        unregister_prefill_plugin(name)


def test_registering_a_name_twice_is_refused(plugins: list[str]) -> None:
    """Given a plugin registered as "t1", when another is registered under that name, then ValueError."""
    register_prefill_plugin("t1", _Fixed("A", {}))
    plugins.append("t1")
    with pytest.raises(ValueError, match="already registered"):
        register_prefill_plugin("t1", _Fixed("B", {}))


def test_the_first_plugin_with_a_value_wins_and_failures_are_skipped(plugins: list[str]) -> None:
    """Given a failing plugin, then one answering the name, then one answering name and CCCD, when
    prefilled, then the name comes from the second, the CCCD from the third (locked), and the third
    was asked only for what was still missing."""
    third = _Fixed("C", {"full_name": "Không dùng", "cccd": "079203001234"})
    for name, plugin in (
        ("t1", _Fixed("A", {}, fail=True)),
        ("t2", _Fixed("B", {"full_name": "An"})),
        ("t3", third),
    ):
        register_prefill_plugin(name, plugin)
        plugins.append(name)
    values = prefill_form(SPEC, context=PrefillContext(user=None), plugins=plugins)
    assert {path: (item.value, item.source, item.locked) for path, item in values.items()} == {
        "/ho_ten": ("An", "t2", False),
        "/cccd": ("079203001234", "t3", True),
    }
    assert third.asked == [frozenset({"date_of_birth", "cccd"})]


@pytest.mark.django_db
def test_the_profile_plugin_reads_the_account() -> None:
    """Given a citizen with a name and date of birth, then the profile plugin answers them as strings."""
    user = register_citizen(username="an", full_name="Nguyễn Văn An", password="mat-khau-thu-nghiem-2026")
    user.date_of_birth = datetime.date(1990, 5, 17)
    register_prefill_plugin("profile-test", ProfilePrefill())
    try:
        values = prefill_form(SPEC, context=PrefillContext(user=user), plugins=["profile-test"])
    finally:
        unregister_prefill_plugin("profile-test")
    assert {path: item.value for path, item in values.items()} == {
        "/ho_ten": "Nguyễn Văn An",
        "/ngay_sinh": "1990-05-17",
    }


class _Person:
    is_authenticated = True
    cccd = "079203001234"


def test_the_lookup_plugin_asks_the_http_service_by_cccd() -> None:
    """Given the look-up service double knowing a CCCD, then the plugin returns the attributes asked for."""
    with PrefillServiceDouble(
        api_key="k", people={"079203001234": {"full_name": "Trần Thị Bình", "gender": "female"}}
    ) as double:
        with override_settings(FORMS_PREFILL_HTTP_URL=double.url, FORMS_PREFILL_HTTP_API_KEY="k"):
            answer = LookupServicePrefill().fetch(
                context=PrefillContext(user=_Person()), bindings=frozenset({"full_name"})
            )
        assert double.requests == [{"subject": {"cccd": "079203001234"}, "attributes": ["full_name"]}]
    assert answer == {"full_name": "Trần Thị Bình"}


def test_the_lookup_plugin_gives_nothing_when_the_service_fails() -> None:
    """Given the service answering 503, then the plugin returns no values (the form is filled by hand)."""
    with PrefillServiceDouble(api_key="k") as double:
        double.fail_status = 503
        with override_settings(FORMS_PREFILL_HTTP_URL=double.url, FORMS_PREFILL_HTTP_API_KEY="k"):
            answer = LookupServicePrefill().fetch(
                context=PrefillContext(user=_Person()), bindings=frozenset({"full_name"})
            )
    assert answer == {}


def test_the_lookup_plugin_is_off_without_a_url() -> None:
    """Given no FORMS_PREFILL_HTTP_URL, then the plugin answers nothing without any request."""
    with override_settings(FORMS_PREFILL_HTTP_URL=""):
        assert (
            LookupServicePrefill().fetch(
                context=PrefillContext(user=_Person()), bindings=frozenset({"full_name"})
            )
            == {}
        )
