"""The assistant: retrieval answers that cite records, language detection, follow-up questions, the
ward, the API, and the optional LLM backend (against a real local chat-completions server)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from dichvucong.agencies.constants import AgencyKind
from dichvucong.agencies.tests.factories import make_agency
from dichvucong.clients.llm import ChatCompletionsClient
from dichvucong.clients.testing.llm_double import LlmDouble
from dichvucong.procedures.assistant import AssistantError, answer_question, clean_question, detect_language
from dichvucong.procedures.faq import create_faq
from dichvucong.procedures.tests.factories import make_field, make_procedure

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    city = make_agency(kind=AgencyKind.CITY, code="000.00.00.H29")
    ward = make_agency(parent=city, name="Ủy ban nhân dân Phường Bến Thành", code="000.50.68.H29")
    ho_tich = make_field("ho-tich")
    birth = make_procedure(
        code="1.001193",
        name="Đăng ký khai sinh",
        name_en="Birth registration",
        field=ho_tich,
        fees=[("Lệ phí", Decimal("0"))],
        documents=[
            {"name": "Tờ khai đăng ký khai sinh", "originals": 1},
            {"name": "Giấy chứng sinh", "originals": 1},
        ],
        agencies=[ward],
        popularity=10,
    )
    make_procedure(
        code="1.000894",
        name="Đăng ký kết hôn",
        name_en="Marriage registration",
        field=ho_tich,
        agencies=[ward],
        popularity=8,
    )
    make_procedure(
        code="1.004227",
        name="Đăng ký biến động đất đai",
        field=make_field("dat-dai"),
        fees=[("Lệ phí", Decimal("50000"))],
        popularity=9,
    )
    create_faq(
        actor=None,
        procedure=birth,
        question="Đăng ký khai sinh có mất lệ phí không?",
        answer="Đăng ký khai sinh đúng hạn được miễn lệ phí.",
        question_en="Is there a fee for birth registration?",
        answer_en="Registration on time is free.",
    )
    return {"ward": ward, "birth": birth}


def test_detects_vietnamese_with_or_without_accents_and_english():
    """Given questions in Vietnamese (with and without diacritics) and English, then each is detected."""
    assert detect_language("Làm giấy khai sinh cần gì?") == "vi"
    assert detect_language("lam giay khai sinh can gi") == "vi"
    assert detect_language("How do I register a birth?") == "en"


def test_clean_question_drops_the_wrapping_words():
    """Given a wordy question, then only the words that name the procedure remain (folded)."""
    assert clean_question("Làm sao để đăng ký khai sinh?") == "dang ky khai sinh"


def test_answers_in_vietnamese_citing_fee_time_documents_and_link(catalog):
    """Given a Vietnamese question, then the answer names the procedure and cites its code, link, fee,
    time and documents, in Vietnamese, and adds the matching FAQ entry."""
    answer = answer_question("Làm sao để đăng ký khai sinh?", llm=None)
    assert answer.language == "vi"
    best = answer.procedures[0]
    assert best.code == "1.001193" and best.url == "/thu-tuc/1.001193/"
    assert best.fee == "Miễn phí" and best.time == "3 ngày làm việc"
    assert best.documents == ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]
    assert "Đăng ký khai sinh" in answer.answer and "1.001193" in answer.answer
    assert "Thời hạn giải quyết: 3 ngày làm việc" in answer.answer
    assert answer.faqs and answer.faqs[0].question == "Đăng ký khai sinh có mất lệ phí không?"


def test_answers_english_questions_in_english(catalog):
    """Given an English question, then the answer is in English with the English names."""
    answer = answer_question("How do I get a birth registration?", llm=None)
    assert answer.language == "en"
    assert answer.procedures[0].name == "Birth registration"
    assert "The best match is" in answer.answer and "3 working days" in answer.answer


def test_uses_the_persons_ward_to_say_where_to_submit(catalog):
    """Given the person's ward, then "where" names that ward's one-stop counter."""
    answer = answer_question("đăng ký khai sinh", ward=catalog["ward"], llm=None)
    assert "Ủy ban nhân dân Phường Bến Thành" in answer.procedures[0].where
    assert "Ủy ban nhân dân Phường Bến Thành" in answer.answer


def test_vague_question_gets_a_follow_up(catalog):
    """Given only "đăng ký", then the assistant asks what exactly the person needs."""
    answer = answer_question("đăng ký", llm=None)
    assert answer.follow_up and "cụ thể" in answer.follow_up


def test_specific_question_has_no_follow_up(catalog):
    """Given "đăng ký khai sinh", then no follow-up question is asked."""
    assert answer_question("đăng ký khai sinh", llm=None).follow_up is None


def test_nothing_found_says_so_and_invents_nothing(catalog):
    """Given a question about nothing in the catalog, then no procedure is cited and the person is
    asked to rephrase."""
    answer = answer_question("xyzzy quux", llm=None)
    assert answer.procedures == [] and "chưa tìm thấy" in answer.answer
    assert answer.follow_up


def test_empty_and_too_long_questions_are_refused():
    """Given an empty or 501-character question, then a translated error is raised."""
    with pytest.raises(AssistantError, match="Hãy nhập câu hỏi"):
        answer_question("   ", llm=None)
    with pytest.raises(AssistantError, match="500"):
        answer_question("a" * 501, llm=None)


def test_api_answers_with_the_documented_shape(catalog):
    """Given POST /api/v1/assistant/ with a question and a ward, then the JSON has the answer, cited
    procedures (code, name, url, fee, time, documents), FAQ entries and follow_up."""
    response = Client().post(
        reverse("api:assistant"),
        {"question": "đăng ký khai sinh", "ward": "000.50.68.H29"},
        content_type="application/json",
    )
    assert response.status_code == 200
    data = response.json()
    assert set(data) >= {"answer", "procedures", "faqs", "follow_up"}
    assert {"code", "name", "url", "fee", "time", "documents"} <= set(data["procedures"][0])
    assert data["procedures"][0]["code"] == "1.001193"
    assert "Phường Bến Thành" in data["procedures"][0]["where"]


@pytest.mark.parametrize(
    ("question", "language", "message"),
    [
        ("", None, "Hãy nhập câu hỏi."),
        ("a" * 501, None, "Câu hỏi dài quá 500 ký tự."),
        ("", "en", "Please enter a question."),
    ],
)
def test_api_rejects_bad_questions_with_a_translated_400(question, language, message):
    """Given an empty or too long question, then the API answers 400 with a translated message."""
    body = {"question": question} | ({"language": language} if language else {})
    response = Client().post(reverse("api:assistant"), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == message


def test_llm_client_speaks_chat_completions_with_the_bearer_key():
    """Given the local chat-completions server, when the client asks, then the server receives the
    model, the messages and the key, and the reply text comes back."""
    from dichvucong.clients.llm import ChatMessage

    with LlmDouble(api_key="k1") as llm:
        llm.reply = "Xin chào"
        client = ChatCompletionsClient(base_url=llm.url, model="m", api_key="k1", timeout=5)
        assert client.complete([ChatMessage("user", "chào")]) == "Xin chào"
        assert llm.requests[0]["model"] == "m" and llm.requests[0]["messages"][0]["content"] == "chào"


def test_llm_wording_is_used_when_it_cites_only_retrieved_codes(catalog):
    """Given a model that answers citing the retrieved code, then its wording is the answer and it was
    given only the retrieved records."""
    with LlmDouble(api_key="k") as llm:
        llm.responder = lambda messages: "Bạn cần làm thủ tục Đăng ký khai sinh [1.001193], miễn phí."
        client = ChatCompletionsClient(base_url=llm.url, model="m", api_key="k", timeout=5)
        answer = answer_question("đăng ký khai sinh", llm=client)
        prompt = llm.requests[0]["messages"][-1]["content"]
    assert answer.source == "llm" and answer.answer.startswith("Bạn cần làm thủ tục")
    assert (
        "[1.001193] Đăng ký khai sinh" in prompt
        and "Cite each procedure" in llm.requests[0]["messages"][0]["content"]
    )
    assert answer.procedures[0].code == "1.001193"


def test_llm_reply_inventing_a_procedure_falls_back_to_retrieval(catalog):
    """Given a model that mentions a code we did not retrieve, then the retrieval answer is used."""
    with LlmDouble(api_key="k") as llm:
        llm.reply = "Hãy làm thủ tục 1.999999 tại phường."
        client = ChatCompletionsClient(base_url=llm.url, model="m", api_key="k", timeout=5)
        answer = answer_question("đăng ký khai sinh", llm=client)
    assert answer.source == "retrieval" and "1.999999" not in answer.answer
    assert "Thủ tục phù hợp nhất là “Đăng ký khai sinh”" in answer.answer


def test_llm_failure_or_wrong_key_falls_back_to_retrieval(catalog):
    """Given a model server that fails or refuses the key, then the retrieval answer is used."""
    with LlmDouble(api_key="right") as llm:
        llm.fail_next(1, status=503)
        client = ChatCompletionsClient(base_url=llm.url, model="m", api_key="right", timeout=5)
        assert answer_question("đăng ký khai sinh", llm=client).source == "retrieval"
        wrong = ChatCompletionsClient(base_url=llm.url, model="m", api_key="wrong", timeout=5)
        assert answer_question("đăng ký khai sinh", llm=wrong).source == "retrieval"


def test_llm_is_off_by_default_and_on_when_configured(catalog, settings):
    """Given no LLM_BASE_URL, then no model is asked; given one, then the configured model is used."""
    settings.LLM_BASE_URL = ""
    assert answer_question("đăng ký khai sinh").source == "retrieval"
    with LlmDouble(api_key="cfg") as llm:
        llm.reply = "Theo [1.001193]: miễn phí."
        settings.LLM_BASE_URL, settings.LLM_API_KEY, settings.LLM_MODEL = llm.url, "cfg", "local"
        answer = answer_question("đăng ký khai sinh")
        assert answer.source == "llm" and llm.requests[0]["model"] == "local"


def test_cited_documents_are_short_names_not_the_crawl_explanations():
    """Given a document cell that runs on with explanations (as the crawl's do), when it is cited,
    then only its first sentence is kept."""
    from dichvucong.procedures.assistant import _short_document_name

    long_name = (
        "- Giấy báo tử hoặc giấy tờ thay Giấy báo tử do cơ quan có thẩm quyền cấp. Trường hợp người "
        "yêu cầu đã nộp bản điện tử Giấy báo tử hoặc giấy tờ thay Giấy báo tử thì không phải nộp bản giấy."
    )
    assert _short_document_name(long_name) == (
        "Giấy báo tử hoặc giấy tờ thay Giấy báo tử do cơ quan có thẩm quyền cấp"
    )
    assert _short_document_name("Tờ khai đăng ký khai sinh") == "Tờ khai đăng ký khai sinh"
