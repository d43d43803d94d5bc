"""Back-office satisfaction evaluation: results per agency and officer for a period (within the
officer's data scope), the follow-ups of "Không hài lòng" answers, the fraud report, the kiosk
registry (registering a kiosk sets its secret cookie on the browser the admin is using) and the
questionnaire versions (city admins).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dichvucong.accounts.constants import Role
from dichvucong.agencies.models import Agency
from dichvucong.evaluations import selectors, services
from dichvucong.evaluations.constants import INDEX_KEYS, KIOSK_COOKIE, FollowUpStatus, QuestionnaireStatus
from dichvucong.evaluations.errors import EvaluationError
from dichvucong.evaluations.exports import agency_figures_xlsx
from dichvucong.evaluations.models import FollowUp, KioskDevice, Question, Questionnaire, VerifiedScore
from dichvucong.evaluations.periods import current_quarter, parse_period, previous_quarters
from dichvucong.procedures.models import Field
from dichvucong.sites.backoffice.access import officer_required

RESULT_ROLES = (Role.UNIT_HEAD, Role.AGENCY_LEADER, Role.AGENCY_ADMIN, Role.CITY_ADMIN, Role.AUDITOR)
FOLLOW_UP_ROLES = (Role.UNIT_HEAD, Role.AGENCY_LEADER, Role.AGENCY_ADMIN, Role.CITY_ADMIN)
KIOSK_ROLES = (Role.AGENCY_ADMIN, Role.CITY_ADMIN)
CRITERIA_ROLES = (Role.CITY_ADMIN,)
VERIFY_ROLES = (Role.AGENCY_LEADER, Role.CITY_ADMIN)
KIOSK_COOKIE_MAX_AGE = 5 * 365 * 24 * 3600


def _agency_ids(request: HttpRequest, roles: tuple[str, ...]) -> frozenset[int] | None:
    return request.data_scope.agency_ids_for(*roles)  # type: ignore[attr-defined]


def _agencies(ids: frozenset[int] | None) -> list[Agency]:
    qs = Agency.objects.order_by("path")
    return list(qs if ids is None else qs.filter(pk__in=ids))


@officer_required(roles=RESULT_ROLES)
def evaluation_results(request: HttpRequest) -> HttpResponse:
    """/backoffice/danh-gia/: figures per agency and officer for a period, inside the data scope."""
    period = parse_period(request.GET.get("ky")) or current_quarter()
    scope_ids = _agency_ids(request, RESULT_ROLES)
    agencies = _agencies(scope_ids)
    ids: Any = scope_ids
    chosen = request.GET.get("co-quan", "")
    if chosen:
        match = next((a for a in agencies if str(a.pk) == chosen), None)
        ids = [match.pk] if match else []
    fields = list(Field.objects.order_by("name").only("code", "name"))
    field_code = request.GET.get("linh-vuc", "")
    if field_code not in {f.code for f in fields}:
        field_code = ""
    return render(
        request,
        "backoffice/evaluations/results.html",
        {
            "period": period,
            "periods": list(reversed(previous_quarters(current_quarter(), 8))),
            "agencies": agencies,
            "chosen": chosen,
            "fields": fields,
            "field_code": field_code,
            "rows": selectors.list_agency_figures(period, agency_ids=ids, field_code=field_code),
            "officers": selectors.list_officer_figures(period, agency_ids=ids, field_code=field_code),
            "fraud": selectors.count_fraud_signals(period, agency_ids=ids),
            "open_follow_ups": selectors.count_open_follow_ups(ids),
            "may_manage_kiosks": request.data_scope.has_role(*KIOSK_ROLES),  # type: ignore[attr-defined]
            "may_edit_criteria": request.data_scope.has_role(*CRITERIA_ROLES),  # type: ignore[attr-defined]
            "may_verify": request.data_scope.has_role(*VERIFY_ROLES),  # type: ignore[attr-defined]
        },
    )


@officer_required(roles=FOLLOW_UP_ROLES)
@require_http_methods(["GET"])
def evaluation_follow_ups(request: HttpRequest) -> HttpResponse:
    """/backoffice/danh-gia/theo-doi/: follow-ups of unhappy ratings of the agencies in scope."""
    status = request.GET.get("trang-thai", "")
    if status not in FollowUpStatus.values:
        status = ""
    return render(
        request,
        "backoffice/evaluations/follow_ups.html",
        {
            "follow_ups": selectors.list_follow_ups(
                agency_ids=_agency_ids(request, FOLLOW_UP_ROLES), status=status
            ),
            "status": status,
            "statuses": FollowUpStatus.choices,
        },
    )


@officer_required(roles=FOLLOW_UP_ROLES)
@require_POST
def evaluation_follow_up_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Start or close one follow-up (the service checks the scope again)."""
    scope_ids = _agency_ids(request, FOLLOW_UP_ROLES)
    qs = FollowUp.objects.all() if scope_ids is None else FollowUp.objects.filter(agency_id__in=scope_ids)
    follow_up = qs.filter(pk=pk).first()
    if follow_up is None:
        raise Http404
    try:
        if request.POST.get("action") == "close":
            services.close_follow_up(
                actor=request.user, follow_up=follow_up, note=request.POST.get("note", "")
            )
            messages.success(request, _("Đã đóng phiếu theo dõi."))
        else:
            services.start_follow_up(actor=request.user, follow_up=follow_up)
            messages.success(request, _("Đã nhận xử lý phiếu theo dõi."))
    except EvaluationError as exc:
        messages.error(request, exc.message)
    return redirect("backoffice:evaluation_follow_ups")


@officer_required(roles=KIOSK_ROLES)
@require_http_methods(["GET", "POST"])
def kiosk_devices(request: HttpRequest) -> HttpResponse:
    """/backoffice/danh-gia/may-danh-gia/: the kiosks of the agencies in scope; POST registers this
    browser as a kiosk (sets the secret cookie) or deactivates one."""
    scope_ids = _agency_ids(request, KIOSK_ROLES)
    agencies = _agencies(scope_ids)
    devices = KioskDevice.objects.select_related("agency").order_by("agency__path", "name")
    if scope_ids is not None:
        devices = devices.filter(agency_id__in=scope_ids)
    error = ""
    if request.method == "POST":
        if request.POST.get("deactivate"):
            device = (
                devices.filter(pk=request.POST["deactivate"]).first()
                if request.POST["deactivate"].isdigit()
                else None
            )
            if device is None:
                raise Http404
            services.deactivate_kiosk_device(actor=request.user, device=device)
            messages.success(request, _("Đã ngừng máy đánh giá “%(name)s”.") % {"name": device.name})
            return redirect("backoffice:kiosk_devices")
        agency = next((a for a in agencies if str(a.pk) == request.POST.get("agency")), None)
        if agency is None:
            error = _("Vui lòng chọn cơ quan.")
        else:
            try:
                device, secret = services.register_kiosk_device(
                    actor=request.user, agency=agency, name=request.POST.get("name", "")
                )
            except EvaluationError as exc:
                error = exc.message
            else:
                messages.success(
                    request,
                    _(
                        "Đã đăng ký trình duyệt này làm máy đánh giá “%(name)s”. "
                        "Hãy đăng xuất trước khi để máy cho người dân."
                    )
                    % {"name": device.name},
                )
                response = redirect("backoffice:kiosk_devices")
                response.set_cookie(
                    KIOSK_COOKIE,
                    secret,
                    max_age=KIOSK_COOKIE_MAX_AGE,
                    path="/evaluation/",
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite="Lax",
                )
                return response
    return render(
        request,
        "backoffice/evaluations/kiosks.html",
        {"devices": devices, "agencies": agencies, "error": error, "name": request.POST.get("name", "")},
        status=400 if error else 200,
    )


@officer_required(roles=CRITERIA_ROLES)
@require_http_methods(["GET", "POST"])
def evaluation_criteria(request: HttpRequest) -> HttpResponse:
    """/backoffice/danh-gia/tieu-chi/: the questionnaire in force and its drafts. A city admin copies
    it into a draft, rewords questions (their index keys stay, so periods remain comparable) and
    publishes the draft, which supersedes the version in force."""
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "draft":
                draft = services.create_questionnaire_draft(actor=request.user)
                messages.success(
                    request, _("Đã tạo bản nháp phiên bản %(version)s.") % {"version": draft.version}
                )
            elif action == "reword":
                question = Question.objects.filter(pk=_int(request.POST.get("question"))).first()
                if question is None:
                    raise Http404
                services.reword_question(
                    actor=request.user,
                    question=question,
                    text=request.POST.get("text", ""),
                    text_en=request.POST.get("text_en", ""),
                )
                messages.success(request, _("Đã lưu nội dung tiêu chí."))
            elif action == "publish":
                questionnaire = Questionnaire.objects.filter(
                    pk=_int(request.POST.get("questionnaire"))
                ).first()
                if questionnaire is None:
                    raise Http404
                services.publish_questionnaire(actor=request.user, questionnaire=questionnaire)
                messages.success(
                    request, _("Đã công bố phiên bản %(version)s.") % {"version": questionnaire.version}
                )
        except EvaluationError as exc:
            messages.error(request, exc.message)
        return redirect("backoffice:evaluation_criteria")
    questionnaires = Questionnaire.objects.exclude(status=QuestionnaireStatus.SUPERSEDED).prefetch_related(
        "questions"
    )
    return render(
        request,
        "backoffice/evaluations/criteria.html",
        {
            "questionnaires": questionnaires,
            "has_draft": any(q.status == QuestionnaireStatus.DRAFT for q in questionnaires),
        },
    )


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


@officer_required(roles=RESULT_ROLES)
@require_http_methods(["GET"])
def evaluation_export(request: HttpRequest) -> HttpResponse:
    """/backoffice/danh-gia/bao-cao.xlsx?ky=2026-Q1: the period's figures per agency in scope."""
    period = parse_period(request.GET.get("ky")) or current_quarter()
    field_code = request.GET.get("linh-vuc", "")[:100]
    rows = selectors.list_agency_figures(
        period, agency_ids=_agency_ids(request, RESULT_ROLES), field_code=field_code
    )
    response = HttpResponse(
        agency_figures_xlsx(period, rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="danh-gia-hai-long-{period.key}.xlsx"'
    return response


@officer_required(roles=VERIFY_ROLES)
@require_http_methods(["GET", "POST"])
def evaluation_verify(request: HttpRequest, agency_pk: int) -> HttpResponse:
    """/backoffice/danh-gia/tham-dinh/<agency>/?ky=: the supervising officer's verified points (thẩm
    định) of one agency for a period, entered beside the computed averages."""
    period = parse_period(request.GET.get("ky") or request.POST.get("ky")) or current_quarter()
    scope_ids = _agency_ids(request, VERIFY_ROLES)
    agency = Agency.objects.filter(pk=agency_pk).first()
    if agency is None or (scope_ids is not None and agency.pk not in scope_ids):
        raise Http404
    computed = next(iter(selectors.list_agency_figures(period, agency_ids=[agency.pk])), None)
    existing = VerifiedScore.objects.filter(period=period.key, agency=agency).first()
    error = ""
    values = dict(existing.points) if existing else {}
    note = existing.note if existing else ""
    if request.method == "POST":
        values = {key: request.POST.get(key, "") for key in INDEX_KEYS}
        note = request.POST.get("note", "")
        try:
            services.record_verified_score(
                actor=request.user, period=period, agency=agency, points=values, note=note
            )
        except EvaluationError as exc:
            error = exc.message
        else:
            messages.success(request, _("Đã lưu điểm thẩm định."))
            return redirect(f"{reverse('backoffice:evaluations')}?ky={period.key}")
    rows = []
    for key in INDEX_KEYS:
        average = None
        if computed is not None:
            average = computed.citizen.get(key) if key == "idx7" else computed.indices.get(key)
        rows.append({"key": key, "number": key[3:], "computed": average, "value": values.get(key, "")})
    return render(
        request,
        "backoffice/evaluations/verify.html",
        {
            "agency": agency,
            "period": period,
            "rows": rows,
            "computed": computed,
            "note": note,
            "error": error,
        },
        status=400 if error else 200,
    )
