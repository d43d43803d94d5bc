"""The assistant page: a chat that works as a plain form post, keeping the conversation in the session."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from dichvucong.procedures.tests.factories import make_field, make_procedure

pytestmark = pytest.mark.django_db


@pytest.fixture
def birth():
    return make_procedure(code="1.001193", name="Đăng ký khai sinh", field=make_field("ho-tich"))


def test_form_post_answers_and_rerenders_the_conversation(birth):
    """Given the assistant page without JavaScript, when two questions are posted, then both turns are
    shown with the cited procedure linked."""
    client = Client()
    response = client.post(reverse("portal:assistant"), {"question": "đăng ký khai sinh"}, follow=True)
    client.post(reverse("portal:assistant"), {"question": "Làm sao để đăng ký khai sinh?"})
    html = client.get(reverse("portal:assistant")).content.decode()
    assert response.status_code == 200
    assert html.count('class="chat__turn"') == 2
    assert 'href="/thu-tuc/1.001193/"' in html and "Thủ tục phù hợp nhất là" in html


def test_empty_question_shows_an_error_tied_to_the_field(birth):
    """Given an empty question, when posted, then the page answers 400 with the message tied to the
    textarea, and nothing is added to the conversation."""
    response = Client().post(reverse("portal:assistant"), {"question": "  "})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="question-error"' in html and 'aria-describedby="question-error question-help"' in html
    assert "Hãy nhập câu hỏi." in html and 'class="chat__turn"' not in html


def test_reset_clears_the_conversation(birth):
    """Given a conversation, when "start again" is pressed, then the log is empty."""
    client = Client()
    client.post(reverse("portal:assistant"), {"question": "khai sinh"})
    client.post(reverse("portal:assistant"), {"reset": "1"})
    assert 'class="chat__turn"' not in client.get(reverse("portal:assistant")).content.decode()


def test_page_loads_its_script_as_a_file(birth):
    """Given the page, then the enhancement script is an external file and the form knows the API URL."""
    html = Client().get(reverse("portal:assistant")).content.decode()
    assert "portal/assistant.js" in html and 'data-api="/api/v1/assistant/"' in html
