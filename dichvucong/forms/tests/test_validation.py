"""Reading a POST back into JSON data and validating it: translated per-field errors, crafted posts
refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import QueryDict
from django.test import override_settings
from django.utils import translation

from dichvucong.forms.prefill import PrefilledValue, sign_prefill
from dichvucong.forms.tests.factories import HANOI_WARD, HCMC_WARD, field, make_spec
from dichvucong.forms.validation import form_token, process_submission, validate_data


def _post(spec, values: dict[str, Any]) -> QueryDict:
    post = QueryDict(mutable=True)
    post["f_form"] = form_token(spec)
    for name, value in values.items():
        if isinstance(value, list):
            post.setlist(name, value)
        else:
            post[name] = value
    return post


def _valid_values(**overrides: Any) -> dict[str, Any]:
    values = {
        "f-ho_ten": "Nguyễn Văn An",
        "f-cccd": "079203001234",
        "f-dien_thoai": "0912 345 678",
        "f-le_phi": "1.500.000",
        "f-gioi_tinh": "male",
        "f-co_thay_doi": "no",
        "f-dia_chi-province": "79",
        "f-dia_chi-ward": HCMC_WARD,
        "f-dia_chi-street": "12 Lê Lợi",
        "f-thanh_vien-0-ho_ten": "Nguyễn Thị Bình",
        "f-thanh_vien-0-quan_he": "vo_chong",
        "f-thanh_vien-1-ho_ten": "",  # the spare blank row
        "f-thanh_vien-1-cccd": "",
        "f-cam_doan": "on",
    }
    values.update(overrides)
    return values


def test_a_complete_post_becomes_typed_json_data() -> None:
    """Given a filled form, when processed, then the data is typed (money int, yes/no bool, phone
    normalised, address object, group rows without the blank one) and there is no error."""
    spec = make_spec()
    result = process_submission(spec, _post(spec, _valid_values()))
    assert result.errors == []
    assert result.data == {
        "ho_ten": "Nguyễn Văn An",
        "cccd": "079203001234",
        "dien_thoai": "0912345678",
        "le_phi": 1500000,
        "gioi_tinh": "male",
        "co_thay_doi": False,
        "dia_chi": {"province": "79", "ward": HCMC_WARD, "street": "12 Lê Lợi"},
        "thanh_vien": [{"ho_ten": "Nguyễn Thị Bình", "quan_he": "vo_chong"}],
        "cam_doan": True,
    }


def test_errors_are_per_field_and_translated() -> None:
    """Given a bad CCCD, a missing name and an unticked consent, then each error has its pointer and a
    Vietnamese message; in English the same errors read in English."""
    spec = make_spec()
    post = _post(spec, _valid_values(**{"f-cccd": "12345", "f-ho_ten": "", "f-cam_doan": ""}))
    errors = {problem.path: problem.message for problem in process_submission(spec, post).errors}
    assert errors == {
        "/ho_ten": "Đây là thông tin bắt buộc.",
        "/cccd": "Số định danh cá nhân phải gồm 12 chữ số, đúng mã tỉnh và năm sinh.",
        "/cam_doan": "Đây là thông tin bắt buộc.",
    }
    with translation.override("en"):
        english = {problem.path: problem.message for problem in process_submission(spec, post).errors}
    assert english["/ho_ten"] == "This information is required."


def test_a_required_field_under_a_condition_is_required_only_when_shown() -> None:
    """Given "Lý do" required when "Có thay đổi" is yes, then it is missing only when the answer is yes,
    and a value sent while the condition is false is dropped."""
    spec = make_spec()
    yes = process_submission(spec, _post(spec, _valid_values(**{"f-co_thay_doi": "yes"})))
    assert [problem.path for problem in yes.errors] == ["/ly_do"]
    no = process_submission(spec, _post(spec, _valid_values(**{"f-ly_do": "chuyển nhà"})))
    assert no.errors == [] and "ly_do" not in no.data


def test_repeating_group_rows_are_validated_by_path() -> None:
    """Given two member rows, the second with a bad CCCD and no name, then errors point into row 1."""
    spec = make_spec()
    values = _valid_values(**{"f-thanh_vien-1-cccd": "999"})
    paths = {problem.path for problem in process_submission(spec, _post(spec, values)).errors}
    assert paths == {"/thanh_vien/1/ho_ten", "/thanh_vien/1/cccd"}


def test_a_ward_of_another_province_is_refused() -> None:
    """Given Hồ Chí Minh City chosen with a Hà Nội ward, then the ward is in error."""
    spec = make_spec()
    result = process_submission(spec, _post(spec, _valid_values(**{"f-dia_chi-ward": HANOI_WARD})))
    assert [(problem.path, problem.code) for problem in result.errors] == [("/dia_chi/ward", "ward_province")]


def test_unknown_controls_are_refused_with_their_path() -> None:
    """Given a crafted control the form does not have (top level and inside a row), then both are refused."""
    spec = make_spec()
    values = _valid_values(**{"f-is_admin": "1", "f-thanh_vien-0-luong": "9"})
    result = process_submission(spec, _post(spec, values))
    assert {(problem.path, problem.code) for problem in result.errors} == {
        ("/is_admin", "unknown"),
        ("/thanh_vien/0/luong", "unknown"),
    }


def test_rows_beyond_the_group_limit_are_refused() -> None:
    """Given a group of at most 5 rows, when row index 7 is posted, then /thanh_vien/7 is refused."""
    spec = make_spec()
    result = process_submission(spec, _post(spec, _valid_values(**{"f-thanh_vien-7-ho_ten": "X"})))
    assert [(problem.path, problem.code) for problem in result.errors] == [("/thanh_vien/7", "too_many_rows")]


def test_an_option_outside_the_list_is_refused() -> None:
    """Given a radio value the form never offered, then it is an enum error on that field."""
    spec = make_spec()
    result = process_submission(spec, _post(spec, _valid_values(**{"f-gioi_tinh": "admin"})))
    assert [(problem.path, problem.code) for problem in result.errors] == [("/gioi_tinh", "enum")]


def test_a_missing_or_foreign_form_token_is_refused() -> None:
    """Given a POST carrying another version's token, then the whole submission is refused at the root."""
    spec = make_spec()
    post = _post(make_spec(number=2), _valid_values())
    result = process_submission(spec, post)
    assert [(problem.path, problem.code) for problem in result.errors] == [("", "stale_form")]


def test_a_changed_locked_prefilled_value_is_refused() -> None:
    """Given a CCCD prefilled and locked from the identity service, when the POST changes it, then
    /cccd is tampered."""
    spec = make_spec()
    prefilled = {
        "/cccd": PrefilledValue(value="079203001234", source="lookup", label="CSDL dân cư", locked=True)
    }
    values = _valid_values(**{"f-cccd": "079203009999", "f_prefill": sign_prefill(prefilled)})
    result = process_submission(spec, _post(spec, values))
    assert [(problem.path, problem.code) for problem in result.errors] == [("/cccd", "tampered")]


def test_a_forged_prefill_record_is_refused() -> None:
    """Given a prefill record whose signature does not match, then the submission is refused."""
    spec = make_spec()
    result = process_submission(spec, _post(spec, _valid_values(f_prefill="eyJ4Ijp0cnVlfQ:forged")))
    assert ("", "tampered") in {(problem.path, problem.code) for problem in result.errors}


@override_settings(FORMS_MAX_SUBMISSION_BYTES=2048)
def test_an_oversize_payload_is_refused_before_parsing() -> None:
    """Given a 2 KiB limit, when 3 KiB of text is posted, then it is refused as too large."""
    spec = make_spec()
    result = process_submission(spec, _post(spec, _valid_values(**{"f-ho_ten": "x" * 3000})))
    assert [(problem.path, problem.code) for problem in result.errors] == [("", "too_large")]
    assert result.data == {}


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [("number", "2,5", 2.5), ("number", "12", 12), ("money", "2.000.000 đ", 2000000), ("money", "-5", "-5")],
)
def test_numbers_and_money_are_read_like_people_write_them(kind: str, raw: str, expected: Any) -> None:
    """Given Vietnamese decimal commas and thousands dots, then numbers are read; a negative sum
    stays text."""
    spec = make_spec([field("x", kind)])
    assert process_submission(spec, _post(spec, {"f-x": raw})).data == {"x": expected}


def test_validate_data_checks_json_directly() -> None:
    """Given JSON data (e.g. from the API) with an extra key and a wrong type, then both are reported."""
    spec = make_spec([field("so", "money")])
    problems = {problem.path: problem.code for problem in validate_data(spec, {"so": "nhiều", "hack": 1})}
    assert problems == {"/so": "type", "/hack": "unknown"}
