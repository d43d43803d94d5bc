"""Portal dossier pages: applying online step by step, "my dossiers" with each dossier's history,
documents, receipt, results, supplements and withdrawal, and the public look-up.

Thin: every write is one call of the dossier service contract (``dossiers.services``), every read
goes through ``dossiers.selectors``. Each object is checked server-side: a dossier the user may not
see answers 404, whatever its existence; files are streamed by :func:`dossier_file` after the same
check, never from a public media URL.

Every step is a plain server-rendered form (no JavaScript needed); the draft is saved at each step
(``save_draft``) and resumed from "my dossiers". The submit form carries a one-time token generated
when the review page is rendered: ``submit_online`` receives it as the idempotency key, so a double
click or a resent form never files a second dossier.
"""

from __future__ import annotations

import importlib.util
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from dichvucong.accounts import services as account_services
from dichvucong.accounts.constants import Gender, Role
from dichvucong.accounts.selectors import get_assurance_help, list_memberships, meets_assurance
from dichvucong.core import clock
from dichvucong.dossiers import selectors, services
from dichvucong.dossiers.constants import (
    FINAL_STATUSES,
    ApplicantKind,
    DocumentKind,
    DossierStatus,
    EventAction,
    ReturnMethod,
)
from dichvucong.dossiers.errors import DossierError, DossierErrorCode
from dichvucong.dossiers.models import Dossier, DossierDocument
from dichvucong.dossiers.uploads import allowed_extensions, max_upload_bytes
from dichvucong.forms.constants import Binding, FieldType
from dichvucong.forms.documents import DOCX_MIME, declaration_docx, declaration_pdf, display_value
from dichvucong.forms.prefill import PrefillContext, prefill_form, wallet_choices
from dichvucong.forms.rendering import render_error_summary, render_form, text_in_language
from dichvucong.forms.validation import process_submission, validate_data
from dichvucong.procedures.constants import CatalogScope, OnlineLevel, VersionStatus
from dichvucong.procedures.models import Procedure, ProcedureAgency, ProcedureVersion
from dichvucong.procedures.summaries import localized_name
from dichvucong.sites.portal import dossier_forms as forms
from dichvucong.sites.portal import wallet
from dichvucong.sites.portal.catalog_views import current_ward

PAGE_SIZE = 20
STEPS = ("noi-nop", "to-khai", "giay-to", "xem-lai")
STEP_TEMPLATES = {
    "noi-nop": "portal/dossiers/apply_where.html",
    "to-khai": "portal/dossiers/apply_form.html",
    "giay-to": "portal/dossiers/apply_documents.html",
    "xem-lai": "portal/dossiers/apply_review.html",
}
FILE_FIELD_PREFIX = "tep-"
WALLET_FIELD = "tu-kho"  # "<required document pk>:<wallet document pk>"
KEEP_FIELD = "luu-vao-kho"  # keep the uploaded files in the citizen's wallet too
SUPPLEMENT_FIELD_PREFIX = "bo-sung-"
SAVE_PROFILE_FIELD = "luu-ho-so-tai-khoan"  # consent to save the form's new facts to the profile
# Profile attributes the form step may save back (with consent); e-mail and business data never.
SAVABLE_BINDINGS = frozenset(
    {
        Binding.FULL_NAME,
        Binding.DATE_OF_BIRTH,
        Binding.GENDER,
        Binding.ADDRESS,
        Binding.PHONE,
        Binding.CCCD,
    }
)
# The token of the last rendered submit form of each draft, kept in the session (dossier pk → token).
SUBMIT_TOKENS_KEY = "dossiers.submit_tokens"


def _step_labels() -> list[tuple[str, str]]:
    return [
        ("noi-nop", _("Nơi nộp và người yêu cầu")),
        ("to-khai", _("Tờ khai")),
        ("giay-to", _("Giấy tờ kèm theo")),
        ("xem-lai", _("Xem lại và nộp")),
    ]


# --- Helpers --------------------------------------------------------------------------------------


def _applyable_version(code: str) -> ProcedureVersion:
    """The published version of a local procedure that can be filed online, else 404."""
    procedure = get_object_or_404(Procedure.objects.select_related("current_version"), code=code[:32])
    version = procedure.current_version
    if (
        version is None
        or version.status != VersionStatus.PUBLISHED
        or procedure.scope == CatalogScope.CENTRAL
        or version.online_level == OnlineLevel.DIRECT
    ):
        raise Http404
    return version


def _variants(version: ProcedureVersion) -> list[ProcedureAgency]:
    return list(
        ProcedureAgency.objects.filter(procedure_id=version.procedure_id, is_active=True)
        .select_related("agency")
        .order_by("agency__name")
    )


def _is_applicant_side(user: Any, dossier: Dossier) -> bool:
    """The owner, or a member of the organisation the dossier was filed for."""
    if dossier.owner_id == user.pk:
        return True
    return (
        bool(dossier.organisation_id)
        and list_memberships(user).filter(organisation_id=dossier.organisation_id).exists()
    )


def _my_dossier(request: HttpRequest, pk: int) -> Dossier:
    """The dossier ``pk`` as the signed-in applicant sees it; 404 for anyone else."""
    dossier = selectors.get_dossier_for_user(request.user, pk)
    if dossier is None or not _is_applicant_side(request.user, dossier):
        raise Http404
    return dossier


def _my_draft(request: HttpRequest, code: str, pk: int) -> Dossier:
    dossier = _my_dossier(request, pk)
    if dossier.procedure.code != code:
        raise Http404
    return dossier


def _step_url(dossier: Dossier, step: str) -> str:
    return reverse(
        "portal:dossier_apply_step", kwargs={"code": dossier.procedure.code, "pk": dossier.pk, "step": step}
    )


def _applicant_for(user: Any, choice: str, contact: dict[str, str]) -> services.ApplicantData:
    if choice != forms.SELF:
        membership = list_memberships(user).filter(organisation_id=int(choice.removeprefix("org-"))).first()
        if membership is None:  # the form only offers the user's own organisations
            raise Http404
        org = membership.organisation
        return services.ApplicantData(
            kind=ApplicantKind.BUSINESS,
            name=org.name,
            id_number=org.tax_code,
            phone=contact["phone"],
            email=contact["email"],
            address=contact["address"] or org.address,
            organisation=org,
        )
    return services.ApplicantData(
        kind=ApplicantKind.CITIZEN,
        name=user.display_name,
        id_number=user.cccd,
        phone=contact["phone"],
        email=contact["email"],
        address=contact["address"],
        organisation=None,
    )


def _applicant_of(dossier: Dossier) -> services.ApplicantData:
    """The applicant a draft already holds (``save_draft`` would otherwise reset it to the profile)."""
    return services.ApplicantData(
        kind=dossier.applicant_kind,
        name=dossier.applicant_name,
        id_number=dossier.applicant_id_number or "",
        phone=dossier.applicant_phone or "",
        email=dossier.applicant_email or "",
        address=dossier.applicant_address or "",
        organisation=dossier.organisation,
    )


def _return_method_label(dossier: Dossier) -> str:
    """How the result is returned: the draft's form answer, else the dossier's field."""
    value = (dossier.form_data or {}).get("return_method", dossier.return_method)
    try:
        return str(ReturnMethod(int(value)).label)
    except (TypeError, ValueError):
        return dossier.get_return_method_display()


def _base_context(version: ProcedureVersion, dossier: Dossier | None, step: str, user: Any) -> dict[str, Any]:
    level = version.min_assurance_level
    return {
        "version": version,
        "procedure_name": localized_name(version),
        "dossier": dossier,
        "step": step,
        "steps": [
            {
                "slug": slug,
                "label": label,
                "number": number,
                "current": slug == step,
                "url": _step_url(dossier, slug) if dossier is not None else "",
            }
            for number, (slug, label) in enumerate(_step_labels(), start=1)
        ],
        "step_number": STEPS.index(step) + 1,
        "step_count": len(STEPS),
        "assurance_help": get_assurance_help(user, level) if level else "",
        "can_submit": not level or meets_assurance(user, level),
    }


def _document_rows(version: ProcedureVersion, dossier: Dossier, errors: dict[int, str] | None = None) -> list:
    attached: dict[int, list[DossierDocument]] = {}
    for doc in dossier.documents.filter(kind=DocumentKind.APPLICATION):
        attached.setdefault(doc.required_document_id or 0, []).append(doc)
    return [
        {
            "item": item,
            "field_name": f"{FILE_FIELD_PREFIX}{item.pk}",
            "files": attached.get(item.pk, []),
            "error": (errors or {}).get(item.pk, ""),
        }
        for item in version.documents.all().order_by("position", "pk")
    ]


def _upload_hints() -> dict[str, Any]:
    extensions = allowed_extensions()
    return {
        "accept": ",".join(f".{ext}" for ext in extensions),
        "extensions": ", ".join(ext.upper() for ext in extensions),
        "max_mb": max_upload_bytes() // (1024 * 1024),
    }


def _form_data(dossier: Dossier) -> dict[str, Any]:
    return dict(dossier.form_data or {})


# --- Apply online ---------------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def apply(request: HttpRequest, code: str) -> HttpResponse:
    """/nop-ho-so/<code>/: step 1 of a new draft (where to submit and who applies)."""
    version = _applyable_version(code)
    return _where_step(request, version, None)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def apply_step(request: HttpRequest, code: str, pk: int, step: str) -> HttpResponse:
    """/nop-ho-so/<code>/<pk>/<step>/: the steps of a saved draft."""
    if step not in STEPS:
        raise Http404
    dossier = _my_draft(request, code, pk)
    if not dossier.is_draft:
        return redirect("portal:dossier_detail", pk=dossier.pk)
    version = dossier.procedure_version
    if step == "noi-nop":
        return _where_step(request, version, dossier)
    if step == "to-khai":
        return _form_step(request, version, dossier)
    if step == "giay-to":
        return _documents_step(request, version, dossier)
    return _review_step(request, version, dossier)


def _where_step(request: HttpRequest, version: ProcedureVersion, dossier: Dossier | None) -> HttpResponse:
    user = request.user
    variants = _variants(version)
    memberships = list(list_memberships(user).select_related("organisation"))
    agencies = [(v.agency.code, v.agency.name) for v in variants]
    if dossier is not None:
        initial_agency = dossier.agency.code
        initial_applicant = f"org-{dossier.organisation_id}" if dossier.organisation_id else forms.SELF
        initial = {
            "phone": dossier.applicant_phone,
            "email": dossier.applicant_email,
            "address": dossier.applicant_address,
        }
    else:
        ward = current_ward(request)
        codes = [c for c, _name in agencies]
        initial_agency = (
            ward.code if ward is not None and ward.code in codes else (codes[0] if len(codes) == 1 else "")
        )
        initial_applicant = forms.SELF
        initial = {"phone": user.phone, "email": user.email, "address": user.address}
    form = forms.WhereForm(
        request.POST if request.method == "POST" else None,
        initial={**initial, "agency": initial_agency, "applicant": initial_applicant},
        agencies=[("", _("– Chọn nơi nộp –")), *agencies] if len(agencies) != 1 else agencies,
        organisations=[(f"org-{m.organisation_id}", m.organisation.name) for m in memberships],
        self_label=_("Bản thân tôi (%(name)s)") % {"name": user.display_name},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        agency = next(v.agency for v in variants if v.agency.code == data["agency"])
        applicant = _applicant_for(user, data["applicant"], data)
        try:
            dossier = services.save_draft(
                user=user,
                procedure_version=version,
                agency=agency,
                form_data=_form_data(dossier) if dossier is not None else {},
                applicant=applicant,
                dossier=dossier,
            )
        except DossierError as exc:
            form.add_service_error(exc)
        else:
            return redirect(_step_url(dossier, "to-khai"))
    context = {
        **_base_context(version, dossier, "noi-nop", user),
        "form": form,
        "no_agency": not agencies,
    }
    return render(request, STEP_TEMPLATES["noi-nop"], context, status=400 if form.errors else 200)


def _form_engine(request: HttpRequest, version: ProcedureVersion, dossier: Dossier) -> dict[str, Any]:
    """The procedure's form (``forms`` engine): its spec, the prefilled values, the wallet offers."""
    spec = version.form_version.spec
    context = PrefillContext(user=request.user, organisation=dossier.organisation)
    return {
        "spec": spec,
        "prefilled": prefill_form(spec, context=context),
        "wallet": wallet_choices(spec, owner=request.user, today=timezone.localdate(clock.now())),
    }


def _form_files(
    request: HttpRequest, version: ProcedureVersion, dossier: Dossier, engine: dict[str, Any], result: Any
) -> None:
    """Store the form's file slots as the dossier's documents (by ``document_key``) and log each wallet
    document used. ``DossierError`` when a file is refused."""
    items = {item.document_key: item for item in version.documents.all()}
    slots = {pointer: field for pointer, field in engine["spec"].iter_fields()}
    for pointer, upload in result.files.items():
        item = items.get(str(slots.get(pointer, {}).get("document_key", "")))
        services.attach_document(
            dossier=dossier,
            upload=upload,
            actor=request.user,
            required_document=item,
            title=item.name if item is not None else str(getattr(upload, "name", "")),
        )
    for pointer, document_id in result.wallet_documents.items():
        item = items.get(str(slots.get(pointer, {}).get("document_key", "")))
        wallet.attach_from_wallet(
            dossier=dossier, document_id=document_id, user=request.user, required_document=item
        )


def _savable_fields(spec: Any) -> list[dict[str, Any]]:
    """The form's top-level fields bound to a profile attribute that may be saved back."""
    return [
        item
        for item in spec.fields
        if isinstance(item, dict)
        and item.get("binding") in SAVABLE_BINDINGS
        and isinstance(item.get("key"), str)
    ]


def _profile_changes(user: Any, spec: Any, fields_data: dict[str, Any]) -> dict[str, Any]:
    """What the form holds that is new to the person's profile, by binding: a name or CCCD only where
    the profile has none (a verified CCCD is never touched), the other attributes where they differ."""
    changes: dict[str, Any] = {}
    for item in _savable_fields(spec):
        binding, value = item["binding"], fields_data.get(item["key"])
        if value in (None, "", {}, []):
            continue
        if binding == Binding.ADDRESS:
            value = (
                display_value(item, value) if item.get("type") == FieldType.ADDRESS else str(value).strip()
            )
            if value and value != user.address:
                changes[binding] = value[:300]
        elif binding == Binding.DATE_OF_BIRTH:
            try:
                born = datetime.fromisoformat(str(value)).date()
            except ValueError:
                continue
            if born != user.date_of_birth:
                changes[binding] = born
        elif binding == Binding.GENDER:
            if value in Gender.values and value != user.gender:
                changes[binding] = value
        elif binding == Binding.FULL_NAME:
            if not user.full_name.strip():
                changes[binding] = str(value)
        elif binding == Binding.CCCD:
            if not user.cccd:
                changes[binding] = str(value)
        elif binding == Binding.PHONE and str(value) != user.phone:
            changes[binding] = str(value)
    return changes


def _profile_differs(user: Any, spec: Any, fields_data: dict[str, Any]) -> list[str]:
    changes = _profile_changes(user, spec, fields_data)
    return [
        text_in_language(item.get("label")) for item in _savable_fields(spec) if item["binding"] in changes
    ]


def _save_to_profile(request: HttpRequest, changes: dict[str, Any]) -> None:
    """Save the new facts through the account services (each audited there); a refusal is shown as a
    warning and never stops the application."""
    user = request.user
    saved: list[str] = []
    try:
        basic = {Binding.FULL_NAME, Binding.DATE_OF_BIRTH, Binding.GENDER, Binding.ADDRESS} & set(changes)
        if basic:
            account_services.update_profile(
                user=user,
                full_name=changes.get(Binding.FULL_NAME) or user.full_name,
                date_of_birth=changes.get(Binding.DATE_OF_BIRTH, user.date_of_birth),
                gender=changes.get(Binding.GENDER, user.gender),
                address=changes.get(Binding.ADDRESS, user.address),
                preferred_language=user.preferred_language,
            )
            saved.extend(str(Binding(name).label) for name in sorted(basic))
        if Binding.CCCD in changes:
            account_services.set_cccd(user=user, cccd=changes[Binding.CCCD])
            saved.append(str(Binding.CCCD.label))
        if Binding.PHONE in changes:
            account_services.request_contact_change(user=user, phone=changes[Binding.PHONE])
            messages.info(
                request,
                _(
                    "Chúng tôi đã gửi mã xác minh đến số điện thoại mới; "
                    "nhập mã ở trang tài khoản để lưu số này."
                ),
            )
    except account_services.AccountError as exc:
        messages.warning(
            request, _("Không lưu được vào hồ sơ tài khoản: %(reason)s") % {"reason": exc.message}
        )
    if saved:
        messages.success(request, _("Đã lưu vào hồ sơ tài khoản: %(items)s.") % {"items": ", ".join(saved)})


def _form_step(request: HttpRequest, version: ProcedureVersion, dossier: Dossier) -> HttpResponse:
    data = _form_data(dossier)
    engine = _form_engine(request, version, dossier) if version.form_version_id else None
    initial = {
        "content": data.get("content", ""),
        "return_method": data.get("return_method", dossier.return_method),
        "return_address": data.get("return_address", dossier.return_address),
    }
    form = forms.RequestForm(
        request.POST if request.method == "POST" else None, initial=initial, with_content=engine is None
    )
    fields_data: dict[str, Any] = dict(data.get("fields") or {})
    problems: list[Any] = []
    prefilled = engine["prefilled"] if engine else {}
    if request.method == "POST":
        result = None
        if engine is not None:
            result = process_submission(
                engine["spec"],
                request.POST,
                request.FILES,
                expected_prefill=engine["prefilled"],
                wallet=engine["wallet"],
            )
            fields_data, problems, prefilled = result.data, result.errors, result.prefilled
        if form.is_valid() and not problems:
            cleaned = form.cleaned_data
            new_data = {
                **data,
                "content": cleaned.get("content", data.get("content", "")),
                "return_method": cleaned["return_method"],
                "return_address": cleaned["return_address"]
                if cleaned["return_method"] == ReturnMethod.POSTAL
                else "",
            }
            if engine is not None:
                new_data["fields"] = fields_data
                new_data["form"] = {"key": engine["spec"].key, "number": engine["spec"].number}
            try:
                with transaction.atomic():
                    services.save_draft(
                        user=request.user,
                        procedure_version=version,
                        agency=dossier.agency,
                        form_data=new_data,
                        applicant=_applicant_of(dossier),
                        dossier=dossier,
                    )
                    if result is not None:
                        _form_files(request, version, dossier, engine, result)
            except DossierError as exc:
                form.add_service_error(exc)
            else:
                if engine is not None and request.POST.get(SAVE_PROFILE_FIELD) == "1":
                    changes = _profile_changes(request.user, engine["spec"], fields_data)
                    if changes:
                        _save_to_profile(request, changes)
                return redirect(_step_url(dossier, "giay-to"))
    context = {**_base_context(version, dossier, "to-khai", request.user), "form": form}
    if engine is not None:
        context.update(
            engine_summary=render_error_summary(engine["spec"], problems),
            engine_form=render_form(
                engine["spec"],
                data=fields_data or None,
                errors=problems,
                prefilled=prefilled,
                wallet=engine["wallet"],
            ),
            reused=sorted({item.label for item in prefilled.values()}),
            save_profile_field=SAVE_PROFILE_FIELD if _savable_fields(engine["spec"]) else "",
            save_profile_checked=request.POST.get(SAVE_PROFILE_FIELD) == "1",
            profile_differs=_profile_differs(request.user, engine["spec"], fields_data),
            declaration_urls=_declaration_urls(dossier),
        )
    failed = bool(form.errors or problems)
    return render(request, STEP_TEMPLATES["to-khai"], context, status=400 if failed else 200)


def _documents_step(request: HttpRequest, version: ProcedureVersion, dossier: Dossier) -> HttpResponse:
    errors: dict[int, str] = {}
    if request.method == "POST":
        remove = request.POST.get("remove", "")
        if remove:
            document = dossier.documents.filter(pk=int(remove) if remove.isdigit() else 0).first()
            if document is None:
                raise Http404
            try:
                services.remove_document(dossier=dossier, document=document, actor=request.user)
            except DossierError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Đã xóa tệp %(name)s.") % {"name": document.original_name})
            return redirect(_step_url(dossier, "giay-to"))
        chosen = request.POST.get(WALLET_FIELD, "")
        if chosen:
            return _attach_from_wallet(request, version, dossier, chosen)
        keep = request.POST.get(KEEP_FIELD) == "1"
        stored = 0
        for item in version.documents.all():
            upload = request.FILES.get(f"{FILE_FIELD_PREFIX}{item.pk}")
            if upload is None:
                continue
            try:
                attached = services.attach_document(
                    dossier=dossier,
                    upload=upload,
                    actor=request.user,
                    required_document=item,
                    title=item.name,
                )
                if keep:
                    wallet.keep_upload(user=request.user, document=attached)
            except DossierError as exc:
                errors[item.pk] = exc.message
            else:
                stored += 1
        if not errors:
            if stored:
                messages.success(
                    request,
                    ngettext("Đã lưu %(count)d tệp.", "Đã lưu %(count)d tệp.", stored) % {"count": stored},
                )
            target = "xem-lai" if request.POST.get("action") == "next" else "giay-to"
            return redirect(_step_url(dossier, target))
    rows = _document_rows(version, dossier, errors)
    offered = wallet.offers(request.user, [row["item"] for row in rows])
    for row in rows:
        row["wallet"] = offered.get(row["item"].pk, [])
    context = {
        **_base_context(version, dossier, "giay-to", request.user),
        "rows": rows,
        "wallet_field": WALLET_FIELD,
        "keep_field": KEEP_FIELD,
        "has_errors": bool(errors),
        **_upload_hints(),
    }
    return render(request, STEP_TEMPLATES["giay-to"], context, status=400 if errors else 200)


def _attach_from_wallet(
    request: HttpRequest, version: ProcedureVersion, dossier: Dossier, chosen: str
) -> HttpResponse:
    """One click: copy a wallet document (``<required document pk>:<wallet document pk>``) into the draft."""
    item_id, _sep, document_id = chosen.partition(":")
    item = version.documents.filter(pk=int(item_id) if item_id.isdigit() else 0).first()
    if item is None or not document_id.isdigit():
        raise Http404
    try:
        wallet.attach_from_wallet(
            dossier=dossier, document_id=int(document_id), user=request.user, required_document=item
        )
    except DossierError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã đính kèm giấy tờ từ kho dữ liệu của bạn."))
    return redirect(_step_url(dossier, "giay-to"))


def _answer_text(value: Any) -> str:
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, dict):
        return ", ".join(str(part) for part in value.values() if part)
    if isinstance(value, list):
        return "; ".join(_answer_text(part) for part in value)
    return str(value)


def _declaration_rows(version: ProcedureVersion, data: dict[str, Any]) -> list[tuple[str, str]]:
    """The declaration's answers as (label, text) for the review page (top-level fields, in order)."""
    if not version.form_version_id:
        return []
    answers = data.get("fields") or {}
    return [
        (text_in_language(item.get("label")), _answer_text(answers.get(item["key"], "")))
        for item in version.form_version.spec.fields
        if isinstance(item, dict) and "key" in item and item.get("type") not in ("section", "file")
    ]


def _remember_token(request: HttpRequest, dossier: Dossier) -> str:
    token = secrets.token_urlsafe(24)
    tokens = dict(request.session.get(SUBMIT_TOKENS_KEY, {}))
    tokens[str(dossier.pk)] = token
    request.session[SUBMIT_TOKENS_KEY] = dict(list(tokens.items())[-20:])
    return token


def _review_step(request: HttpRequest, version: ProcedureVersion, dossier: Dossier) -> HttpResponse:
    error = ""
    if request.method == "POST":
        form = forms.SubmitForm(request.POST)
        token = form.data.get("token", "")[:100]
        if not form.is_valid() or not token:
            error = _("Phiên nộp hồ sơ đã hết hạn. Vui lòng bấm nộp lại.")
        elif version.form_version_id and validate_data(
            version.form_version.spec, _form_data(dossier).get("fields") or {}
        ):
            error = _("Tờ khai chưa đầy đủ hoặc chưa hợp lệ. Vui lòng quay lại bước tờ khai.")
        else:
            try:
                dossier = services.submit_online(dossier=dossier, actor=request.user, idempotency_key=token)
            except DossierError as exc:
                dossier.refresh_from_db()
                if exc.code == DossierErrorCode.ALREADY_DONE and dossier.idempotency_key == token:
                    # The same form sent twice at once: the first request filed it.
                    return redirect("portal:dossier_submitted", pk=dossier.pk)
                if not dossier.is_draft:
                    messages.info(request, exc.message)
                    return redirect("portal:dossier_detail", pk=dossier.pk)
                error = exc.message
            else:
                return redirect("portal:dossier_submitted", pk=dossier.pk)
    data = _form_data(dossier)
    rows = _document_rows(version, dossier)
    context = {
        **_base_context(version, dossier, "xem-lai", request.user),
        "data": data,
        "declaration": _declaration_rows(version, data),
        "return_method_label": _return_method_label(dossier),
        "rows": rows,
        "missing": [r["item"] for r in rows if r["item"].is_required and not r["files"]],
        "submit_form": forms.SubmitForm(initial={"token": _remember_token(request, dossier)}),
        "error": error,
    }
    return render(request, STEP_TEMPLATES["xem-lai"], context, status=400 if error else 200)


@never_cache
@login_required
@require_http_methods(["POST"])
def submit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The review page's submit button: a repeated token (double click, resent form) lands on the
    confirmation of the dossier already filed instead of filing again."""
    dossier = _my_draft(request, code, pk)
    if not dossier.is_draft:
        token = request.POST.get("token", "")[:100]
        if token and token == dossier.idempotency_key:
            return redirect("portal:dossier_submitted", pk=dossier.pk)
        messages.info(request, _("Hồ sơ này đã được nộp."))
        return redirect("portal:dossier_detail", pk=dossier.pk)
    return _review_step(request, dossier.procedure_version, dossier)


@never_cache
@login_required
@require_GET
def submitted(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirmation after submitting, with the link to follow the dossier."""
    dossier = _my_dossier(request, pk)
    if dossier.is_draft:
        return redirect(_step_url(dossier, "xem-lai"))
    return render(
        request,
        "portal/dossiers/submitted.html",
        {
            "dossier": dossier,
            "procedure_name": localized_name(dossier.procedure_version),
            "detail_url": request.build_absolute_uri(reverse("portal:dossier_detail", args=[dossier.pk])),
        },
    )


# --- My dossiers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sla:
    state: str  # "" | "on_time" | "near_due" | "overdue"
    label: str


def sla_of(dossier: Dossier, now: datetime | None = None) -> Sla:
    """Where a running dossier stands against its due date. Near due: less than one day or 20% of
    the allowed time left, whichever is larger (SPEC-VN §5's default, approximated in calendar time)."""
    if dossier.due_at is None or dossier.status is None or dossier.status in FINAL_STATUSES:
        return Sla("", "")
    if dossier.status == DossierStatus.RESOLVED:
        return Sla("", "")
    now = now or clock.now()
    if now > dossier.due_at:
        return Sla("overdue", _("Quá hạn"))
    allowed = dossier.due_at - (dossier.received_at or dossier.submitted_at or dossier.due_at)
    if dossier.due_at - now <= max(timedelta(days=1), allowed * 0.2):
        return Sla("near_due", _("Sắp đến hạn"))
    return Sla("on_time", _("Trong hạn"))


def status_label(dossier: Dossier) -> str:
    return dossier.get_status_display() if dossier.status is not None else _("Bản nháp")


def status_tone(dossier: Dossier) -> str:
    if dossier.status is None:
        return "draft"
    if dossier.status in (DossierStatus.REFUSED, DossierStatus.WITHDRAWN, DossierStatus.STOPPED):
        return "closed"
    if dossier.status in (DossierStatus.SUPPLEMENT_REQUESTED, DossierStatus.PAYMENT_REQUESTED):
        return "action"
    if dossier.status in (DossierStatus.RESOLVED, DossierStatus.RETURNED):
        return "done"
    return "running"


@never_cache
@login_required
@require_GET
def my_dossiers(request: HttpRequest) -> HttpResponse:
    """/ho-so-cua-toi/: the user's dossiers and drafts, filtered by status and text."""
    form = forms.MyDossiersFilterForm(request.GET or None)
    status = ""
    query = ""
    if form.is_valid():
        status = form.cleaned_data["status"]
        query = form.cleaned_data["q"].strip()
    dossiers = selectors.list_my_dossiers(request.user, status=status or None, q=query)
    paginator = Paginator(dossiers, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    now = clock.now()
    rows = [
        {
            "dossier": d,
            "procedure_name": localized_name(d.procedure_version),
            "status": status_label(d),
            "tone": status_tone(d),
            "sla": sla_of(d, now),
            "url": _step_url(d, "noi-nop") if d.is_draft else reverse("portal:dossier_detail", args=[d.pk]),
        }
        for d in page.object_list
    ]
    params = {k: v for k, v in {"status": status, "q": query}.items() if v}
    return render(
        request,
        "portal/dossiers/my_dossiers.html",
        {"form": form, "rows": rows, "page": page, "params": params, "filtered": bool(status or query)},
    )


def _duration_text(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return _("dưới 1 phút")
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)d ngày", "%(n)d ngày", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)d giờ", "%(n)d giờ", hours) % {"n": hours})
    if minutes and not days:
        parts.append(ngettext("%(n)d phút", "%(n)d phút", minutes) % {"n": minutes})
    return " ".join(parts)


def _role_label(role: str) -> str:
    if role == services.APPLICANT_ROLE:
        return _("người nộp hồ sơ")
    try:
        return str(Role(role).label)
    except ValueError:
        return role


# The applicant's own draft edits before submitting, and the back office's internal hand-offs
# (who claimed or was given a step): the citizen follows steps and statuses, not desk assignments.
_HIDDEN_FROM_APPLICANT = frozenset(
    {EventAction.DRAFT_SAVED, EventAction.TASK_CLAIMED, EventAction.TASK_ASSIGNED}
)


def _events(dossier: Dossier) -> list[dict[str, Any]]:
    rows = []
    previous = None
    for event in selectors.history(dossier):
        if event.action in _HIDDEN_FROM_APPLICANT:
            continue
        rows.append(
            {
                "event": event,
                "action": event.get_action_display(),
                "actor": event.actor.display_name if event.actor_id and event.actor else "",
                "role": _role_label(event.actor_role) if event.actor_role else "",
                "agency": event.agency.name if event.agency_id and event.agency else "",
                "status": event.get_to_status_display() if event.to_status is not None else "",
                "took": _duration_text(event.at - previous.at) if previous is not None else "",
            }
        )
        previous = event
    return rows


def receipt_available(dossier: Dossier) -> bool:
    return bool(dossier.code) and importlib.util.find_spec("dichvucong.dossiers.slips") is not None


def _can_withdraw(dossier: Dossier) -> bool:
    return (
        dossier.status is not None
        and dossier.status not in FINAL_STATUSES
        and dossier.status not in (DossierStatus.RESOLVED, DossierStatus.RETURNED)
    )


@never_cache
@login_required
@require_GET
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """/ho-so-cua-toi/<pk>/: status, dates, every step, documents, receipt, results, actions."""
    dossier = _my_dossier(request, pk)
    if dossier.is_draft:
        return redirect(_step_url(dossier, "noi-nop"))
    documents = list(dossier.documents.select_related("required_document").order_by("uploaded_at", "pk"))
    supplement_request = (
        dossier.supplement_requests.order_by("-requested_at").first()
        if dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
        else None
    )
    return render(
        request,
        "portal/dossiers/detail.html",
        {
            "dossier": dossier,
            "procedure_name": localized_name(dossier.procedure_version),
            "status": status_label(dossier),
            "tone": status_tone(dossier),
            "sla": sla_of(dossier),
            "events": _events(dossier),
            "documents": [
                d for d in documents if d.kind in (DocumentKind.APPLICATION, DocumentKind.SUPPLEMENT)
            ],
            "results": [d for d in documents if d.kind == DocumentKind.RESULT],
            "notices": [d for d in documents if d.kind in (DocumentKind.RECEIPT, DocumentKind.NOTICE)],
            "receipt": receipt_available(dossier),
            "supplement_request": supplement_request,
            "supplement_items": _supplement_items(supplement_request),
            "supplement_form": forms.SupplementForm(),
            **_upload_hints(),
            "can_withdraw": _can_withdraw(dossier),
            "return_method_label": _return_method_label(dossier),
            "lookup_url": reverse("portal:lookup") + f"?ma={dossier.code}" if dossier.code else "",
        },
    )


def _supplement_items(supplement_request: Any) -> list[dict[str, str]]:
    if supplement_request is None:
        return []
    return [
        {
            "title": str(item.get("title", "")),
            "reason": str(item.get("reason", "")),
            "field_name": f"{SUPPLEMENT_FIELD_PREFIX}{number}",
            "number": number,
        }
        for number, item in enumerate(supplement_request.items or [], start=1)
    ]


@never_cache
@login_required
@require_GET
def dossier_file(request: HttpRequest, pk: int, document_id: int) -> FileResponse:
    """A file of the user's dossier, streamed after the access check (results: applicant side only)."""
    dossier = _my_dossier(request, pk)
    document = get_object_or_404(DossierDocument, pk=document_id, dossier=dossier)
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name or f"{dossier.pk}-{document.pk}",
        content_type=document.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@login_required
@require_GET
def dossier_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """The receipt (Mẫu 01) of a received dossier as a PDF."""
    dossier = _my_dossier(request, pk)
    if not receipt_available(dossier):
        raise Http404
    from dichvucong.dossiers.slips import receipt_pdf

    response = HttpResponse(receipt_pdf(dossier), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="giay-tiep-nhan-{dossier.code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


DECLARATION_KINDS = ("docx", "pdf")


def _declaration_urls(dossier: Dossier) -> dict[str, str]:
    return {
        kind: reverse(
            "portal:dossier_declaration",
            kwargs={"code": dossier.procedure.code, "pk": dossier.pk, "kind": kind},
        )
        for kind in DECLARATION_KINDS
    }


def _declaration_response(version: Any, *, kind: str, data: dict[str, Any], filename: str) -> HttpResponse:
    if kind == "pdf":
        response = HttpResponse(declaration_pdf(version, data=data), content_type="application/pdf")
    else:
        response = HttpResponse(declaration_docx(version, data=data), content_type=DOCX_MIME)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{kind}"'
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@login_required
@require_GET
def dossier_declaration(request: HttpRequest, code: str, pk: int, kind: str) -> HttpResponse:
    """/nop-ho-so/<code>/<pk>/to-khai.<docx|pdf>: the procedure's declaration filled with the
    applicant's own draft (404 for anyone else, or when the procedure has no form)."""
    if kind not in DECLARATION_KINDS:
        raise Http404
    dossier = _my_draft(request, code, pk)
    form_version = dossier.procedure_version.form_version
    if form_version is None:
        raise Http404
    fields = _form_data(dossier).get("fields")
    return _declaration_response(
        form_version,
        kind=kind,
        data=fields if isinstance(fields, dict) else {},
        filename=f"to-khai-{dossier.procedure.code}-{dossier.pk}",
    )


@require_GET
def procedure_declaration(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    """/thu-tuc/<code>/to-khai.<docx|pdf>: the blank declaration of a published procedure's form, to
    print and fill by hand (no personal data, so open to anyone)."""
    if kind not in DECLARATION_KINDS:
        raise Http404
    procedure = get_object_or_404(Procedure.objects.select_related("current_version"), code=code[:32])
    version = procedure.current_version
    if version is None or version.status != VersionStatus.PUBLISHED or version.form_version is None:
        raise Http404
    return _declaration_response(
        version.form_version, kind=kind, data={}, filename=f"to-khai-{procedure.code}"
    )


@never_cache
@login_required
@require_http_methods(["POST"])
def dossier_supplement(request: HttpRequest, pk: int) -> HttpResponse:
    """Sends the files asked for by the supplement request."""
    dossier = _my_dossier(request, pk)
    if dossier.status != DossierStatus.SUPPLEMENT_REQUESTED:
        messages.error(request, _("Hồ sơ này không có yêu cầu bổ sung."))
        return redirect("portal:dossier_detail", pk=dossier.pk)
    form = forms.SupplementForm(request.POST)
    uploads = [f for name, f in sorted(request.FILES.items()) if name.startswith(SUPPLEMENT_FIELD_PREFIX)]
    error = ""
    if not form.is_valid():
        error = _("Ghi chú quá dài.")
    elif not uploads:
        error = _("Vui lòng chọn ít nhất một tệp để bổ sung.")
    else:
        try:
            services.supplement(
                dossier=dossier, actor=request.user, uploads=uploads, note=form.cleaned_data["note"]
            )
        except DossierError as exc:
            error = exc.message
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Đã gửi hồ sơ bổ sung."))
    return redirect("portal:dossier_detail", pk=dossier.pk)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def dossier_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Asks for the reason and a confirmation, then withdraws the dossier."""
    dossier = _my_dossier(request, pk)
    if not _can_withdraw(dossier):
        messages.error(request, _("Hồ sơ này không thể rút nữa."))
        return redirect("portal:dossier_detail", pk=dossier.pk)
    form = forms.WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw(dossier=dossier, actor=request.user, reason=form.cleaned_data["reason"])
        except DossierError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Đã rút hồ sơ."))
            return redirect("portal:dossier_detail", pk=dossier.pk)
    return render(
        request,
        "portal/dossiers/withdraw.html",
        {"dossier": dossier, "procedure_name": localized_name(dossier.procedure_version), "form": form},
        status=400 if form.errors else 200,
    )


# --- Public look-up -------------------------------------------------------------------------------


def lookup_result(raw: str) -> tuple[str, Any, bool]:
    """(code as normalised, the public status or None, whether something was asked).

    Unknown and malformed codes give the same answer, after the same query (no existence leak)."""
    code = forms.normalise_code(raw)
    asked = bool((raw or "").strip())
    if not asked:
        return "", None, False
    return code, selectors.lookup_public(code or "-"), True


@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    """/tra-cuu/: one input (a barcode scanner types the code and Enter), or ``?ma=`` from the QR."""
    raw = request.GET.get("ma", "")[:200]
    code, result, asked = lookup_result(raw)
    response = render(
        request,
        "portal/dossiers/lookup.html",
        {"code": code or raw.strip()[: forms.MAX_CODE_LENGTH], "result": result, "asked": asked},
    )
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
