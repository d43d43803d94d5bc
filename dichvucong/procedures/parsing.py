"""Parsing the national catalog's crawled text cells into structured data (pure functions, no DB).

The crawl of the National Public Service Portal runs table cells together without separators:
``"Hình thức nộpThời gianPhí, lệ phíMô tảTrực tuyến5 Ngày làm việcLệ phí : 15.000 Đồng…"``. Each
function here takes one such cell and returns ``(value, problems)``: the structured value and a list
of readable problems (Vietnamese) for what could not be parsed. Callers always keep the raw text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from dichvucong.core.text import fold, nfc
from dichvucong.procedures.constants import Channel, DurationUnit, OnlineLevel

NO_INFORMATION = "Không có thông tin"

# Vietnamese lower-case letters: a legal-document number never runs into one of them.
_LOWER = "a-zđàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"


@dataclass
class ParsedFee:
    amount: Decimal | None
    currency: str = "VND"
    name: str = ""
    description: str = ""


@dataclass
class ParsedOption:
    channel: str
    duration: Decimal | None
    duration_unit: str
    fees: list[ParsedFee] = field(default_factory=list)
    description: str = ""


@dataclass
class ParsedDocument:
    name: str
    case: str = ""
    template_name: str = ""
    originals: int = 0
    copies: int = 0
    quantity_text: str = ""
    template_url: str = ""


def _clean(text: str | None) -> str:
    return " ".join(nfc(text or "").replace("\xa0", " ").split())


def is_empty(text: str | None) -> bool:
    cleaned = _clean(text)
    return not cleaned or cleaned.rstrip(".") == NO_INFORMATION


# --- Amounts -------------------------------------------------------------------------------------


def parse_amount(text: str) -> Decimal | None:
    """``"100,000"`` / ``"15.000"`` / ``"1.500.000"`` → whole number; ``"2,5"`` → 2.5."""
    text = text.strip()
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", text):
        return Decimal(re.sub(r"[.,]", "", text))
    if re.fullmatch(r"\d+(?:[.,]\d{1,2})?", text):
        try:
            return Decimal(text.replace(",", "."))
        except InvalidOperation:  # pragma: no cover - the pattern excludes it
            return None
    return None


_CURRENCIES = (
    ("Việt Nam Đồng", "VND"),
    ("VNĐ", "VND"),
    ("VND", "VND"),
    ("Đồng", "VND"),
    ("đồng", "VND"),
    ("USD", "USD"),
    ("Đô la Mỹ", "USD"),
)
_CURRENCY_RE = "|".join(re.escape(word) for word, _code in _CURRENCIES)
_CURRENCY_CODE = dict(_CURRENCIES)

# --- Processing options (cách thức thực hiện) -----------------------------------------------------

_OPTIONS_HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"
_CHANNELS = {
    "Trực tiếp": Channel.DIRECT,
    "Trực tuyến": Channel.ONLINE,
    "Dịch vụ bưu chính": Channel.POSTAL,
}
# A row starts with a channel immediately followed by its duration (a number) or a fee.
_ROW_START = re.compile(
    r"(Trực tiếp|Trực tuyến|Dịch vụ bưu chính)(?=\s*(?:\d|Miễn phí|Không có thông tin|Phí|Lệ phí))"
)
_UNITS = (
    ("Ngày làm việc", DurationUnit.WORKING_DAYS),
    ("ngày làm việc", DurationUnit.WORKING_DAYS),
    ("Giờ làm việc", DurationUnit.HOURS),
    ("Giờ", DurationUnit.HOURS),
    ("giờ", DurationUnit.HOURS),
    ("Ngày", DurationUnit.DAYS),
    ("ngày", DurationUnit.DAYS),
    ("Tháng", DurationUnit.MONTHS),
    ("tháng", DurationUnit.MONTHS),
)
_DURATION = re.compile(
    r"\s*(\d+(?:[.,]\d+)?)\s*(" + "|".join(re.escape(word) for word, _unit in _UNITS) + ")?"
)
_UNIT_OF = dict(_UNITS)
_FEE_AMOUNT = re.compile(r"\s*(?:(Lệ phí|Phí)[^:\d]{0,80}?:\s*)?(\d[\d.,]*)\s*(" + _CURRENCY_RE + r")\.?")
# A duration without a unit runs into the amount: "Trực tuyến120,000 VNĐ" is 1 (day) and 20,000 VND.
_UNITLESS_THEN_AMOUNT = re.compile(r"(\d[\d.,]*)\s*(?:" + _CURRENCY_RE + ")")


def _balanced_parenthetical(text: str, start: int) -> tuple[str, int]:
    """If ``text[start]`` opens a parenthesis, return its content and the index after it."""
    if start >= len(text) or text[start] != "(":
        return "", start
    depth = 0
    for index in range(start, len(text)):
        if text[index] == "(":
            depth += 1
        elif text[index] == ")":
            depth -= 1
            if depth == 0:
                return text[start + 1 : index].strip(), index + 1
    return text[start + 1 :].strip(), len(text)


_MONEY_IN_NOTE = re.compile(r"\d[\d.,]*\s*(?:đồng|VNĐ|VND|USD)", re.IGNORECASE)


def _parse_fees(text: str) -> tuple[list[ParsedFee], str, bool]:
    """Fees at the start of ``text``; returns (fees, the rest = the row's description, understood)."""
    fees: list[ParsedFee] = []
    position = 0
    understood = False
    while position < len(text):
        rest = text[position:]
        stripped = rest.lstrip(" ,;")
        position += len(rest) - len(stripped)
        if stripped.startswith("Miễn phí"):
            position += len("Miễn phí")
            note, position = _balanced_parenthetical(text, position)
            # The crawl sometimes says "Miễn phí (Lệ phí …: 135.000 đồng/lần …)": the cell contradicts
            # its own note, so the amount is left unknown and the page shows the note.
            free = _MONEY_IN_NOTE.search(note) is None
            fees.append(ParsedFee(amount=Decimal(0) if free else None, description=note))
            understood = True
            continue
        if stripped.startswith(NO_INFORMATION):
            position += len(NO_INFORMATION)
            understood = True
            continue
        match = _FEE_AMOUNT.match(text, position)
        if match is None or (fees and match.group(1)):
            break  # "Phí: 500.000 đồng/hồ sơ" after a fee restates it: that is the description
        amount = parse_amount(match.group(2))
        if amount is None:
            break
        position = match.end()
        note, position = _balanced_parenthetical(text, position)
        fees.append(
            ParsedFee(
                amount=amount,
                currency=_CURRENCY_CODE[match.group(3)],
                name=match.group(1) or "",
                description=note,
            )
        )
        understood = True
    return fees, text[position:].strip(), understood


def _split_glued_duration(digits: str, body: str) -> tuple[Decimal | None, str]:
    """Split ``"120,000"`` into duration 1 and amount ``"20,000"`` (the shortest duration that leaves
    an amount without a leading zero)."""
    for cut in range(1, min(len(digits), 4)):
        head, rest = digits[:cut], digits[cut:]
        if head.isdigit() and rest[:1].isdigit() and rest[0] != "0" and parse_amount(rest) is not None:
            return Decimal(head), body[cut:]
    return None, body


def parse_options(text: str | None) -> tuple[list[ParsedOption], list[str]]:
    """Parse "cách thức thực hiện" into one option per channel row (duration, fees, description)."""
    cleaned = _clean(text)
    if is_empty(cleaned):
        return [], ["Không có thông tin về cách thức thực hiện."]
    cleaned = cleaned.removeprefix(_OPTIONS_HEADER.replace("  ", " "))
    starts = list(_ROW_START.finditer(cleaned))
    if not starts:
        return [], ["Không nhận ra hình thức nộp (trực tiếp, trực tuyến, bưu chính)."]
    problems: list[str] = []
    if cleaned[: starts[0].start()].strip():
        problems.append(
            f"Bỏ qua phần không nhận ra ở đầu cách thức thực hiện: {cleaned[: starts[0].start()][:80]!r}."
        )
    options: list[ParsedOption] = []
    for index, start in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(cleaned)
        channel = _CHANNELS[start.group(1)]
        body = cleaned[start.end() : end]
        duration: Decimal | None = None
        unit = DurationUnit.NONE
        match = _DURATION.match(body)
        glued = _UNITLESS_THEN_AMOUNT.match(body)
        if glued and (match is None or not match.group(2)):
            duration, body = _split_glued_duration(glued.group(1), body)
            unit = DurationUnit.WORKING_DAYS
            match = None
        if match:
            duration = Decimal(match.group(1).replace(",", "."))
            unit = _UNIT_OF[match.group(2)] if match.group(2) else DurationUnit.WORKING_DAYS
            body = body[match.end() :]
            if duration == 0:
                duration, unit = None, DurationUnit.NONE
        fees, description, understood = _parse_fees(body)
        if not understood:
            problems.append(f"Không phân tích được phí, lệ phí của hình thức {start.group(1).lower()}.")
        options.append(
            ParsedOption(
                channel=channel, duration=duration, duration_unit=unit, fees=fees, description=description
            )
        )
    return options, problems


# --- Required documents (thành phần hồ sơ) -------------------------------------------------------

_DOCUMENTS_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
# A quantity cell ("1 bản chính", "0 bản chính,1 bản sao") runs straight into the next name; the same
# words inside a name ("01 bản chính danh sách …") are followed by a space and a lower-case word.
_QUANTITY = re.compile(rf"(?<!\d)(\d+)\s*bản chính(?:\s*,\s*(\d+)\s*bản sao)?(?!\s*[{_LOWER}])")
_TEMPLATE_EXTENSION = re.compile(r"\.(?:docx?|pdf|xlsx?|rtf|odt|zip|rar)$", re.IGNORECASE)


def _split_template(chunk: str) -> tuple[str, str]:
    """``"Tờ khai … theo Mẫu số 08;Mus08.docx"`` → (name, template file name)."""
    if not _TEMPLATE_EXTENSION.search(chunk):
        return chunk.strip(), ""
    start = max(chunk.rfind(mark) for mark in ";:!?") + 1
    template = chunk[start:]
    # The file name follows the document's name directly; cut at the last sentence end before it.
    cut = max(template.rfind(". ", 0, len(template) - 5), template.rfind(")", 0, len(template) - 5))
    if cut >= 0:
        template = template[cut + 1 :]
    template = template.strip()
    if len(template) > 80:
        template = template[-80:].split(" ", 1)[-1]
    name = chunk[: len(chunk) - len(template)].strip()
    if not name:
        return template, template
    return name, template


def parse_documents(text: str | None) -> tuple[list[ParsedDocument], list[str]]:
    """Parse "thành phần hồ sơ" into documents, each with its case heading, template and quantity."""
    cleaned = _clean(text)
    if is_empty(cleaned):
        return [], ["Không có thông tin về thành phần hồ sơ."]
    sections = cleaned.split(_DOCUMENTS_HEADER)
    if len(sections) == 1:
        return [], ["Không nhận ra bảng thành phần hồ sơ."]
    documents: list[ParsedDocument] = []
    problems: list[str] = []
    case = sections[0].strip(" -")
    for index, section in enumerate(sections[1:], start=1):
        position = 0
        for match in _QUANTITY.finditer(section):
            chunk = section[position : match.start()].strip()
            position = match.end()
            if not chunk:
                problems.append(f"Số lượng {match.group(0)!r} không kèm tên giấy tờ.")
                continue
            name, template = _split_template(chunk)
            originals = int(match.group(1) or 0)
            copies = int(match.group(2) or 0)
            documents.append(
                ParsedDocument(
                    name=name,
                    case=case[:500],
                    template_name=template[:500],
                    originals=originals,
                    copies=copies,
                    quantity_text=match.group(0),
                )
            )
        tail = section[position:].strip()
        if index < len(sections) - 1:
            case = tail.strip(" -")  # the heading of the next case
        elif tail:
            problems.append(f"Giấy tờ không ghi số lượng: {tail[:80]!r}.")
            name, template = _split_template(tail)
            documents.append(ParsedDocument(name=name, case=case[:500], template_name=template[:500]))
    if not documents:
        problems.append("Bảng thành phần hồ sơ không có giấy tờ nào.")
    return documents, problems


# --- Legal basis (căn cứ pháp lý) -----------------------------------------------------------------

_LEGAL_HEADER = "Tên văn bản pháp lýMã văn bản"
# 68/2013/TT-BCA, 02/2011/QH13, 05/2012/NĐ-CP, 1234/QĐ-TTg, 72/2011/TTLT-BTC-BGTVT, 19/2023/NQ-HĐND
LEGAL_NUMBER = re.compile(
    r"\d{1,5}(?:/\d{4})?/(?:[A-ZĐ]+(?:\d{2})?)(?:-(?:TTg|[A-ZĐ]+(?:\d{2})?))*"
    rf"(?![{_LOWER}/])"
    # a few rows give only number and year ("46/2020")
    r"|(?<![\d/])\d{1,5}/\d{4}(?![\d/])"
)


def parse_legal_basis(text: str | None) -> tuple[list[dict[str, str]], list[str]]:
    """Parse "căn cứ pháp lý" into ``[{"number": "68/2013/TT-BCA", "title": "…"}]``.

    Each table row is a title followed directly by the document number; a number *inside* a title
    is followed by a space or punctuation ("Nghị định 05/2012/NĐ-CP ngày …"), or directly by the
    row's own number ("Nghị định 05/2012/NĐ-CP05/2012/NĐ-CP").
    """
    cleaned = _clean(text)
    if is_empty(cleaned):
        return [], ["Không có thông tin về căn cứ pháp lý."]
    cleaned = cleaned.removeprefix(_LEGAL_HEADER)
    items: list[dict[str, str]] = []
    row_start = 0
    for match in LEGAL_NUMBER.finditer(cleaned):
        after = cleaned[match.end() : match.end() + 1]
        if after and (after in " ,;.:)" or LEGAL_NUMBER.match(cleaned, match.end())):
            continue  # a number quoted inside the title
        number, number_start = match.group(0), match.start()
        # "Luật Khiếu nại năm 201102/2011/QH13": the title's year runs into the number.
        before = re.search(r"năm\s*(\d{0,4})$", cleaned[max(row_start, number_start - 12) : number_start])
        if before:
            lead = re.match(r"\d+", number)
            digits = before.group(1) + (lead.group(0) if lead else "")
            if len(digits) > 4 and re.match(r"(?:19|20)\d{2}", digits):
                cut = 4 - len(before.group(1))
                number, number_start = number[cut:], number_start + cut
        title = cleaned[row_start:number_start].strip(" ,;")
        title = re.sub(r"\s*(?:[Ss]ố|Luật số|Nghị định số)\s*$", "", title).strip()
        items.append({"number": number, "title": title or number})
        row_start = match.end()
    problems: list[str] = []
    tail = cleaned[row_start:].strip()
    if tail:
        problems.append(f"Văn bản pháp lý không có số hiệu nhận ra được: {tail[:80]!r}.")
        items.append({"number": "", "title": tail})
    return items, problems


# --- Results (kết quả thực hiện) ----------------------------------------------------------------

_RESULT_CODE = re.compile(r"Mã:\s*([A-Z][A-Z0-9.\-]*\d)")
_RESULT_END = re.compile(r"Từ khóa|Chọn cơ quan thực hiện")


def parse_results(text: str | None) -> tuple[list[dict[str, str]], list[str]]:
    """Parse "kết quả thực hiện" into ``[{"code": "KQ.G01.00262", "name": "…"}]``."""
    cleaned = _clean(text)
    if is_empty(cleaned):
        return [], ["Không có thông tin về kết quả thực hiện."]
    end = _RESULT_END.search(cleaned)
    body = cleaned[: end.start()] if end else cleaned
    results: list[dict[str, str]] = []
    position = 0
    for match in _RESULT_CODE.finditer(body):
        name = body[position : match.start()].strip()
        results.append({"code": match.group(1), "name": name})
        position = match.end()
    tail = body[position:].strip()
    problems: list[str] = []
    if tail and tail != NO_INFORMATION:
        results.append({"code": "", "name": tail})
        if results[:-1]:
            problems.append(f"Kết quả không có mã: {tail[:80]!r}.")
    if not results:
        problems.append("Không nhận ra kết quả thực hiện.")
    return results, problems


# --- Steps, related procedures, levels, audience, online level -------------------------------------

_STEP = re.compile(r"(?:^|\n)[\s\-+*]*(Bước\s*\d+\s*[:.\-]?)", re.IGNORECASE)


def parse_steps(text: str | None) -> tuple[list[dict[str, str]], list[str]]:
    """Split "trình tự thực hiện" at "Bước n"; without numbered steps, one step per paragraph."""
    raw = nfc(text or "").replace("\xa0", " ").replace("\r", "")
    if is_empty(raw):
        return [], ["Không có thông tin về trình tự thực hiện."]
    starts = list(_STEP.finditer(raw))
    steps: list[dict[str, str]] = []
    if starts:
        preamble = raw[: starts[0].start()].strip()
        if preamble:
            steps.append({"title": "", "text": _clean(preamble)})
        for index, start in enumerate(starts):
            end = starts[index + 1].start() if index + 1 < len(starts) else len(raw)
            body = raw[start.end() : end].strip()
            first, _newline, rest = body.partition("\n")
            label = " ".join(start.group(1).split()).rstrip(":.-").strip()
            steps.append({"title": f"{label}: {_clean(first)}".strip(), "text": _clean(rest)})
        return steps, []
    paragraphs = [_clean(part) for part in re.split(r"\n\s*\n|\n(?=[\-+•])", raw)]
    return [{"title": "", "text": part} for part in paragraphs if part], []


_RELATED = re.compile(r"\b(\d\.\d{6})\b")


def parse_related_codes(text: str | None) -> list[str]:
    """Procedure codes mentioned in "thủ tục hành chính liên quan" (names alone are not resolvable)."""
    if is_empty(text):
        return []
    return list(dict.fromkeys(_RELATED.findall(text or "")))


def parse_levels(text: str | None) -> tuple[bool, bool, bool]:
    """``"Cấp bộ, Cấp tỉnh"`` → (central, city, ward)."""
    folded = fold(text or "")
    return "cap bo" in folded, "cap tinh" in folded, "cap xa" in folded


_BUSINESS_WORDS = ("doanh nghiep", "to chuc", "hop tac xa", "nha dau tu")
_CITIZEN_WORDS = ("cong dan", "nguoi nuoc ngoai", "nguoi viet nam", "ca nhan", "ho gia dinh", "can bo")


def parse_audience(text: str | None) -> tuple[bool, bool]:
    """ "đối tượng thực hiện" → (for citizens, for businesses/organisations); unknown → citizens."""
    folded = fold(text or "")
    citizens = any(word in folded for word in _CITIZEN_WORDS)
    businesses = any(word in folded for word in _BUSINESS_WORDS)
    if not citizens and not businesses:
        return True, False
    return citizens, businesses


_LEGACY_LEVEL = re.compile(r"(?:truc tuyen|dvctt|dvc)\s*(?:muc do|muc)\s*([1-4])\b")
_LEGACY_MAP = {
    "4": OnlineLevel.FULL,
    "3": OnlineLevel.PARTIAL,
    "2": OnlineLevel.DIRECT,
    "1": OnlineLevel.DIRECT,
}


def infer_online_level(*, stated: str | None, name: str, channels: list[str]) -> str:
    """The online service level: as stated (new or legacy wording), else inferred from channels."""
    stated_folded = fold(stated or "")
    if stated_folded:
        if "toan trinh" in stated_folded:
            return OnlineLevel.FULL
        if "mot phan" in stated_folded:
            return OnlineLevel.PARTIAL
        legacy = _LEGACY_LEVEL.search(stated_folded) or re.fullmatch(
            r"(?:muc do|muc)?\s*0?([1-4])", stated_folded
        )
        if legacy:
            return _LEGACY_MAP[legacy.group(1)]
    folded_name = fold(name)
    if "truc tuyen toan trinh" in folded_name:
        return OnlineLevel.FULL
    if "truc tuyen mot phan" in folded_name:
        return OnlineLevel.PARTIAL
    legacy = _LEGACY_LEVEL.search(folded_name)
    if legacy:
        return _LEGACY_MAP[legacy.group(1)]
    return OnlineLevel.PARTIAL if Channel.ONLINE in channels else OnlineLevel.DIRECT
