"""FAQ services: scope-checked, audited writes; the all-or-nothing import; the folded search."""

from __future__ import annotations

import json

import pytest

from dichvucong.accounts.constants import Role
from dichvucong.agencies.constants import AgencyKind
from dichvucong.agencies.tests.factories import make_agency, make_officer
from dichvucong.core.models import AuditEntry
from dichvucong.procedures import faq as faq_services
from dichvucong.procedures.models import Faq
from dichvucong.procedures.tests.factories import make_field, make_procedure

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    city = make_agency(kind=AgencyKind.CITY, code="000.00.00.H29")
    ward_a = make_agency(parent=city, code="000.50.68.H29")
    ward_b = make_agency(parent=city, code="000.50.69.H29")
    birth = make_procedure(code="1.001193", name="Đăng ký khai sinh", field=make_field("ho-tich"))
    make_field("dat-dai")
    return {
        "city": city,
        "a": ward_a,
        "b": ward_b,
        "birth": birth,
        "city_admin": make_officer(agency=city, role=Role.CITY_ADMIN)[0],
        "admin_a": make_officer(agency=ward_a, role=Role.AGENCY_ADMIN)[0],
        "officer_a": make_officer(agency=ward_a)[0],
    }


def test_agency_admin_creates_an_entry_of_its_ward_and_it_is_audited(setup):
    """Given ward A's admin, when creating an entry for ward A, then it is stored, searchable without
    accents, and the audit trail records it."""
    faq = faq_services.create_faq(
        actor=setup["admin_a"],
        agency=setup["a"],
        procedure=setup["birth"],
        question="Khai sinh cho con có mất phí không?",
        answer="Không, đăng ký đúng hạn được miễn lệ phí.",
    )
    assert faq.search_text.startswith("khai sinh cho con co mat phi khong")
    assert AuditEntry.objects.filter(action="procedures.create_faq", target_id=str(faq.pk)).exists()


def test_agency_admin_cannot_touch_another_wards_or_city_entries(setup):
    """Given ward A's admin, when creating for ward B or for the whole city, or unpublishing ward B's
    entry, then each is refused and nothing changes."""
    for agency in (setup["b"], None):
        with pytest.raises(faq_services.FaqError):
            faq_services.create_faq(
                actor=setup["admin_a"],
                agency=agency,
                field=setup["birth"].current_version.field,
                question="Q?",
                answer="A.",
            )
    faq_b = faq_services.create_faq(
        actor=None, agency=setup["b"], procedure=setup["birth"], question="Q?", answer="A."
    )
    with pytest.raises(faq_services.FaqError):
        faq_services.set_faq_published(actor=setup["admin_a"], faq=faq_b, published=False)
    faq_b.refresh_from_db()
    assert faq_b.is_published and Faq.objects.count() == 1


def test_counter_officer_manages_nothing(setup):
    """Given a counter officer, then they may not manage FAQ entries, even of their own ward."""
    assert not faq_services.can_manage_faqs_of(setup["officer_a"], setup["a"])
    assert list(faq_services.list_managed_faqs(setup["officer_a"])) == []


def test_city_admin_manages_city_entries_and_unpublishing_is_audited(setup):
    """Given the city admin, when unpublishing a city-wide entry, then it is hidden and audited."""
    faq = faq_services.create_faq(
        actor=setup["city_admin"],
        field=setup["birth"].current_version.field,
        question="Hộ tịch là gì?",
        answer="…",
    )
    faq_services.set_faq_published(actor=setup["city_admin"], faq=faq, published=False)
    faq.refresh_from_db()
    assert not faq.is_published
    assert AuditEntry.objects.filter(action="procedures.unpublish_faq").count() == 1
    assert faq_services.search_faqs("ho tich") == []


def test_entry_needs_a_subject_and_text(setup):
    """Given no procedure and no field, or an empty answer, then the entry is refused with a message."""
    with pytest.raises(faq_services.FaqError, match="thủ tục hoặc lĩnh vực"):
        faq_services.create_faq(actor=None, question="Q?", answer="A.")
    with pytest.raises(faq_services.FaqError, match="câu trả lời"):
        faq_services.create_faq(actor=None, procedure=setup["birth"], question="Q?", answer="   ")


def test_csv_import_creates_every_row(setup):
    """Given a valid CSV, when imported for ward A, then every row becomes a published entry of ward A."""
    content = (
        "procedure_code,field_code,question,answer,question_en,answer_en,position,is_published\n"
        '1.001193,,"Khai sinh ở đâu?","Tại UBND phường, xã.","Where?","At the ward.",1,1\n'
        ',dat-dai,"Sổ đỏ là gì?","Giấy chứng nhận quyền sử dụng đất.",,,2,không\n'
    ).encode()
    result = faq_services.import_faqs(
        actor=setup["admin_a"], content=content, file_format="csv", agency=setup["a"]
    )
    assert result.created == 2
    assert Faq.objects.filter(agency=setup["a"]).count() == 2
    assert not Faq.objects.get(question="Sổ đỏ là gì?").is_published
    assert AuditEntry.objects.filter(action="procedures.import_faqs").count() == 1


def test_csv_import_with_bad_lines_reports_them_and_imports_nothing(setup):
    """Given a CSV whose 3rd and 4th lines are wrong (unknown code, no answer), when imported, then the
    error names lines 3 and 4 and no entry exists."""
    content = (
        "procedure_code,field_code,question,answer\n"
        "1.001193,,Câu hỏi đúng?,Trả lời.\n"
        "9.999999,,Mã sai?,Trả lời.\n"
        ",dat-dai,Không có trả lời?,\n"
    )
    with pytest.raises(faq_services.FaqImportError) as caught:
        faq_services.import_faqs(actor=None, content=content, file_format="csv")
    lines = {problem.line for problem in caught.value.problems}
    assert lines == {3, 4}
    assert "9.999999" in caught.value.problems[0].message
    assert Faq.objects.count() == 0


def test_json_import_reports_the_line_each_bad_item_starts_on(setup):
    """Given a JSON array whose second object (starting on line 3) lacks a subject, when imported, then
    the problem names line 3 and nothing is imported."""
    content = (
        '[\n {"procedure_code": "1.001193", "question": "A?", "answer": "B."},\n'
        ' {"question": "C?", "answer": "D."}\n]'
    )
    with pytest.raises(faq_services.FaqImportError) as caught:
        faq_services.import_faqs(actor=None, content=content, file_format="json")
    assert [p.line for p in caught.value.problems] == [3]
    assert Faq.objects.count() == 0


def test_json_lines_import_and_broken_json(setup):
    """Given JSON Lines, then each line becomes an entry; given broken JSON, then its line is reported."""
    good = "\n".join(
        json.dumps({"field_code": "dat-dai", "question": f"Câu {n}?", "answer": "Trả lời."}) for n in range(3)
    )
    assert faq_services.import_faqs(actor=None, content=good, file_format="json").created == 3
    with pytest.raises(faq_services.FaqImportError) as caught:
        faq_services.import_faqs(actor=None, content='{"question": "x"}\n{bad', file_format="json")
    assert caught.value.problems[0].line == 2
    assert Faq.objects.count() == 3


def test_import_refuses_other_encodings_and_empty_files(setup):
    """Given a Latin-1 file or an empty CSV, then a clear error and nothing imported."""
    with pytest.raises(faq_services.FaqImportError, match="lỗi"):
        faq_services.import_faqs(
            actor=None, content="question,answer\nphí,x\n".encode("cp1258"), file_format="csv"
        )
    with pytest.raises(faq_services.FaqImportError):
        faq_services.import_faqs(actor=None, content=b"question,answer\n", file_format="csv")


def test_search_folds_accents_and_ranks_by_words_found(setup):
    """Given two entries, when searching "phi khai sinh", then the one holding all the words comes first."""
    field = setup["birth"].current_version.field
    best = faq_services.create_faq(
        actor=None, procedure=setup["birth"], question="Khai sinh có mất phí không?", answer="Miễn phí."
    )
    other = faq_services.create_faq(
        actor=None, field=field, question="Khai sinh quá hạn?", answer="Vẫn được đăng ký."
    )
    hits = faq_services.search_faqs("phí khai sinh")
    assert [hit.faq for hit in hits][:2] == [best, other]
    assert faq_services.search_faqs("phi khai sinh", field="dat-dai") == []
