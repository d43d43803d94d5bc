"""REST v1 for the organisation tree: the public list of agencies in force (portal filters, kiosks,
integrations). Mounted by ``dichvucong.api.urls`` at ``/api/v1/agencies/``."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from dichvucong.agencies.constants import AgencyKind
from dichvucong.agencies.models import Agency
from dichvucong.agencies.selectors import list_active_agencies
from dichvucong.core.text import fold


class AgencySerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", default=None, read_only=True)

    class Meta:
        model = Agency
        fields = ["code", "name", "name_en", "kind", "parent_code", "nso_unit_code"]


class AgencyListView(generics.ListAPIView):
    """Agencies in force today. ``?kind=ward`` filters by kind; ``?q=ben thanh`` matches the name or
    code, ignoring diacritics."""

    serializer_class = AgencySerializer
    permission_classes = [AllowAny]

    def get_queryset(self) -> QuerySet[Agency]:
        agencies = list_active_agencies().select_related("parent").order_by("path")
        kind = self.request.query_params.get("kind")
        if kind:
            if kind not in AgencyKind.values:
                raise serializers.ValidationError(
                    {"kind": [_("loại cơ quan “%(kind)s” không hợp lệ.") % {"kind": kind[:40]}]}
                )
            agencies = agencies.filter(kind=kind)
        query = self.request.query_params.get("q", "").strip()[:100]
        if query:
            agencies = agencies.filter(Q(search_name__contains=fold(query)) | Q(code__startswith=query))
        return agencies
