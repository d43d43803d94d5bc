"""Portal pages of the procedure catalog: search and lists, the procedure page, the FAQ, the assistant,
and the "for you" section of the home page.

Reads go through ``procedures.search.search_procedures``, ``procedures.selectors`` and
``procedures.faq``; the only writes are the popularity counter (``procedures.services.record_view``
when the catalog app provides it, else :func:`_record_view_fallback`) and the ward cookie.
"""

from __future__ import annotations

import hashlib
import math
import threading
from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import urlencode

from django.db.models import F, QuerySet, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
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
from dichvucong.sites.portal import public_cache

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


def _card(v: ProcedureVersion) -> Card:
    return Card(
        code=v.procedure.code,
        name=localized_name(v),
        url=reverse("portal:procedure_detail", args=[v.procedure.code]),
        field=_label(v.field),
        online_level=v.online_level,
        online_level_label=str(v.get_online_level_display()),
        time=time_summary(v),
        fee=fee_summary(v),
        central=v.procedure.scope == CatalogScope.CENTRAL,
    )


# Cards of published versions already built by this process, per catalog generation and language: a
# published version does not change (a new one is published instead, which changes the generation),
# so a result page builds only the cards it has not seen yet (two queries: options and fees).
_card_memo: dict[tuple[str, str], dict[int, Card]] = {}
_card_memo_lock = threading.Lock()


def _cards(versions: list[ProcedureVersion]) -> list[Card]:
    if not public_cache.enabled():
        prefetch_details(versions)
        return [_card(v) for v in versions]
    memo_key = (public_cache.catalog_generation(), public_cache.language())
    with _card_memo_lock:
        memo = _card_memo.get(memo_key)
        if memo is None:
            for old_key in [key for key in _card_memo if key[0] != memo_key[0]]:
                del _card_memo[old_key]  # cards of an older catalog generation go
            memo = _card_memo[memo_key] = {}
    missing = [v for v in versions if v.pk not in memo]
    if missing:
        prefetch_related_objects(missing, "options", "fees")
        built = {v.pk: _card(v) for v in missing}
        with _card_memo_lock:
            memo.update(built)
    return [memo[v.pk] if v.pk in memo else _card(v) for v in versions]


def _options_html(choices: list[tuple[str, str]], selected: str | None) -> SafeString:
    """``<option>``s of a long filter list, built in Python with the standard library's escaping: a
    170-ward list costs several milliseconds per page as a template loop or with ``format_html``."""
    parts = [
        f'<option value="{escape(code)}"{" selected" if code == selected else ""}>{escape(label)}</option>'
        for code, label in choices
    ]
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped just above


# What a card shows of a version and its procedure and field: a result list never needs the large
# JSON columns (steps, requirements, legal bases, results) of the versions.
CARD_COLUMNS = (
    "id",
    "procedure_id",
    "field_id",
    "name",
    "name_en",
    "online_level",
    "procedure__id",
    "procedure__code",
    "procedure__scope",
    "procedure__popularity",
    "field__id",
    "field__name",
    "field__name_en",
)


def _card_versions() -> QuerySet[ProcedureVersion]:
    return ProcedureVersion.objects.select_related("procedure", "field").only(*CARD_COLUMNS)


def _published_of(procedures: QuerySet[Procedure]) -> list[ProcedureVersion]:
    return list(_card_versions().filter(procedure__in=procedures, status=VersionStatus.PUBLISHED))


def _ward_agencies() -> QuerySet[Agency]:
    return list_active_agencies().filter(kind__in=sorted(WARD_LEVEL_KINDS)).order_by("name")


@dataclass(frozen=True)
class WardChoice:
    """A ward of the "for you" choice (cached: the same for every visitor)."""

    pk: int
    code: str
    name: str
    label: str


def _ward_choices() -> list[WardChoice]:
    """The wards, communes and special zone in force, by name, labelled in the current language."""

    def build() -> list[WardChoice]:
        rows = _ward_agencies().values_list("pk", "code", "name", "name_en")
        english = _english()
        return [
            WardChoice(pk, code, name, name_en if english and name_en else name)
            for pk, code, name, name_en in rows
        ]

    return public_cache.cached_catalog("wards", build)


def _chosen_ward_code(request: HttpRequest) -> str:
    return request.COOKIES.get(WARD_COOKIE, "")[:20]


def current_ward(request: HttpRequest) -> Agency | None:
    """The ward the visitor chose (cookie), if it still exists."""
    code = _chosen_ward_code(request)
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
    """The advanced filters' options (the same for every visitor: cached per language and catalog)."""

    def build() -> dict[str, list[tuple[str, str]]]:
        return {
            "field": [(f.code, _label(f)) for f in list_fields()],
            "level": [(value, str(label)) for value, label in Level.choices],
            "audience": [(value, str(label)) for value, label in Audience.choices],
            "online_level": [(value, str(label)) for value, label in OnlineLevel.choices],
            "agency": [(w.code, w.label) for w in _ward_choices()],
        }

    return public_cache.cached_catalog("filters", build)


def _life_event_links(limit: int) -> list[dict[str, str]]:
    def build() -> list[dict[str, str]]:
        english = _english()
        rows = LifeEvent.objects.values_list("slug", "name", "name_en")[:limit]
        return [
            {"slug": slug, "name": name_en if english and name_en else name} for slug, name, name_en in rows
        ]

    return public_cache.cached_catalog("life-events", build, parts=str(limit))


def _clean_filters(source: QueryDict, choices: dict[str, list[tuple[str, str]]]) -> dict[str, str]:
    """Filters from the query string; unknown values are dropped (a stale link still works)."""
    cleaned = {}
    for name in FILTERS:
        value = source.get(name, "")[:100]
        if value and value in {code for code, _label in choices[name]}:
            cleaned[name] = value
    return cleaned


def _results_html(query: str, filters: dict[str, str], fixed: dict[str, str], page: int) -> str:
    """The rendered result list (count, cards, pagination, facets) of a search: the same for every
    visitor, with no form token or nonce in it, so it is cached as a fragment per catalog generation
    and language (popular searches repeat all day)."""

    def build() -> str:
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
            "result": result,
            "cards": _cards([hit.version for hit in result.hits]),
            "facets": facets,
            "page": page,
            "pages": pages,
            "prev_url": "?" + _query_string(params, page=str(page - 1)) if page > 1 else "",
            "next_url": "?" + _query_string(params, page=str(page + 1)) if page < pages else "",
            "first_number": (page - 1) * PAGE_SIZE + 1,
            "life_events": _life_event_links(8) if not result.total else [],
            "assistant_url": reverse("portal:assistant") + ("?" + urlencode({"q": query}) if query else ""),
        }
        return render_to_string("portal/catalog/_results.html", context)

    key = hashlib.sha1(
        repr((query, sorted(filters.items()), sorted(fixed.items()), page)).encode(), usedforsecurity=False
    ).hexdigest()
    return public_cache.cached_catalog("results", build, parts=key)


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
    results_html = _results_html(query, filters, fixed, _page_number(request))
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(results_html)
    context = {
        "search_query": query,
        "heading": heading or _("Thủ tục hành chính"),
        "intro": intro,
        "filters": filters,
        "fixed": fixed,
        "choices": choices,
        "field_options": _options_html(choices["field"], filters.get("field")),
        "agency_options": _options_html(choices["agency"], filters.get("agency")),
        "results_html": mark_safe(results_html),  # noqa: S308 - rendered by our own template
        "has_filters": bool(query or set(filters) - set(fixed)),
    }
    return render(request, "portal/catalog/search.html", context)


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


@dataclass(frozen=True)
class Variant:
    """An agency that receives the procedure (a popular procedure has one per ward: 168)."""

    agency_id: int
    code: str
    name: str
    local_code: str
    url: str


def _variants(procedure: Procedure) -> list[Variant]:
    """The receiving agencies by name, with their catalog links (cached per catalog generation)."""

    def build() -> list[Variant]:
        rows = (
            ProcedureAgency.objects.filter(procedure=procedure, is_active=True)
            .order_by("agency__name")
            .values_list("agency_id", "agency__code", "agency__name", "local_code")
        )
        return [
            Variant(pk, code, name, local_code, reverse("portal:procedures_by_agency", args=[code]))
            for pk, code, name, local_code in rows
        ]

    return public_cache.cached_catalog("variants", build, parts=procedure.code)


def _variant_items_html(variants: list[Variant]) -> SafeString:
    """The ``<li>``s of the receiving agencies, built in Python (168 for a ward procedure)."""
    items = [
        f'<li><a href="{escape(v.url)}">{escape(v.name)}</a> '
        f'<span class="muted">({escape(v.local_code)})</span></li>'
        for v in variants
    ]
    return mark_safe("".join(items))  # noqa: S308 - every value escaped just above


def _related_cards(procedure: Procedure) -> list[Card]:
    def build() -> list[Card]:
        ids = list(procedure.related.values_list("pk", flat=True))
        versions = _published_of(Procedure.objects.filter(pk__in=ids)) if ids else []
        return _cards(sorted(versions, key=lambda v: v.procedure.code)[:8])

    return public_cache.cached_catalog("related", build, parts=procedure.code)


def _detail_data(code: str) -> dict[str, Any]:
    """Everything of the procedure page that is the same for every visitor: the procedure and its
    published version, channels, fees, documents, receiving agencies, related procedures, life events
    and FAQ. Cached per catalog generation and language (an FAQ edit shows within a minute); an unknown
    or unpublished code raises 404 and caches nothing."""

    def build() -> dict[str, Any]:
        procedure = get_object_or_404(Procedure.objects.select_related("current_version__field"), code=code)
        version = procedure.current_version
        if version is None or version.status != VersionStatus.PUBLISHED:
            raise Http404
        options = list(version.options.prefetch_related("fees").all())
        fees = list(version.fees.select_related("option").all())
        name = localized_name(version)
        return {
            "procedure": procedure,
            "version": version,
            "name": name,
            "field_name": _label(version.field),
            "levels": [
                str(label)
                for flag, label in (
                    (version.level_central, Level.CENTRAL.label),
                    (version.level_city, Level.CITY.label),
                    (version.level_ward, Level.WARD.label),
                )
                if flag
            ],
            "audiences": [
                str(label)
                for flag, label in (
                    (version.for_citizens, Audience.CITIZEN.label),
                    (version.for_businesses, Audience.BUSINESS.label),
                )
                if flag
            ],
            "options": [
                {
                    "channel": str(o.get_channel_display()),
                    "time": duration_text(o),
                    "description": o.description,
                }
                for o in options
            ],
            "fees": _fee_rows(fees),
            "documents": list(version.documents.all()),
            "related": _related_cards(procedure),
            "life_events": list(procedure.life_events.all()),
            "faqs": faq_services.list_procedure_faqs(procedure),
            "og_description": _("%(name)s – thời hạn: %(time)s; phí, lệ phí: %(fee)s.")
            % {"name": name, "time": time_summary(version), "fee": fee_summary(version)},
            "assurance": str(version.get_min_assurance_level_display()),
        }

    return public_cache.cached_catalog("detail", build, parts=code)


def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    """/thu-tuc/<code>/: everything a person needs before applying (the visitor's ward and the view
    counter per request, the rest from ``_detail_data``)."""
    data = _detail_data(code[:32])
    procedure, version = data["procedure"], data["version"]
    _record_view(procedure, request.user)
    variants = _variants(procedure)
    ward = current_ward(request)
    ward_variant = next((v for v in variants if ward and v.agency_id == ward.pk), None)
    counter_agency: Agency | None = None
    if ward_variant is not None:
        counter_agency = ward
    elif len(variants) == 1:
        counter_agency = Agency.objects.filter(pk=variants[0].agency_id).first()
    if counter_agency is None and ward is not None and version.level_ward:
        counter_agency = ward
    central = procedure.scope == CatalogScope.CENTRAL
    detail_url = reverse("portal:procedure_detail", args=[procedure.code])
    apply_url = ""
    if not central and version.online_level != OnlineLevel.DIRECT:
        apply_url = _optional_url("portal:dossier_apply", procedure.code) or (
            reverse("portal:login") + "?" + urlencode({"next": detail_url})
        )
    context = {
        **data,
        "variants": variants,
        "variant_items": _variant_items_html(variants),
        "ward_options": _options_html(
            [(v.code, v.name) for v in variants], ward.code if ward_variant is not None and ward else None
        ),
        "ward": ward,
        "ward_variant": ward_variant,
        "counter_agency": counter_agency,
        "counter_hours": _office_hours(counter_agency) if counter_agency else [],
        "central": central,
        "apply_url": apply_url,
        "book_url": "" if central else _optional_url("portal:appointment_book", procedure.code),
        "canonical_url": request.build_absolute_uri(detail_url),
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


def _popular_cards(ward: WardChoice | None) -> tuple[list[Card], bool]:
    """The most used procedures in the ward (or the city when none is chosen or the ward receives none),
    and whether the list is the ward's. Cached: the same for every visitor of that ward."""

    def build() -> tuple[list[Card], bool]:
        ordering = ("-procedure__popularity", "-procedure__view_count", "procedure__code")
        published = _card_versions().filter(status=VersionStatus.PUBLISHED)
        if ward is not None:
            in_ward = list(
                published.filter(
                    procedure__local_variants__agency_id=ward.pk, procedure__local_variants__is_active=True
                ).order_by(*ordering)[:FOR_YOU_SIZE]
            )
            if in_ward:
                return _cards(in_ward), True
        return _cards(list(published.order_by(*ordering)[:FOR_YOU_SIZE])), False

    return public_cache.cached_catalog("popular", build, parts=ward.code if ward else "-")


def for_you_context(request: HttpRequest) -> dict[str, Any]:
    """What the home page's "for you" section shows: recently viewed, popular (in the ward), life events.

    Everything but the signed-in person's recent views is the same for every visitor of a ward and
    comes from the public cache (``public_cache``): the home page reads no catalog table on a hit."""
    recent: list[Card] = []
    if request.user.is_authenticated:
        procedure_ids = list(
            RecentView.objects.filter(user=request.user)
            .order_by("-viewed_at")
            .values_list("procedure_id", flat=True)[:FOR_YOU_SIZE]
        )
        versions = {v.procedure_id: v for v in _published_of(Procedure.objects.filter(pk__in=procedure_ids))}
        recent = _cards([versions[pk] for pk in procedure_ids if pk in versions])
    wards = _ward_choices()
    code = _chosen_ward_code(request)
    ward = next((w for w in wards if w.code == code), None) if code else None
    popular, in_ward = _popular_cards(ward)
    return {
        "for_you_recent": recent,
        "for_you_popular": popular,
        "for_you_ward": ward,
        "for_you_in_ward": in_ward,
        "for_you_wards": [(w.code, w.label) for w in wards],
        "for_you_ward_options": _options_html(
            [(w.code, w.label) for w in wards], ward.code if ward else None
        ),
        "for_you_life_events": _life_event_links(12),
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
