"""``POST /api/v1/assistant/``: the assistant as JSON (the chat page's JavaScript and integrations).

Request ``{"question": "…", "ward": "000.50.68.H29"?, "language": "vi"|"en"?}``; answer
``{"answer", "language", "procedures": [{code, name, url, fee, time, documents, where}], "faqs":
[{id, question, answer, url}], "follow_up": str|null}``. Errors use the API's one shape with a
translated message (400 for an empty or too long question).
"""

from __future__ import annotations

from typing import Any

from django.utils import translation
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dichvucong.agencies.models import Agency
from dichvucong.procedures.assistant import AssistantError, answer_question


def resolve_ward(code: Any) -> Agency | None:
    """The agency with QCVN code ``code`` (the person's ward), or None."""
    if not isinstance(code, str) or not code.strip() or len(code) > 20:
        return None
    return Agency.objects.filter(code=code.strip()).first()


def _error(message: str, *, field: str = "question") -> Response:
    return Response(
        {"error": {"code": "invalid", "message": message, "fields": {field: [message]}}},
        status=status.HTTP_400_BAD_REQUEST,
    )


_PROCEDURE = inline_serializer(
    "AssistantProcedure",
    {
        "code": serializers.CharField(),
        "name": serializers.CharField(),
        "url": serializers.CharField(),
        "fee": serializers.CharField(),
        "time": serializers.CharField(),
        "documents": serializers.ListField(child=serializers.CharField()),
        "where": serializers.CharField(),
    },
    many=True,
)
_FAQ = inline_serializer(
    "AssistantFaq",
    {
        "id": serializers.IntegerField(),
        "question": serializers.CharField(),
        "answer": serializers.CharField(),
        "url": serializers.CharField(),
    },
    many=True,
)


class AssistantView(APIView):
    """Answers a question about procedures from the city's catalog and FAQ, citing the records."""

    permission_classes = [AllowAny]

    @extend_schema(
        request=inline_serializer(
            "AssistantQuestion",
            {
                "question": serializers.CharField(max_length=500),
                "ward": serializers.CharField(required=False),
                "language": serializers.ChoiceField(choices=["vi", "en"], required=False),
            },
        ),
        responses=inline_serializer(
            "AssistantAnswer",
            {
                "answer": serializers.CharField(),
                "language": serializers.CharField(),
                "procedures": _PROCEDURE,
                "faqs": _FAQ,
                "follow_up": serializers.CharField(allow_null=True),
            },
        ),
    )
    def post(self, request: Request) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        language = data.get("language")
        language = language if language in ("vi", "en") else None
        with translation.override(language or translation.get_language()):
            try:
                answer = answer_question(
                    data.get("question"), ward=resolve_ward(data.get("ward")), language=language
                )
            except AssistantError as exc:
                return _error(exc.message)
        return Response(answer.as_dict())
