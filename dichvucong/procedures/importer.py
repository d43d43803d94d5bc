"""Import the national procedure catalog: ``import_catalog(lines, actor=…) -> ImportReport``.

Two input formats, one JSON object per line, detected by their keys:

* the crawl of the National Public Service Portal (``ma_thu_tuc``, ``ten_thu_tuc``,
  ``cach_thuc_thuc_hien``…), whose run-together table cells ``parsing`` takes apart;
* the structured national format of ``LayThuTuc`` (SPEC-VN §4.2: ``MATTHC``, ``TENTTHC``,
  ``LINHVUCTHUCHIEN``, ``CACHTHUCTHUCHIEN``…).

All or nothing: malformed JSON or a record without code or name is reported with its line number and
nothing is written. Idempotent: a record whose fingerprint (source record + English name) matches the
published version changes nothing; a changed record updates the published version in place while
nothing refers to it yet, otherwise it is published as a new version superseding the old one.
Procedures carried out at ward level get a local variant at every ward-level unit; city-level ones
at the department named in the record (else the city People's Committee).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import math
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.text import slugify

from dichvucong.agencies.constants import WARD_LEVEL_KINDS, AgencyKind
from dichvucong.agencies.models import Agency
from dichvucong.core.audit import record_audit
from dichvucong.core.text import fold, nfc
from dichvucong.procedures import parsing
from dichvucong.procedures.constants import CatalogScope, Channel, DurationUnit, VersionStatus
from dichvucong.procedures.indexing import search_columns
from dichvucong.procedures.models import (
    Fee,
    Field,
    Procedure,
    ProcedureAgency,
    ProcedureVersion,
    ProcessingOption,
    RequiredDocument,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_CATALOG = DATA_DIR / "tthc-national-catalog-2026.jsonl.gz"
DEFAULT_NAMES_EN = DATA_DIR / "names_en.csv"
# Bump when the parser changes so that a re-import re-parses every record.
PARSER_VERSION = "1"
# The crawl fields the parser structures (reported per field in the import report).
PARSED_FIELDS = (
    "cach_thuc_thuc_hien",
    "thanh_phan_ho_so",
    "can_cu_phap_ly",
    "ket_qua_xu_ly",
    "trinh_tu_thuc_hien",
)
_BATCH = 1000


@dataclass
class CatalogRecord:
    """One source record, normalised to what a procedure version holds."""

    line: int
    code: str
    name: str
    field_name: str
    raw: dict[str, Any]
    decision_number: str = ""
    procedure_type: str = ""
    level_central: bool = False
    level_city: bool = False
    level_ward: bool = False
    audience_text: str = ""
    for_citizens: bool = True
    for_businesses: bool = False
    competent_authority: str = ""
    implementing_agency_text: str = ""
    receiving_address: str = ""
    conditions: str = ""
    steps: list[dict[str, str]] = field(default_factory=list)
    legal_basis: list[dict[str, str]] = field(default_factory=list)
    results: list[dict[str, str]] = field(default_factory=list)
    options: list[parsing.ParsedOption] = field(default_factory=list)
    documents: list[parsing.ParsedDocument] = field(default_factory=list)
    related_codes: list[str] = field(default_factory=list)
    online_level: str = ""
    national_url: str = ""
    # [{"field": "cach_thuc_thuc_hien", "message": "…"}]
    problems: list[dict[str, str]] = field(default_factory=list)

    @property
    def is_local(self) -> bool:
        return self.level_city or self.level_ward


@dataclass
class ImportReport:
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    variants_created: int = 0
    # Fatal: (line number, message). Any error means nothing was written.
    errors: list[tuple[int, str]] = field(default_factory=list)
    # Per record, what could not be parsed: (line number, code, field, message).
    problems: list[tuple[int, str, str, str]] = field(default_factory=list)
    # Per parsed crawl field: how many records parsed without a problem in that field.
    fully_parsed: Counter[str] = field(default_factory=Counter)
    records_without_problems: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "variants_created": self.variants_created,
            "problems": len(self.problems),
            "errors": len(self.errors),
        }


# --- Reading ------------------------------------------------------------------------------------


def read_lines(path: Path) -> Iterator[str]:
    """The lines of a JSONL file, gzip-compressed or not."""
    with path.open("rb") as probe:
        compressed = probe.read(2) == b"\x1f\x8b"
    opener = gzip.open if compressed else open
    with opener(path, "rt", encoding="utf-8-sig") as handle:  # type: ignore[operator]
        yield from handle


def load_names_en(path: Path = DEFAULT_NAMES_EN) -> dict[str, tuple[str, int]]:
    """``code → (English name, usage rank)``; the file lists the most used procedure first."""
    if not path.is_file():
        return {}
    names: dict[str, tuple[str, int]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code, name_en = (row.get("code") or "").strip(), (row.get("name_en") or "").strip()
            if code and name_en and code not in names:
                names[code] = (name_en, len(names) + 1)
    return names


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return nfc(value).strip()
    return nfc(str(value)).strip()


def _problem(record: CatalogRecord, source_field: str, messages: list[str]) -> None:
    record.problems += [{"field": source_field, "message": message} for message in messages]


def record_from_crawl(line: int, data: dict[str, Any]) -> CatalogRecord:
    """A crawl record (``ma_thu_tuc``…) → :class:`CatalogRecord` with its parse problems."""
    text = {key: _text(value) for key, value in data.items() if not isinstance(value, dict | list)}
    record = CatalogRecord(
        line=line,
        code=text.get("ma_thu_tuc", ""),
        name=" ".join(text.get("ten_thu_tuc", "").split()),
        field_name=" ".join(text.get("linh_vuc", "").split()) or "Khác",
        raw=data,
        decision_number=text.get("so_quyet_dinh", "")[:200],
        procedure_type=text.get("loai_thu_tuc", "")[:300],
        audience_text=text.get("doi_tuong_thuc_hien", ""),
        competent_authority=_unless_empty(text.get("co_quan_co_tham_quyen")),
        implementing_agency_text=_unless_empty(text.get("co_quan_thuc_hien")),
        receiving_address=_unless_empty(text.get("dia_chi_tiep_nhan")),
        conditions=_unless_empty(text.get("yeu_cau_dieu_kien")),
        national_url=text.get("detail_url", "")[:500],
    )
    record.level_central, record.level_city, record.level_ward = parsing.parse_levels(
        text.get("cap_thuc_hien")
    )
    record.for_citizens, record.for_businesses = parsing.parse_audience(record.audience_text)
    record.options, problems = parsing.parse_options(text.get("cach_thuc_thuc_hien"))
    _problem(record, "cach_thuc_thuc_hien", problems)
    record.documents, problems = parsing.parse_documents(text.get("thanh_phan_ho_so"))
    _problem(record, "thanh_phan_ho_so", problems)
    record.legal_basis, problems = parsing.parse_legal_basis(text.get("can_cu_phap_ly"))
    _problem(record, "can_cu_phap_ly", problems)
    record.results, problems = parsing.parse_results(text.get("ket_qua_xu_ly"))
    _problem(record, "ket_qua_xu_ly", problems)
    record.steps, problems = parsing.parse_steps(data.get("trinh_tu_thuc_hien"))
    _problem(record, "trinh_tu_thuc_hien", problems)
    record.related_codes = parsing.parse_related_codes(text.get("thu_tuc_lien_quan"))
    record.online_level = parsing.infer_online_level(
        stated=text.get("muc_do_dvc") or text.get("muc_do"),
        name=record.name,
        channels=[option.channel for option in record.options],
    )
    return record


def _unless_empty(value: str | None) -> str:
    return "" if parsing.is_empty(value) else (value or "")


def _items(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, dict)]
    return []


_LEGACY_UNITS = {
    "ngay lam viec": DurationUnit.WORKING_DAYS,
    "ngay": DurationUnit.DAYS,
    "gio": DurationUnit.HOURS,
    "gio lam viec": DurationUnit.HOURS,
    "thang": DurationUnit.MONTHS,
}
_NATIONAL_CHANNELS = {
    "1": Channel.DIRECT,
    "2": Channel.ONLINE,
    "3": Channel.POSTAL,
    "truc tiep": Channel.DIRECT,
    "truc tuyen": Channel.ONLINE,
    "dich vu buu chinh": Channel.POSTAL,
    "buu chinh": Channel.POSTAL,
}


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    if isinstance(value, int | float):
        return Decimal(str(value))
    return parsing.parse_amount(_text(value).replace(" ", ""))


def record_from_national(line: int, data: dict[str, Any]) -> CatalogRecord:
    """A ``LayThuTuc`` record (``MATTHC``, ``TENTTHC``…) → :class:`CatalogRecord`."""
    fields = _items(data.get("LINHVUCTHUCHIEN"))
    agencies = _items(data.get("COQUANTHUCHIEN"))
    agency_names = ", ".join(_text(item.get("TENDONVI")) for item in agencies if item.get("TENDONVI"))
    record = CatalogRecord(
        line=line,
        code=_text(data.get("MATTHC")),
        name=" ".join(_text(data.get("TENTTHC")).split()),
        field_name=(_text(fields[0].get("TENLINHVUC")) if fields else "") or "Khác",
        raw=data,
        audience_text=_text(data.get("MOTADOITUONGTHUCHIEN")),
        implementing_agency_text=agency_names,
        conditions=_text(data.get("YEUCAU")),
        national_url=_text(data.get("URL"))[:500],
    )
    levels_text = _text(data.get("CAPTHUCHIEN")) or agency_names
    central, city, ward = parsing.parse_levels(levels_text)
    folded_agencies = fold(agency_names)
    city = city or "so " in f" {folded_agencies}" or "cap tinh" in folded_agencies
    ward = ward or any(word in folded_agencies for word in ("phuong", "cap xa", "xa,", "dac khu"))
    record.level_central, record.level_city, record.level_ward = central or not (city or ward), city, ward
    if not _text(data.get("CAPTHUCHIEN")):
        _problem(record, "CAPTHUCHIEN", ["Không ghi cấp thực hiện; đã suy ra từ cơ quan thực hiện."])
    record.for_citizens, record.for_businesses = parsing.parse_audience(record.audience_text)
    for group in _items(data.get("TRINHTUTHUCHIEN")):
        case = _text(group.get("TRUONGHOP"))
        for step in _items(group.get("TRINHTU")):
            record.steps.append({"title": case, "text": _text(step.get("TENTRINHTU"))})
    for channel_item in _items(data.get("CACHTHUCTHUCHIEN")):
        channel = _NATIONAL_CHANNELS.get(fold(_text(channel_item.get("KENH"))))
        if channel is None:
            _problem(record, "CACHTHUCTHUCHIEN", [f"Không nhận ra kênh {channel_item.get('KENH')!r}."])
            continue
        times = _items(channel_item.get("THOIGIAN")) or [{}]
        for time_item in times:
            duration = _decimal(time_item.get("THOIGIANGIAIQUYET"))
            unit = _LEGACY_UNITS.get(fold(_text(time_item.get("DONVITINH"))), DurationUnit.WORKING_DAYS)
            if duration is None:
                unit = DurationUnit.NONE
            fees = [
                parsing.ParsedFee(
                    amount=_decimal(fee.get("SOTIEN")),
                    currency="USD" if "usd" in fold(_text(fee.get("DONVI"))) else "VND",
                    description=_text(fee.get("MOTA")),
                )
                for fee in _items(time_item.get("PHILEPHI"))
            ]
            record.options.append(
                parsing.ParsedOption(
                    channel=channel,
                    duration=duration,
                    duration_unit=unit,
                    fees=fees,
                    description=_text(time_item.get("MOTA")),
                )
            )
    for group in _items(data.get("THANHPHANHOSO")):
        case = _text(group.get("TRUONGHOP"))
        for document in _items(group.get("GIAYTO")):
            record.documents.append(
                parsing.ParsedDocument(
                    name=_text(document.get("TENGIAYTO")),
                    case=case[:500],
                    template_name=_text(document.get("TENMAUDON"))[:500],
                    originals=int(_decimal(document.get("SOBANCHINH")) or 0),
                    copies=int(_decimal(document.get("SOBANSAO")) or 0),
                )
            )
            record.documents[-1].template_url = _text(document.get("URL"))[:500]
    record.results = [
        {"code": _text(item.get("MAKETQUA")), "name": _text(item.get("TENKETQUA"))}
        for item in _items(data.get("KETQUATHUCHIEN"))
    ]
    record.legal_basis = [
        {"number": _text(item.get("SOVANBAN")), "title": _text(item.get("TENVANBAN"))}
        for item in _items(data.get("CANCUPHAPLY"))
    ]
    record.online_level = parsing.infer_online_level(
        stated=_text(data.get("MUCDO")),
        name=record.name,
        channels=[option.channel for option in record.options],
    )
    return record


def parse_lines(lines: Iterable[str], report: ImportReport) -> list[CatalogRecord]:
    """Parse every line; fatal errors go to ``report.errors`` with their line number."""
    records: list[CatalogRecord] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        report.total += 1
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            report.errors.append((number, f"JSON không hợp lệ: {exc.msg} (cột {exc.colno})."))
            continue
        if not isinstance(data, dict):
            report.errors.append((number, "Mỗi dòng phải là một đối tượng JSON."))
            continue
        if "MATTHC" in data or "TENTTHC" in data:
            record = record_from_national(number, data)
        elif "ma_thu_tuc" in data or "ten_thu_tuc" in data:
            record = record_from_crawl(number, data)
        else:
            report.errors.append((number, "Không nhận ra định dạng bản ghi (thiếu mã và tên thủ tục)."))
            continue
        if not record.code or not record.name:
            report.errors.append((number, "Bản ghi thiếu mã thủ tục hoặc tên thủ tục."))
            continue
        if len(record.code) > 32 or len(record.name) > 2000:
            report.errors.append(
                (number, "Mã thủ tục (tối đa 32 ký tự) hoặc tên (tối đa 2000 ký tự) quá dài.")
            )
            continue
        if record.code in seen:
            report.errors.append((number, f"Mã thủ tục {record.code} trùng với dòng {seen[record.code]}."))
            continue
        seen[record.code] = number
        records.append(record)
    return records


# --- Writing ------------------------------------------------------------------------------------


def fingerprint(record: CatalogRecord, name_en: str) -> str:
    payload = json.dumps(
        [PARSER_VERSION, record.raw, name_en], sort_keys=True, ensure_ascii=False, default=str
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def prior_popularity(usage_rank: int | None) -> float:
    """The popularity a procedure gets from its place in the list of the most used ones."""
    if not usage_rank:
        return 0.0
    return 10.0 / (1.0 + math.log(usage_rank))


def popularity(usage_rank: int | None, view_count: int) -> float:
    return round(prior_popularity(usage_rank) + math.log1p(max(view_count, 0)), 4)


def field_code(name: str, taken: set[str]) -> str:
    base = slugify(fold(name))[:90] or "linh-vuc"
    code, suffix = base, 2
    while code in taken:
        code, suffix = f"{base}-{suffix}", suffix + 1
    taken.add(code)
    return code


def _ensure_fields(records: list[CatalogRecord]) -> dict[str, Field]:
    by_name = {item.name: item for item in Field.objects.all()}
    taken = set(Field.objects.values_list("code", flat=True))
    missing = sorted({record.field_name[:300] for record in records} - set(by_name))
    created = Field.objects.bulk_create(
        [Field(code=field_code(name, taken), name=name, search_name=fold(name)[:300]) for name in missing]
    )
    by_name.update({item.name: item for item in created})
    return by_name


def _fill_version(version: ProcedureVersion, record: CatalogRecord, name_en: str, field_row: Field) -> None:
    version.name = record.name
    version.name_en = name_en
    version.field = field_row
    version.decision_number = record.decision_number
    version.procedure_type = record.procedure_type
    version.level_central = record.level_central
    version.level_city = record.level_city
    version.level_ward = record.level_ward
    version.for_citizens = record.for_citizens
    version.for_businesses = record.for_businesses
    version.audience_text = record.audience_text
    version.online_level = record.online_level
    version.competent_authority = record.competent_authority
    version.implementing_agency_text = record.implementing_agency_text
    version.receiving_address = record.receiving_address
    version.steps = record.steps
    version.conditions = record.conditions
    version.legal_basis = record.legal_basis
    version.results = record.results
    version.raw = record.raw
    version.parse_problems = record.problems


def _children(
    version: ProcedureVersion, record: CatalogRecord
) -> tuple[list[ProcessingOption], list[tuple[ProcessingOption, list[Fee]]], list[RequiredDocument]]:
    options: list[ProcessingOption] = []
    fees: list[tuple[ProcessingOption, list[Fee]]] = []
    for position, parsed in enumerate(record.options):
        option = ProcessingOption(
            version=version,
            position=position,
            channel=parsed.channel,
            duration=parsed.duration,
            duration_unit=parsed.duration_unit,
            description=parsed.description,
        )
        options.append(option)
        fees.append(
            (
                option,
                [
                    Fee(
                        version=version,
                        position=index,
                        name=fee.name[:300],
                        amount=fee.amount,
                        currency=fee.currency,
                        description=fee.description,
                    )
                    for index, fee in enumerate(parsed.fees)
                ],
            )
        )
    documents = [
        RequiredDocument(
            version=version,
            position=position,
            case=parsed.case[:500],
            name=parsed.name,
            originals=min(parsed.originals, 32767),
            copies=min(parsed.copies, 32767),
            quantity_text=parsed.quantity_text[:200],
            template_name=parsed.template_name[:500],
            template_url=parsed.template_url[:500],
        )
        for position, parsed in enumerate(record.documents)
    ]
    return options, fees, documents


def _referenced_version_ids(version_ids: list[int]) -> set[int]:
    """Versions something outside the catalog (a dossier…) refers to: those are never edited."""
    referenced: set[int] = set()
    for relation in ProcedureVersion._meta.related_objects:
        model = relation.related_model
        if model._meta.app_label == "procedures" or not relation.field.many_to_one:
            continue
        column = relation.field.name
        for start in range(0, len(version_ids), _BATCH):
            chunk = version_ids[start : start + _BATCH]
            referenced.update(
                model._default_manager.filter(**{f"{column}__in": chunk}).values_list(column, flat=True)
            )
    return referenced


def _write_children(pairs: list[tuple[ProcedureVersion, CatalogRecord]]) -> None:
    all_options: list[ProcessingOption] = []
    all_fees: list[tuple[ProcessingOption, list[Fee]]] = []
    all_documents: list[RequiredDocument] = []
    documents_of: dict[int, list[RequiredDocument]] = {}
    for version, record in pairs:
        options, fees, documents = _children(version, record)
        all_options += options
        all_fees += fees
        all_documents += documents
        documents_of[id(version)] = documents
    ProcessingOption.objects.bulk_create(all_options, batch_size=_BATCH)
    fee_rows = []
    for option, fees in all_fees:
        for fee in fees:
            fee.option = option
            fee_rows.append(fee)
    Fee.objects.bulk_create(fee_rows, batch_size=_BATCH)
    RequiredDocument.objects.bulk_create(all_documents, batch_size=_BATCH)
    for version, _record in pairs:
        # search_columns() reads the documents: hand it the rows just written instead of a query each.
        version._prefetched_objects_cache = {"documents": documents_of[id(version)]}  # type: ignore[attr-defined]
        version.search_name, version.search_text = search_columns(version)
    _executemany(
        ProcedureVersion,
        "UPDATE {table} SET search_name = %s, search_text = %s WHERE id = %s",
        [(version.search_name, version.search_text, version.pk) for version, _record in pairs],
    )


def _executemany(model: type[Model], sql: str, rows: list[tuple[Any, ...]]) -> None:
    """One prepared statement for many rows: much faster than ``bulk_update``'s CASE expressions."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), _BATCH * 5):
            cursor.executemany(sql.format(table=table), rows[start : start + _BATCH * 5])


def _ensure_variants(procedures: list[tuple[Procedure, CatalogRecord]]) -> int:
    """Local variants: every ward-level unit for ward procedures, the matched department for city ones."""
    agencies = list(Agency.objects.filter(valid_until__isnull=True))
    if not agencies:
        return 0
    wards = [agency for agency in agencies if agency.kind in WARD_LEVEL_KINDS]
    city = next((agency for agency in agencies if agency.kind == AgencyKind.CITY), None)
    departments = sorted(
        (
            (fold(agency.name), agency)
            for agency in agencies
            if agency.kind not in WARD_LEVEL_KINDS and agency.kind != AgencyKind.CITY
        ),
        key=lambda pair: -len(pair[0]),
    )
    existing = set(ProcedureAgency.objects.values_list("procedure_id", "agency_id"))
    taken_codes = set(ProcedureAgency.objects.values_list("local_code", flat=True))
    rows: list[tuple[int, int, str]] = []

    def add(procedure: Procedure, agency: Agency) -> None:
        key = (procedure.pk, agency.pk)
        if key in existing:
            return
        local_code = f"{procedure.code}.{agency.code}"
        if local_code in taken_codes:
            return
        existing.add(key)
        taken_codes.add(local_code)
        rows.append((procedure.pk, agency.pk, local_code))

    for procedure, record in procedures:
        if record.level_ward:
            for ward in wards:
                add(procedure, ward)
        if record.level_city:
            text = fold(f"{record.implementing_agency_text} {record.competent_authority}")
            matched = [agency for name, agency in departments if name and name in text]
            for agency in matched or ([city] if city else []):
                add(procedure, agency)
    _executemany(
        ProcedureAgency,
        "INSERT INTO {table} (procedure_id, agency_id, local_code, is_active) VALUES (%s, %s, %s, %s)",
        [(row[0], row[1], row[2], True) for row in rows],
    )
    return len(rows)


def import_catalog(
    lines: Iterable[str],
    *,
    actor: AbstractBaseUser | None,
    names_en: dict[str, tuple[str, int]] | None = None,
) -> ImportReport:
    """Import the catalog from JSONL ``lines``: all or nothing, idempotent; see the module docstring."""
    report = ImportReport()
    records = parse_lines(lines, report)
    if report.errors:
        return report
    names = load_names_en() if names_en is None else names_en
    for record in records:
        problem_fields = {problem["field"] for problem in record.problems}
        for source_field in PARSED_FIELDS:
            if source_field not in problem_fields:
                report.fully_parsed[source_field] += 1
        if not record.problems:
            report.records_without_problems += 1
        report.problems += [
            (record.line, record.code, problem["field"], problem["message"]) for problem in record.problems
        ]
    with transaction.atomic():
        _write(records, names, report, actor)
        record_audit(
            actor=actor,
            action="procedure_catalog.import",
            target_type="procedures.procedure",
            after=report.as_dict(),
        )
    return report


def _write(
    records: list[CatalogRecord],
    names: dict[str, tuple[str, int]],
    report: ImportReport,
    actor: AbstractBaseUser | None,
) -> None:
    now = timezone.now()
    fields = _ensure_fields(records)
    procedures = Procedure.objects.in_bulk([record.code for record in records], field_name="code")
    published = {
        version.procedure_id: version
        for version in ProcedureVersion.objects.filter(
            procedure__code__in=list(procedures), status=VersionStatus.PUBLISHED
        ).only("id", "procedure_id", "source_hash", "number")
    }
    numbers = dict(
        ProcedureVersion.objects.filter(procedure__code__in=list(procedures))
        .values("procedure_id")
        .annotate(top=Max("number"))
        .values_list("procedure_id", "top")
    )

    new_procedures: list[Procedure] = []
    procedure_updates: list[Procedure] = []
    changed: list[tuple[Procedure, CatalogRecord, str, str, ProcedureVersion | None]] = []
    for record in records:
        name_en, rank = names.get(record.code, ("", None))
        digest = fingerprint(record, name_en)
        scope = CatalogScope.LOCAL if record.is_local else CatalogScope.CENTRAL
        procedure = procedures.get(record.code)
        if procedure is None:
            procedure = Procedure(
                code=record.code,
                scope=scope,
                national_url=record.national_url,
                usage_rank=rank,
                popularity=popularity(rank, 0),
            )
            new_procedures.append(procedure)
            changed.append((procedure, record, name_en, digest, None))
            continue
        attributes = {
            "scope": scope,
            "national_url": record.national_url,
            "usage_rank": rank,
            "popularity": popularity(rank, procedure.view_count),
        }
        if any(getattr(procedure, key) != value for key, value in attributes.items()):
            for key, value in attributes.items():
                setattr(procedure, key, value)
            procedure_updates.append(procedure)
        current = published.get(procedure.pk)
        if current is not None and current.source_hash == digest:
            report.unchanged += 1
            continue
        changed.append((procedure, record, name_en, digest, current))

    Procedure.objects.bulk_create(new_procedures, batch_size=_BATCH)
    report.created = len(new_procedures)
    report.updated = len(changed) - len(new_procedures)

    current_ids = [current.pk for *_rest, current in changed if current is not None]
    referenced = _referenced_version_ids(current_ids)
    in_place_ids = [pk for pk in current_ids if pk not in referenced]
    # Versions updated in place lose their children; superseded ones keep theirs (frozen).
    ProcessingOption.objects.filter(version_id__in=in_place_ids).delete()
    RequiredDocument.objects.filter(version_id__in=in_place_ids).delete()
    Fee.objects.filter(version_id__in=in_place_ids).delete()
    ProcedureVersion.objects.filter(pk__in=[pk for pk in current_ids if pk in referenced]).update(
        status=VersionStatus.SUPERSEDED
    )
    in_place = set(in_place_ids)
    in_place_versions = ProcedureVersion.objects.in_bulk(in_place_ids)

    new_versions: list[ProcedureVersion] = []
    updated_versions: list[ProcedureVersion] = []
    pairs: list[tuple[ProcedureVersion, CatalogRecord]] = []
    for procedure, record, name_en, digest, current in changed:
        if current is not None and current.pk in in_place:
            version = in_place_versions[current.pk]
            updated_versions.append(version)
        else:
            version = ProcedureVersion(
                procedure=procedure,
                number=numbers.get(procedure.pk, 0) + 1,
                status=VersionStatus.PUBLISHED,
                created_by=actor if getattr(actor, "pk", None) else None,
                published_by=actor if getattr(actor, "pk", None) else None,
                published_at=now,
                change_note="Nhập từ danh mục thủ tục hành chính quốc gia",
            )
            new_versions.append(version)
        _fill_version(version, record, name_en, fields[record.field_name[:300]])
        version.procedure = procedure
        version.source_hash = digest
        version.updated_at = now
        pairs.append((version, record))

    ProcedureVersion.objects.bulk_create(new_versions, batch_size=_BATCH)
    version_fields = [
        "name", "name_en", "field", "decision_number", "procedure_type", "level_central",
        "level_city", "level_ward", "for_citizens", "for_businesses", "audience_text",
        "online_level", "competent_authority", "implementing_agency_text", "receiving_address",
        "steps", "conditions", "legal_basis", "results", "raw", "parse_problems", "source_hash",
        "updated_at",
    ]  # fmt: skip
    ProcedureVersion.objects.bulk_update(updated_versions, version_fields, batch_size=_BATCH)
    _write_children(pairs)

    for version in new_versions:
        version.procedure.current_version = version
        procedure_updates.append(version.procedure)
    _executemany(
        Procedure,
        "UPDATE {table} SET scope = %s, national_url = %s, usage_rank = %s, popularity = %s, "
        "current_version_id = %s, updated_at = %s WHERE id = %s",
        [
            (
                item.scope,
                item.national_url,
                item.usage_rank,
                item.popularity,
                item.current_version_id,
                now,
                item.pk,
            )
            for item in {id(item): item for item in procedure_updates}.values()
        ],
    )
    _link_related([(procedure, record) for procedure, record, *_rest in changed])
    by_code = {**procedures, **{procedure.code: procedure for procedure in new_procedures}}
    report.variants_created = _ensure_variants([(by_code[record.code], record) for record in records])


def _link_related(pairs: list[tuple[Procedure, CatalogRecord]]) -> None:
    wanted = {code for _procedure, record in pairs for code in record.related_codes}
    if not wanted:
        return
    by_code = Procedure.objects.in_bulk(list(wanted), field_name="code")
    for procedure, record in pairs:
        targets = [
            by_code[code] for code in record.related_codes if code in by_code and code != procedure.code
        ]
        if targets:
            procedure.related.add(*targets)
