"""Printable declarations (tờ khai): a form version rendered with given data as DOCX or PDF.

``declaration_docx(version, data=…)`` and ``declaration_pdf(version, data=…)`` lay out the form's
title, its sections, each field's label with the value (or a dotted line to fill by hand when there
is none), repeating groups as tables (blank rows when empty), file slots as the list of documents to
attach, and the consent and signature lines. ``data`` is a submission's ``result.data`` (JSON, keys
as in the UI schema); empty data gives the blank form to print and fill in on paper.

Like the counter's slips (``dossiers.slips``) a declaration is a legal document in Vietnamese: it is
always laid out in Vietnamese (the labels' ``vi`` text), whatever the reader's language. The PDF is
HTML (``templates/forms/documents/``) rendered by WeasyPrint with DejaVu Serif.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from dichvucong.forms import units
from dichvucong.forms.constants import CHOICE_TYPES, FieldType
from dichvucong.forms.models import FormVersion
from dichvucong.forms.rendering import text_in_language
from dichvucong.forms.spec import FormSpec

__all__ = ["Declaration", "build_declaration", "declaration_docx", "declaration_pdf"]

DOTS = "." * 60  # the dotted line of a blank answer
BLANK_GROUP_ROWS = 3
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Line:
    """One block of the declaration: ``kind`` is ``section``, ``field``, ``group`` or ``consent``."""

    kind: str
    label: str
    value: str = ""
    checked: bool = False
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


@dataclass(frozen=True)
class Declaration:
    title: str
    subtitle: str
    lines: list[Line]
    attachments: list[str]


def _vi(value: Any) -> str:
    with translation.override("vi"):
        return text_in_language(value)


def _option_label(item: Mapping[str, Any], value: Any) -> str:
    for option in item.get("options") or []:
        if isinstance(option, dict) and option.get("value") == value:
            return _vi(option.get("label")) or str(value)
    return str(value)


def _date(value: str) -> str:
    try:
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    except ValueError:
        return value


def _money(value: Any) -> str:
    if isinstance(value, int | float):
        return f"{int(value):,}".replace(",", ".") + " đồng"
    return str(value)


def _address(value: Mapping[str, Any]) -> str:
    ward = units.ward(str(value.get("ward") or ""))
    parts = [
        str(value.get("street") or "").strip(),
        ward.name if ward is not None else "",
        units.province_name(str(value.get("province") or "")),
    ]
    return ", ".join(part for part in parts if part)


def display_value(item: Mapping[str, Any], value: Any) -> str:
    """A field's value as written on paper ("" when there is none)."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    kind = item.get("type")
    if kind == FieldType.ADDRESS:
        return _address(value) if isinstance(value, dict) else ""
    if kind == FieldType.YES_NO:
        return {True: "Có", False: "Không"}.get(value, str(value))
    if kind == FieldType.DATE:
        return _date(str(value))
    if kind == FieldType.MONEY:
        return _money(value)
    if kind in CHOICE_TYPES:
        values = value if isinstance(value, list) else [value]
        return ", ".join(_option_label(item, one) for one in values)
    if isinstance(value, dict | list):
        return ""
    return str(value)


def build_declaration(spec: FormSpec, *, title: str, data: Mapping[str, Any] | None = None) -> Declaration:
    """The blocks of the declaration of ``spec`` filled with ``data`` (JSON keyed like the form)."""
    data = data if isinstance(data, Mapping) else {}
    lines: list[Line] = []
    attachments: list[str] = []
    for item in spec.fields:
        if not isinstance(item, dict) or "key" not in item:
            continue
        kind, label, value = item.get("type"), _vi(item.get("label")), data.get(item["key"])
        if kind == FieldType.SECTION:
            lines.append(Line(kind="section", label=label))
        elif kind == FieldType.FILE:
            attachments.append(label)
        elif kind == FieldType.CONSENT:
            lines.append(Line(kind="consent", label=label, checked=value is True))
        elif kind == FieldType.GROUP:
            children = [child for child in item.get("fields") or [] if isinstance(child, dict)]
            rows = [
                [display_value(child, row.get(child.get("key"))) for child in children]
                for row in (value if isinstance(value, list) else [])
                if isinstance(row, dict)
            ]
            lines.append(
                Line(
                    kind="group",
                    label=label,
                    columns=[_vi(child.get("label")) for child in children],
                    rows=rows or [[""] * len(children) for _row in range(BLANK_GROUP_ROWS)],
                )
            )
        else:
            lines.append(Line(kind="field", label=label, value=display_value(item, value)))
    return Declaration(
        title=title or spec.key,
        subtitle=f"Mẫu {spec.key}, phiên bản {spec.number}",
        lines=lines,
        attachments=attachments,
    )


def answer_rows(spec: FormSpec, data: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """The answers as (label, text) rows for an officer's screen: fields in order, groups one row
    each ("; " between members), file slots and headings left out, unanswered fields included."""
    rows: list[tuple[str, str]] = []
    for line in build_declaration(spec, title="", data=data).lines:
        if line.kind == "field":
            rows.append((line.label, line.value))
        elif line.kind == "consent":
            rows.append((line.label, "Có" if line.checked else "Không"))
        elif line.kind == "group":
            members = [", ".join(cell for cell in row if cell) for row in line.rows]
            rows.append((line.label, "; ".join(member for member in members if member)))
    return rows


def _declaration(version: FormVersion, title: str, data: Mapping[str, Any] | None) -> Declaration:
    return build_declaration(version.spec, title=title or version.definition.name, data=data)


def declaration_pdf(version: FormVersion, *, data: Mapping[str, Any] | None = None, title: str = "") -> bytes:
    """The declaration of ``version`` (filled with ``data`` when given) as PDF bytes."""
    from weasyprint import HTML

    declaration = _declaration(version, title, data)
    with translation.override("vi"):
        html = render_to_string(
            "forms/documents/declaration.html", {"declaration": declaration, "dots": DOTS}
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def declaration_docx(
    version: FormVersion, *, data: Mapping[str, Any] | None = None, title: str = ""
) -> bytes:
    """The declaration of ``version`` (filled with ``data`` when given) as DOCX bytes."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    declaration = _declaration(version, title, data)
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)

    def centered(text: str, *, bold: bool = False, italic: bool = False, size: int | None = None) -> None:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)

    centered("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True)
    centered("Độc lập - Tự do - Hạnh phúc", bold=True)
    centered(declaration.title.upper(), bold=True, size=14)
    centered(declaration.subtitle, italic=True, size=10)
    for line in declaration.lines:
        if line.kind == "section":
            document.add_heading(line.label, level=2)
        elif line.kind == "field":
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{line.label}: ")
            paragraph.add_run(line.value or DOTS).bold = bool(line.value)
        elif line.kind == "consent":
            document.add_paragraph(f"{'☒' if line.checked else '☐'} {line.label}")
        elif line.kind == "group":
            document.add_paragraph(f"{line.label}:")
            table = document.add_table(rows=1, cols=len(line.columns) + 1)
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, ["STT", *line.columns], strict=True):
                cell.text = text
            for number, row in enumerate(line.rows, start=1):
                cells = table.add_row().cells
                for cell, text in zip(cells, [str(number), *row], strict=True):
                    cell.text = text
    if declaration.attachments:
        document.add_paragraph("Giấy tờ kèm theo:")
        for name in declaration.attachments:
            document.add_paragraph(f"- {name}")
    place = document.add_paragraph(f"{'.' * 20}, ngày ..... tháng ..... năm ..........")
    place.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    signer = document.add_paragraph()
    signer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    signer.add_run("NGƯỜI KHAI\n").bold = True
    signer.add_run("(Ký, ghi rõ họ tên)").italic = True
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
