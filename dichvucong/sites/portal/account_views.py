"""Portal account pages: registration with a one-time code, password reset (e-mail or phone),
profile, assurance level, businesses, and the person's data (download and access log).

Thin: forms shape input, ``accounts.services`` decides and writes, ``accounts.selectors`` reads. The
data download lives here and not in ``accounts`` because it gathers data of higher apps
(notifications, security), which ``accounts`` may not import.
"""

from __future__ import annotations

import importlib
import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse, reverse_lazy
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dichvucong.accounts import selectors, services
from dichvucong.accounts.constants import AssuranceLevel, CodePurpose, MembershipRole, PersonalDataAction
from dichvucong.accounts.models import Membership, User
from dichvucong.accounts.services import AccountError
from dichvucong.accounts.validation import mask_phone
from dichvucong.core import clock
from dichvucong.sites.portal import account_forms as forms

REGISTRATION_SESSION_KEY = "accounts.registration_user"
RESET_SESSION_KEY = "accounts.phone_reset_user"
AUTH_BACKEND = "django.contrib.auth.backends.ModelBackend"

# The account menu (portal/account/_nav.html): entries whose URL does not exist yet are left out.
ACCOUNT_NAV: list[tuple[str, Any]] = [
    ("portal:account_profile", gettext_lazy("Thông tin cá nhân")),
    ("portal:account_business", gettext_lazy("Doanh nghiệp")),
    ("portal:account_security", gettext_lazy("Bảo mật đăng nhập")),
    ("portal:account_tokens", gettext_lazy("Khóa truy cập API")),
    ("portal:account_data", gettext_lazy("Dữ liệu của tôi")),
]


# Pages under a menu entry (so the entry stays marked as the current page).
NAV_PARENTS = {
    "portal:account_assurance": "portal:account_profile",
    "portal:account_contact_verify": "portal:account_profile",
    "portal:account_business_detail": "portal:account_business",
}


def account_nav_items(view_name: str) -> list[dict[str, Any]]:
    """The menu entries whose page exists, the one for ``view_name`` marked current."""
    current = NAV_PARENTS.get(view_name, view_name)
    items = []
    for name, label in ACCOUNT_NAV:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "current": name == current})
    return items


def _federation_url() -> str:
    try:
        return reverse("identity:federation_login")
    except NoReverseMatch:
        return ""


# --- Registration ---------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("portal:account_profile")
    form = forms.RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.start_registration(
                contact=data["contact"],
                full_name=data["full_name"],
                password=data["password"],
                cccd=data["cccd"],
                language=get_language() or "vi",
            )
        except AccountError as exc:
            form.add_service_error(exc)
        else:
            request.session[REGISTRATION_SESSION_KEY] = user.pk
            return redirect("portal:register_verify")
    return render(request, "portal/account/register.html", {"form": form})


def _pending_user(request: HttpRequest) -> User | None:
    pk = request.session.get(REGISTRATION_SESSION_KEY)
    return User.objects.filter(pk=pk).first() if pk else None


@require_http_methods(["GET", "HEAD", "POST"])
def register_verify(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return redirect("portal:register")
    form = forms.CodeForm(request.POST if request.POST.get("action") != "resend" else None)
    if request.method == "POST":
        if request.POST.get("action") == "resend":
            try:
                services.resend_code(user=user, purpose=CodePurpose.REGISTER)
            except AccountError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Đã gửi mã mới."))
            return redirect("portal:register_verify")
        if form.is_valid():
            try:
                services.complete_registration(user=user, code=form.cleaned_data["code"])
            except AccountError as exc:
                form.add_service_error(exc)
            else:
                del request.session[REGISTRATION_SESSION_KEY]
                login(request, user, backend=AUTH_BACKEND)
                messages.success(request, _("Tài khoản đã được xác minh. Chào mừng bạn!"))
                return redirect("portal:account_profile")
    code = selectors.get_latest_code(user, CodePurpose.REGISTER)
    return render(
        request,
        "portal/account/register_verify.html",
        {
            "form": form,
            "channel": code.channel if code else "",
            "target": _masked_target(code),
            "otp_ttl": settings.OTP_TTL_MINUTES,
        },
    )


def _masked_target(code: Any) -> str:
    if code is None:
        return ""
    if "@" in code.target:
        name, _sep, domain = code.target.partition("@")
        return f"{name[:2]}***@{domain}"
    return mask_phone(code.target)


# --- Password reset -------------------------------------------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    """By e-mail: Django's signed, single-use link; the same answer whether or not the address exists."""

    template_name = "portal/account/password_reset.html"
    email_template_name = "portal/account/email/password_reset_body.txt"
    html_email_template_name = "portal/account/email/password_reset_body.html"
    subject_template_name = "portal/account/email/password_reset_subject.txt"
    success_url = reverse_lazy("portal:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "portal/account/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "portal/account/password_reset_confirm.html"
    success_url = reverse_lazy("portal:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "portal/account/password_reset_complete.html"


@require_http_methods(["GET", "HEAD", "POST"])
def password_reset_phone(request: HttpRequest) -> HttpResponse:
    """Ask for the phone; whatever it is, the next page looks the same (no account enumeration)."""
    form = forms.PhoneResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.find_account_for_reset(phone=form.cleaned_data["phone"])
        if user is not None:
            services.request_password_reset_code(user=user)
        request.session[RESET_SESSION_KEY] = user.pk if user is not None else 0
        return redirect("portal:password_reset_phone_code")
    return render(request, "portal/account/password_reset_phone.html", {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
def password_reset_phone_code(request: HttpRequest) -> HttpResponse:
    if RESET_SESSION_KEY not in request.session:
        return redirect("portal:password_reset_phone")
    pk = request.session[RESET_SESSION_KEY]
    user = User.objects.filter(pk=pk, is_active=True).first() if pk else None
    form = forms.PhoneResetCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if user is None:  # the same refusal as a wrong code
                raise AccountError(_("Mã không đúng."), field="code")
            services.reset_password_with_code(
                user=user, code=form.cleaned_data["code"], new_password=form.cleaned_data["new_password"]
            )
        except AccountError as exc:
            form.add_service_error(exc)
        else:
            del request.session[RESET_SESSION_KEY]
            return redirect("portal:password_reset_complete")
    return render(request, "portal/account/password_reset_phone_code.html", {"form": form})


# --- Profile --------------------------------------------------------------------------------------


def _account_page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    action = request.POST.get("action", "") if request.method == "POST" else ""
    profile_form = forms.ProfileForm(
        request.POST if action == "profile" else None,
        initial={
            "full_name": user.full_name,
            "date_of_birth": user.date_of_birth,
            "gender": user.gender,
            "address": user.address,
            "preferred_language": user.preferred_language,
        },
    )
    cccd_form = forms.CccdForm(request.POST if action == "cccd" else None, initial={"cccd": user.cccd})
    email_form = forms.EmailChangeForm(request.POST if action == "email" else None)
    phone_form = forms.PhoneChangeForm(request.POST if action == "phone" else None)
    try:
        if action == "profile" and profile_form.is_valid():
            services.update_profile(user=user, **profile_form.cleaned_data)
            messages.success(request, _("Đã lưu thông tin cá nhân."))
            return redirect("portal:account_profile")
        if action == "cccd" and cccd_form.is_valid():
            services.set_cccd(user=user, cccd=cccd_form.cleaned_data["cccd"])
            messages.success(request, _("Đã lưu số định danh cá nhân."))
            return redirect("portal:account_profile")
        if action == "email" and email_form.is_valid():
            services.request_contact_change(user=user, email=email_form.cleaned_data["email"])
            return redirect("portal:account_contact_verify", purpose=CodePurpose.CHANGE_EMAIL)
        if action == "phone" and phone_form.is_valid():
            services.request_contact_change(user=user, phone=phone_form.cleaned_data["phone"])
            return redirect("portal:account_contact_verify", purpose=CodePurpose.CHANGE_PHONE)
    except AccountError as exc:
        {"profile": profile_form, "cccd": cccd_form, "email": email_form, "phone": phone_form}[
            action
        ].add_service_error(exc)
    return _account_page(
        request,
        "portal/account/profile.html",
        {
            "profile_form": profile_form,
            "cccd_form": cccd_form,
            "email_form": email_form,
            "phone_form": phone_form,
            "cccd_locked": user.assurance_level == AssuranceLevel.VERIFIED,
            "assurance_help": selectors.get_assurance_help(user, AssuranceLevel.VERIFIED),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def contact_verify(request: HttpRequest, purpose: str) -> HttpResponse:
    if purpose not in (CodePurpose.CHANGE_EMAIL, CodePurpose.CHANGE_PHONE):
        raise Http404
    code = selectors.get_latest_code(request.user, purpose)
    if code is None:
        return redirect("portal:account_profile")
    form = forms.CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.confirm_contact_change(
                user=request.user, purpose=purpose, code=form.cleaned_data["code"]
            )
        except AccountError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Đã xác minh và cập nhật thông tin liên hệ."))
            return redirect("portal:account_profile")
    return _account_page(
        request,
        "portal/account/contact_verify.html",
        {
            "form": form,
            "channel": code.channel,
            "target": _masked_target(code),
            "otp_ttl": settings.OTP_TTL_MINUTES,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def assurance(request: HttpRequest) -> HttpResponse:
    return _account_page(
        request,
        "portal/account/assurance.html",
        {"federation_url": _federation_url(), "levels": AssuranceLevel},
    )


# --- Businesses -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def business_list(request: HttpRequest) -> HttpResponse:
    form = forms.BusinessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.create_business(actor=request.user, **form.cleaned_data)
        except AccountError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Đã đăng ký doanh nghiệp. Bạn là người đại diện theo pháp luật."))
            return redirect("portal:account_business_detail", pk=organisation.pk)
    return _account_page(
        request,
        "portal/account/business_list.html",
        {
            "memberships": selectors.list_memberships(request.user),
            "form": form,
            "can_create": request.user.assurance_level is not None,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def business_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        membership = selectors.get_membership(request.user, pk)
    except Membership.DoesNotExist:
        raise Http404 from None
    organisation = membership.organisation
    is_representative = membership.role == MembershipRole.LEGAL_REPRESENTATIVE
    form = forms.MemberForm(request.POST if request.POST.get("action") == "add" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add" and form.is_valid():
                services.add_member_by_contact(
                    actor=request.user, organisation=organisation, contact=form.cleaned_data["contact"]
                )
                messages.success(request, _("Đã thêm thành viên."))
                return redirect("portal:account_business_detail", pk=organisation.pk)
            if action in ("remove", "transfer"):
                member = (
                    selectors.list_organisation_members(organisation)
                    .filter(user_id=request.POST.get("user"))
                    .first()
                )
                if member is None:
                    raise Http404
                if action == "remove":
                    services.remove_member(actor=request.user, organisation=organisation, user=member.user)
                    messages.success(request, _("Đã xóa thành viên."))
                else:
                    services.transfer_representation(
                        actor=request.user, organisation=organisation, to_user=member.user
                    )
                    messages.success(request, _("Đã chuyển quyền đại diện theo pháp luật."))
                return redirect("portal:account_business_detail", pk=organisation.pk)
        except AccountError as exc:
            if action == "add":
                form.add_service_error(exc)
            else:
                messages.error(request, exc.message)
                return redirect("portal:account_business_detail", pk=organisation.pk)
    return _account_page(
        request,
        "portal/account/business_detail.html",
        {
            "organisation": organisation,
            "members": selectors.list_organisation_members(organisation),
            "is_representative": is_representative,
            "form": form,
        },
    )


# --- The person's data ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD"])
def data_page(request: HttpRequest) -> HttpResponse:
    return _account_page(
        request,
        "portal/account/data.html",
        {"accesses": selectors.list_data_accesses(request.user)[:100]},
    )


def _optional_export(module: str, function: str, user: User) -> Any:
    """Data from a higher app's selector when that app provides it (skipped otherwise)."""
    try:
        selector = getattr(importlib.import_module(module), function)
    except (ImportError, AttributeError):
        return None
    return list(selector(user=user))


@login_required
@require_POST
def data_download(request: HttpRequest) -> HttpResponse:
    """Everything we hold about the person, as one JSON file (recorded in their access log)."""
    from dichvucong.notifications.selectors import list_notifications

    user = request.user
    with transaction.atomic():
        services.record_data_access(
            subject=user,
            accessed_by=user,
            action=PersonalDataAction.DOWNLOADED,
            what="all",
            reason=_("Chủ tài khoản tải dữ liệu cá nhân"),
        )
    data = selectors.export_account_data(user)
    data["exported_at"] = clock.now()
    data["notifications"] = [
        {"at": n.created_at, "subject": n.subject, "body": n.body, "read_at": n.read_at, "link": n.link}
        for n in list_notifications(user=user)
    ]
    history = _optional_export("dichvucong.security.selectors", "export_login_history", user)
    if history is not None:
        data["login_history"] = history
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="du-lieu-ca-nhan.json"'
    response["Cache-Control"] = "no-store"
    return response
