"""Signed, expiring evaluation links for the receipt/result QR code and SMS.

A link carries ``{"d": dossier id, "s": stage or ""}`` signed with the site's secret (HMAC, salted) and
time-stamped, so it cannot be guessed or altered, and it expires after ``EVALUATION_LINK_DAYS``.
Re-using a link after its rating froze is refused by the rating service and counted as a replay.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from dichvucong.evaluations.constants import EvaluationErrorCode, FraudKind, RatingStage
from dichvucong.evaluations.errors import EvaluationError

SALT = "dichvucong.evaluations.link"
MAX_TOKEN_LENGTH = 300


@dataclass(frozen=True)
class LinkClaim:
    dossier_id: int
    stage: str  # "" = any stage the dossier has reached


def make_token(dossier: Any, stage: str | None = None) -> str:
    if stage and stage not in RatingStage.values:
        raise ValueError(f"unknown stage {stage!r}")
    return signing.dumps({"d": dossier.pk, "s": stage or ""}, salt=SALT, compress=True)


def evaluation_link(dossier: Any, stage: str | None = None) -> str:
    """The absolute URL a slip prints (as text and QR) to rate ``dossier`` (one stage or all)."""
    path = reverse("portal:evaluation_link", args=[make_token(dossier, stage)])
    return settings.SITE_URL.rstrip("/") + path


def read_token(token: str) -> LinkClaim:
    """The claim of a link, or ``EvaluationError`` (forged/expired, with the fraud kind to count)."""
    try:
        if not token or len(token) > MAX_TOKEN_LENGTH:
            raise signing.BadSignature("length")
        data = signing.loads(token, salt=SALT, max_age=settings.EVALUATION_LINK_DAYS * 86400)
        claim = LinkClaim(dossier_id=int(data["d"]), stage=str(data.get("s") or ""))
    except signing.SignatureExpired:
        raise EvaluationError(
            _("Đường dẫn đánh giá đã hết hạn. Quý khách có thể đánh giá trên Cổng Dịch vụ công."),
            code=EvaluationErrorCode.EXPIRED_TOKEN,
            fraud_kind=FraudKind.EXPIRED_TOKEN,
        ) from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise EvaluationError(
            _("Đường dẫn đánh giá không hợp lệ. Vui lòng quét lại mã QR trên phiếu."),
            code=EvaluationErrorCode.BAD_TOKEN,
            fraud_kind=FraudKind.FORGED_TOKEN,
        ) from None
    if claim.stage and claim.stage not in RatingStage.values:
        raise EvaluationError(
            _("Đường dẫn đánh giá không hợp lệ. Vui lòng quét lại mã QR trên phiếu."),
            code=EvaluationErrorCode.BAD_TOKEN,
            fraud_kind=FraudKind.FORGED_TOKEN,
        )
    return claim
