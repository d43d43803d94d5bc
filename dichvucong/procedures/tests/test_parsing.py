"""The crawl's run-together table cells become structured data; what cannot be parsed is reported."""

from __future__ import annotations

from decimal import Decimal

from dichvucong.procedures import parsing
from dichvucong.procedures.constants import Channel, DurationUnit, OnlineLevel

HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"


def test_options_with_duration_fee_and_description_per_channel():
    """Given three channel rows with working days, a fee note and a description, then one option each."""
    text = (
        HEADER + "Trực tuyến10 Ngày làm việcMiễn phí10 ngày làm việc kể từ ngày nhận hồ sơ."
        "Dịch vụ bưu chính7 NgàyMiễn phí(Không thu lệ phí)Trực tiếp2 Giờ100,000 Việt Nam Đồng"
    )
    options, problems = parsing.parse_options(text)
    assert problems == []
    assert [o.channel for o in options] == [Channel.ONLINE, Channel.POSTAL, Channel.DIRECT]
    assert (options[0].duration, options[0].duration_unit) == (Decimal(10), DurationUnit.WORKING_DAYS)
    assert options[0].description == "10 ngày làm việc kể từ ngày nhận hồ sơ."
    assert options[1].duration_unit == DurationUnit.DAYS
    assert options[1].fees[0].amount == 0 and options[1].fees[0].description == "Không thu lệ phí"
    assert options[2].duration_unit == DurationUnit.HOURS
    assert (options[2].fees[0].amount, options[2].fees[0].currency) == (Decimal(100000), "VND")


def test_named_fee_and_usd_amounts():
    """Given "Lệ phí : 15.000 Đồng" and "25 USD" rows, then amounts and currencies are read."""
    options, problems = parsing.parse_options(
        HEADER + "Trực tuyến5 Ngày làm việcLệ phí : 15.000 ĐồngTrực tiếp5 Ngày làm việc25 USD(25 USD/người)"
    )
    assert problems == []
    assert (options[0].fees[0].amount, options[0].fees[0].currency, options[0].fees[0].name) == (
        Decimal(15000),
        "VND",
        "Lệ phí",
    )
    assert (options[1].fees[0].amount, options[1].fees[0].currency) == (Decimal(25), "USD")
    assert options[1].fees[0].description == "25 USD/người"


def test_free_cell_whose_note_names_an_amount_leaves_the_amount_unknown():
    """Given "Miễn phí(Lệ phí cấp giấy phép lái xe: 135.000 đồng/lần…)" (the crawl contradicts itself),
    then the fee amount is unknown, not 0, and the note is kept for the page to show."""
    options, problems = parsing.parse_options(
        HEADER + "Trực tuyến5 Ngày làm việcMiễn phí(Lệ phí cấp giấy phép lái xe: 135.000 đồng/lần.)"
    )
    assert problems == []
    fee = options[0].fees[0]
    assert fee.amount is None
    assert "135.000 đồng" in fee.description


def test_unitless_duration_glued_to_the_amount_is_split():
    """Given "Trực tuyến120,000 VNĐ" (1 day then 20,000 VND, as the crawl prints it), then both are read."""
    options, problems = parsing.parse_options(HEADER + "Trực tuyến120,000 VNĐ(Theo Thông tư 172/2010/TT-BTC)")
    assert problems == []
    assert options[0].duration == 1
    assert options[0].fees[0].amount == Decimal(20000)


def test_no_fixed_duration_and_unparsed_fee_are_reported():
    """Given a row without a duration and a fee the parser cannot read, then the option has no time
    and a problem."""
    options, problems = parsing.parse_options(HEADER + "Trực tiếpPhí theo thỏa thuận")
    assert options[0].duration is None and options[0].duration_unit == DurationUnit.NONE
    assert problems and "phí" in problems[0]


def test_options_without_any_channel_are_a_problem():
    """Given a cell with no channel, then no options and a readable problem."""
    options, problems = parsing.parse_options("Nộp hồ sơ tại trụ sở cơ quan.")
    assert options == [] and problems


def test_documents_with_cases_templates_and_quantities():
    """Given a document table with a case heading, a template file and original/copy counts, then each
    row is read."""
    text = (
        "* Giấy tờ phải nộp:Tên giấy tờMẫu đơn, tờ khaiSố lượngTờ khai đăng ký khai sinh theo mẫu;"
        "TK khai sinh.docx1 bản chínhGiấy chứng sinh0 bản chính,1 bản sao"
        "Trường hợp ủy quyền:Tên giấy tờMẫu đơn, tờ khaiSố lượngVăn bản ủy quyền1 bản chính"
    )
    documents, problems = parsing.parse_documents(text)
    assert problems == []
    assert [(d.name, d.template_name, d.originals, d.copies) for d in documents] == [
        ("Tờ khai đăng ký khai sinh theo mẫu;", "TK khai sinh.docx", 1, 0),
        ("Giấy chứng sinh", "", 0, 1),
        ("Văn bản ủy quyền", "", 1, 0),
    ]
    assert documents[0].case == "* Giấy tờ phải nộp:" and documents[2].case == "Trường hợp ủy quyền:"
    assert documents[1].quantity_text == "0 bản chính,1 bản sao"


def test_quantity_words_inside_a_name_do_not_split_it():
    """Given a name that begins "01 bản chính danh sách …", then it stays one document."""
    documents, problems = parsing.parse_documents(
        "--Tên giấy tờMẫu đơn, tờ khaiSố lượng01 bản chính danh sách nhân viên.1 bản chính,1 bản sao"
    )
    assert problems == []
    assert [(d.name, d.originals, d.copies) for d in documents] == [
        ("01 bản chính danh sách nhân viên.", 1, 1)
    ]


def test_documents_without_a_table_are_reported():
    """Given free text instead of the document table, then a problem and no documents."""
    documents, problems = parsing.parse_documents("Hồ sơ gồm đơn đề nghị.")
    assert documents == [] and problems


def test_legal_basis_splits_title_and_number():
    """Given the real legal-basis cell of 1.000178, then four documents with their numbers and titles."""
    items, problems = parsing.parse_legal_basis(
        "Tên văn bản pháp lýMã văn bảnHướng dẫn xử lý khiếu nại trong công an nhân dân68/2013/TT-BCA"
        "Luật Khiếu nại  năm 201102/2011/QH13Quy định quy trình giải quyết khiếu nại11/2015/TT-BCA"
        "Nghị định 05/2012/NĐ-CP05/2012/NĐ-CP"
    )
    assert problems == []
    assert items == [
        {"number": "68/2013/TT-BCA", "title": "Hướng dẫn xử lý khiếu nại trong công an nhân dân"},
        {"number": "02/2011/QH13", "title": "Luật Khiếu nại năm 2011"},
        {"number": "11/2015/TT-BCA", "title": "Quy định quy trình giải quyết khiếu nại"},
        {"number": "05/2012/NĐ-CP", "title": "Nghị định 05/2012/NĐ-CP"},
    ]


def test_legal_number_pattern_accepts_common_forms():
    """Given typical numbers, then the pattern matches each one whole."""
    for number in ("1234/QĐ-TTg", "72/2011/TTLT-BTC-BGTVT", "19/2023/NQ-HĐND", "32/2024/QH15"):
        assert parsing.LEGAL_NUMBER.fullmatch(number), number


def test_legal_basis_without_number_keeps_the_text_and_reports():
    """Given a row with no recognisable number, then its text is kept and a problem is reported."""
    items, problems = parsing.parse_legal_basis("Tên văn bản pháp lýMã văn bảnBỘ LUẬT HÀNG HẢI VIỆT NAM")
    assert items == [{"number": "", "title": "BỘ LUẬT HÀNG HẢI VIỆT NAM"}] and problems


def test_results_with_codes():
    """Given two results with their KQ codes and the page chrome after them, then two results."""
    results, problems = parsing.parse_results(
        "Thực hiện miễn thuếMã: KQ.G12.001222Thông báo lý doMã: KQ.G12.001223Từ khóaKhông có thông tin"
    )
    assert problems == []
    assert results == [
        {"code": "KQ.G12.001222", "name": "Thực hiện miễn thuế"},
        {"code": "KQ.G12.001223", "name": "Thông báo lý do"},
    ]


def test_steps_split_at_numbered_steps():
    """Given "Bước 1: …\\nBước 2: …", then two steps with titles and texts."""
    steps, problems = parsing.parse_steps("Bước 1: Nộp hồ sơ\nTại Bộ phận Một cửa.\nBước 2. Trả kết quả")
    assert problems == []
    assert steps == [
        {"title": "Bước 1: Nộp hồ sơ", "text": "Tại Bộ phận Một cửa."},
        {"title": "Bước 2: Trả kết quả", "text": ""},
    ]


def test_empty_cells_are_reported_not_invented():
    """Given "Không có thông tin", then nothing is parsed and the gap is reported."""
    for parse in (
        parsing.parse_options,
        parsing.parse_documents,
        parsing.parse_legal_basis,
        parsing.parse_results,
    ):
        value, problems = parse("Không có thông tin")
        assert value == [] and problems


def test_levels_audience_and_related_codes():
    """Given the crawl's level, audience and related cells, then flags and codes are read."""
    assert parsing.parse_levels("Cấp bộ, Cấp xã") == (True, False, True)
    assert parsing.parse_audience("Tổ chức (không bao gồm doanh nghiệp, HTX), Công dân Việt Nam") == (
        True,
        True,
    )
    assert parsing.parse_audience("Doanh nghiệp") == (False, True)
    assert parsing.parse_related_codes("Xem thủ tục 1.001193 và 1.004194") == ["1.001193", "1.004194"]


def test_online_level_stated_legacy_or_inferred():
    """Given stated, legacy and missing levels, then full/partial/direct as Decree 42/2022 maps them."""
    assert parsing.infer_online_level(stated="Toàn trình", name="", channels=[]) == OnlineLevel.FULL
    assert parsing.infer_online_level(stated="Mức độ 4", name="", channels=[]) == OnlineLevel.FULL
    assert parsing.infer_online_level(stated="mức độ 3", name="", channels=[]) == OnlineLevel.PARTIAL
    assert parsing.infer_online_level(stated="2", name="", channels=[Channel.ONLINE]) == OnlineLevel.DIRECT
    assert (
        parsing.infer_online_level(stated=None, name="Đăng ký xe trực tuyến toàn trình", channels=[])
        == OnlineLevel.FULL
    )
    assert parsing.infer_online_level(stated=None, name="x", channels=[Channel.ONLINE]) == OnlineLevel.PARTIAL
    assert parsing.infer_online_level(stated=None, name="x", channels=[Channel.DIRECT]) == OnlineLevel.DIRECT
