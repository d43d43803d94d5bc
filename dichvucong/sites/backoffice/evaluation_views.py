"""Back-office satisfaction evaluation: results per agency and officer for a period (within the
officer's data scope), the follow-ups of "Không hài lòng" answers, the fraud report, the kiosk
registry (registering a kiosk sets its secret cookie on the browser the admin is using) and the
criteria.

Multi-level administration (E6): city admins own the questionnaire versions (draft, reword,
publish) and everything below; department and ward admins (``agency_admin``) reword or translate the
citizen questions for their own subtree, register their own kiosks and publish their own results.
Every object is checked against the admin scope on the server (404 outside it), and the services
check the scope again.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Max
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
from dichvucong.evaluations.exports import agency_figures_pdf, agency_figures_xlsx
from dichvucong.evaluations.models import (
    EvaluationSnapshot,
    FollowUp,
    KioskDevice,
    PublicityCheck,
    Question,
    Questionnaire,
    VerifiedScore,
)
from dichvucong.evaluations.periods import current_quarter, parse_period, previous_quarters
from dichvucong.procedures.models import Field
from dichvucong.sites.backoffice.access import officer_required

RESULT_ROLES = (Role.UNIT_HEAD, Role.AGENCY_LEADER, Role.AGENCY_ADMIN, Role.CITY_ADMIN, Role.AUDITOR)
FOLLOW_UP_ROLES = (Role.UNIT_HEAD, Role.AGENCY_LEADER, Role.AGENCY_ADMIN, Role.CITY_ADMIN)
KIOSK_ROLES = (Role.AGENCY_ADMIN, Role.CITY_ADMIN)
CRITERIA_ROLES = (Role.AGENCY_ADMIN, Role.CITY_ADMIN)
VERSION_ROLES = (Role.CITY_ADMIN,)
PUBLISH_ROLES = (Role.AGENCY_ADMIN, Role.CITY_ADMIN)
VERIFY_ROLES = (Role.AGENCY_LEADER, Role.CITY_ADMIN)
KIOSK_COOKIE_MAX_AGE = 5 * 365 * 24 * 3600


def _agency_ids(request: HttpRequest, roles: tuple[str, ...]) -> frozenset[int] | None:
    return request.data_scope.agency_ids_for(*roles)  # type: ignore[attr-defined]


def _agencies(ids: frozenset[int] | None) -> list[Agency]:
    qs = Agency.objects.order_by("path")
    return list(qs if ids is None else qs.filter(pk__in=ids))


@officer_required(roles=RESULT_ROLES)
@require_http_methods(["GET", "POST"])
def evaluation_results(request: HttpRequest) -> HttpResponse:
    """/backoffice/danh-gia/: figures per agency and officer for a period, inside the data scope.
    POST (admins): publish the period's figures of the agencies of the admin scope."""
    if request.method == "POST":
        return _publish(request)
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
            "may_publish": request.data_scope.has_role(*PUBLISH_ROLES),  # type: ignore[attr-defined]
            "published_at": _published_at(period, _agency_ids(request, PUBLISH_ROLES)),
        },
    )


def _published_at(period: Any, scope_ids: frozenset[int] | None) -> Any:
    snapshots = EvaluationSnapshot.objects.filter(period=period.key)
    if scope_ids is not None:
        snapshots = snapshots.filter(agency_id__in=scope_ids)
    return snapshots.aggregate(last=Max("published_at"))["last"]


def _publish(request: HttpRequest) -> HttpResponse:
    if not request.data_scope.has_role(*PUBLISH_ROLES):  # type: ignore[attr-defined]
        raise PermissionDenied
    period = parse_period(request.POST.get("ky")) or current_quarter()
    try:
        count = services.publish_results(actor=request.user, period=period)
    except EvaluationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Đã công bố kết quả %(period)s của %(count)s cơ quan.")
            % {"period": period.label, "count": count},
        )
    return redirect(f"{reverse('backoffice:evaluations')}?ky={period.key}")


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
    publishes the draft, which supersedes the version in force. Department and ward admins (and city
    admins, for any agency) set their agency's own wording of the citizen questions in force."""
    is_city_admin = request.data_scope.has_role(*VERSION_ROLES)  # type: ignore[attr-defined]
    scope_ids = _agency_ids(request, CRITERIA_ROLES)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "wording":
            return _save_wording(request, scope_ids)
        if not is_city_admin:
            raise PermissionDenied
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
    questionnaires = (
        Questionnaire.objects.exclude(status=QuestionnaireStatus.SUPERSEDED).prefetch_related("questions")
        if is_city_admin
        else []
    )
    agencies = _agencies(scope_ids)
    wording_agency = _scoped_agency(request.GET.get("co-quan"), scope_ids)
    if wording_agency is None and not is_city_admin and agencies:
        wording_agency = agencies[0]
    return render(
        request,
        "backoffice/evaluations/criteria.html",
        {
            "is_city_admin": is_city_admin,
            "questionnaires": questionnaires,
            "has_draft": any(q.status == QuestionnaireStatus.DRAFT for q in questionnaires),
            "agencies": agencies,
            "wording_agency": wording_agency,
            "wording_rows": _wording_rows(wording_agency) if wording_agency else [],
        },
    )


def _scoped_agency(raw: str | None, scope_ids: frozenset[int] | None) -> Agency | None:
    """The agency named by ``raw`` when it lies inside ``scope_ids`` (``None`` = the whole city)."""
    pk = _int(raw)
    if not pk or (scope_ids is not None and pk not in scope_ids):
        return None
    return Agency.objects.filter(pk=pk).first()


def _wording_rows(agency: Agency) -> list[dict[str, Any]]:
    """The citizen questions in force as the agency's applicants see them, with its own wording."""
    questionnaire = selectors.get_questionnaire_in_force()
    if questionnaire is None:
        return []
    own = selectors.list_wording_of(agency)
    shown = {
        q.index_key: (q.text, q.text_en) for q in selectors.list_citizen_questions(questionnaire, agency)
    }
    return [
        {
            "question": q,
            "shown": shown.get(q.index_key, (q.text, q.text_en)),
            "own": own.get(q.index_key),
        }
        for q in selectors.list_citizen_questions(selectors.get_questionnaire_in_force())
    ]


def _save_wording(request: HttpRequest, scope_ids: frozenset[int] | None) -> HttpResponse:
    agency = _scoped_agency(request.POST.get("agency"), scope_ids)
    if agency is None:
        raise Http404
    try:
        services.set_question_wording(
            actor=request.user,
            agency=agency,
            index_key=request.POST.get("index_key", ""),
            text=request.POST.get("text", ""),
            text_en=request.POST.get("text_en", ""),
        )
    except EvaluationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã lưu cách diễn đạt của cơ quan."))
    return redirect(f"{reverse('backoffice:evaluation_criteria')}?co-quan={agency.pk}#cach-dien-dat")


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


def _unit_label(scope_ids: frozenset[int] | None) -> str:
    """What the report covers: the whole city, or the agencies of the officer's scope."""
    if scope_ids is None:
        return _("Toàn Thành phố")
    names = list(Agency.objects.filter(pk__in=scope_ids).order_by("path").values_list("name", flat=True)[:4])
    if len(names) > 3:
        return _("%(name)s và các đơn vị trực thuộc") % {"name": names[0]}
    return "; ".join(names)


@officer_required(roles=RESULT_ROLES)
@require_http_methods(["GET"])
def evaluation_export(request: HttpRequest, kind: str = "") -> HttpResponse:
    """/backoffice/danh-gia/bao-cao.xlsx?ky=2026-Q1: the period's figures per agency in scope, as XLSX,
    or as PDF with ``dinh-dang=pdf`` (or through ``evaluation_export_pdf``)."""
    period = parse_period(request.GET.get("ky")) or current_quarter()
    field_code = request.GET.get("linh-vuc", "")[:100]
    scope_ids = _agency_ids(request, RESULT_ROLES)
    rows = selectors.list_agency_figures(period, agency_ids=scope_ids, field_code=field_code)
    if (kind or request.GET.get("dinh-dang")) == "pdf":
        response = HttpResponse(
            agency_figures_pdf(period, rows, unit=_unit_label(scope_ids)), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'attachment; filename="danh-gia-hai-long-{period.key}.pdf"'
        return response
    response = HttpResponse(
        agency_figures_xlsx(period, rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="danh-gia-hai-long-{period.key}.xlsx"'
    return response


def evaluation_export_pdf(request: HttpRequest) -> HttpResponse:
    """/backoffice/danh-gia/bao-cao.pdf?ky=2026-Q1: the same report as a PDF."""
    return evaluation_export(request, kind="pdf")


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
    if request.method == "POST" and request.POST.get("action") == "publicity":
        try:
            services.record_publicity_check(
                actor=request.user,
                period=period,
                agency=agency,
                posted=request.POST.get("posted") == "yes",
                note=request.POST.get("publicity_note", ""),
            )
        except EvaluationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Đã ghi nhận kết quả kiểm tra niêm yết."))
        return redirect(f"{reverse('backoffice:evaluation_verify', args=[agency.pk])}?ky={period.key}")
    computed = next(iter(selectors.list_agency_figures(period, agency_ids=[agency.pk])), None)
    existing = VerifiedScore.objects.filter(period=period.key, agency=agency).first()
    publicity = PublicityCheck.objects.filter(period=period.key, agency=agency).first()
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
            "publicity": publicity,
        },
        status=400 if error else 200,
    )
