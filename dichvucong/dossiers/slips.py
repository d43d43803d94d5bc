"""The signed slips of the one-stop counter (Circular 01/2018/TT-VPCP annex), as PDF bytes.

- ``receipt_pdf(dossier)``: Mẫu 01 "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", with a QR code of the
  public tracking link and a Code 128 barcode of the dossier code (Art. 19.2);
- ``supplement_request_pdf(request)``: Mẫu 02 "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ";
- ``refusal_pdf(dossier)``: Mẫu 03 "Phiếu từ chối tiếp nhận giải quyết hồ sơ";
- ``apology_pdf(reschedule)``: Mẫu 04 "Phiếu xin lỗi và hẹn lại ngày trả kết quả";
- ``process_control_pdf(dossier)``: Mẫu 05 "Phiếu kiểm soát quá trình giải quyết hồ sơ", built from
  the dossier's event log (each hand-over between officers, agencies and the applicant).

Each is HTML (``templates/dossiers/slips/``) rendered by WeasyPrint on A4 with DejaVu Serif (full
Vietnamese coverage, from Debian's ``fonts-dejavu-core``), then signed (PAdES) by
``dichvucong.core.signing``. The forms are legal documents in Vietnamese, so they are always
rendered in Vietnamese whatever the reader's language (their text is the annex's wording, not UI
text, and is not in the translation catalog).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from urllib.parse import urlencode

import barcode
import segno
from barcode.writer import SVGWriter
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from dichvucong.core.signing import sign_pdf, signing_enabled
from dichvucong.dossiers import hooks
from dichvucong.dossiers.constants import DocumentKind, EventAction, ReturnMethod, SubmissionChannel
from dichvucong.dossiers.models import Dossier, DossierEvent, DossierReschedule, SupplementRequest
from dichvucong.procedures.constants import Channel, DurationUnit

__all__ = [
    "apology_pdf",
    "dossier_barcode",
    "process_control_pdf",
    "process_control_rows",
    "receipt_pdf",
    "refusal_pdf",
    "supplement_request_pdf",
    "tracking_url",
]

_CHANNEL_OPTION = {
    SubmissionChannel.DIRECT: Channel.DIRECT,
    SubmissionChannel.ONLINE: Channel.ONLINE,
    SubmissionChannel.POSTAL: Channel.POSTAL,
}


@dataclass(frozen=True)
class DocumentLine:
    name: str
    originals: int
    copies: int
    files: int


def tracking_url(code: str) -> str:
    """The absolute public look-up link of a dossier (what the slip's QR code holds)."""
    return f"{settings.SITE_URL}/tra-cuu/?{urlencode({'ma': code})}"


def dossier_barcode(code: str) -> barcode.Code128:
    """The Code 128 barcode of a dossier code (a counter's scanner types the code back)."""
    return barcode.Code128(code, writer=SVGWriter())


def _data_uri(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _barcode_uri(code: str) -> str:
    svg = dossier_barcode(code).render(
        {"module_width": 0.3, "module_height": 12.0, "quiet_zone": 4.0, "write_text": False}
    )
    return _data_uri("image/svg+xml", svg)


def _evaluation_qr(dossier: Dossier) -> dict[str, str]:
    """The signed rating link (phone channel of the satisfaction evaluation) as text and QR code."""
    link = hooks.evaluation_link(dossier)
    if not link:
        return {"evaluation_url": "", "evaluation_qr_uri": ""}
    return {
        "evaluation_url": link,
        "evaluation_qr_uri": segno.make(link, error="m").svg_data_uri(scale=3, border=2),
    }


def _qr_uri(code: str) -> str:
    return segno.make(tracking_url(code), error="m").svg_data_uri(scale=4, border=2)


def _local(at: datetime | None) -> datetime | None:
    return timezone.localtime(at) if at is not None else None


def _number(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text.replace(".", ",")


def _money(amount: Decimal) -> str:
    whole = int(amount.quantize(Decimal(1)))
    return f"{whole:,}".replace(",", ".") + " đồng"


def _legal_time(dossier: Dossier) -> str:
    """ "5 ngày làm việc", or "không quy định thời hạn", from the option of the dossier's channel."""
    options = list(dossier.procedure_version.options.all())
    wanted = _CHANNEL_OPTION.get(dossier.channel)
    option = next((o for o in options if o.channel == wanted), None) or next(iter(options), None)
    if option is None or option.duration is None or option.duration_unit == DurationUnit.NONE:
        return str(DurationUnit.NONE.label)
    return f"{_number(option.duration)} {DurationUnit(option.duration_unit).label}"


def _fee(dossier: Dossier) -> str:
    if dossier.fee_total:
        return _money(dossier.fee_total)
    amounts = [fee.amount for fee in dossier.procedure_version.fees.all() if fee.amount]
    if amounts:
        return _money(sum(amounts, Decimal(0)))
    return "Không thu phí, lệ phí"


def _document_lines(dossier: Dossier) -> list[DocumentLine]:
    """Each item handed in: the procedure's required documents the dossier has files for, then any
    other file; a paper-only dossier (no files) lists the required items it was received with."""
    files = [
        d for d in dossier.documents.all() if d.kind in (DocumentKind.APPLICATION, DocumentKind.SUPPLEMENT)
    ]
    per_item: dict[int, int] = {}
    others: list[str] = []
    for document in files:
        if document.required_document_id is not None:
            per_item[document.required_document_id] = per_item.get(document.required_document_id, 0) + 1
        else:
            others.append(document.title or document.original_name)
    lines = []
    for item in dossier.procedure_version.documents.all():
        if item.pk in per_item or (not files and item.is_required):
            lines.append(
                DocumentLine(
                    name=item.name,
                    originals=item.originals,
                    copies=item.copies,
                    files=per_item.get(item.pk, 0),
                )
            )
    lines.extend(DocumentLine(name=name, originals=0, copies=0, files=1) for name in others)
    return lines


def _event(dossier: Dossier, action: str):  # -> DossierEvent | None
    return dossier.events.filter(action=action).select_related("actor").order_by("-at", "-id").first()


def _header(dossier: Dossier) -> dict[str, object]:
    agency = dossier.agency
    parent = agency.parent
    return {
        "dossier": dossier,
        "agency_name": agency.name,
        "parent_name": parent.name if parent is not None else "",
        "procedure_name": dossier.procedure_version.name,
        "procedure_code": dossier.procedure.code,
        "issued_at": timezone.localtime(),
        "signed": signing_enabled(),
    }


def _render(template: str, context: dict[str, object], *, reason: str, location: str) -> bytes:
    from weasyprint import HTML

    with translation.override("vi"):
        html = render_to_string(f"dossiers/slips/{template}", context)
    pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    return sign_pdf(pdf, reason=reason, location=location)


def receipt_pdf(dossier: Dossier) -> bytes:
    """Mẫu 01 for a received dossier (it has a code), signed."""
    if not dossier.code or dossier.received_at is None:
        raise ValueError("a receipt is issued only for a received dossier (with a code)")
    received = _event(dossier, EventAction.RECEIVED)
    officer = received.actor if received is not None and received.actor is not None else dossier.recorded_by
    return_method = ReturnMethod(dossier.return_method)
    context = _header(dossier) | {
        "documents": _document_lines(dossier),
        "legal_time": _legal_time(dossier),
        "received_at": _local(dossier.received_at),
        "due_at": _local(dossier.due_at),
        "fee": _fee(dossier),
        "return_method": return_method.label,
        "return_address": dossier.return_address if return_method == ReturnMethod.POSTAL else "",
        "officer_name": officer.display_name if officer is not None else "",
        "channel": SubmissionChannel(dossier.channel).label,
        "tracking_url": tracking_url(dossier.code),
        "qr_uri": _qr_uri(dossier.code),
        "barcode_uri": _barcode_uri(dossier.code),
        **_evaluation_qr(dossier),
    }
    return _render(
        "receipt.html", context, reason=f"Tiếp nhận hồ sơ {dossier.code}", location=dossier.agency.name
    )


def supplement_request_pdf(request: SupplementRequest) -> bytes:
    """Mẫu 02: the exact items to add, why, and by when; guided once and fully. Signed."""
    dossier = request.dossier
    items = [
        {"title": str(item.get("title", "")), "reason": str(item.get("reason", ""))}
        for item in request.items
        if isinstance(item, dict)
    ]
    context = _header(dossier) | {
        "request": request,
        "items": items,
        "requested_at": _local(request.requested_at),
        "deadline": _local(request.deadline),
        "officer_name": request.requested_by.display_name,
        "tracking_url": tracking_url(dossier.code) if dossier.code else "",
    }
    return _render(
        "supplement_request.html",
        context,
        reason=f"Yêu cầu bổ sung, hoàn thiện hồ sơ {dossier.code or dossier.pk}",
        location=dossier.agency.name,
    )


def refusal_pdf(dossier: Dossier) -> bytes:
    """Mẫu 03 for a refused dossier: the reason given by the officer. Signed."""
    refused = _event(dossier, EventAction.REFUSED)
    if refused is None:
        raise ValueError("a refusal notice is issued only for a refused dossier")
    reason = refused.note or str(refused.data.get("reason", ""))
    officer = refused.actor
    context = _header(dossier) | {
        "reason": reason,
        "refused_at": _local(refused.at),
        "submitted_at": _local(dossier.submitted_at or dossier.received_at),
        "officer_name": officer.display_name if officer is not None else "",
    }
    return _render(
        "refusal.html",
        context,
        reason=f"Từ chối tiếp nhận hồ sơ {dossier.code or dossier.pk}",
        location=dossier.agency.name,
    )


def apology_pdf(reschedule: DossierReschedule) -> bytes:
    """Mẫu 04: the apology, its reason and the new return date (the one rescheduling). Signed."""
    dossier = reschedule.dossier
    context = _header(dossier) | {
        "reason": reschedule.reason,
        "received_at": _local(dossier.received_at or reschedule.requested_at),
        "old_due_at": _local(reschedule.old_due_at),
        "new_due_at": _local(reschedule.new_due_at),
        "officer_name": reschedule.requested_by.display_name,
    }
    return _render(
        "apology.html",
        context,
        reason=f"Xin lỗi và hẹn lại ngày trả kết quả hồ sơ {dossier.code or dossier.pk}",
        location=dossier.agency.name,
    )


@dataclass(frozen=True)
class ControlRow:
    """One hand-over of Mẫu 05: who gave the dossier to whom, when, and whether on time."""

    giver: str
    giver_name: str
    taker: str
    at: datetime
    outcome: str
    note: str


_RECEPTION_UNIT = "Bộ phận tiếp nhận và trả kết quả"
_APPLICANT = "Người nộp hồ sơ"


def _outcome(at: datetime, due: datetime | None) -> str:
    if due is None:
        return "Không quy định thời hạn"
    if at > due:
        return "Quá hạn"
    if timezone.localtime(at).date() < timezone.localtime(due).date():
        return "Trước hạn"
    return "Đúng hạn"


def _due(event: DossierEvent) -> datetime | None:
    raw = (event.data or {}).get("due_at")
    if not raw:
        return None
    try:
        return datetime.fromisoformat(str(raw))
    except ValueError:
        return None


def _row(event: DossierEvent, dossier: Dossier) -> ControlRow | None:
    """The hand-over an event records, if it is one."""
    data = event.data or {}
    agency = event.agency.name if event.agency_id else dossier.agency.name
    actor = event.actor.display_name if event.actor_id else ""
    task = str(data.get("task", ""))
    here = f"{agency} ({task})" if task else agency
    opened = str(data.get("opened", ""))
    action = event.action
    at = _local(event.at)
    if action == EventAction.RECEIVED:
        return ControlRow(_RECEPTION_UNIT, actor, opened or agency, at, "Đúng hạn", "Tiếp nhận hồ sơ")
    if action == EventAction.WORKFLOW_STARTED:
        return ControlRow(_RECEPTION_UNIT, actor, opened or agency, at, "Đúng hạn", "Chuyển hồ sơ xử lý")
    if action in (EventAction.TASK_COMPLETED, EventAction.TASK_RETURNED):
        taker = opened or ("Kết thúc xử lý" if data.get("finished") else agency)
        note = event.note or ("Trả lại bước trước" if action == EventAction.TASK_RETURNED else "")
        return ControlRow(here, actor, taker, at, _outcome(event.at, _due(event)), note)
    if action == EventAction.TRANSFERRED:
        return ControlRow(here, actor, str(data.get("to_agency", "")), at, "Đúng hạn", "Chuyển liên thông")
    if action == EventAction.TRANSFER_RETURNED:
        return ControlRow(agency, actor, dossier.agency.name, at, "Đúng hạn", "Trả kết quả liên thông")
    if action == EventAction.SUPPLEMENT_REQUESTED:
        return ControlRow(here, actor, _APPLICANT, at, "Đúng hạn", "Yêu cầu bổ sung hồ sơ")
    if action == EventAction.SUPPLEMENTED:
        return ControlRow(_APPLICANT, actor, _RECEPTION_UNIT, at, "Đúng hạn", "Bổ sung hồ sơ")
    if action == EventAction.RESCHEDULED:
        return ControlRow(agency, actor, _APPLICANT, at, "Quá hạn", f"Xin lỗi, hẹn lại: {event.note}")
    if action == EventAction.RETURNED:
        outcome = _outcome(event.at, dossier.due_at)
        return ControlRow(_RECEPTION_UNIT, actor, _APPLICANT, at, outcome, "Trả kết quả")
    return None


def process_control_rows(dossier: Dossier) -> list[ControlRow]:
    """The rows of Mẫu 05, in order, from the event log."""
    events = dossier.events.select_related("actor", "agency").order_by("at", "id")
    return [row for row in (_row(event, dossier) for event in events) if row is not None]


def process_control_pdf(dossier: Dossier) -> bytes:
    """Mẫu 05 for a received dossier, generated from its events. Signed."""
    if dossier.received_at is None:
        raise ValueError("a process-control slip is issued only for a received dossier")
    context = _header(dossier) | {
        "rows": process_control_rows(dossier),
        "received_at": _local(dossier.received_at),
        "due_at": _local(dossier.due_at),
    }
    return _render(
        "process_control.html",
        context,
        reason=f"Kiểm soát quá trình giải quyết hồ sơ {dossier.code or dossier.pk}",
        location=dossier.agency.name,
    )
