"""``clock.backdated`` lets historical records go through the normal services at their own time."""

from __future__ import annotations

import datetime as dt

import pytest

from dichvucong.core import clock


def test_now_answers_the_backdated_moment_inside_the_block_and_real_time_after():
    """Given a moment in the past, when code asks the clock inside ``backdated``, then it gets that
    moment; nested blocks restore the outer moment; after the block the real time is back."""
    past = dt.datetime(2026, 2, 16, 8, 0, tzinfo=dt.UTC)
    earlier = past - dt.timedelta(days=3)
    with clock.backdated(past):
        assert clock.now() == past
        with clock.backdated(earlier):
            assert clock.now() == earlier
        assert clock.now() == past
    assert clock.now() > past


def test_a_naive_moment_is_refused():
    """Given a datetime without a time zone, then backdated refuses it instead of guessing."""
    with pytest.raises(ValueError), clock.backdated(dt.datetime(2026, 1, 1)):
        pass
