"""GET /api/v1/evaluation-criteria/: the questionnaire in force."""

from __future__ import annotations

import pytest
from django.test import Client

from dichvucong.evaluations.models import Questionnaire

pytestmark = pytest.mark.django_db


def test_the_criteria_in_force_list_the_nine_indices_and_citizen_questions() -> None:
    """Given the seeded questionnaire, when the API is read, then it returns version 1 with eleven
    questions, their kinds and 2/1/0 options, out of 18 points."""
    data = Client().get("/api/v1/evaluation-criteria/").json()
    assert data["version"] == 1 and data["max_score"] == 18
    assert [q["index_key"] for q in data["questions"]][:2] == ["idx1", "idx2"]
    overall = data["questions"][-1]
    assert overall["kind"] == "citizen" and [o["value"] for o in overall["options"]] == [2, 1, 0]
    assert overall["options"][0]["label_vi"] == "Rất hài lòng"


def test_the_criteria_follow_the_language() -> None:
    """Given English asked, when the API is read, then the texts are English."""
    client = Client()
    client.cookies["dvc_language"] = "en"
    data = client.get("/api/v1/evaluation-criteria/").json()
    assert data["questions"][-1]["text"] == "Overall satisfaction with the service"


def test_without_a_questionnaire_the_answer_is_404_in_the_error_shape() -> None:
    """Given no questionnaire in force, when the API is read, then 404 with the project's error shape."""
    Questionnaire.objects.all().delete()
    response = Client().get("/api/v1/evaluation-criteria/")
    assert response.status_code == 404 and "error" in response.json()
