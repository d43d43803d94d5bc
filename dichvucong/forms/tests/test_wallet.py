"""The document wallet: keeping documents, offering them to file slots, accepting only the offered
ones, and the owner's log of who used which document."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.http import QueryDict

from dichvucong.accounts.services import register_citizen
from dichvucong.forms import selectors, services
from dichvucong.forms.definition import check_definition
from dichvucong.forms.palette import build_schema, ui_schema_for
from dichvucong.forms.prefill import wallet_choices
from dichvucong.forms.rendering import render_form
from dichvucong.forms.tests.factories import field, make_spec
from dichvucong.forms.validation import form_token, process_submission

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 27)
SPEC = make_spec(
    [field("giay_khai_sinh", "file", "Giấy khai sinh", document_key="gks", wallet_type="birth_certificate")]
)


@pytest.fixture
def owner():
    return register_citizen(username="an", full_name="Nguyễn Văn An", password="mat-khau-thu-nghiem-2026")


def _add(owner, *, title: str = "Giấy khai sinh của An", kind: str = "birth_certificate", valid_until=None):
    return services.add_wallet_document(
        owner=owner,
        document_type=kind,
        title=title,
        content=b"%PDF-1.4 giay khai sinh",
        filename="giay-khai-sinh.pdf",
        content_type="application/pdf",
        valid_until=valid_until,
        actor=owner,
    )


def _post(values: dict[str, str]) -> QueryDict:
    post = QueryDict(mutable=True)
    post["f_form"] = form_token(SPEC)
    post.update(values)
    return post


def test_documents_are_offered_by_type_and_validity(owner) -> None:
    """Given a birth certificate, an expired one and a document of another type, then only the valid
    birth certificate is offered to the slot."""
    kept = _add(owner)
    _add(owner, title="Hết hạn", valid_until=datetime.date(2020, 1, 1))
    _add(owner, title="CCCD", kind="id_card")
    choices = wallet_choices(SPEC, owner=owner, today=TODAY)
    assert [(choice.id, choice.title) for choice in choices["/giay_khai_sinh"]] == [(kept.pk, kept.title)]
    assert kept.sha256 == hashlib.sha256(b"%PDF-1.4 giay khai sinh").hexdigest()


def test_the_slot_renders_wallet_choices_and_a_new_upload(owner) -> None:
    """Given an offered document, then the slot is a fieldset with its radio and an upload control."""
    document = _add(owner)
    html = render_form(SPEC, wallet=wallet_choices(SPEC, owner=owner, today=TODAY))
    assert f'name="f-giay_khai_sinh-wallet" value="{document.pk}"' in html
    assert 'type="file" id="f-giay_khai_sinh" name="f-giay_khai_sinh"' in html
    assert "Giấy khai sinh của An" in html


def test_choosing_an_offered_document_fills_the_slot(owner) -> None:
    """Given an offered document chosen, then the data says wallet:<id> and the result lists it."""
    document = _add(owner)
    offered = wallet_choices(SPEC, owner=owner, today=TODAY)
    result = process_submission(SPEC, _post({"f-giay_khai_sinh-wallet": str(document.pk)}), wallet=offered)
    assert result.errors == []
    assert result.data == {"giay_khai_sinh": f"wallet:{document.pk}"}
    assert result.wallet_documents == {"/giay_khai_sinh": document.pk}


def test_someone_elses_document_is_refused(owner) -> None:
    """Given another person's document id posted for the slot, then it is refused as tampered."""
    other = register_citizen(username="binh", full_name="Trần Thị Bình", password="mat-khau-thu-nghiem-2026")
    foreign = _add(other)
    offered = wallet_choices(SPEC, owner=owner, today=TODAY)
    result = process_submission(SPEC, _post({"f-giay_khai_sinh-wallet": str(foreign.pk)}), wallet=offered)
    assert [(problem.path, problem.code) for problem in result.errors] == [("/giay_khai_sinh", "tampered")]
    assert result.wallet_documents == {}


def test_uses_are_logged_for_the_owner(owner) -> None:
    """Given a document used by an officer for dossier H29.99-261127-0001, then the owner's log shows it."""
    document = _add(owner)
    officer = register_citizen(
        username="canbo", full_name="Cán bộ Một cửa", password="mat-khau-thu-nghiem-2026"
    )
    services.record_wallet_use(
        document=document, actor=officer, subject_type="dossier", subject_id="H29.99-261127-0001"
    )
    uses = list(selectors.list_wallet_uses(owner=owner))
    assert [(use.used_by_name, use.subject_id) for use in uses] == [("Cán bộ Một cửa", "H29.99-261127-0001")]


def test_a_wallet_type_is_only_for_file_slots() -> None:
    """Given a text field with a wallet type, then the definition check reports it."""
    fields = [field("ten", wallet_type="birth_certificate")]
    problems = check_definition(build_schema(fields), ui_schema_for(fields))
    assert [problem.path for problem in problems] == ["/ui_schema/fields/0/wallet_type"]
