"""REST v1 for the procedure catalog: search with facets, one procedure in full, fields, life events.

Public and read-only. Mounted by ``dichvucong.api.urls`` under ``/api/v1/``. Invalid filter values
answer 400 in the project's error shape (``dichvucong.api.exceptions``) with a translated message.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dichvucong.procedures.constants import Audience, CatalogScope, Level, OnlineLevel, VersionStatus
from dichvucong.procedures.models import Field, LifeEvent, ProcedureAgency, ProcedureVersion
from dichvucong.procedures.search import MAX_QUERY_LENGTH, SearchResult, search_procedures

PAGE_SIZE = 20
MAX_PAGE = 500


def _levels(version: ProcedureVersion) -> list[str]:
    flags = (
        (Level.CENTRAL, version.level_central),
        (Level.CITY, version.level_city),
        (Level.WARD, version.level_ward),
    )
    return [str(level) for level, flag in flags if flag]


def _url(request: Request, code: str) -> str:
    return request.build_absolute_uri(f"/api/v1/procedures/{code}/")


class ProcedureSummarySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    field = serializers.DictField(child=serializers.CharField())
    levels = serializers.ListField(child=serializers.CharField())
    online_level = serializers.CharField()
    scope = serializers.CharField()
    score = serializers.FloatField()
    url = serializers.URLField()


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class SearchQuerySerializer(serializers.Serializer):
    """The query string of ``GET /api/v1/procedures/``; values checked against the vocabularies."""

    q = serializers.CharField(required=False, allow_blank=True, trim_whitespace=True, default="")
    field = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")
    agency = serializers.CharField(required=False, allow_blank=True, max_length=64, default="")
    level = serializers.CharField(required=False, allow_blank=True, default="")
    audience = serializers.CharField(required=False, allow_blank=True, default="")
    online_level = serializers.CharField(required=False, allow_blank=True, default="")
    scope = serializers.CharField(required=False, allow_blank=True, default="")
    page = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PAGE, default=1)

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        # Unknown characters never reach the database; an over-long query is cut, not refused.
        if hasattr(data, "dict"):
            data = data.dict()
        data = {key: value for key, value in dict(data).items() if isinstance(value, str)}
        if "q" in data:
            data["q"] = data["q"][: MAX_QUERY_LENGTH * 2]
        return super().to_internal_value(data)

    def _choice(self, value: str, choices: type, label: str) -> str:
        if value and value not in choices.values:
            raise serializers.ValidationError(
                _("%(label)s “%(value)s” không hợp lệ.") % {"label": label, "value": value[:40]}
            )
        return value

    def validate_level(self, value: str) -> str:
        return self._choice(value, Level, _("Cấp thực hiện"))

    def validate_audience(self, value: str) -> str:
        return self._choice(value, Audience, _("Đối tượng"))

    def validate_online_level(self, value: str) -> str:
        return self._choice(value, OnlineLevel, _("Mức độ dịch vụ công trực tuyến"))

    def validate_scope(self, value: str) -> str:
        return self._choice(value, CatalogScope, _("Phạm vi"))

    def validate_field(self, value: str) -> str:
        if value and not Field.objects.filter(code=value).exists():
            raise serializers.ValidationError(
                _("Lĩnh vực “%(value)s” không tồn tại.") % {"value": value[:40]}
            )
        return value


def _summary(request: Request, version: ProcedureVersion, score: float) -> dict[str, Any]:
    return {
        "code": version.procedure.code,
        "name": version.name,
        "name_en": version.name_en,
        "field": {"code": version.field.code, "name": version.field.name},
        "levels": _levels(version),
        "online_level": version.online_level,
        "scope": version.procedure.scope,
        "score": score,
        "url": _url(request, version.procedure.code),
    }


def _facets(result: SearchResult) -> dict[str, list[dict[str, Any]]]:
    return {
        name: [{"value": v.value, "label": v.label, "count": v.count} for v in values]
        for name, values in result.facets.items()
    }


_SEARCH_PARAMETERS = [
    OpenApiParameter(
        "q", OpenApiTypes.STR, description="Từ khóa, mã thủ tục, tiếng Việt có/không dấu hoặc tiếng Anh"
    ),
    OpenApiParameter("field", OpenApiTypes.STR, description="Mã lĩnh vực (GET /api/v1/fields/)"),
    OpenApiParameter("agency", OpenApiTypes.STR, description="Mã cơ quan thực hiện"),
    OpenApiParameter("level", OpenApiTypes.STR, enum=Level.values),
    OpenApiParameter("audience", OpenApiTypes.STR, enum=Audience.values),
    OpenApiParameter("online_level", OpenApiTypes.STR, enum=OnlineLevel.values),
    OpenApiParameter("scope", OpenApiTypes.STR, enum=CatalogScope.values),
    OpenApiParameter("page", OpenApiTypes.INT),
]


class ProcedureSearchView(APIView):
    """Search the published catalog: best first, with facet counts over the filtered result set."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="procedures_search",
        parameters=_SEARCH_PARAMETERS,
        responses=inline_serializer(
            "ProcedureSearchResponse",
            fields={
                "count": serializers.IntegerField(),
                "page": serializers.IntegerField(),
                "interpretation": serializers.CharField(allow_null=True),
                "results": ProcedureSummarySerializer(many=True),
                "facets": serializers.DictField(child=FacetValueSerializer(many=True)),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        params = SearchQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        page = data["page"]
        result = search_procedures(
            data["q"],
            field=data["field"] or None,
            agency=data["agency"] or None,
            level=data["level"] or None,
            audience=data["audience"] or None,
            online_level=data["online_level"] or None,
            scope=data["scope"] or None,
            limit=PAGE_SIZE,
            offset=(page - 1) * PAGE_SIZE,
        )
        return Response(
            {
                "count": result.total,
                "page": page,
                "interpretation": result.interpretation,
                "results": [_summary(request, hit.version, hit.score) for hit in result.hits],
                "facets": _facets(result),
            }
        )


class OptionSerializer(serializers.Serializer):
    channel = serializers.CharField()
    duration = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    duration_unit = serializers.CharField()
    description = serializers.CharField()


class FeeSerializer(serializers.Serializer):
    name = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    currency = serializers.CharField()
    description = serializers.CharField()
    channel = serializers.CharField(source="option.channel", default=None)


class DocumentSerializer(serializers.Serializer):
    case = serializers.CharField()
    name = serializers.CharField()
    originals = serializers.IntegerField()
    copies = serializers.IntegerField()
    quantity_text = serializers.CharField()
    template_name = serializers.CharField()
    template_url = serializers.CharField()
    is_required = serializers.BooleanField()


class LocalVariantSerializer(serializers.Serializer):
    local_code = serializers.CharField()
    agency_code = serializers.CharField(source="agency.code")
    agency_name = serializers.CharField(source="agency.name")


class ProcedureDetailSerializer(serializers.Serializer):
    code = serializers.CharField(source="procedure.code")
    version = serializers.IntegerField(source="number")
    name = serializers.CharField()
    name_en = serializers.CharField()
    field = serializers.SerializerMethodField()
    levels = serializers.SerializerMethodField()
    scope = serializers.CharField(source="procedure.scope")
    national_url = serializers.CharField(source="procedure.national_url")
    for_citizens = serializers.BooleanField()
    for_businesses = serializers.BooleanField()
    audience_text = serializers.CharField()
    online_level = serializers.CharField()
    decision_number = serializers.CharField()
    procedure_type = serializers.CharField()
    competent_authority = serializers.CharField()
    implementing_agency_text = serializers.CharField()
    receiving_address = serializers.CharField()
    steps = serializers.JSONField()
    conditions = serializers.CharField()
    legal_basis = serializers.JSONField()
    results = serializers.JSONField()
    fee_exemptions = serializers.CharField()
    options = OptionSerializer(many=True)
    fees = FeeSerializer(many=True)
    documents = DocumentSerializer(many=True)
    local_variants = LocalVariantSerializer(many=True, source="procedure.local_variants.all")
    published_at = serializers.DateTimeField()

    def get_field(self, version: ProcedureVersion) -> dict[str, str]:
        return {"code": version.field.code, "name": version.field.name, "name_en": version.field.name_en}

    def get_levels(self, version: ProcedureVersion) -> list[str]:
        return _levels(version)


class ProcedureDetailView(generics.RetrieveAPIView):
    """The published version of one procedure, in full."""

    serializer_class = ProcedureDetailSerializer
    permission_classes = [AllowAny]
    lookup_field = "procedure__code"
    lookup_url_kwarg = "code"

    def get_queryset(self) -> QuerySet[ProcedureVersion]:
        return (
            ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED)
            .select_related("procedure", "field")
            .prefetch_related(
                "options",
                "fees__option",
                "documents",
                Prefetch(
                    "procedure__local_variants",
                    queryset=ProcedureAgency.objects.filter(is_active=True).select_related("agency"),
                ),
            )
        )

    def get_object(self) -> ProcedureVersion:
        code = str(self.kwargs.get("code", ""))[:64]
        version = self.get_queryset().filter(procedure__code=code).first()
        if version is None:
            raise NotFound(_("Không tìm thấy thủ tục."))
        return version


class FieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = Field
        fields = ["code", "name", "name_en"]


class FieldListView(generics.ListAPIView):
    """Fields of administration (lĩnh vực), the values of the ``field`` filter."""

    serializer_class = FieldSerializer
    permission_classes = [AllowAny]
    pagination_class = None
    queryset = Field.objects.order_by("name")


class LifeEventSerializer(serializers.ModelSerializer):
    procedures = serializers.SerializerMethodField()

    class Meta:
        model = LifeEvent
        fields = ["slug", "name", "name_en", "description", "description_en", "audience", "procedures"]

    def get_procedures(self, event: LifeEvent) -> list[str]:
        return sorted(procedure.code for procedure in event.procedures.all())


class LifeEventListView(generics.ListAPIView):
    """Life events and the codes of the procedures each one groups."""

    serializer_class = LifeEventSerializer
    permission_classes = [AllowAny]
    pagination_class = None

    def get_queryset(self) -> QuerySet[LifeEvent]:
        return LifeEvent.objects.prefetch_related("procedures").order_by("position", "name")
