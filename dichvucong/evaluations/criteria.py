"""The default questionnaire: the 9 indices of Decree 61/2018 Art. 31 scored 2 / 1 / 0 as in Circular
01/2018/TT-VPCP (SPEC-VN §3.1), plus the citizen's convenience and overall satisfaction.

Plain data, so both the data migration (with historical models) and ``seed_evaluation_criteria`` use
it. Indices 1–4 are computed per dossier from its dates, supplement requests and hand-overs; 5, 6, 8
and 9 are agency-level; 7 (the officer's attitude), convenience and overall are answered by the
applicant.
"""

from __future__ import annotations

from typing import Any

POINTS = "points"
SAT3 = "satisfaction3"
SATISFACTION_OPTIONS = (
    (2, "Rất hài lòng", "Very satisfied"),
    (1, "Hài lòng", "Satisfied"),
    (0, "Không hài lòng", "Dissatisfied"),
)

DEFAULT_TITLE = (
    "Bộ tiêu chí đánh giá việc giải quyết thủ tục hành chính",
    "Criteria for evaluating the handling of administrative procedures",
)

CRITERIA: tuple[dict[str, Any], ...] = (
    {
        "key": "idx1",
        "kind": "computed",
        "basis": "dossier",
        "text": (
            "Tổng thời gian giải quyết thủ tục hành chính so với thời gian quy định",
            "Total handling time compared with the legal time limit",
        ),
        "options": ((2, "Trước hạn", "Shorter"), (1, "Đúng hạn", "Equal"), (0, "Quá hạn", "Longer")),
    },
    {
        "key": "idx2",
        "kind": "computed",
        "basis": "dossier",
        "text": (
            "Thời gian thực hiện của từng cơ quan, đơn vị tham gia giải quyết (kể cả cơ quan phối hợp)",
            "Time taken by each participating agency (including coordinating units)",
        ),
        "options": ((2, "Trước hạn", "Shorter"), (1, "Đúng hạn", "Equal"), (0, "Quá hạn", "Longer")),
    },
    {
        "key": "idx3",
        "kind": "computed",
        "basis": "dossier",
        "text": (
            "Số lần phải liên hệ nơi tiếp nhận để hoàn thiện hồ sơ (kể cả trực tuyến)",
            "Times the applicant had to contact the receiving point to complete the dossier (incl. online)",
        ),
        "options": (
            (2, "Không phải liên hệ", "None"),
            (1, "Một lần", "Once"),
            (0, "Nhiều hơn một lần", "More than once"),
        ),
    },
    {
        "key": "idx4",
        "kind": "computed",
        "basis": "dossier",
        "text": (
            "Số cơ quan, đơn vị phải liên hệ để hoàn thiện hồ sơ",
            "Number of agencies the applicant had to contact to complete the dossier",
        ),
        "options": (
            (2, "Không phải liên hệ", "None"),
            (1, "Chỉ Bộ phận Một cửa", "Only the one-stop shop"),
            (0, "Nhiều hơn một cơ quan", "More than one agency"),
        ),
    },
    {
        "key": "idx5",
        "kind": "computed",
        "basis": "agency",
        "text": (
            "Thực hiện tiếp nhận, giải quyết, trả kết quả tại Bộ phận Một cửa",
            "Receiving, handling and returning at the one-stop shop",
        ),
        "options": (
            (
                2,
                "Bộ phận Một cửa được giao giải quyết đạt tỷ lệ quy định",
                "The one-stop shop decides the required share",
            ),
            (
                1,
                "100% thủ tục đủ điều kiện được tiếp nhận, trả kết quả tại Bộ phận Một cửa",
                "All eligible procedures received and returned there",
            ),
            (0, "Dưới 100%", "Less than 100%"),
        ),
    },
    {
        "key": "idx6",
        "kind": "computed",
        "basis": "agency",
        "text": ("Công khai thủ tục hành chính", "Publicity of administrative procedures"),
        "options": (
            (2, "Niêm yết và điện tử, chính xác, kịp thời", "Posted and electronic, accurate and on time"),
            (1, "Niêm yết hoặc điện tử", "Posted or electronic"),
            (0, "Không đầy đủ, chính xác, kịp thời", "Not accurate, complete or timely"),
        ),
    },
    {
        "key": "idx7",
        "kind": "citizen",
        "basis": "answer",
        "text": (
            "Thái độ của cán bộ khi hướng dẫn, tiếp nhận, giải quyết hồ sơ",
            "The officer's attitude when guiding, receiving and handling the dossier",
        ),
        "options": (
            (2, "Nhiệt tình, chu đáo", "Helpful and attentive"),
            (1, "Bình thường", "Acceptable"),
            (0, "Gây phiền hà, nhũng nhiễu", "Caused trouble or harassment"),
        ),
    },
    {
        "key": "idx8",
        "kind": "computed",
        "basis": "agency",
        "text": (
            "Tiếp nhận, xử lý phản ánh, kiến nghị của người dân",
            "Handling of citizens' feedback and complaints",
        ),
        "options": (
            (2, "Không có hoặc 100% xử lý đúng hạn", "None, or 100% handled on time"),
            (1, "Từ 90% xử lý đúng hạn", "At least 90% handled on time"),
            (0, "Dưới 90% hoặc có kéo dài", "Under 90% or some prolonged"),
        ),
    },
    {
        "key": "idx9",
        "kind": "computed",
        "basis": "agency",
        "text": (
            "Tiến độ, chất lượng cung cấp dịch vụ công trực tuyến",
            "Progress and quality of online public services",
        ),
        "options": (
            (2, "Đạt tỷ lệ trực tuyến, không trễ hạn", "Online targets met, none late"),
            (1, "Có dịch vụ trực tuyến, tỷ lệ thấp hơn", "Online services deployed, lower share"),
            (0, "Chưa đạt", "Otherwise"),
        ),
    },
    {
        "key": "convenience",
        "kind": "citizen",
        "basis": "answer",
        "text": ("Mức độ thuận tiện khi sử dụng dịch vụ", "How convenient was the service?"),
        "options": SATISFACTION_OPTIONS,
    },
    {
        "key": "overall",
        "kind": "citizen",
        "basis": "answer",
        "text": ("Đánh giá tổng thể dịch vụ", "Overall satisfaction with the service"),
        "options": SATISFACTION_OPTIONS,
    },
)


def seed_default_questionnaire(
    questionnaire_model: Any, question_model: Any, option_model: Any, *, now: Any
) -> bool:
    """Create and publish version 1 when no questionnaire exists; True when it created one."""
    if questionnaire_model.objects.exists():
        return False
    questionnaire = questionnaire_model.objects.create(
        version=1, title=DEFAULT_TITLE[0], title_en=DEFAULT_TITLE[1], status="published", published_at=now
    )
    for position, item in enumerate(CRITERIA, start=1):
        question = question_model.objects.create(
            questionnaire=questionnaire,
            index_key=item["key"],
            position=position,
            text=item["text"][0],
            text_en=item["text"][1],
            kind=item["kind"],
            basis=item["basis"],
            scale=SAT3 if item["options"] is SATISFACTION_OPTIONS else POINTS,
        )
        option_model.objects.bulk_create(
            option_model(question=question, value=value, label=label, label_en=label_en, position=n)
            for n, (value, label, label_en) in enumerate(item["options"], start=1)
        )
    return True
