"""REST v1 for the evaluation: the questionnaire in force (kiosk apps, mobile apps, integrations).
Mounted by ``dichvucong.api.urls`` at ``/api/v1/evaluation-criteria/``. Public and read-only; texts
follow the request's language, both languages are always included."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dichvucong.evaluations.constants import MAX_SCORE
from dichvucong.evaluations.selectors import get_questionnaire_in_force


class AnswerOptionSerializer(serializers.Serializer):
    value = serializers.IntegerField()
    label = serializers.CharField(source="display_label")
    label_vi = serializers.CharField(source="label")
    label_en = serializers.CharField()


class QuestionSerializer(serializers.Serializer):
    index_key = serializers.CharField()
    position = serializers.IntegerField()
    text = serializers.CharField(source="display_text")
    text_vi = serializers.CharField(source="text")
    text_en = serializers.CharField()
    kind = serializers.CharField()
    basis = serializers.CharField()
    scale = serializers.CharField()
    options = AnswerOptionSerializer(many=True)


class QuestionnaireSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    title = serializers.CharField(source="display_title")
    published_at = serializers.DateTimeField()
    max_score = serializers.SerializerMethodField()
    questions = QuestionSerializer(many=True)

    def get_max_score(self, obj: Any) -> int:
        return MAX_SCORE


class EvaluationCriteriaView(APIView):
    """The questionnaire in force: the 9 indices (Decree 61 Art. 31) and the citizen questions."""

    permission_classes: ClassVar[list[Any]] = [AllowAny]
    authentication_classes: ClassVar[list[Any]] = []

    @extend_schema(responses=QuestionnaireSerializer)
    def get(self, request: Request) -> Response:
        questionnaire = get_questionnaire_in_force()
        if questionnaire is None:
            raise NotFound(_("Chưa có bộ tiêu chí đánh giá đang áp dụng."))
        return Response(QuestionnaireSerializer(questionnaire).data)
