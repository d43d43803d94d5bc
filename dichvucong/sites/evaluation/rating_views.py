"""The kiosk evaluation: after the code, one large button per stage the dossier reached (with the
officer who did it), then one screen of large answer buttons, then a thank-you that resets itself.

Only a registered kiosk may rate: an agency admin registers the device in the back office, which sets
the ``KIOSK_COOKIE`` secret on this browser. Limits, duplicates and fraud signals are the rating
service's (``dichvucong.evaluations.services.submit_rating``).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from dichvucong.evaluations import selectors
from dichvucong.evaluations.constants import (
    KIOSK_COOKIE,
    EvaluationErrorCode,
    FraudKind,
    RatingChannel,
    RatingStage,
)
from dichvucong.evaluations.errors import EvaluationError
from dichvucong.evaluations.services import record_fraud_signal, submit_rating

RATING_IDLE_SECONDS = 90
THANKS_IDLE_SECONDS = 8


def _device(request: HttpRequest) -> Any:
    return selectors.get_kiosk_device(request.COOKIES.get(KIOSK_COOKIE))


def _not_registered(request: HttpRequest) -> HttpResponse:
    record_fraud_signal(
        kind=FraudKind.UNKNOWN_DEVICE, channel=RatingChannel.KIOSK, ip=request.META.get("REMOTE_ADDR", "")
    )
    return render(request, "evaluation/not_registered.html", status=403)


def _not_found(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "evaluation/not_found.html", {"code": code[:40]}, status=404)


def _initials(name: str) -> str:
    words = name.split()
    return "".join(w[0] for w in words[-2:]).upper() if words else "?"


@never_cache
@require_http_methods(["GET"])
def choose_stage(request: HttpRequest, code: str) -> HttpResponse:
    """/evaluation/ho-so/<code>/: the stages to rate, each with its officer(s)."""
    dossier = selectors.get_dossier_by_code(code)
    if dossier is None:
        return _not_found(request, code)
    if _device(request) is None:
        return _not_registered(request)
    states = selectors.list_stage_states(dossier)
    return render(
        request,
        "evaluation/choose_stage.html",
        {
            "dossier": dossier,
            "states": states,
            "any_rateable": any(s.rateable for s in states),
            "kiosk_idle_seconds": RATING_IDLE_SECONDS,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def rate_stage(request: HttpRequest, code: str, stage: str) -> HttpResponse:
    """/evaluation/ho-so/<code>/<stage>/: large answer buttons; POST stores the rating."""
    dossier = selectors.get_dossier_by_code(code)
    if dossier is None or stage not in RatingStage.values:
        return _not_found(request, code)
    device = _device(request)
    if device is None:
        return _not_registered(request)
    questionnaire = selectors.get_questionnaire_in_force()
    questions = selectors.list_citizen_questions(questionnaire, dossier.agency) if questionnaire else []
    chosen = {q.index_key: request.POST.get(f"q_{q.index_key}", "") for q in questions}
    reason = request.POST.get("ly_do", "")
    error, status = "", 200
    if request.method == "POST":
        try:
            submit_rating(
                dossier=dossier,
                stage=stage,
                channel=RatingChannel.KIOSK,
                answers=chosen,
                reason=reason,
                device=device,
                ip=request.META.get("REMOTE_ADDR", ""),
            )
        except EvaluationError as exc:
            error = exc.message
            status = (
                429
                if exc.code == EvaluationErrorCode.RATE_LIMITED
                else 409
                if exc.code == EvaluationErrorCode.ALREADY_RATED
                else 400
            )
        else:
            return render(request, "evaluation/thanks.html", {"kiosk_idle_seconds": THANKS_IDLE_SECONDS})
    officers = (
        selectors.list_stage_officers(dossier, stage) if selectors.stage_reached(dossier, stage) else []
    )
    return render(
        request,
        "evaluation/rate.html",
        {
            "dossier": dossier,
            "stage_label": RatingStage(stage).label,
            "officers": [{"name": o.display_name, "initials": _initials(o.display_name)} for o in officers],
            "items": [
                {
                    "question": q,
                    "name": f"q_{q.index_key}",
                    "options": [(o, chosen.get(q.index_key) == str(o.value)) for o in q.options.all()],
                }
                for q in questions
            ],
            "reason": reason,
            "error": error,
            "kiosk_idle_seconds": RATING_IDLE_SECONDS,
        },
        status=status,
    )
