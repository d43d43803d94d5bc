"""Trợ lý dịch vụ công: answers a question from OUR catalog and FAQ, citing what it found.

Retrieval first, always: :func:`search_procedures` and :func:`faq.search_faqs` find the records; the
answer is built from them (name, code, link, fee, time, documents, where to submit). It works offline.
When an OpenAI-compatible model is configured (``LLM_BASE_URL``), it is given ONLY those records and
asked to phrase the answer citing their codes; a reply that mentions a procedure code we did not
retrieve (or any failure) falls back to the retrieval answer. No record found: we say so and ask the
person to rephrase; nothing is ever invented.

The answer is in the question's language (Vietnamese or English, detected cheaply) unless asked.
A follow-up question is asked when the question is too vague ("đăng ký") or when the best results
are close and belong to different fields.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from dichvucong.agencies.models import Agency
from dichvucong.clients.llm import ChatCompletionsClient, ChatMessage, LlmError, get_llm_client
from dichvucong.core.text import fold
from dichvucong.procedures import faq as faq_services
from dichvucong.procedures.constants import CatalogScope
from dichvucong.procedures.models import Faq, ProcedureAgency, ProcedureVersion
from dichvucong.procedures.search import search_procedures
from dichvucong.procedures.summaries import fee_summary, localized_name, prefetch_details, time_summary

logger = logging.getLogger(__name__)

MAX_QUESTION_LENGTH = 500
MAX_PROCEDURES = 3
MAX_FAQS = 3
MAX_DOCUMENTS = 6
# Close scores: the second result is within this share of the first.
CLOSE_SCORE_RATIO = 0.9

_VI_LETTERS = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.I)
_VI_WORDS = frozenset(
    [
        "toi",
        "minh",
        "lam",
        "sao",
        "the",
        "nao",
        "gi",
        "khong",
        "co",
        "duoc",
        "can",
        "xin",
        "cap",
        "giay",
        "dang",
        "ky",
        "ho",
        "so",
        "thu",
        "tuc",
        "o",
        "dau",
        "bao",
        "nhieu",
        "khai",
        "sinh",
        "ket",
        "hon",
        "nha",
        "dat",
        "cho",
        "con",
        "muon",
        "phai",
        "nhu",
        "vay",
        "va",
        "cua",
    ]
)
_EN_WORDS = frozenset(
    [
        "how",
        "what",
        "where",
        "when",
        "which",
        "do",
        "does",
        "i",
        "my",
        "me",
        "the",
        "a",
        "an",
        "to",
        "is",
        "are",
        "need",
        "get",
        "apply",
        "for",
        "can",
        "register",
        "certificate",
        "much",
        "long",
        "want",
        "please",
        "birth",
        "marriage",
        "business",
        "license",
        "permit",
    ]
)
# Phrases that wrap a question without naming the procedure (folded), removed for a second search.
_FILLER = (
    "lam the nao de",
    "lam the nao",
    "lam sao de",
    "lam sao",
    "toi muon",
    "toi can",
    "minh muon",
    "minh can",
    "thi can gi",
    "can nhung gi",
    "can giay to gi",
    "can gi",
    "o dau",
    "bao nhieu tien",
    "bao nhieu",
    "mat bao lau",
    "nhu the nao",
    "the nao",
    "duoc khong",
    "how do i",
    "how can i",
    "how to",
    "i want to",
    "i need to",
    "i need",
    "what do i need to",
    "what do i need for",
    "what do i need",
    "where can i",
    "where do i",
    "how much is",
    "how long does",
    "please",
)
# Words that name an action but not what it is about: a question made only of these is too vague.
_GENERIC = frozenset(
    [
        "dang",
        "ky",
        "thu",
        "tuc",
        "giay",
        "to",
        "xin",
        "cap",
        "lam",
        "ho",
        "so",
        "doi",
        "moi",
        "lai",
        "gia",
        "han",
        "nop",
        "register",
        "registration",
        "procedure",
        "procedures",
        "apply",
        "application",
        "certificate",
        "permit",
        "license",
        "document",
        "documents",
    ]
)
_CODE = re.compile(r"(?<![\w.])\d{1,2}\.\d{6}(?![\w])")


class AssistantError(ValueError):
    """The question cannot be answered as given (empty, too long); ``message`` is translated."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CitedProcedure:
    code: str
    name: str
    url: str
    fee: str
    time: str
    documents: list[str]
    where: str
    field: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "url": self.url,
            "fee": self.fee,
            "time": self.time,
            "documents": self.documents,
            "where": self.where,
        }


@dataclass(frozen=True)
class CitedFaq:
    id: int
    question: str
    answer: str
    url: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "question": self.question, "answer": self.answer, "url": self.url}


@dataclass(frozen=True)
class AssistantAnswer:
    answer: str
    language: str
    procedures: list[CitedProcedure] = field(default_factory=list)
    faqs: list[CitedFaq] = field(default_factory=list)
    follow_up: str | None = None
    source: str = "retrieval"  # or "llm"

    def as_dict(self) -> dict[str, Any]:
        return {
            "answer": self.answer,
            "language": self.language,
            "procedures": [p.as_dict() for p in self.procedures],
            "faqs": [f.as_dict() for f in self.faqs],
            "follow_up": self.follow_up,
        }


def detect_language(text: str) -> str:
    """``"vi"`` when the text has Vietnamese letters or more Vietnamese than English words, else ``"en"``."""
    if _VI_LETTERS.search(text):
        return "vi"
    words = re.findall(r"[a-z]+", fold(text))
    vi = sum(1 for w in words if w in _VI_WORDS)
    en = sum(1 for w in words if w in _EN_WORDS)
    return "en" if en > vi else "vi"


def clean_question(question: str) -> str:
    """The folded question without the wrapping phrases ("làm sao để", "how do I"…) and punctuation."""
    text = " " + re.sub(r"[^\w.]+", " ", fold(question)) + " "
    for phrase in _FILLER:
        text = text.replace(f" {phrase} ", " ")
    return " ".join(text.split())


def validate_question(question: Any) -> str:
    if not isinstance(question, str) or not question.strip():
        raise AssistantError(_("Hãy nhập câu hỏi."))
    question = " ".join(question.split())
    if len(question) > MAX_QUESTION_LENGTH:
        raise AssistantError(_("Câu hỏi dài quá %(max)s ký tự.") % {"max": MAX_QUESTION_LENGTH})
    return question


def _url(name: str, *args: str) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _where(version: ProcedureVersion, ward: Agency | None) -> str:
    procedure = version.procedure
    if procedure.scope == CatalogScope.CENTRAL:
        return _("Do cơ quan trung ương giải quyết; xem Cổng Dịch vụ công quốc gia.")
    if ward is not None:
        offered = ProcedureAgency.objects.filter(procedure=procedure, agency=ward, is_active=True).exists()
        if offered or version.level_ward:
            return _("Bộ phận Một cửa của %(ward)s (hoặc nộp trực tuyến nếu thủ tục cho phép).") % {
                "ward": ward.name_en if translation.get_language() == "en" and ward.name_en else ward.name
            }
    if version.receiving_address:
        return version.receiving_address
    if version.level_ward:
        return _("Bộ phận Một cửa của Ủy ban nhân dân phường, xã nơi bạn cư trú.")
    return version.implementing_agency_text or _("Trung tâm Phục vụ hành chính công Thành phố.")


def _short_document_name(name: str) -> str:
    """The document's own name without the crawl's explanations: "Giấy báo tử hoặc giấy tờ thay Giấy
    báo tử do cơ quan có thẩm quyền cấp. Trường hợp …" → its first sentence, at most 25 words."""
    text = " ".join(name.split()).lstrip("-–+• ").strip()
    for stop in (". ", "; ", ":"):
        head = text.split(stop, 1)[0]
        if len(head) >= 15:
            text = head
    return Truncator(text.rstrip(".;, ")).words(25, truncate="…")


def _cite(version: ProcedureVersion, ward: Agency | None) -> CitedProcedure:
    code = version.procedure.code
    return CitedProcedure(
        code=code,
        name=localized_name(version),
        url=_url("portal:procedure_detail", code),
        fee=fee_summary(version),
        time=time_summary(version),
        documents=[_short_document_name(d.name) for d in list(version.documents.all())[:MAX_DOCUMENTS]],
        where=_where(version, ward),
        field=version.field.name_en
        if translation.get_language() == "en" and version.field.name_en
        else version.field.name,
    )


def _cite_faq(faq: Faq, language: str) -> CitedFaq:
    english = language == "en"
    question = faq.question_en if english and faq.question_en else faq.question
    answer = faq.answer_en if english and faq.answer_en else faq.answer
    if faq.procedure_id:
        url = _url("portal:procedure_detail", faq.procedure.code)
        url = f"{url}#faq-{faq.pk}" if url else ""
    else:
        url = _url("portal:faq")
        url = f"{url}?field={faq.field.code}#faq-{faq.pk}" if url and faq.field_id else url
    return CitedFaq(id=faq.pk, question=question, answer=answer, url=url)


def _retrieve(question: str) -> list[Any]:
    """Search hits for the question, or for its cleaned form when the full question finds nothing."""
    result = search_procedures(question, limit=MAX_PROCEDURES + 2)
    if result.hits:
        return result.hits
    cleaned = clean_question(question)
    if cleaned and cleaned != fold(question):
        return search_procedures(cleaned, limit=MAX_PROCEDURES + 2).hits
    return []


def _follow_up(question: str, hits: list[Any]) -> str | None:
    words = faq_services.query_words(clean_question(question) or question)
    names = [f"“{localized_name(hit.version)}”" for hit in hits[:MAX_PROCEDURES]]
    vague = not words or all(word in _GENERIC for word in words)
    close = (
        len(hits) >= 2
        and hits[1].score >= hits[0].score * CLOSE_SCORE_RATIO
        and hits[0].version.field_id != hits[1].version.field_id
    )
    if not (vague or close) or not hits:
        return None
    if vague:
        return _(
            "Bạn cần làm việc gì cụ thể? Hãy nói rõ hơn, ví dụ: “đăng ký khai sinh cho con” hoặc "
            "“đăng ký hộ kinh doanh”. Có phải bạn cần: %(names)s?"
        ) % {"names": _(" hay ").join(names)}
    return _("Bạn muốn hỏi về thủ tục nào: %(names)s?") % {"names": _(" hay ").join(names)}


def _retrieval_text(cited: list[CitedProcedure], faqs: list[CitedFaq]) -> str:
    if not cited:
        if faqs:
            return _(
                "Tôi chưa tìm thấy thủ tục phù hợp, nhưng có câu hỏi thường gặp liên quan: "
                "“%(question)s” %(answer)s"
            ) % {
                "question": faqs[0].question,
                "answer": faqs[0].answer,
            }
        return _(
            "Tôi chưa tìm thấy thủ tục nào phù hợp với câu hỏi này trong danh mục của Thành phố. "
            "Hãy thử nói việc bạn cần làm bằng vài từ (ví dụ: “cấp bản sao trích lục kết hôn”), "
            "hoặc gọi tổng đài 1022 để được hướng dẫn."
        )
    best = cited[0]
    parts = [
        _("Thủ tục phù hợp nhất là “%(name)s” (mã %(code)s).") % {"name": best.name, "code": best.code},
        _("Thời hạn giải quyết: %(time)s.") % {"time": best.time},
        _("Phí, lệ phí: %(fee)s.") % {"fee": best.fee},
    ]
    if best.documents:
        parts.append(_("Hồ sơ gồm: %(documents)s.") % {"documents": "; ".join(best.documents)})
    parts.append(_("Nơi nộp: %(where)s.") % {"where": best.where.rstrip(". ")})
    if len(cited) > 1:
        others = ", ".join(f"“{c.name}” ({c.code})" for c in cited[1:])
        parts.append(_("Các thủ tục khác có thể liên quan: %(others)s.") % {"others": others})
    return " ".join(parts)


def _llm_text(
    client: ChatCompletionsClient,
    question: str,
    language: str,
    cited: list[CitedProcedure],
    faqs: list[CitedFaq],
) -> str | None:
    """The model's wording, or None when it failed or mentioned a procedure we did not retrieve."""
    records = "\n\n".join(
        f"[{c.code}] {c.name}\n- fee: {c.fee}\n- time: {c.time}\n- documents: {'; '.join(c.documents)}\n"
        f"- where: {c.where}\n- link: {c.url}"
        for c in cited
    )
    if faqs:
        records += "\n\nFAQ:\n" + "\n".join(f"Q: {f.question}\nA: {f.answer}" for f in faqs)
    system = (
        "You are the public-service assistant of Ho Chi Minh City. Answer ONLY from the records "
        "given by the user message; do not add procedures, fees, times or documents that are not in "
        "them. Cite each procedure you mention by its code in square brackets, e.g. [1.001193]. "
        "If the records do not answer the question, say so briefly. Answer in "
        + ("English" if language == "en" else "Vietnamese")
        + ", in at most 120 words."
    )
    user = f"Question: {question}\n\nRecords:\n{records}"
    try:
        reply = client.complete([ChatMessage("system", system), ChatMessage("user", user)])
    except LlmError as exc:
        logger.warning("assistant: LLM unavailable, answering from retrieval (%s)", exc)
        return None
    allowed = {c.code for c in cited}
    mentioned = set(_CODE.findall(reply))
    if not mentioned <= allowed:
        logger.warning(
            "assistant: LLM cited unknown codes %s; answering from retrieval", sorted(mentioned - allowed)
        )
        return None
    return reply


def answer_question(
    question: Any,
    *,
    ward: Agency | None = None,
    language: str | None = None,
    llm: ChatCompletionsClient | bool | None = True,
) -> AssistantAnswer:
    """Answers ``question`` from the catalog and the FAQ. ``llm=True`` uses the configured model (if
    any), ``None``/``False`` never does, a client object uses that client."""
    question = validate_question(question)
    language = language if language in ("vi", "en") else detect_language(question)
    client = get_llm_client() if llm is True else (llm or None)
    with translation.override(language):
        hits = _retrieve(question)
        versions = [hit.version for hit in hits]
        prefetch_details(versions)
        cited = [_cite(version, ward) for version in versions[:MAX_PROCEDURES]]
        faq_hits = faq_services.search_faqs(
            clean_question(question) or question,
            procedure_codes=[c.code for c in cited],
            min_score=0.6,
            limit=MAX_FAQS,
        )
        faqs = [_cite_faq(hit.faq, language) for hit in faq_hits]
        follow_up = _follow_up(question, hits)
        if not cited and not faqs:
            follow_up = _(
                "Bạn có thể nói rõ việc bạn cần làm, ví dụ “đăng ký kết hôn” hoặc “xin giấy phép xây dựng”?"
            )
        text = None
        source = "retrieval"
        if client is not None and cited:
            text = _llm_text(client, question, language, cited, faqs)
            source = "llm" if text else source
        if text is None:
            text = _retrieval_text(cited, faqs)
    return AssistantAnswer(
        answer=text, language=language, procedures=cited, faqs=faqs, follow_up=follow_up, source=source
    )
