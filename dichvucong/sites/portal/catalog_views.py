"""Portal pages of the procedure catalog: search and lists, the procedure page, the FAQ, the assistant,
and the "for you" section of the home page.

Reads go through ``procedures.search.search_procedures``, ``procedures.selectors`` and
``procedures.faq``; the only writes are the popularity counter (``procedures.services.record_view``
when the catalog app provides it, else :func:`_record_view_fallback`) and the ward cookie.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dichvucong.agencies.constants import WARD_LEVEL_KINDS
from dichvucong.agencies.models import Agency, OfficeHours
from dichvucong.agencies.selectors import list_active_agencies
from dichvucong.procedures import faq as faq_services
from dichvucong.procedures.assistant import AssistantError, answer_question
from dichvucong.procedures.constants import Audience, CatalogScope, Level, OnlineLevel, VersionStatus
from dichvucong.procedures.models import (
    Field,
    LifeEvent,
    Procedure,
    ProcedureAgency,
    ProcedureVersion,
    RecentView,
)
from dichvucong.procedures.search import MAX_QUERY_LENGTH, search_procedures
from dichvucong.procedures.selectors import list_fields
from dichvucong.procedures.summaries import (
    duration_text,
    fee_summary,
    format_number,
    format_vnd,
    localized_name,
    prefetch_details,
    time_summary,
)

PAGE_SIZE = 20
MAX_PAGE = 500
WARD_COOKIE = "dvc_ward"
WARD_COOKIE_AGE = 365 * 24 * 3600
FILTERS = ("field", "level", "audience", "online_level", "agency")
CONVERSATION_KEY = "assistant_conversation"
CONVERSATION_LENGTH = 10
FOR_YOU_SIZE = 6


# --- Helpers --------------------------------------------------------------------------------------


def _english() -> bool:
    return (get_language() or "vi").startswith("en")


def _label(obj: Any) -> str:
    """``name_en`` in English when there is one, else ``name``."""
    return obj.name_en if _english() and getattr(obj, "name_en", "") else obj.name


@dataclass(frozen=True)
class Card:
    """One procedure in a result list."""

    code: str
    name: str
    url: str
    field: str
    online_level: str
    online_level_label: str
    time: str
    fee: str
    central: bool


def _cards(versions: list[ProcedureVersion]) -> list[Card]:
    prefetch_details(versions)
    return [
        Card(
            code=v.procedure.code,
            name=localized_name(v),
            url=reverse("portal:procedure_detail", args=[v.procedure.code]),
            field=_label(v.field),
            online_level=v.online_level,
            online_level_label=v.get_online_level_display(),
            time=time_summary(v),
            fee=fee_summary(v),
            central=v.procedure.scope == CatalogScope.CENTRAL,
        )
        for v in versions
    ]


def _published_of(procedures: QuerySet[Procedure]) -> list[ProcedureVersion]:
    return list(
        ProcedureVersion.objects.filter(
            procedure__in=procedures, status=VersionStatus.PUBLISHED
        ).select_related("procedure", "field")
    )


def _ward_agencies() -> QuerySet[Agency]:
    return list_active_agencies().filter(kind__in=sorted(WARD_LEVEL_KINDS)).order_by("name")


def current_ward(request: HttpRequest) -> Agency | None:
    """The ward the visitor chose (cookie), if it still exists."""
    code = request.COOKIES.get(WARD_COOKIE, "")[:20]
    if not code:
        return None
    return _ward_agencies().filter(code=code).first()


def _page_number(request: HttpRequest) -> int:
    try:
        return min(max(int(request.GET.get("page", "1")), 1), MAX_PAGE)
    except ValueError:
        return 1


def _query_string(params: dict[str, str], **changes: str | None) -> str:
    merged = {**params, **changes}
    return urlencode({k: v for k, v in merged.items() if v})


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# --- Search and lists -----------------------------------------------------------------------------


def _filter_choices() -> dict[str, list[tuple[str, str]]]:
    return {
        "field": [(f.code, _label(f)) for f in list_fields()],
        "level": list(Level.choices),
        "audience": list(Audience.choices),
        "online_level": list(OnlineLevel.choices),
        "agency": [(a.code, _label(a)) for a in _ward_agencies()],
    }


def _clean_filters(source: QueryDict, choices: dict[str, list[tuple[str, str]]]) -> dict[str, str]:
    """Filters from the query string; unknown values are dropped (a stale link still works)."""
    cleaned = {}
    for name in FILTERS:
        value = source.get(name, "")[:100]
        if value and value in {code for code, _label in choices[name]}:
            cleaned[name] = value
    return cleaned


def _search_page(
    request: HttpRequest,
    *,
    fixed: dict[str, str] | None = None,
    heading: str | None = None,
    intro: str = "",
) -> HttpResponse:
    fixed = fixed or {}
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    choices = _filter_choices()
    filters = {**_clean_filters(request.GET, choices), **fixed}
    page = _page_number(request)
    result = search_procedures(query, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, **filters)
    pages = max(1, math.ceil(result.total / PAGE_SIZE))
    params = {"q": query, **{k: v for k, v in filters.items() if k not in fixed}}
    facet_labels = {
        "field": _("Lĩnh vực"),
        "level": _("Cấp thực hiện"),
        "audience": _("Đối tượng"),
        "online_level": _("Mức độ trực tuyến"),
        "scope": _("Phạm vi"),
    }
    facets = []
    for name, values in result.facets.items():
        if name in fixed or not values:
            continue
        items = [
            {
                "label": v.label,
                "count": v.count,
                "active": filters.get(name) == v.value,
                "url": "?"
                + _query_string(params, **{name: None if filters.get(name) == v.value else v.value}),
            }
            for v in values
            if name in FILTERS or name == "scope"
        ]
        if items and name in FILTERS:
            facets.append({"name": name, "label": facet_labels.get(name, name), "items": items})
    context = {
        "search_query": query,
        "heading": heading or _("Thủ tục hành chính"),
        "intro": intro,
        "filters": filters,
        "fixed": fixed,
        "choices": choices,
        "result": result,
        "cards": _cards([hit.version for hit in result.hits]),
        "facets": facets,
        "page": page,
        "pages": pages,
        "prev_url": "?" + _query_string(params, page=str(page - 1)) if page > 1 else "",
        "next_url": "?" + _query_string(params, page=str(page + 1)) if page < pages else "",
        "has_filters": bool(query or set(filters) - set(fixed)),
        "first_number": (page - 1) * PAGE_SIZE + 1,
        "life_events": [{"slug": e.slug, "name": _label(e)} for e in LifeEvent.objects.all()[:8]]
        if not result.total
        else [],
        "assistant_url": reverse("portal:assistant") + ("?" + urlencode({"q": query}) if query else ""),
    }
    template = (
        "portal/catalog/_results.html"
        if request.headers.get("X-Requested-With") == "fetch"
        else "portal/catalog/search.html"
    )
    return render(request, template, context)


def procedure_search(request: HttpRequest) -> HttpResponse:
    """/thu-tuc/: the query box, advanced filters, facets, paginated results (works without JS)."""
    return _search_page(request)


def procedures_by_field(request: HttpRequest, code: str) -> HttpResponse:
    field = get_object_or_404(Field, code=code)
    return _search_page(
        request,
        fixed={"field": field.code},
        heading=_("Thủ tục lĩnh vực %(field)s") % {"field": _label(field)},
    )


def procedures_by_agency(request: HttpRequest, code: str) -> HttpResponse:
    agency = get_object_or_404(list_active_agencies(), code=code)
    return _search_page(
        request,
        fixed={"agency": agency.code},
        heading=_("Thủ tục tiếp nhận tại %(agency)s") % {"agency": _label(agency)},
    )


def procedures_by_level(request: HttpRequest, level: str) -> HttpResponse:
    if level not in Level.values:
        raise Http404
    return _search_page(
        request,
        fixed={"level": level},
        heading=_("Thủ tục %(level)s") % {"level": Level(level).label.lower()},
    )


def procedures_by_life_event(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_object_or_404(LifeEvent, slug=slug)
    versions = sorted(
        _published_of(event.procedures.all()), key=lambda v: (-v.procedure.popularity, v.procedure.code)
    )
    description = event.description_en if _english() and event.description_en else event.description
    return render(
        request,
        "portal/catalog/life_event.html",
        {"event": event, "event_name": _label(event), "description": description, "cards": _cards(versions)},
    )


# --- The procedure page ---------------------------------------------------------------------------


def _record_view_fallback(*, procedure: Procedure, user: Any) -> None:
    """Counts a page view and remembers it for a signed-in person (until the catalog service exists)."""
    Procedure.objects.filter(pk=procedure.pk).update(view_count=F("view_count") + 1)
    if getattr(user, "is_authenticated", False):
        RecentView.objects.update_or_create(
            user=user, procedure=procedure, defaults={"viewed_at": timezone.now()}
        )


def _record_view(procedure: Procedure, user: Any) -> None:
    try:
        from dichvucong.procedures.services import record_view  # the catalog app's, when present
    except ImportError:
        record_view = _record_view_fallback
    record_view(procedure=procedure, user=user)


def _optional_url(name: str, code: str) -> str:
    """The URL of a page a later issue adds (apply, book), or "" while it does not exist."""
    for kwargs in ({"code": code}, {"procedure_code": code}):
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return ""


def _office_hours(agency: Agency) -> list[dict[str, Any]]:
    return [
        {"day": h.get_weekday_display(), "opens": h.opens, "closes": h.closes}
        for h in OfficeHours.objects.filter(agency=agency).order_by("weekday", "opens")
    ]


def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    """/thu-tuc/<code>/: everything a person needs before applying."""
    procedure = get_object_or_404(Procedure.objects.select_related("current_version__field"), code=code[:32])
    version = procedure.current_version
    if version is None or version.status != VersionStatus.PUBLISHED:
        raise Http404
    _record_view(procedure, request.user)
    options = list(version.options.prefetch_related("fees").all())
    fees = list(version.fees.select_related("option").all())
    documents = list(version.documents.all())
    variants = list(
        ProcedureAgency.objects.filter(procedure=procedure, is_active=True)
        .select_related("agency")
        .order_by("agency__name")
    )
    ward = current_ward(request)
    ward_variant = next((v for v in variants if ward and v.agency_id == ward.pk), None)
    counter_agency = (
        ward_variant.agency if ward_variant else (variants[0].agency if len(variants) == 1 else None)
    )
    if counter_agency is None and ward is not None and version.level_ward:
        counter_agency = ward
    central = procedure.scope == CatalogScope.CENTRAL
    detail_url = reverse("portal:procedure_detail", args=[procedure.code])
    apply_url = ""
    if not central and version.online_level != OnlineLevel.DIRECT:
        apply_url = _optional_url("portal:dossier_apply", procedure.code) or (
            reverse("portal:login") + "?" + urlencode({"next": detail_url})
        )
    related = _cards(sorted(_published_of(procedure.related.all()), key=lambda v: v.procedure.code)[:8])
    name = localized_name(version)
    context = {
        "procedure": procedure,
        "version": version,
        "name": name,
        "field_name": _label(version.field),
        "levels": [
            label
            for flag, label in (
                (version.level_central, Level.CENTRAL.label),
                (version.level_city, Level.CITY.label),
                (version.level_ward, Level.WARD.label),
            )
            if flag
        ],
        "audiences": [
            label
            for flag, label in (
                (version.for_citizens, Audience.CITIZEN.label),
                (version.for_businesses, Audience.BUSINESS.label),
            )
            if flag
        ],
        "options": [
            {"channel": o.get_channel_display(), "time": duration_text(o), "description": o.description}
            for o in options
        ],
        "fees": _fee_rows(fees),
        "documents": documents,
        "variants": variants,
        "ward": ward,
        "ward_variant": ward_variant,
        "counter_agency": counter_agency,
        "counter_hours": _office_hours(counter_agency) if counter_agency else [],
        "central": central,
        "apply_url": apply_url,
        "book_url": "" if central else _optional_url("portal:appointment_book", procedure.code),
        "related": related,
        "life_events": list(procedure.life_events.all()),
        "faqs": faq_services.list_procedure_faqs(procedure),
        "canonical_url": request.build_absolute_uri(detail_url),
        "og_description": _("%(name)s – thời hạn: %(time)s; phí, lệ phí: %(fee)s.")
        % {"name": name, "time": time_summary(version), "fee": fee_summary(version)},
        "assurance": version.get_min_assurance_level_display(),
    }
    return render(request, "portal/catalog/detail.html", context)


# --- FAQ ------------------------------------------------------------------------------------------


def faq_page(request: HttpRequest) -> HttpResponse:
    """/hoi-dap/: published questions, searchable without accents, filtered by field."""
    query = request.GET.get("q", "").strip()[:200]
    fields = list(Field.objects.filter(faqs__is_published=True).distinct().order_by("name"))
    fields += [
        f
        for f in Field.objects.filter(versions__procedure__faqs__is_published=True)
        .distinct()
        .order_by("name")
        if f not in fields
    ]
    field = request.GET.get("field", "")[:100]
    if field not in {f.code for f in fields}:
        field = ""
    hits = faq_services.search_faqs(query, field=field or None, limit=100, min_score=1.0 if query else 0)
    english = _english()
    entries = [
        {
            "id": hit.faq.pk,
            "question": hit.faq.question_en if english and hit.faq.question_en else hit.faq.question,
            "answer": hit.faq.answer_en if english and hit.faq.answer_en else hit.faq.answer,
            "procedure": hit.faq.procedure,
            "procedure_name": localized_name(hit.faq.procedure.current_version)
            if hit.faq.procedure_id and hit.faq.procedure.current_version_id
            else "",
        }
        for hit in hits
    ]
    return render(
        request,
        "portal/catalog/faq.html",
        {
            "query": query,
            "field": field,
            "fields": sorted(((f.code, _label(f)) for f in fields), key=lambda pair: pair[1]),
            "entries": entries,
        },
    )


# --- Assistant ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def assistant(request: HttpRequest) -> HttpResponse:
    """/tro-ly/: a chat that works as a plain form; the conversation lives in the session."""
    conversation: list[dict[str, Any]] = request.session.get(CONVERSATION_KEY, [])
    error = ""
    question = request.GET.get("q", "")[:600]
    if request.method == "POST":
        if "reset" in request.POST:
            request.session.pop(CONVERSATION_KEY, None)
            return redirect("portal:assistant")
        question = request.POST.get("question", "")
        try:
            answer = answer_question(question, ward=current_ward(request))
        except AssistantError as exc:
            error = exc.message
        else:
            conversation = [*conversation, {"question": " ".join(question.split()), **answer.as_dict()}]
            request.session[CONVERSATION_KEY] = conversation[-CONVERSATION_LENGTH:]
            return redirect(reverse("portal:assistant") + "#tra-loi-moi-nhat")
    return render(
        request,
        "portal/catalog/assistant.html",
        {
            "conversation": conversation,
            "error": error,
            "question": question,
            "ward": current_ward(request),
            "max_length": 500,
        },
        status=400 if error else 200,
    )


# --- Ward choice and "for you" --------------------------------------------------------------------


@require_POST
def choose_ward(request: HttpRequest) -> HttpResponse:
    """Remembers the visitor's ward in a cookie (empty value: forget it)."""
    response = redirect(_safe_next(request, reverse("portal:home")))
    code = request.POST.get("ward", "")[:20]
    if code and _ward_agencies().filter(code=code).exists():
        response.set_cookie(WARD_COOKIE, code, max_age=WARD_COOKIE_AGE, samesite="Lax", httponly=True)
    else:
        response.delete_cookie(WARD_COOKIE)
    return response


def for_you_context(request: HttpRequest) -> dict[str, Any]:
    """What the home page's "for you" section shows: recently viewed, popular (in the ward), life events."""
    recent: list[Card] = []
    if request.user.is_authenticated:
        procedure_ids = list(
            RecentView.objects.filter(user=request.user)
            .order_by("-viewed_at")
            .values_list("procedure_id", flat=True)[:FOR_YOU_SIZE]
        )
        versions = {v.procedure_id: v for v in _published_of(Procedure.objects.filter(pk__in=procedure_ids))}
        recent = _cards([versions[pk] for pk in procedure_ids if pk in versions])
    ward = current_ward(request)
    popular_versions = ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED).select_related(
        "procedure", "field"
    )
    if ward is not None:
        popular_versions = popular_versions.filter(
            procedure__local_variants__agency=ward, procedure__local_variants__is_active=True
        )
    ordering = ("-procedure__popularity", "-procedure__view_count", "procedure__code")
    in_ward = ward is not None and popular_versions.exists()
    if not in_ward:
        popular_versions = ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED).select_related(
            "procedure", "field"
        )
    popular = _cards(list(popular_versions.order_by(*ordering)[:FOR_YOU_SIZE]))
    return {
        "for_you_recent": recent,
        "for_you_popular": popular,
        "for_you_ward": ward,
        "for_you_in_ward": in_ward,
        "for_you_wards": [(a.code, _label(a)) for a in _ward_agencies()],
        "for_you_life_events": [{"slug": e.slug, "name": _label(e)} for e in LifeEvent.objects.all()[:12]],
    }


def _fee_rows(fees: list) -> list[dict[str, str]]:
    """One row per distinct fee; the channels that charge it are listed together (the crawl repeats
    the same fee on every channel row)."""
    rows: dict[tuple, dict[str, Any]] = {}
    for fee in fees:
        if fee.amount is None:
            amount = ""
        elif not fee.amount:
            amount = str(_("Miễn phí"))
        elif fee.currency == "VND":
            amount = format_vnd(fee.amount)
        else:
            amount = f"{format_number(fee.amount)} {fee.currency}"
        key = (fee.name, amount, fee.description)
        row = rows.setdefault(
            key, {"name": fee.name, "amount": amount, "description": fee.description, "channels": []}
        )
        if fee.option_id:
            label = str(fee.option.get_channel_display())
            if label not in row["channels"]:
                row["channels"].append(label)
    return [{**row, "channel": ", ".join(row["channels"])} for row in rows.values()]
