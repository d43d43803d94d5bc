"""Rendering a form to accessible HTML: labels, groups as fieldsets, errors and prefill tied to fields."""

from __future__ import annotations

import re

from django.utils import translation

from dichvucong.forms.errors import Problem
from dichvucong.forms.prefill import PrefilledValue
from dichvucong.forms.rendering import render_error_summary, render_form
from dichvucong.forms.tests.factories import field, make_spec


def test_every_control_has_a_label() -> None:
    """Given the household form, when rendered, then every text input, select and textarea has a
    <label for> with its id, and radios/addresses/groups are fieldsets with a legend."""
    html = render_form(make_spec())
    ids = re.findall(r'<(?:input|select|textarea) class="input"[^>]* id="([^"]+)"', html)
    assert ids, "no control rendered"
    for dom_id in ids:
        assert f'for="{dom_id}"' in html, dom_id
    assert '<fieldset class="df-fieldset" id="f-gioi_tinh"><legend class="label">Giới tính</legend>' in html
    assert 'id="f-thanh_vien-0-ho_ten"' in html and "<legend>Thành viên hộ gia đình 1</legend>" in html


def test_errors_are_bound_to_their_fields() -> None:
    """Given an error on /cccd and one inside a group row, when rendered, then each control is
    aria-invalid and described by its error paragraph."""
    errors = [
        Problem("/cccd", "format", "Số định danh sai."),
        Problem("/thanh_vien/0/ho_ten", "required", "Bắt buộc."),
    ]
    html = render_form(make_spec(), data={"cccd": "123"}, errors=errors)
    assert re.search(
        r'value="123" id="f-cccd" name="f-cccd" aria-describedby="f-cccd-error" aria-invalid="true"', html
    )
    assert 'id="f-cccd-error"><span class="visually-hidden">Lỗi: </span>Số định danh sai.</p>' in html
    assert (
        'id="f-thanh_vien-0-ho_ten" name="f-thanh_vien-0-ho_ten" '
        'aria-describedby="f-thanh_vien-0-ho_ten-error"' in html
    )


def test_the_error_summary_links_to_each_field() -> None:
    """Given errors, then the summary lists each with the field's label and a link to its control."""
    summary = render_error_summary(make_spec(), [Problem("/cccd", "format", "Sai.")])
    assert '<a href="#f-cccd">Số định danh cá nhân: Sai.</a>' in summary


def test_labels_follow_the_language() -> None:
    """Given labels in Vietnamese and English, when rendered in English, then the English label shows."""
    spec = make_spec([{"key": "ten", "type": "text", "label": {"vi": "Họ và tên", "en": "Full name"}}])
    with translation.override("en"):
        assert ">Full name</label>" in render_form(spec)
    assert ">Họ và tên</label>" in render_form(spec)


def test_prefilled_values_show_where_they_came_from() -> None:
    """Given a name prefilled from the profile and a locked CCCD, then both are filled in, the note
    names the source, and the locked one is read-only."""
    prefilled = {
        "/ho_ten": PrefilledValue("Nguyễn Văn An", "profile", "hồ sơ tài khoản"),
        "/cccd": PrefilledValue("079203001234", "lookup", "CSDL dân cư", locked=True),
    }
    html = render_form(make_spec(), prefilled=prefilled)
    assert 'value="Nguyễn Văn An" id="f-ho_ten"' in html
    assert 'data-source="profile">Đã điền sẵn từ hồ sơ tài khoản' in html
    assert re.search(r'value="079203001234" id="f-cccd"[^>]*readonly', html)
    assert 'name="f_prefill"' in html


def test_a_group_shows_a_spare_blank_row() -> None:
    """Given a group with one member, then two rows are rendered (the data and a blank one)."""
    html = render_form(make_spec(), data={"thanh_vien": [{"ho_ten": "An"}]})
    assert 'value="An" id="f-thanh_vien-0-ho_ten"' in html
    assert 'value="" id="f-thanh_vien-1-ho_ten"' in html
    assert 'id="f-thanh_vien-2-ho_ten"' not in html


def test_address_lists_the_wards_of_the_chosen_province() -> None:
    """Given no province yet, then Hồ Chí Minh City is selected and its wards are listed."""
    html = render_form(make_spec([field("dc", "address")]))
    assert '<option value="79" selected>Thành phố Hồ Chí Minh</option>' in html
    assert ">Phường Sài Gòn</option>" in html and ">Phường Ba Đình</option>" not in html


def test_user_text_is_escaped() -> None:
    """Given a label and a value containing markup, then both are escaped."""
    spec = make_spec([{"key": "x", "type": "text", "label": {"vi": "<b>nhãn</b>"}}])
    html = render_form(spec, data={"x": '"><script>alert(1)</script>'})
    assert "<script>" not in html and "<b>nhãn</b>" not in html
