"""``GET /api/v1/statistics/``: published Decree 61 figures (Biểu 06), mounted by ``dichvucong.api.urls``.

Public: the figures are aggregate counts with no personal data, for the whole city or any agency's
subtree. Bad parameters get 400 with a translated message and a ``ReportErrorCode``.

``group_by=officer`` and ``group_by=title`` return the officer measures instead (``reports.officers``):
what each named officer, or each title (chức danh), did in the period. They name public servants and
measure their work, so they are not public: only a signed-in officer (back-office session, verified
with the second factor) holding a report role gets them, within their data scope; anyone else gets
403 ``not_allowed``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import APIException
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from dichvucong.accounts.constants import UserKind
from dichvucong.agencies.scopes import get_data_scope
from dichvucong.core import clock
from dichvucong.reports.constants import OFFICER_COLUMNS, GroupBy, OfficerGroupBy, PeriodKind
from dichvucong.reports.errors import ReportError, ReportErrorCode
from dichvucong.reports.officers import OFFICER_REPORT_ROLES, OfficerRow, get_officer_report
from dichvucong.reports.periods import period_bounds
from dichvucong.reports.selectors import (
    FORM06_COLUMNS,
    Form06Row,
    ReportScope,
    find_agency,
    find_field,
    get_form06,
    parse_day,
)


class ReportAPIError(APIException):
    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, error: ReportError) -> None:
        super().__init__(detail=error.message, code=error.code)
        self.default_code = error.code


class ReportForbidden(ReportAPIError):
    status_code = status.HTTP_403_FORBIDDEN


class StatisticsThrottle(AnonRateThrottle):
    scope = "statistics"
    rate = "120/minute"


def _figure_fields() -> dict[str, Any]:
    fields: dict[str, Any] = {column: serializers.IntegerField() for column in FORM06_COLUMNS}
    fields["on_time_rate"] = serializers.FloatField(
        allow_null=True, help_text="% of resolved dossiers resolved early or on time"
    )
    return fields


_ROW = inline_serializer(
    "StatisticsRow",
    fields={
        "code": serializers.CharField(help_text="field, agency or procedure code; level; channel number"),
        "label": serializers.CharField(),
        **_figure_fields(),
    },
    many=True,
)


def _row(row: Form06Row) -> dict[str, Any]:
    return {"code": row.code, "label": row.label, **row.figures, "on_time_rate": row.on_time_rate}


def _officer_figure_fields() -> dict[str, Any]:
    fields: dict[str, Any] = {column: serializers.IntegerField() for column, _title in OFFICER_COLUMNS}
    fields["on_time_rate"] = serializers.FloatField(
        allow_null=True, help_text="% of the dossiers this row resolved that were resolved early or on time"
    )
    return fields


def _officer_row(row: OfficerRow) -> dict[str, Any]:
    return {
        "code": row.code,
        "label": row.label,
        "agency": row.agency,
        **row.figures,
        "on_time_rate": row.on_time_rate,
    }


_FORM06_RESPONSE = inline_serializer(
    "StatisticsResponse",
    fields={
        "from": serializers.DateField(),
        "to": serializers.DateField(),
        "agency": serializers.CharField(allow_null=True),
        "field": serializers.CharField(allow_null=True),
        "group_by": serializers.CharField(allow_null=True),
        "total": inline_serializer("StatisticsTotal", fields=_figure_fields()),
        "rows": _ROW,
    },
)
_OFFICER_RESPONSE = inline_serializer(
    "OfficerStatisticsResponse",
    fields={
        "from": serializers.DateField(),
        "to": serializers.DateField(),
        "agency": serializers.CharField(allow_null=True),
        "field": serializers.CharField(allow_null=True),
        "group_by": serializers.ChoiceField(choices=OfficerGroupBy.values),
        "total": inline_serializer("OfficerStatisticsTotal", fields=_officer_figure_fields()),
        "rows": inline_serializer(
            "OfficerStatisticsRow",
            fields={
                "code": serializers.CharField(help_text="officer: the officer's id; title: the role value"),
                "label": serializers.CharField(help_text="officer: full name; title: the role's name"),
                "agency": serializers.CharField(help_text="officer: the agency acted for; title: empty"),
                **_officer_figure_fields(),
            },
            many=True,
        ),
    },
)


def _check_officer_access(request: Request) -> Any:
    """The caller's data scope, when they may read officer measures; else ``ReportForbidden``."""
    user = request.user
    scope = get_data_scope(user) if user.is_authenticated else None
    allowed = (
        scope is not None
        and getattr(user, "kind", None) == UserKind.OFFICER
        and getattr(user, "is_verified", lambda: False)()
        and scope.has_role(*OFFICER_REPORT_ROLES)
    )
    if not allowed:
        raise ReportForbidden(
            ReportError(
                _("Số liệu theo cán bộ, chức danh chỉ dành cho cán bộ đã đăng nhập có quyền xem báo cáo."),
                code=ReportErrorCode.NOT_ALLOWED,
            )
        )
    return scope


class StatisticsView(APIView):
    """Biểu số 06/VPCP/KSTT for a period: received (online / direct + postal / carried over), resolved
    (early / on time / late), pending at the end (within / overdue), withdrawn, refused, waiting for a
    supplement, returned — for the city or an agency subtree, optionally one field, grouped."""

    permission_classes: ClassVar[list[Any]] = [AllowAny]
    # Sessions only, for the officer groupings; a bearer token is ignored (the public figures need none).
    authentication_classes: ClassVar[list[Any]] = [SessionAuthentication]
    throttle_classes: ClassVar[list[Any]] = [StatisticsThrottle]

    @extend_schema(
        operation_id="statistics_form06",
        parameters=[
            OpenApiParameter(
                "from", OpenApiTypes.DATE, description="first day (inclusive); with period=custom"
            ),
            OpenApiParameter("to", OpenApiTypes.DATE, description="last day (inclusive); with period=custom"),
            OpenApiParameter(
                "period",
                OpenApiTypes.STR,
                enum=PeriodKind.values,
                description="instead of from/to: the period of this kind containing `on` (default today); "
                "legal_* are the reporting periods from the 15th to the 14th",
            ),
            OpenApiParameter("on", OpenApiTypes.DATE, description="a day in the period (with period)"),
            OpenApiParameter("agency", OpenApiTypes.STR, description="agency code: its whole subtree"),
            OpenApiParameter("field", OpenApiTypes.STR, description="field (lĩnh vực) code"),
            OpenApiParameter(
                "group_by",
                OpenApiTypes.STR,
                enum=[*GroupBy.values, *OfficerGroupBy.values],
                description="officer, title: the officer measures (received, resolved early / on time / "
                "late, refused, supplement requested, returned, stopped, steps of work) per officer or "
                "per title instead of Biểu 06; only for a signed-in officer with a report role "
                "(back-office session), within their data scope, else 403",
            ),
        ],
        responses={
            200: PolymorphicProxySerializer(
                component_name="StatisticsOrOfficerStatistics",
                serializers=[_FORM06_RESPONSE, _OFFICER_RESPONSE],
                resource_type_field_name=None,
            ),
            400: OpenApiTypes.OBJECT,
            403: OpenApiTypes.OBJECT,
        },
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        try:
            period = params.get("period") or PeriodKind.CUSTOM
            if period == PeriodKind.CUSTOM:
                period_from = parse_day(params.get("from"), label=_("từ ngày"))
                period_to = parse_day(params.get("to"), label=_("đến ngày"))
            else:
                on = parse_day(params["on"], label=_("ngày")) if params.get("on") else None
                period_from, period_to = period_bounds(period, on or timezone.localdate(clock.now()))
            agency = find_agency(params["agency"]) if params.get("agency") else None
            field = find_field(params["field"]) if params.get("field") else None
            group_by = params.get("group_by") or None
            if group_by in OfficerGroupBy.values:
                return self._officers(request, period_from, period_to, agency, field, group_by)
            if group_by is not None and group_by not in GroupBy.values:
                raise ReportError(_("Cách nhóm số liệu không hợp lệ."), code=ReportErrorCode.INVALID_GROUP)
            report = get_form06(
                period_from=period_from,
                period_to=period_to,
                scope=ReportScope(agency=agency, field=field),
                group_by=group_by,
            )
        except ReportError as exc:
            raise ReportAPIError(exc) from exc
        assert report.total is not None
        total = _row(report.total)
        del total["code"], total["label"]
        return Response(
            {
                "from": period_from.isoformat(),
                "to": period_to.isoformat(),
                "agency": agency.code if agency is not None else None,
                "field": field.code if field is not None else None,
                "group_by": group_by,
                "total": total,
                "rows": [_row(row) for row in report.rows],
            }
        )

    def _officers(
        self,
        request: Request,
        period_from: Any,
        period_to: Any,
        agency: Any,
        field: Any,
        group_by: str,
    ) -> Response:
        """The officer measures (``group_by`` officer or title) for a report-role officer's scope."""
        scope = _check_officer_access(request)
        report = get_officer_report(
            period_from=period_from,
            period_to=period_to,
            scope=ReportScope(agency=agency, field=field, data_scope=scope, roles=OFFICER_REPORT_ROLES),
            group_by=group_by,
        )
        assert report.total is not None
        total = _officer_row(report.total)
        del total["code"], total["label"], total["agency"]
        return Response(
            {
                "from": period_from.isoformat(),
                "to": period_to.isoformat(),
                "agency": agency.code if agency is not None else None,
                "field": field.code if field is not None else None,
                "group_by": group_by,
                "total": total,
                "rows": [_officer_row(row) for row in report.rows],
            }
        )
