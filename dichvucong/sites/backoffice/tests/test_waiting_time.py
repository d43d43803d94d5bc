"""The reception queue says how long a dossier has waited, in the page's language."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.utils import translation

from dichvucong.sites.backoffice.templatetags.backoffice_tags import waiting_time

NOW = dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.UTC)


def test_waiting_time_shows_the_two_largest_units_in_vietnamese_and_english():
    """Given a dossier submitted 3 days 2 hours 5 minutes ago, then the queue shows "3 ngày 2 giờ"
    in Vietnamese and "3 days 2 hours" in English; under an hour it shows minutes."""
    with mock.patch("dichvucong.core.clock.now", return_value=NOW):
        since = NOW - dt.timedelta(days=3, hours=2, minutes=5)
        with translation.override("vi"):
            assert waiting_time(since) == "3 ngày 2 giờ"
            assert waiting_time(NOW - dt.timedelta(minutes=7)) == "7 phút"
        with translation.override("en"):
            assert waiting_time(since) == "3 days 2 hours"
            assert waiting_time(NOW - dt.timedelta(hours=1)) == "1 hour"
        assert waiting_time(None) == ""
