"""Questions and answers (hỏi đáp): writes, the import, and the folded search.

Who manages what: a city admin manages every entry (an entry without an agency belongs to the
city); an agency admin manages the entries of the agencies in its subtree. Every write is audited.

The import reads CSV (header row, one entry per row) or JSON (an array of objects, or JSON Lines)
with the columns ``procedure_code``, ``field_code``, ``question``, ``answer`` and optionally
``question_en``, ``answer_en``, ``position``, ``is_published``. The whole file is checked first;
any problem is reported with its line number and nothing is imported.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from dichvucong.agencies.constants import ADMIN_ROLES
from dichvucong.agencies.models import Agency
from dichvucong.agencies.scopes import get_data_scope
from dichvucong.core.audit import record_audit
from dichvucong.core.text import fold
from dichvucong.procedures.models import Faq, Field, Procedure

MAX_QUESTION_LENGTH = 1000
MAX_ANSWER_LENGTH = 10000
MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
IMPORT_COLUMNS = (
    "procedure_code",
    "field_code",
    "question",
    "answer",
    "question_en",
    "answer_en",
    "position",
    "is_published",
)
_TRUE = {"1", "true", "yes", "co", "có", "x"}
_FALSE = {"0", "false", "no", "khong", "không", ""}
# Words too common to tell one question from another (folded).
STOP_WORDS = frozenset(
    [
        "la",
        "gi",
        "nao",
        "the",
        "sao",
        "co",
        "khong",
        "duoc",
        "toi",
        "minh",
        "can",
        "phai",
        "lam",
        "thi",
        "va",
        "cua",
        "cho",
        "o",
        "tai",
        "bao",
        "nhieu",
        "nhu",
        "what",
        "how",
        "is",
        "the",
        "a",
        "an",
        "do",
        "does",
        "i",
        "my",
        "to",
        "for",
        "of",
        "in",
        "can",
        "where",
        "when",
        "which",
    ]
)
_WORD = re.compile(r"[a-z0-9.]+")


class FaqError(Exception):
    """A refused FAQ change; ``message`` is translated and shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ImportProblem:
    line: int
    message: str


class FaqImportError(FaqError):
    """The file had problems: ``problems`` lists each with its line (or item) number."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__(_("Tệp có %(count)s lỗi; chưa nhập câu hỏi nào.") % {"count": len(problems)})
        self.problems = problems


# --- Permissions ----------------------------------------------------------------------------------


def can_manage_faqs_of(user: Any, agency: Agency | None) -> bool:
    """City admins manage every entry; agency admins those of agencies in their subtree."""
    scope = get_data_scope(user)
    if agency is None:
        return scope.has_role(*ADMIN_ROLES) and scope.agency_ids_for(*ADMIN_ROLES) is None
    return scope.allows(agency_id=agency.pk, roles=ADMIN_ROLES)


def can_manage_faqs(user: Any) -> bool:
    return get_data_scope(user).has_role(*ADMIN_ROLES)


def _require(user: Any, agency: Agency | None) -> None:
    if not can_manage_faqs_of(user, agency):
        raise FaqError(_("Câu hỏi này nằm ngoài phạm vi quản lý của bạn."))


# --- Reads ----------------------------------------------------------------------------------------


def list_managed_faqs(user: Any) -> QuerySet[Faq]:
    """The entries ``user`` may manage, newest first."""
    scope = get_data_scope(user)
    faqs = Faq.objects.select_related("procedure__current_version", "field", "agency")
    if not scope.has_role(*ADMIN_ROLES):
        return faqs.none()
    ids = scope.agency_ids_for(*ADMIN_ROLES)
    if ids is not None:
        faqs = faqs.filter(agency_id__in=sorted(ids))
    return faqs.order_by("-updated_at", "-id")


def list_procedure_faqs(procedure: Procedure) -> list[Faq]:
    """Published entries about the procedure, then those about its whole field."""
    version = procedure.current_version
    subject = Q(procedure=procedure)
    if version is not None:
        subject |= Q(procedure__isnull=True, field_id=version.field_id)
    faqs = Faq.objects.filter(subject, is_published=True).order_by("position", "id")
    return sorted(faqs, key=lambda faq: (faq.procedure_id is None, faq.position, faq.id))


@dataclass(frozen=True)
class FaqHit:
    faq: Faq
    score: float  # share of the query's meaningful words found, 0..1


def query_words(query: str) -> list[str]:
    """The folded words of ``query`` that carry meaning (stop words dropped unless nothing is left)."""
    words = _WORD.findall(fold(query))
    meaningful = [w for w in words if w not in STOP_WORDS]
    return meaningful or words


def search_faqs(
    query: str,
    *,
    field: str | None = None,
    procedure_codes: Iterable[str] = (),
    min_score: float = 0.5,
    limit: int = 20,
) -> list[FaqHit]:
    """Published entries matching ``query`` (accents optional), best first.

    Without a query, every entry (of ``field``) in order. ``procedure_codes`` adds a bonus to entries
    about those procedures (the assistant passes the procedures it found).
    """
    faqs = Faq.objects.filter(is_published=True).select_related("procedure__current_version", "field")
    if field:
        faqs = faqs.filter(Q(field__code=field) | Q(procedure__current_version__field__code=field))
    words = query_words(query[:500])
    if not words:
        return [FaqHit(faq=faq, score=1.0) for faq in faqs.order_by("position", "id")[:limit]]
    codes = set(procedure_codes)
    candidates = Q()
    for word in words:
        candidates |= Q(search_text__contains=word)
    if codes:
        candidates |= Q(procedure__code__in=sorted(codes))
    hits: list[FaqHit] = []
    for faq in faqs.filter(candidates)[:500]:
        text = f" {faq.search_text} "
        found = sum(1 for word in words if f" {word} " in text or word in text)
        score = found / len(words)
        if faq.procedure_id and faq.procedure.code in codes:
            score += 0.5
        if score >= min_score:
            hits.append(FaqHit(faq=faq, score=score))
    hits.sort(key=lambda hit: (-hit.score, hit.faq.position, hit.faq.id))
    return hits[:limit]


# --- Writes ---------------------------------------------------------------------------------------


def faq_search_text(faq: Faq) -> str:
    parts = [faq.question, faq.answer, faq.question_en, faq.answer_en]
    if faq.procedure_id:
        parts.append(faq.procedure.code)
    return fold(" ".join(part for part in parts if part))


def _snapshot(faq: Faq) -> dict[str, Any]:
    return {
        "procedure": faq.procedure.code if faq.procedure_id else None,
        "field": faq.field.code if faq.field_id else None,
        "agency": faq.agency.code if faq.agency_id else None,
        "question": faq.question,
        "is_published": faq.is_published,
        "position": faq.position,
    }


def _validate(
    *, question: str, answer: str, procedure: Procedure | None, field: Field | None
) -> tuple[str, str]:
    question, answer = question.strip(), answer.strip()
    if not question:
        raise FaqError(_("Hãy nhập câu hỏi."))
    if not answer:
        raise FaqError(_("Hãy nhập câu trả lời."))
    if len(question) > MAX_QUESTION_LENGTH:
        raise FaqError(_("Câu hỏi dài quá %(max)s ký tự.") % {"max": MAX_QUESTION_LENGTH})
    if len(answer) > MAX_ANSWER_LENGTH:
        raise FaqError(_("Câu trả lời dài quá %(max)s ký tự.") % {"max": MAX_ANSWER_LENGTH})
    if procedure is None and field is None:
        raise FaqError(_("Hãy chọn thủ tục hoặc lĩnh vực của câu hỏi."))
    return question, answer


@transaction.atomic
def create_faq(
    *,
    actor: Any,
    question: str,
    answer: str,
    procedure: Procedure | None = None,
    field: Field | None = None,
    agency: Agency | None = None,
    question_en: str = "",
    answer_en: str = "",
    is_published: bool = True,
    position: int = 0,
) -> Faq:
    """A new entry about ``procedure`` or ``field``, managed by ``agency`` (None: the city)."""
    if actor is not None:
        _require(actor, agency)
    question, answer = _validate(question=question, answer=answer, procedure=procedure, field=field)
    faq = Faq(
        procedure=procedure,
        field=field,
        agency=agency,
        question=question,
        answer=answer,
        question_en=question_en.strip(),
        answer_en=answer_en.strip(),
        is_published=is_published,
        position=position,
    )
    faq.search_text = faq_search_text(faq)
    faq.save()
    record_audit(actor=actor, action="procedures.create_faq", target=faq, after=_snapshot(faq))
    return faq


_UPDATABLE = ("procedure", "field", "agency", "question", "answer", "question_en", "answer_en", "position")


@transaction.atomic
def update_faq(*, actor: Any, faq: Faq, **changes: Any) -> Faq:
    """Changes the given attributes (question, answer, English texts, subject, agency, position)."""
    unknown = set(changes) - set(_UPDATABLE)
    if unknown:
        raise TypeError(f"update_faq: unknown fields {sorted(unknown)}")
    _require(actor, faq.agency)
    if "agency" in changes:
        _require(actor, changes["agency"])
    before = _snapshot(faq)
    for name, value in changes.items():
        setattr(faq, name, value.strip() if isinstance(value, str) else value)
    faq.question, faq.answer = _validate(
        question=faq.question, answer=faq.answer, procedure=faq.procedure, field=faq.field
    )
    faq.search_text = faq_search_text(faq)
    faq.save()
    record_audit(actor=actor, action="procedures.update_faq", target=faq, before=before, after=_snapshot(faq))
    return faq


@transaction.atomic
def set_faq_published(*, actor: Any, faq: Faq, published: bool) -> Faq:
    """Publishes or unpublishes (hides from the portal, keeps the entry)."""
    _require(actor, faq.agency)
    if faq.is_published != published:
        faq.is_published = published
        faq.save(update_fields=["is_published", "updated_at"])
        record_audit(
            actor=actor,
            action="procedures.publish_faq" if published else "procedures.unpublish_faq",
            target=faq,
            before={"is_published": not published},
            after={"is_published": published},
        )
    return faq


@transaction.atomic
def delete_faq(*, actor: Any, faq: Faq) -> None:
    _require(actor, faq.agency)
    snapshot, pk = _snapshot(faq), faq.pk
    faq.delete()
    record_audit(
        actor=actor,
        action="procedures.delete_faq",
        target_type="procedures.faq",
        target_id=str(pk),
        before=snapshot,
    )


# --- Import ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    created: int


def _rows_from_csv(text: str) -> list[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text))
    missing = {"question", "answer"} - set(reader.fieldnames or ())
    if missing:
        raise FaqImportError(
            [ImportProblem(1, _("Thiếu cột: %(columns)s.") % {"columns": ", ".join(sorted(missing))})]
        )
    rows = []
    start = 2
    for row in reader:
        rows.append((start, row))
        start = reader.line_num + 1
    return rows


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _rows_from_json(text: str) -> list[tuple[int, Any]]:
    """A JSON array (each item numbered by the line it starts on) or JSON Lines."""
    decoder = json.JSONDecoder()
    stripped = text.lstrip()
    if stripped.startswith("["):
        rows: list[tuple[int, Any]] = []
        index = len(text) - len(stripped) + 1
        try:
            while True:
                while index < len(text) and text[index] in " \t\r\n,":
                    index += 1
                if index >= len(text):
                    raise json.JSONDecodeError("unterminated array", text, index)
                if text[index] == "]":
                    break
                start = index
                item, index = decoder.raw_decode(text, index)
                rows.append((_line_of(text, start), item))
        except json.JSONDecodeError as exc:
            raise FaqImportError(
                [ImportProblem(exc.lineno, _("JSON không hợp lệ: %(error)s") % {"error": exc.msg})]
            ) from None
        if text[index + 1 :].strip():
            raise FaqImportError(
                [ImportProblem(_line_of(text, index + 1), _("Có nội dung thừa sau mảng JSON."))]
            )
        return rows
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append((number, json.loads(line)))
        except json.JSONDecodeError as exc:
            raise FaqImportError(
                [ImportProblem(number, _("JSON không hợp lệ: %(error)s") % {"error": exc.msg})]
            ) from None
    return rows


def _flag(value: Any, default: bool) -> bool | None:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return default if text == "" else False
    return None


def _check_row(
    line: int, row: Any, *, procedures: dict[str, Procedure], fields: dict[str, Field]
) -> tuple[dict[str, Any] | None, list[ImportProblem]]:
    if not isinstance(row, dict):
        return None, [ImportProblem(line, _("Mỗi mục phải là một đối tượng JSON."))]
    problems: list[ImportProblem] = []

    def text(name: str) -> str:
        value = row.get(name)
        return "" if value is None else str(value).strip()

    procedure_code, field_code = text("procedure_code"), text("field_code")
    procedure = procedures.get(procedure_code) if procedure_code else None
    field = fields.get(field_code) if field_code else None
    if procedure_code and procedure is None:
        problems.append(
            ImportProblem(line, _("Không có thủ tục mã “%(code)s”.") % {"code": procedure_code[:40]})
        )
    if field_code and field is None:
        problems.append(
            ImportProblem(line, _("Không có lĩnh vực mã “%(code)s”.") % {"code": field_code[:40]})
        )
    if not procedure_code and not field_code:
        problems.append(ImportProblem(line, _("Cần procedure_code hoặc field_code.")))
    question, answer = text("question"), text("answer")
    if not question:
        problems.append(ImportProblem(line, _("Hãy nhập câu hỏi.")))
    elif len(question) > MAX_QUESTION_LENGTH:
        problems.append(
            ImportProblem(line, _("Câu hỏi dài quá %(max)s ký tự.") % {"max": MAX_QUESTION_LENGTH})
        )
    if not answer:
        problems.append(ImportProblem(line, _("Hãy nhập câu trả lời.")))
    elif len(answer) > MAX_ANSWER_LENGTH:
        problems.append(
            ImportProblem(line, _("Câu trả lời dài quá %(max)s ký tự.") % {"max": MAX_ANSWER_LENGTH})
        )
    position_text = text("position") or "0"
    if not position_text.isdigit() or int(position_text) > 32767:
        problems.append(ImportProblem(line, _("Cột position phải là số nguyên không âm.")))
    published = _flag(row.get("is_published"), True)
    if published is None:
        problems.append(ImportProblem(line, _("Cột is_published phải là có/không (1/0).")))
    if problems:
        return None, problems
    return {
        "procedure": procedure,
        "field": field,
        "question": text("question"),
        "answer": text("answer"),
        "question_en": text("question_en"),
        "answer_en": text("answer_en"),
        "position": int(position_text),
        "is_published": bool(published),
    }, []


def import_faqs(
    *, actor: Any, content: bytes | str, file_format: str, agency: Agency | None = None
) -> ImportResult:
    """Imports every entry of the file for ``agency`` (None: the city), or none of them.

    ``file_format`` is ``"csv"`` or ``"json"``. Raises :class:`FaqImportError` listing every problem
    with its line number.
    """
    if actor is not None:
        _require(actor, agency)
    if isinstance(content, bytes):
        if len(content) > MAX_IMPORT_BYTES:
            raise FaqImportError([ImportProblem(0, _("Tệp lớn quá 2 MB."))])
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FaqImportError([ImportProblem(0, _("Tệp phải được mã hóa UTF-8."))]) from None
    if file_format == "csv":
        rows = _rows_from_csv(content)
    elif file_format == "json":
        rows = _rows_from_json(content)
    else:
        raise FaqImportError([ImportProblem(0, _("Chỉ nhận tệp CSV hoặc JSON."))])
    if not rows:
        raise FaqImportError([ImportProblem(0, _("Tệp không có câu hỏi nào."))])
    if len(rows) > MAX_IMPORT_ROWS:
        raise FaqImportError([ImportProblem(0, _("Tệp có quá %(max)s câu hỏi.") % {"max": MAX_IMPORT_ROWS})])
    procedures = {p.code: p for p in Procedure.objects.all()}
    fields = {f.code: f for f in Field.objects.all()}
    entries: list[dict[str, Any]] = []
    problems: list[ImportProblem] = []
    for line, row in rows:
        entry, row_problems = _check_row(line, row, procedures=procedures, fields=fields)
        problems += row_problems
        if entry is not None:
            entries.append(entry)
    if problems:
        raise FaqImportError(problems)
    with transaction.atomic():
        created = []
        for entry in entries:
            faq = Faq(agency=agency, **entry)
            faq.search_text = faq_search_text(faq)
            created.append(faq)
        Faq.objects.bulk_create(created)
        record_audit(
            actor=actor,
            action="procedures.import_faqs",
            target=agency,
            target_type="" if agency else "procedures.faq",
            after={"created": len(created), "agency": agency.code if agency else None},
        )
    return ImportResult(created=len(created))
