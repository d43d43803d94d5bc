"""REST v1 ``GET /api/v1/me/``: the caller's own profile — scope ``profile:read`` for bearer tokens."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dichvucong.identity.authentication import HasScope
from dichvucong.identity.constants import Scope
from dichvucong.identity.oidc import assurance_level_of


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    email = serializers.EmailField(allow_blank=True)
    kind = serializers.CharField()
    preferred_language = serializers.CharField()
    assurance_level = serializers.IntegerField()


class MeView(APIView):
    permission_classes = [HasScope(Scope.PROFILE_READ)]

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        user: Any = request.user
        data = {
            "username": user.get_username(),
            "full_name": getattr(user, "full_name", ""),
            "email": user.email,
            "kind": getattr(user, "kind", ""),
            "preferred_language": getattr(user, "preferred_language", "vi"),
            "assurance_level": assurance_level_of(user),
        }
        return Response(MeSerializer(data).data)
