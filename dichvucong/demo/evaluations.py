"""Demo satisfaction ratings and statistics rollups, so the public pages show figures on day one.

Ratings go through ``evaluations.services.submit_rating`` (the same checks as a citizen's), one per
reached stage of the returned demo dossiers, with a fixed random seed: mostly satisfied, some very
satisfied, a few dissatisfied (each of which opens a follow-up, as in real life). Idempotent: a stage
already rated is skipped. The statistics rollups are then rebuilt from the dossiers and their events
(``rebuild_rollups``), since some demo history is written with back-dated clocks.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from django.core.management import call_command

from dichvucong.dossiers.constants import DossierStatus
from dichvucong.dossiers.models import Dossier
from dichvucong.evaluations import selectors as evaluation_selectors
from dichvucong.evaluations import services as evaluation_services
from dichvucong.evaluations.constants import RatingChannel, RatingStage
from dichvucong.evaluations.errors import EvaluationError
from dichvucong.evaluations.models import Rating

if TYPE_CHECKING:
    from dichvucong.demo.seeders import SeedContext

SEED = 766  # Decision 766/QĐ-TTg
UNHAPPY_REASON = "Phải chờ lâu tại quầy, cán bộ hướng dẫn chưa rõ ràng."


def _answer(rng: random.Random, values: list[int]) -> int:
    # values are ordered best first (2 = Rất hài lòng / Trước hạn ...): 45 % best, 48 % middle, 7 % worst.
    roll = rng.random()
    if roll < 0.45:
        return values[0]
    if roll < 0.93 or len(values) < 3:
        return values[min(1, len(values) - 1)]
    return values[-1]


def seed_ratings(ctx: SeedContext) -> None:
    questionnaire = evaluation_selectors.get_questionnaire_in_force()
    if questionnaire is None:
        ctx.log("ratings: skipped (no evaluation questionnaire is published)")
        return
    questions = evaluation_selectors.list_citizen_questions(questionnaire)
    options = {q.index_key: sorted((o.value for o in q.options.all()), reverse=True) for q in questions}
    rated = set(Rating.objects.values_list("dossier_id", "stage"))
    rng = random.Random(SEED)  # noqa: S311 - repeatable demo data, not a secret
    made = 0
    dossiers = (
        Dossier.objects.filter(form_data__has_key="demo_seed", status=DossierStatus.RETURNED)
        .select_related("owner")
        .order_by("pk")
    )
    for dossier in dossiers:
        for stage in (RatingStage.RECEPTION, RatingStage.RETURN):
            if (dossier.pk, stage) in rated or rng.random() < 0.25:  # not everyone rates
                continue
            answers = {key: _answer(rng, values) for key, values in options.items() if values}
            unhappy = any(v == options[k][-1] for k, v in answers.items())
            try:
                evaluation_services.submit_rating(
                    dossier=dossier,
                    stage=stage,
                    channel=RatingChannel.PORTAL if dossier.owner_id else RatingChannel.MOBILE,
                    answers=answers,
                    reason=UNHAPPY_REASON if unhappy else "",
                    user=dossier.owner,
                )
            except EvaluationError as exc:
                ctx.log(f"ratings: {dossier.code} {stage} not rated ({exc.message})")
                continue
            made += 1
    ctx.log(f"ratings: {made} new")


def seed_statistics(ctx: SeedContext) -> None:
    call_command("rebuild_rollups", verbosity=0)
    ctx.log("statistics: rollups rebuilt")
