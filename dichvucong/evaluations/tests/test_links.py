"""Signed evaluation links: unguessable, expiring, tied to one dossier (and optionally one stage)."""

from __future__ import annotations

import time
from unittest import mock

import pytest
from django.test import override_settings

from dichvucong.evaluations.constants import EvaluationErrorCode, FraudKind, RatingStage
from dichvucong.evaluations.errors import EvaluationError
from dichvucong.evaluations.links import evaluation_link, make_token, read_token
from dichvucong.evaluations.tests.factories import make_received, make_world

pytestmark = pytest.mark.django_db


def test_a_link_reads_back_its_dossier_and_stage() -> None:
    """Given a link for the return stage, when read, then it names that dossier and stage."""
    dossier = make_received(make_world())
    url = evaluation_link(dossier, RatingStage.RETURN)
    assert url.startswith("http") and "/danh-gia/" in url
    claim = read_token(url.rstrip("/").rsplit("/", 1)[-1])
    assert (claim.dossier_id, claim.stage) == (dossier.pk, RatingStage.RETURN)


def test_a_changed_token_is_refused_as_forged() -> None:
    """Given a token with one character changed, when read, then it is refused as forged."""
    dossier = make_received(make_world())
    token = make_token(dossier)
    forged = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    with pytest.raises(EvaluationError) as info:
        read_token(forged)
    assert (
        info.value.code == EvaluationErrorCode.BAD_TOKEN and info.value.fraud_kind == FraudKind.FORGED_TOKEN
    )


@override_settings(EVALUATION_LINK_DAYS=1)
def test_an_old_token_is_refused_as_expired() -> None:
    """Given a token made two days ago (links last one day), when read, then it is refused as expired."""
    dossier = make_received(make_world())
    token = make_token(dossier)
    later = time.time() + 2 * 86400
    with (
        pytest.raises(EvaluationError) as info,
        mock.patch("django.core.signing.time.time", return_value=later),
    ):
        read_token(token)
    assert info.value.code == EvaluationErrorCode.EXPIRED_TOKEN
