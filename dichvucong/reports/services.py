"""Writes of the statistics: background exports of Biểu 06 and monthly report subscriptions.

A long export is an ``ExportJob`` run by a Celery task after the request commits (status, progress,
the file in the default storage); only the officer who asked may download it. The monthly beat task
makes, for every active ``ReportSubscription``, one job for the previous calendar month (a unique
constraint keeps it to one per month however often it runs) and notifies the officer with a link to
the file through ``notifications.notify`` (the outbox sends the e-mail). The figures are always read
with the officer's data scope as it is when the file is made.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from dichvucong.accounts.constants import Role
from dichvucong.accounts.models import User
from dichvucong.agencies.models import Agency
from dichvucong.agencies.scopes import get_data_scope
from dichvucong.core import clock
from dichvucong.core.audit import record_audit
from dichvucong.notifications.services import notify
from dichvucong.procedures.models import Field
from dichvucong.reports.constants import ExportFormat, ExportStatus, GroupBy, OfficerGroupBy
from dichvucong.reports.errors import ReportError, ReportErrorCode
from dichvucong.reports.exports import export, export_filename
from dichvucong.reports.models import ExportJob, ReportSubscription
from dichvucong.reports.officers import OfficerReport, get_officer_report
from dichvucong.reports.selectors import Form06, ReportScope, check_period, get_form06

# The roles whose data scope a report is read with (as the back-office report pages).
REPORT_ROLES = (Role.UNIT_HEAD, Role.AGENCY_LEADER, Role.CITY_ADMIN, Role.AUDITOR)


def _check_kind(kind: str) -> None:
    if kind not in ExportFormat.values:
        raise ReportError(_("Định dạng tệp không được hỗ trợ."), code=ReportErrorCode.INVALID_FORMAT)


def _check_allowed(user: User, agency: Agency | None) -> None:
    scope = get_data_scope(user)
    allowed = scope.has_role(*REPORT_ROLES) and (
        agency is None or scope.allows(agency_id=agency.pk, roles=REPORT_ROLES)
    )
    if not allowed:
        raise ReportError(_("Bạn không có quyền xem báo cáo này."), code=ReportErrorCode.NOT_ALLOWED)


@transaction.atomic
def request_export(
    *,
    user: User,
    kind: str,
    period_from: date,
    period_to: date,
    unit: str,
    agency: Agency | None = None,
    field: Field | None = None,
    group_by: str | None = None,
) -> ExportJob:
    """Queue Biểu 06 (or, grouped by officer or title, the officer measures) as a ``kind`` file for
    ``user``; the task starts when the request commits."""
    _check_kind(kind)
    check_period(period_from, period_to)
    _check_allowed(user, agency)
    job = ExportJob.objects.create(
        requested_by=user,
        kind=kind,
        period_from=period_from,
        period_to=period_to,
        agency=agency,
        field_code=field.code if field is not None else "",
        group_by=group_by or "",
        unit=unit[:300],
        created_at=clock.now(),
    )
    record_audit(actor=user, action="reports.export_requested", target=job, after={"kind": kind})
    _enqueue(job.pk)
    return job


def _enqueue(job_id: int) -> None:
    from dichvucong.reports.tasks import run_export_task

    transaction.on_commit(lambda: run_export_task.apply_async(args=[job_id]), robust=True)


def _set(job: ExportJob, **values: object) -> None:
    for name, value in values.items():
        setattr(job, name, value)
    ExportJob.objects.filter(pk=job.pk).update(**values)


def run_export(*, job_id: int) -> ExportJob:
    """Make the job's file (idempotent: a finished job is left as it is). Each step is committed so
    the progress bar moves; a refused report ends the job as failed with the reason."""
    job = ExportJob.objects.select_related("requested_by", "agency").get(pk=job_id)
    if job.status == ExportStatus.DONE:
        return job
    _set(job, status=ExportStatus.RUNNING, progress=10, error="")
    try:
        _check_allowed(job.requested_by, job.agency)
        field = Field.objects.filter(code=job.field_code).first() if job.field_code else None
        scope = ReportScope(
            agency=job.agency, field=field, data_scope=get_data_scope(job.requested_by), roles=REPORT_ROLES
        )
        report: Form06 | OfficerReport
        if job.group_by in OfficerGroupBy.values:
            report = get_officer_report(
                period_from=job.period_from, period_to=job.period_to, scope=scope, group_by=job.group_by
            )
        else:
            report = get_form06(
                period_from=job.period_from,
                period_to=job.period_to,
                scope=scope,
                group_by=job.group_by or None,
            )
        _set(job, progress=50)
        content = export(report, unit=job.unit, kind=job.kind)
        _set(job, progress=90)
    except ReportError as exc:
        _set(job, status=ExportStatus.FAILED, error=exc.message, finished_at=clock.now())
        return job
    name = export_filename(job.group_by, job.period_from, job.period_to, job.kind)
    with transaction.atomic():
        job.file.save(name, ContentFile(content), save=False)
        _set(job, file=job.file.name, status=ExportStatus.DONE, progress=100, finished_at=clock.now())
    return job


@transaction.atomic
def subscribe_report(
    *, user: User, kind: str = ExportFormat.XLSX, agency: Agency | None = None, group_by: str = GroupBy.FIELD
) -> ReportSubscription:
    """Send ``user`` the previous month's Biểu 06 every month (``agency``: that subtree only)."""
    _check_kind(kind)
    _check_allowed(user, agency)
    subscription = ReportSubscription.objects.create(user=user, kind=kind, agency=agency, group_by=group_by)
    record_audit(actor=user, action="reports.subscribed", target=subscription, after={"kind": kind})
    return subscription


@transaction.atomic
def cancel_subscription(*, subscription: ReportSubscription, user: User) -> None:
    """Stop the monthly report (the files already made stay downloadable)."""
    ReportSubscription.objects.filter(pk=subscription.pk).update(is_active=False)
    subscription.is_active = False
    record_audit(actor=user, action="reports.unsubscribed", target=subscription)


def previous_month(on: date) -> tuple[date, date]:
    last = on.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def _unit(subscription: ReportSubscription) -> str:
    if subscription.agency is not None:
        return subscription.agency.name
    if get_data_scope(subscription.user).agency_ids_for(*REPORT_ROLES) is None:
        return _("Toàn Thành phố")
    return _("Các cơ quan thuộc phạm vi dữ liệu của tài khoản")


def send_monthly_reports(*, on: date) -> int:
    """For each active subscription, make the previous month's file once and notify its owner once.
    Returns how many reports were sent now (0 when this month's were already sent)."""
    period_from, period_to = previous_month(on)
    sent = 0
    subscriptions = ReportSubscription.objects.filter(is_active=True, user__is_active=True).select_related(
        "user", "agency"
    )
    for subscription in subscriptions:
        job = ExportJob.objects.filter(subscription=subscription, period_from=period_from).first()
        if job is not None and job.status == ExportStatus.DONE:
            continue  # made (and notified) by an earlier run
        if job is None:
            try:
                with transaction.atomic():
                    job = ExportJob.objects.create(
                        requested_by=subscription.user,
                        subscription=subscription,
                        kind=subscription.kind,
                        period_from=period_from,
                        period_to=period_to,
                        agency=subscription.agency,
                        group_by=subscription.group_by,
                        unit=_unit(subscription)[:300],
                        created_at=clock.now(),
                    )
            except IntegrityError:  # a concurrent run made it
                continue
        job = run_export(job_id=job.pk)
        if job.status != ExportStatus.DONE:
            continue
        with transaction.atomic():
            notify(
                recipient=subscription.user,
                template="reports.monthly_report",
                context={"month": f"{period_from:%m/%Y}", "unit": job.unit},
                link=reverse("backoffice:report_job_download", args=[job.pk]),
                idempotency_key=f"reports.monthly:{subscription.pk}:{period_from:%Y-%m}",
            )
        sent += 1
    return sent
