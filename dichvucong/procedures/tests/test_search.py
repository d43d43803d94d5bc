"""Catalog search as a citizen uses it: accents, typos, codes, plain words, English, facets, filters."""

from __future__ import annotations

import pytest

from dichvucong.procedures import searchindex
from dichvucong.procedures.constants import VersionStatus
from dichvucong.procedures.indexing import search_columns
from dichvucong.procedures.models import Procedure, ProcedureVersion
from dichvucong.procedures.search import MAX_QUERY_LENGTH, search_procedures
from dichvucong.procedures.searchindex import reset_index
from dichvucong.procedures.tests.factories import make_field, make_life_event, make_procedure
from dichvucong.procedures.tests.search_catalog import WARD_CODE, build_catalog

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_index(monkeypatch):
    monkeypatch.setattr(searchindex, "CHECK_SECONDS", 0.0)
    reset_index()
    yield
    reset_index()


@pytest.fixture
def catalog():
    return build_catalog()


def codes(query: str, **filters) -> list[str]:
    return [hit.version.procedure.code for hit in search_procedures(query, **filters).hits]


def test_a_query_without_accents_finds_the_accented_name(catalog) -> None:
    """Given "Thủ tục đăng ký khai tử", when a citizen types "dang ky khai tu", then it comes first."""
    assert codes("dang ky khai tu")[0] == "1.000656"
    assert codes("dang ky khai tu") == codes("Đăng ký khai tử")


def test_d_matches_the_letter_đ(catalog) -> None:
    """Given "Đổi giấy phép lái xe", when someone types "doi giay phep lai xe" (d for đ), then it is first."""
    assert codes("doi giay phep lai xe")[0] == "3.000347"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("đăng ký khai tữ", "1.000656"),
        ("chứng thưc di chúc", "2.001019"),
        ("đăng kí tạm chú", "1.004194"),
        ("giám định tiền gỉa", "1.001803"),
        ("dang ky tam truu", "1.004194"),
    ],
)
def test_one_or_two_typos_still_find_the_procedure(catalog, query, expected) -> None:
    """Given the catalog, when a query has a wrong tone mark, letter or spelling variant, then the
    intended procedure is still first."""
    assert codes(query)[0] == expected


@pytest.mark.parametrize(
    ("query", "expected"), [("dangky tam tru", "1.004194"), ("dangkykethon", "1.000894")]
)
def test_run_together_words_are_split(catalog, query, expected) -> None:
    """Given the catalog, when words are typed without spaces, then they are split into known syllables."""
    assert codes(query)[0] == expected


def test_a_national_code_finds_that_procedure_first(catalog) -> None:
    """Given the catalog, when the query is a national code, then that procedure is the first result and
    the interpretation says so."""
    result = search_procedures("1.004194")
    assert result.hits[0].version.procedure.code == "1.004194"
    assert "1.004194" in (result.interpretation or "")


def test_a_local_variant_code_finds_its_procedure(catalog) -> None:
    """Given 1.004194 carried out by a ward, when the query is the local code, then 1.004194 is first."""
    assert codes(f"1.004194.{WARD_CODE}")[0] == "1.004194"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("death registration", {"1.000656", "1.001766", "1.005461"}),
        ("renew driving license", {"3.000347", "3.000348"}),
        ("change company address", {"2.002041"}),
    ],
)
def test_english_queries_go_through_the_glossary(catalog, query, expected) -> None:
    """Given Vietnamese-only names, when a foreigner searches in English, then the procedure is first."""
    assert codes(query)[0] in expected


def test_english_names_are_searched_too(catalog) -> None:
    """Given a procedure whose English name has a word no glossary knows, when it is searched, then it
    is found."""
    make_procedure(code="9.000001", name="Cấp phép bay flycam", name_en="Drone overflight permit")
    assert codes("overflight")[0] == "9.000001"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("bố mất cần làm giấy chứng tử", "1.000656"),
        ("làm sổ đỏ lần đầu", "1.012787"),
        ("bằng lái bị mất", "3.000348"),
        ("mở công ty tư nhân", "2.001610"),
        ("trả hết nợ ngân hàng muốn xóa thế chấp sổ đỏ", "1.011443"),
    ],
)
def test_plain_words_reach_the_administrative_name(catalog, query, expected) -> None:
    """Given administrative names, when a citizen uses everyday words, then the right procedure is first."""
    assert codes(query)[0] == expected


def test_life_event_keywords_expand_the_query(catalog) -> None:
    """Given a life event "Sinh con" with the keyword "đầy tháng" grouping birth registration, when a
    parent searches "đầy tháng", then birth registration is found although its name shares no word."""
    assert "1.001193" not in codes("đầy tháng")
    make_life_event(slug="sinh-con", name="Sinh con", keywords="day thang", procedures=[catalog["1.001193"]])
    assert codes("đầy tháng")[0] == "1.001193"


def test_popularity_puts_the_common_procedure_first(catalog) -> None:
    """Given two procedures with equally matching names, when one is far more used, then it is first."""
    make_procedure(code="9.000010", name="Cấp giấy xác nhận cư trú", popularity=0)
    make_procedure(code="9.000011", name="Cấp giấy xác nhận cư trú", popularity=5000)
    assert codes("xac nhan cu tru")[:2] == ["9.000011", "9.000010"]


def test_ward_level_wins_over_central_for_equal_text(catalog) -> None:
    """Given the same name at central and at ward level, when searched, then the ward one comes first."""
    make_procedure(code="9.000020", name="Cấp giấy phép câu cá", scope="central", level_ward=False)
    make_procedure(code="9.000021", name="Cấp giấy phép câu cá", level_ward=True)
    assert codes("giay phep cau ca")[:2] == ["9.000021", "9.000020"]


def test_facets_count_the_filtered_result_set(catalog) -> None:
    """Given the catalog, when searching "đăng ký", then each facet value counts the matching procedures
    and the counts add up to the total."""
    result = search_procedures("đăng ký", limit=100)
    by_field = {value.value: value.count for value in result.facets["field"]}
    hit_fields = [hit.version.field.code for hit in result.hits]
    assert by_field == {code: hit_fields.count(code) for code in set(hit_fields)}
    assert sum(by_field.values()) == result.total
    assert {value.value for value in result.facets["scope"]} <= {"local", "central"}
    filtered = search_procedures("đăng ký", field="ho-tich")
    assert filtered.total == by_field["ho-tich"]
    assert [value.value for value in filtered.facets["field"]] == ["ho-tich"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"level": "central"}, {"3.000347", "1.001803"}),
        ({"audience": "business"}, {"2.002041", "2.001610"}),
        ({"online_level": "direct"}, {"2.001019", "1.001803"}),
        ({"scope": "central"}, {"1.001803", "3.000347"}),
        ({"agency": WARD_CODE}, {"1.004194"}),
        ({"field": "dat-dai"}, {"1.012787", "1.011443"}),
        ({"level": "nonsense"}, set()),
    ],
)
def test_filters_narrow_the_list(catalog, filters, expected) -> None:
    """Given the catalog, when listing with a filter and no words, then exactly the matching procedures
    are listed (an unknown value matches nothing)."""
    assert set(codes("", limit=100, **filters)) == expected


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "'; DROP TABLE procedures_procedure; --",
        "<script>alert(1)</script> khai tử",
        "khai\x00 tử\x1b[31m\u200b\ud800",
        "%' OR 1=1 --",
        "khai tử " * 400,
        "x" * 5000,
    ],
)
def test_hostile_or_odd_queries_are_safe(catalog, query) -> None:
    """Given the catalog, when the query is empty, huge, full of control characters or looks like an
    injection, then search answers normally and the catalog is untouched."""
    result = search_procedures(query)
    assert result.total >= 0
    assert len(result.hits) <= 20
    assert Procedure.objects.count() == len(catalog)
    assert MAX_QUERY_LENGTH == 500


def test_empty_query_lists_everything_most_popular_first(catalog) -> None:
    """Given the catalog, when the query is empty, then every published procedure is counted."""
    Procedure.objects.filter(code="1.004194").update(popularity=100.0)
    reset_index()
    result = search_procedures("")
    assert result.total == len(catalog)
    assert result.hits[0].version.procedure.code == "1.004194"


def test_publishing_a_new_version_refreshes_the_index(catalog) -> None:
    """Given a search that found nothing for "zeta", when a new version of "Đăng ký tạm trú" is
    published with "Zeta" in its name, then the next search finds the new version."""
    assert "1.004194" not in codes("zeta")
    procedure = catalog["1.004194"]
    old = procedure.current_version
    ProcedureVersion.objects.filter(pk=old.pk).update(status=VersionStatus.SUPERSEDED)
    new = ProcedureVersion.objects.create(
        procedure=procedure,
        number=2,
        status=VersionStatus.PUBLISHED,
        name="Đăng ký tạm trú Zeta",
        field=make_field("cu-tru"),
        level_ward=True,
    )
    new.search_name, new.search_text = search_columns(new)
    new.save()
    hits = search_procedures("zeta").hits
    assert hits[0].version.pk == new.pk


def test_drafts_are_never_found(catalog) -> None:
    """Given a draft version with a unique word, when searched, then nothing is found."""
    procedure = catalog["1.001193"]
    draft = ProcedureVersion.objects.create(
        procedure=procedure,
        number=2,
        status=VersionStatus.DRAFT,
        name="Khai sinh bảnnháp",
        field=make_field(),
    )
    draft.search_name, draft.search_text = search_columns(draft)
    draft.save()
    assert "1.001193" not in codes("bannhap")


def test_paging_is_consistent(catalog) -> None:
    """Given many matches, when paging with offset, then pages do not overlap and total stays the same."""
    first = search_procedures("đăng ký", limit=3)
    second = search_procedures("đăng ký", limit=3, offset=3)
    assert first.total == second.total
    assert not {h.version.pk for h in first.hits} & {h.version.pk for h in second.hits}
