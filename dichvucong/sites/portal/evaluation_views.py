"""Satisfaction evaluation on the portal: the applicant rates each stage of a dossier (from "my
dossiers" or from the signed link in the receipt/result QR and SMS), and anyone reads the published
satisfaction rates and the ranking of agencies at /danh-gia-hai-long/.

The rules (stage reached, one rating per stage, edit window, unhappy loop, limits, fraud report) live
in ``dichvucong.evaluations.services``; these views only collect answers and show refusals.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from dichvucong.agencies.models import Agency
from dichvucong.agencies.selectors import list_active_agencies
from dichvucong.core import clock
from dichvucong.dossiers.models import Dossier
from dichvucong.dossiers.selectors import get_dossier_for_user, mask_name
from dichvucong.evaluations import selectors
from dichvucong.evaluations.constants import EvaluationErrorCode, RatingChannel, RatingStage
from dichvucong.evaluations.errors import EvaluationError
from dichvucong.evaluations.links import read_token
from dichvucong.evaluations.periods import current_quarter, parse_period, previous_quarters
from dichvucong.evaluations.services import record_fraud_signal, submit_rating
from dichvucong.procedures.models import Field
from dichvucong.sites.portal import public_cache

TREND_QUARTERS = 4
# The public figures are computed from ratings and finished dossiers (seconds at 10 million dossiers),
# so a busy page reuses them: five minutes for the running quarter, an hour for a closed one.
FIGURES_SECONDS = 300
CLOSED_FIGURES_SECONDS = 3600
CHART_HEIGHT = 160


def _client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR") or ""


def _answers(request: HttpRequest, questions: list[Any]) -> dict[str, str]:
    return {q.index_key: request.POST.get(f"q_{q.index_key}", "") for q in questions}


def _items(questions: list[Any], chosen: dict[str, str]) -> list[dict[str, Any]]:
    """Each question with its options and which one is checked (templates cannot index a dict)."""
    return [
        {
            "question": q,
            "name": f"q_{q.index_key}",
            "options": [(o, chosen.get(q.index_key) == str(o.value)) for o in q.options.all()],
        }
        for q in questions
    ]


def _status_for(error: EvaluationError) -> int:
    if error.code == EvaluationErrorCode.ALREADY_RATED:
        return 409
    if error.code == EvaluationErrorCode.RATE_LIMITED:
        return 429
    if error.code == EvaluationErrorCode.NOT_ALLOWED:
        return 403
    return 400


def _evaluate(
    request: HttpRequest,
    dossier: Dossier,
    *,
    channel: str,
    fixed_stage: str = "",
    back_url: str = "",
) -> HttpResponse:
    """The stage list and the form for one stage; POST stores the rating (PRG on success)."""
    states = selectors.list_stage_states(dossier)
    wanted = fixed_stage or request.POST.get("buoc") or request.GET.get("buoc") or ""
    if wanted and wanted not in RatingStage.values:
        raise Http404
    rateable = [s for s in states if s.rateable]
    stage = wanted or (rateable[-1].stage if rateable else "")
    current = next((s for s in states if s.stage == stage), None)
    questionnaire = selectors.get_questionnaire_in_force()
    questions = selectors.list_citizen_questions(questionnaire, dossier.agency) if questionnaire else []
    error = ""
    status = 200
    chosen: dict[str, str] = {}
    reason = ""
    if current is not None and current.rating is not None:
        chosen = {a.index_key: str(a.value) for a in current.rating.answers.all()}
        reason = current.rating.reason
    if request.method == "POST":
        chosen = _answers(request, questions)
        reason = request.POST.get("ly_do", "")
        try:
            submit_rating(
                dossier=dossier,
                stage=stage,
                channel=channel,
                answers=chosen,
                reason=reason,
                user=request.user,
                ip=_client_ip(request),
            )
        except EvaluationError as exc:
            error, status = exc.message, _status_for(exc)
        else:
            messages.success(request, _("Cảm ơn Quý khách đã đánh giá. Ý kiến đã được ghi nhận."))
            return redirect(f"{request.path}?buoc={stage}" if not fixed_stage else request.path)
    response = render(
        request,
        "portal/evaluations/evaluate.html",
        {
            "dossier": dossier,
            "applicant": mask_name(dossier.applicant_name),
            "states": states,
            "current": current,
            "items": _items(questions, chosen),
            "reason": reason,
            "error": error,
            "fixed_stage": fixed_stage,
            "back_url": back_url,
        },
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def dossier_evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    """/ho-so-cua-toi/<pk>/danh-gia/: the applicant rates the stages their dossier has reached."""
    dossier = get_dossier_for_user(request.user, pk)
    if dossier is None or not selectors.is_applicant(request.user, dossier) or dossier.is_draft:
        raise Http404
    return _evaluate(
        request,
        dossier,
        channel=RatingChannel.PORTAL,
        back_url=reverse("portal:dossier_detail", args=[dossier.pk]),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def evaluation_link(request: HttpRequest, token: str) -> HttpResponse:
    """/danh-gia/<token>/: the signed link printed as a QR code on the receipt and result slips."""
    try:
        claim = read_token(token)
    except EvaluationError as exc:
        record_fraud_signal(kind=exc.fraud_kind, channel=RatingChannel.MOBILE, ip=_client_ip(request))
        return render(
            request, "portal/evaluations/link_error.html", {"error": exc.message}, status=_status_for(exc)
        )
    dossier = (
        Dossier.objects.select_related("agency", "procedure_version").filter(pk=claim.dossier_id).first()
    )
    if dossier is None:
        raise Http404
    return _evaluate(request, dossier, channel=RatingChannel.MOBILE, fixed_stage=claim.stage)


@require_GET
def satisfaction_public(request: HttpRequest) -> HttpResponse:
    """/danh-gia-hai-long/: satisfaction rates, ranking of agencies and the trend, by period and field."""
    period = parse_period(request.GET.get("ky")) or current_quarter()
    fields = list(Field.objects.order_by("name").only("code", "name", "name_en"))
    field_code = request.GET.get("linh-vuc", "")
    if field_code and field_code not in {f.code for f in fields}:
        field_code = ""
    agency_code = request.GET.get("co-quan", "")[:40]
    agency = Agency.objects.filter(code=agency_code).first() if agency_code else None
    # An agency filter covers its subtree (a department with its units, the city with everything).
    agency_ids = (
        list(Agency.objects.filter(path__startswith=agency.path).values_list("pk", flat=True))
        if agency
        else None
    )
    running = period.end > clock.now()
    seconds = FIGURES_SECONDS if running else CLOSED_FIGURES_SECONDS
    rows = public_cache.cached(
        f"satisfaction:rows:{period.key}:{agency.code if agency else ''}:{field_code}",
        lambda: selectors.list_agency_figures(period, agency_ids=agency_ids, field_code=field_code),
        seconds=seconds,
    )
    finished = sum(r.finished_dossiers for r in rows)
    unhappy = sum(min(r.unhappy_dossiers, r.finished_dossiers) for r in rows)
    trend = []
    for quarter in previous_quarters(period, TREND_QUARTERS):
        rate = public_cache.cached(
            f"satisfaction:city:{quarter.key}",
            lambda quarter=quarter: selectors.get_city_satisfaction(quarter),
            seconds=FIGURES_SECONDS if quarter.end > clock.now() else CLOSED_FIGURES_SECONDS,
        )
        trend.append({"period": quarter, "rate": rate})
    bar_width, gap = 56, 24
    for n, point in enumerate(trend):
        value = point["rate"] or 0
        point["height"] = round(value * CHART_HEIGHT / 100)
        point["x"] = gap + n * (bar_width + gap)
        point["y"] = CHART_HEIGHT - point["height"] + 20
    quarters = previous_quarters(current_quarter(), 8)
    return render(
        request,
        "portal/evaluations/public.html",
        {
            "period": period,
            "periods": list(reversed(quarters)),
            "fields": fields,
            "field_code": field_code,
            "agency": agency,
            "agencies": list_active_agencies().order_by("name").only("code", "name"),
            "rows": rows,
            "ratings": sum(r.ratings for r in rows),
            "finished": finished,
            "city_rate": round((finished - unhappy) * 100 / finished, 1) if finished else None,
            "trend": trend,
            "chart": {
                "width": gap + TREND_QUARTERS * (bar_width + gap),
                "height": CHART_HEIGHT + 50,
                "bar_width": bar_width,
                "base": CHART_HEIGHT + 20,
            },
        },
    )
