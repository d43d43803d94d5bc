"""The citizen's document wallet on the portal (once-only documents, P7): which wallet documents fit a
required document, attaching one to a draft with one click, keeping uploads and issued results, and
the access-log page ``/ho-so-cua-toi/kho-giay-to/``.

A required document (thành phần hồ sơ) has no type of its own in the catalog: its wallet type is the
folded slug of its name (``Giấy khai sinh`` → ``giay-khai-sinh``). A wallet document fits a required
document when its type is contained in that slug, so a result "Giấy khai sinh" is offered for
"Bản sao Giấy khai sinh". The same slug is the ``document_key`` a form's file slot names.

Results go into the owner's wallet when the dossier is returned (``add_results_to_wallet``, a
``dossiers.hooks`` listener registered by ``PortalConfig.ready``), after the change commits.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from dichvucong.core import clock
from dichvucong.dossiers import services
from dichvucong.dossiers.constants import DocumentKind, EventAction
from dichvucong.dossiers.errors import DossierError, DossierErrorCode
from dichvucong.dossiers.models import Dossier, DossierDocument, DossierEvent
from dichvucong.forms import services as form_services
from dichvucong.forms.constants import WalletSource
from dichvucong.forms.models import WalletDocument
from dichvucong.forms.selectors import list_wallet_documents, list_wallet_uses
from dichvucong.procedures.models import document_key

SUBJECT_TYPE = "dossiers.dossier"
LISTENER_NAME = "portal.wallet_results"


def wallet_type(name: str) -> str:
    """The wallet type of a document name: its folded slug (``WALLET_TYPE``-shaped), max 100 chars."""
    return document_key(name)


def offers(user: Any, items: list[Any]) -> dict[int, list[WalletDocument]]:
    """For each required document (by pk), the user's still-valid wallet documents that fit it."""
    if not getattr(user, "is_authenticated", False):
        return {}
    documents = list(list_wallet_documents(owner=user, valid_on=timezone.localdate(clock.now())))
    result = {}
    for item in items:
        slug = wallet_type(item.name)
        result[item.pk] = [doc for doc in documents if doc.document_type in slug]
    return result


def attach_from_wallet(*, dossier: Dossier, document_id: int, user: Any, required_document: Any) -> Any:
    """Copy the user's wallet document into the draft as ``required_document`` and log the use."""
    document = WalletDocument.objects.filter(pk=document_id, owner=user).first()
    if document is None:
        raise DossierError(
            _("Giấy tờ đã chọn không có trong kho dữ liệu của bạn."), code=DossierErrorCode.INVALID
        )
    with document.file.open("rb") as handle:
        content = handle.read()
    name = document.file.name.rsplit("/", 1)[-1]
    upload = SimpleUploadedFile(
        name, content, content_type=document.content_type or "application/octet-stream"
    )
    with transaction.atomic():
        attached = services.attach_document(
            dossier=dossier,
            upload=upload,
            actor=user,
            required_document=required_document,
            title=required_document.name if required_document is not None else document.title,
        )
        form_services.record_wallet_use(
            document=document,
            actor=user,
            subject_type=SUBJECT_TYPE,
            subject_id=str(dossier.pk),
            purpose=attached.title,  # the document it stands for in the dossier
        )
    return attached


def keep_upload(*, user: Any, document: DossierDocument) -> WalletDocument:
    """Keep a file the citizen just attached in their wallet (they ticked the box)."""
    with document.file.open("rb") as handle:
        content = handle.read()
    return form_services.add_wallet_document(
        owner=user,
        document_type=wallet_type(document.title),
        title=document.title,
        content=content,
        filename=document.original_name,
        content_type=document.content_type,
        source=WalletSource.UPLOADED,
        actor=user,
    )


def _add_results(dossier_id: int) -> None:
    dossier = Dossier.objects.filter(pk=dossier_id).select_related("owner").first()
    if dossier is None or dossier.owner_id is None:
        return
    for document in dossier.documents.filter(kind=DocumentKind.RESULT):
        ref = f"{dossier.code}#{document.pk}"
        if WalletDocument.objects.filter(owner_id=dossier.owner_id, source_ref=ref).exists():
            continue
        with document.file.open("rb") as handle:
            content = handle.read()
        form_services.add_wallet_document(
            owner=dossier.owner,
            document_type=wallet_type(document.title),
            title=document.title,
            content=content,
            filename=document.original_name,
            content_type=document.content_type,
            source=WalletSource.ISSUED,
            source_ref=ref,
            actor=None,
        )


def add_results_to_wallet(event: DossierEvent) -> None:
    """Listener: once a dossier's result is returned, its result documents join the owner's wallet
    (source "result of dossier <code>"), after the change commits; a failure never undoes it."""
    if event.action != EventAction.RETURNED:
        return
    dossier_id = event.dossier_id
    transaction.on_commit(lambda: _add_results(dossier_id), robust=True)


@never_cache
@login_required
@require_GET
def my_wallet(request: HttpRequest) -> HttpResponse:
    """/ho-so-cua-toi/kho-giay-to/: the wallet's documents (type, validity, source) and who used them."""
    documents = list(list_wallet_documents(owner=request.user))
    uses = list(list_wallet_uses(owner=request.user)[:200])
    ids = {
        int(use.subject_id) for use in uses if use.subject_type == SUBJECT_TYPE and use.subject_id.isdigit()
    }
    dossiers = {
        d.pk: d
        for d in Dossier.objects.filter(pk__in=ids, owner=request.user).select_related("procedure_version")
    }
    today = timezone.localdate(clock.now())
    rows = [
        {
            "document": doc,
            "expired": doc.valid_until is not None and doc.valid_until < today,
            "source": _source_text(doc),
            "uses": [
                {
                    "use": use,
                    "dossier": dossiers.get(int(use.subject_id)) if use.subject_id.isdigit() else None,
                }
                for use in uses
                if use.document_id == doc.pk
            ],
        }
        for doc in documents
    ]
    return render(request, "portal/dossiers/wallet.html", {"rows": rows})


def _source_text(document: WalletDocument) -> str:
    if document.source == WalletSource.ISSUED and document.source_ref:
        code = document.source_ref.split("#", 1)[0]
        return _("Kết quả giải quyết hồ sơ %(code)s") % {"code": code}
    return str(document.get_source_display())
