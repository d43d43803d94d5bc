"""Evaluation test state, built through the dossier and evaluation services (reusable by the sites)."""

from __future__ import annotations

from typing import Any

from dichvucong.accounts.constants import Role
from dichvucong.agencies.tests.factories import make_officer
from dichvucong.dossiers import services as dossier_services
from dichvucong.dossiers.constants import ReturnMethod
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.tests.factories import World, make_received, make_world, pdf
from dichvucong.evaluations import services
from dichvucong.evaluations.constants import RatingChannel, RatingStage
from dichvucong.evaluations.models import KioskDevice, Rating

__all__ = ["World", "happy", "make_kiosk", "make_received", "make_returned", "make_world", "rate", "unhappy"]

HAPPY = {"idx7": 2, "convenience": 2, "overall": 2}
UNHAPPY = {"idx7": 1, "convenience": 1, "overall": 0}


def happy() -> dict[str, int]:
    return dict(HAPPY)


def unhappy() -> dict[str, int]:
    return dict(UNHAPPY)


def make_resolved(world: World) -> Dossier:
    dossier = make_received(world)
    dossier_services.attach_result(
        dossier=dossier, officer=world.officer, upload=pdf("ket-qua.pdf"), title="Kết quả"
    )
    return dossier_services.resolve(dossier=dossier, officer=world.officer)


def make_returned(world: World) -> Dossier:
    return dossier_services.return_result(
        dossier=make_resolved(world), officer=world.officer, method=ReturnMethod.COUNTER
    )


def make_kiosk(world: World, name: str = "Máy quầy 1") -> tuple[KioskDevice, str]:
    admin, _assignment = make_officer(agency=world.agency, role=Role.AGENCY_ADMIN)
    return services.register_kiosk_device(actor=admin, agency=world.agency, name=name)


def rate(
    dossier: Dossier,
    *,
    stage: str = RatingStage.RECEPTION,
    channel: str = RatingChannel.MOBILE,
    answers: dict[str, Any] | None = None,
    reason: str = "",
    **kwargs: Any,
) -> Rating:
    return services.submit_rating(
        dossier=dossier,
        stage=stage,
        channel=channel,
        answers=happy() if answers is None else answers,
        reason=reason,
        **kwargs,
    )
