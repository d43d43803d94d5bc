"""REST v1 for dossiers, mounted by ``dichvucong.api.urls``:

* ``POST /api/v1/dossiers/`` (multipart: ``procedure``, ``agency``, ``form_data`` JSON, files
  ``doc_<RequiredDocument id>``; scope ``dossiers:write``; ``Idempotency-Key`` honoured: the same key
  returns the first dossier with 200, another payload with the key is 409);
* ``GET /api/v1/dossiers/`` the caller's dossiers, ``GET /api/v1/dossiers/{code}/`` one of them
  (owner, organisation member or scoped officer; anyone else gets 404) — scope ``dossiers:read``;
* ``GET /api/v1/lookup/{code}/`` public, masked, throttled (scope ``lookup``); an unknown and a
  malformed code get the same 404 body.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from dichvucong.dossiers import selectors, services
from dichvucong.dossiers.constants import DossierStatus
from dichvucong.dossiers.errors import DossierError, DossierErrorCode
from dichvucong.dossiers.models import Dossier
from dichvucong.identity.authentication import HasScope
from dichvucong.identity.constants import Scope

_HTTP_STATUS = {
    DossierErrorCode.IDEMPOTENCY_CONFLICT: status.HTTP_409_CONFLICT,
    DossierErrorCode.NOT_ALLOWED: status.HTTP_403_FORBIDDEN,
    DossierErrorCode.ASSURANCE_TOO_LOW: status.HTTP_403_FORBIDDEN,
    DossierErrorCode.SCANNER_UNAVAILABLE: status.HTTP_503_SERVICE_UNAVAILABLE,
}


class DossierAPIError(APIException):
    """A ``DossierError`` in the API's error shape; its ``code`` becomes ``error.code``."""

    def __init__(self, error: DossierError) -> None:
        super().__init__(detail=error.message, code=error.code)
        self.status_code = _HTTP_STATUS.get(error.code, status.HTTP_400_BAD_REQUEST)
        self.default_code = error.code


def _not_found() -> NotFound:
    return NotFound(_("Không tìm thấy hồ sơ."))


class DossierDocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    required_document = serializers.IntegerField(source="required_document_id", allow_null=True)
    uploaded_at = serializers.DateTimeField()


class DossierEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    action_label = serializers.CharField(source="get_action_display")
    from_status = serializers.IntegerField(allow_null=True)
    to_status = serializers.IntegerField(allow_null=True)
    note = serializers.CharField()


class DossierSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    code = serializers.CharField(allow_null=True)
    status = serializers.IntegerField(allow_null=True)
    status_label = serializers.SerializerMethodField()
    channel = serializers.IntegerField()
    procedure = serializers.CharField(source="procedure.code")
    procedure_name = serializers.CharField(source="procedure_version.name")
    agency = serializers.CharField(source="agency.code")
    agency_name = serializers.CharField(source="agency.name")
    applicant_name = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    fee_total = serializers.DecimalField(max_digits=14, decimal_places=2)

    @extend_schema_field(OpenApiTypes.STR)
    def get_status_label(self, dossier: Dossier) -> str:
        return str(DossierStatus(dossier.status).label) if dossier.status is not None else _("Bản nháp")


class DossierDetailSerializer(DossierSerializer):
    form_data = serializers.JSONField()
    documents = DossierDocumentSerializer(many=True, source="documents.all")
    history = serializers.SerializerMethodField()

    @extend_schema_field(DossierEventSerializer(many=True))
    def get_history(self, dossier: Dossier) -> list[dict[str, Any]]:
        return DossierEventSerializer(selectors.history(dossier), many=True).data


class PublicStatusSerializer(serializers.Serializer):
    code = serializers.CharField()
    procedure_name = serializers.CharField()
    applicant_name = serializers.CharField()
    status = serializers.IntegerField()
    status_label = serializers.CharField()
    received_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)


_CREATE_REQUEST = inline_serializer(
    name="DossierCreateRequest",
    fields={
        "procedure": serializers.CharField(help_text="Mã thủ tục (procedure code)"),
        "agency": serializers.CharField(help_text="Mã định danh cơ quan tiếp nhận (QCVN 102)"),
        "form_data": serializers.CharField(required=False, help_text="JSON object of the form fields"),
        "doc_<id>": serializers.FileField(required=False, help_text="One file per RequiredDocument id"),
    },
)


def _parse_uploads(request: Request) -> dict[int, Any]:
    uploads: dict[int, Any] = {}
    for key, upload in request.FILES.items():
        if not key.startswith("doc_"):
            raise ValidationError({key: [_("Tên trường tệp phải có dạng doc_<mã giấy tờ>.")]})
        suffix = key[4:]
        if not suffix.isdigit() or len(suffix) > 18:
            raise ValidationError({key: [_("Tên trường tệp phải có dạng doc_<mã giấy tờ>.")]})
        uploads[int(suffix)] = upload
    return uploads


def _parse_form_data(raw: Any) -> dict[str, Any]:
    if raw in (None, ""):
        return {}
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        raise ValidationError({"form_data": [_("Nội dung tờ khai phải là một đối tượng JSON.")]}) from None
    if not isinstance(value, dict):
        raise ValidationError({"form_data": [_("Nội dung tờ khai phải là một đối tượng JSON.")]})
    return value


class DossierListCreateView(APIView):
    """The caller's dossiers (GET, ``?status=`` national code or ``draft``, ``?q=``) and online
    submission in one request (POST)."""

    parser_classes: ClassVar[list[Any]] = [MultiPartParser, FormParser]

    def get_permissions(self) -> list[BasePermission]:
        scope = Scope.DOSSIERS_WRITE if self.request.method == "POST" else Scope.DOSSIERS_READ
        return [HasScope(scope)()]

    @extend_schema(
        parameters=[
            OpenApiParameter("status", OpenApiTypes.STR, description="national status code 1–10 or 'draft'"),
            OpenApiParameter("q", OpenApiTypes.STR),
        ],
        responses=DossierSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        dossiers = selectors.list_my_dossiers(
            request.user, status=request.query_params.get("status"), q=request.query_params.get("q", "")[:100]
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(dossiers, request, view=self)
        return paginator.get_paginated_response(DossierSerializer(page, many=True).data)

    @extend_schema(
        request={"multipart/form-data": _CREATE_REQUEST},
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Same key and same payload → the first dossier (200); other payload → 409",
            )
        ],
        responses={201: DossierDetailSerializer, 200: DossierDetailSerializer},
    )
    def post(self, request: Request) -> Response:
        procedure = str(request.data.get("procedure", "")).strip()
        agency = str(request.data.get("agency", "")).strip()
        missing = {
            name: [_("Trường này là bắt buộc.")]
            for name, value in (("procedure", procedure), ("agency", agency))
            if not value
        }
        if missing:
            raise ValidationError(missing)
        form_data = _parse_form_data(request.data.get("form_data"))
        uploads = _parse_uploads(request)
        try:
            dossier, created = services.create_online_dossier(
                user=request.user,
                procedure_code=procedure[:32],
                agency_code=agency[:32],
                form_data=form_data,
                uploads=uploads,
                idempotency_key=request.headers.get("Idempotency-Key", ""),
            )
        except DossierError as exc:
            raise DossierAPIError(exc) from exc
        dossier = selectors.get_dossier_for_user(request.user, dossier.pk)
        return Response(
            DossierDetailSerializer(dossier).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class DossierDetailView(APIView):
    """One dossier by code (or id for a draft) with its documents and history."""

    permission_classes: ClassVar[list[Any]] = [HasScope(Scope.DOSSIERS_READ)]

    @extend_schema(responses=DossierDetailSerializer)
    def get(self, request: Request, code: str) -> Response:
        dossier = selectors.get_dossier_for_user(request.user, code[:40])
        if dossier is None:
            raise _not_found()
        return Response(DossierDetailSerializer(dossier).data)


class LookupThrottle(AnonRateThrottle):
    scope = "lookup"


class LookupView(APIView):
    """Public look-up by dossier code: status and dates with a masked name, nothing else."""

    permission_classes: ClassVar[list[Any]] = [AllowAny]
    authentication_classes: ClassVar[list[Any]] = []
    throttle_classes: ClassVar[list[Any]] = [LookupThrottle]

    @extend_schema(responses=PublicStatusSerializer)
    def get(self, request: Request, code: str) -> Response:
        found = selectors.lookup_public(code[:40])
        if found is None:
            raise _not_found()
        return Response(PublicStatusSerializer(found).data)
