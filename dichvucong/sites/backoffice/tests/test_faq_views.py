"""Back-office FAQ pages: admins manage their scope's entries; the import reports lines, all or nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from dichvucong.accounts.constants import Role
from dichvucong.agencies.constants import AgencyKind
from dichvucong.agencies.tests.factories import make_agency, make_officer
from dichvucong.core.models import AuditEntry
from dichvucong.procedures.faq import create_faq
from dichvucong.procedures.models import Faq
from dichvucong.procedures.tests.factories import make_field, make_procedure
from dichvucong.security.testing import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    city = make_agency(kind=AgencyKind.CITY, code="000.00.00.H29")
    ward_a = make_agency(parent=city, name="Phường Bến Thành", code="000.50.68.H29")
    ward_b = make_agency(parent=city, name="Phường Sài Gòn", code="000.50.69.H29")
    procedure = make_procedure(code="1.001193", name="Đăng ký khai sinh", field=make_field("ho-tich"))
    admin_a = make_officer(agency=ward_a, role=Role.AGENCY_ADMIN)[0]
    return {"a": ward_a, "b": ward_b, "procedure": procedure, "admin_a": admin_a}


def _client(user) -> Client:
    client = Client()
    login_verified(client, user)  # back office: second factor passed
    return client


def test_admin_lists_only_its_wards_entries(setup):
    """Given entries of ward A and ward B, when ward A's admin opens the list, then only A's shows."""
    create_faq(actor=None, agency=setup["a"], procedure=setup["procedure"], question="Câu của A?", answer="x")
    create_faq(actor=None, agency=setup["b"], procedure=setup["procedure"], question="Câu của B?", answer="x")
    html = _client(setup["admin_a"]).get(reverse("backoffice:faq_list")).content.decode()
    assert "Câu của A?" in html and "Câu của B?" not in html


def test_admin_creates_an_entry_through_the_form(setup):
    """Given ward A's admin, when the form is posted with a procedure code, then the entry exists."""
    response = _client(setup["admin_a"]).post(
        reverse("backoffice:faq_create"),
        {
            "procedure_code": "1.001193",
            "agency": setup["a"].pk,
            "question": "Nộp ở đâu?",
            "answer": "Tại phường.",
            "position": 0,
        },
    )
    assert response.status_code == 302
    assert Faq.objects.get(question="Nộp ở đâu?").agency == setup["a"]


def test_unknown_code_is_an_error_tied_to_its_field(setup):
    """Given an unknown procedure code, when posted, then the form comes back with the error tied to the
    field and nothing is stored."""
    response = _client(setup["admin_a"]).post(
        reverse("backoffice:faq_create"),
        {
            "procedure_code": "9.999999",
            "agency": setup["a"].pk,
            "question": "Q?",
            "answer": "A.",
            "position": 0,
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_procedure_code_error"' in html and 'aria-invalid="true"' in html
    assert Faq.objects.count() == 0


def test_other_wards_entry_is_404_for_edit_and_unpublish(setup):
    """Given ward B's entry, when ward A's admin opens or unpublishes it, then 404 and nothing changes."""
    faq = create_faq(actor=None, agency=setup["b"], procedure=setup["procedure"], question="B?", answer="x")
    client = _client(setup["admin_a"])
    assert client.get(reverse("backoffice:faq_edit", args=[faq.pk])).status_code == 404
    assert (
        client.post(reverse("backoffice:faq_set_published", args=[faq.pk]), {"published": "0"}).status_code
        == 404
    )
    faq.refresh_from_db()
    assert faq.is_published


def test_unpublish_is_audited(setup):
    """Given ward A's entry, when its admin unpublishes it, then it is hidden and audited."""
    faq = create_faq(actor=None, agency=setup["a"], procedure=setup["procedure"], question="A?", answer="x")
    _client(setup["admin_a"]).post(reverse("backoffice:faq_set_published", args=[faq.pk]), {"published": "0"})
    faq.refresh_from_db()
    assert not faq.is_published
    assert AuditEntry.objects.filter(action="procedures.unpublish_faq", actor=setup["admin_a"]).exists()


def test_counter_officer_is_forbidden(setup):
    """Given a counter officer, when opening the FAQ pages, then 403."""
    officer = make_officer(agency=setup["a"])[0]
    assert _client(officer).get(reverse("backoffice:faq_list")).status_code == 403


def test_import_with_errors_lists_lines_and_imports_nothing(setup):
    """Given a CSV with a bad third line, when uploaded, then the page lists line 3 and no entry exists;
    the corrected file then imports both rows."""
    bad = "procedure_code,question,answer\n1.001193,Câu 1?,Trả lời.\n1.001193,Câu 2?,\n"
    client = _client(setup["admin_a"])
    response = client.post(
        reverse("backoffice:faq_import"),
        {"file": SimpleUploadedFile("faq.csv", bad.encode()), "agency": setup["a"].pk},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "<td>3</td>" in html and "Hãy nhập câu trả lời." in html
    assert Faq.objects.count() == 0
    good = bad.replace("Câu 2?,\n", "Câu 2?,Có.\n")
    response = client.post(
        reverse("backoffice:faq_import"),
        {"file": SimpleUploadedFile("faq.csv", good.encode()), "agency": setup["a"].pk},
    )
    assert response.status_code == 302 and Faq.objects.filter(agency=setup["a"]).count() == 2
