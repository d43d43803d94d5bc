"""Multi-level administration (E6): agencies reword the citizen questions for their subtree and
publish their own results; nobody adds or removes indices or acts outside their scope."""

from __future__ import annotations

import pytest

from dichvucong.accounts.constants import Role
from dichvucong.agencies.constants import AgencyKind
from dichvucong.agencies.tests.factories import make_agency, make_officer
from dichvucong.core.models import AuditEntry
from dichvucong.evaluations.constants import RatingStage
from dichvucong.evaluations.errors import EvaluationError
from dichvucong.evaluations.models import EvaluationSnapshot, QuestionWording
from dichvucong.evaluations.periods import current_quarter
from dichvucong.evaluations.selectors import get_questionnaire_in_force, list_citizen_questions
from dichvucong.evaluations.services import publish_results, set_question_wording
from dichvucong.evaluations.tests.factories import make_returned, make_world, rate

pytestmark = pytest.mark.django_db


def _texts(agency: object) -> dict[str, str]:
    return {q.index_key: q.text for q in list_citizen_questions(get_questionnaire_in_force(), agency)}


def test_a_ward_admin_rewords_a_question_for_its_ward_only() -> None:
    """Given two wards, when the first ward's admin rewords "overall", then its applicants see the new
    text, the other ward still sees the city's, the stored question is unchanged and it is audited."""
    world, other = make_world(), make_world()
    admin, _a = make_officer(agency=world.agency, role=Role.AGENCY_ADMIN)
    city_text = _texts(other.agency)["overall"]
    set_question_wording(
        actor=admin, agency=world.agency, index_key="overall", text="Nhìn chung, ông/bà hài lòng không?"
    )
    assert _texts(world.agency)["overall"] == "Nhìn chung, ông/bà hài lòng không?"
    assert _texts(other.agency)["overall"] == city_text
    assert get_questionnaire_in_force().questions.get(index_key="overall").text == city_text
    assert AuditEntry.objects.filter(action="evaluation.wording_set").exists()


def test_a_ward_admin_may_not_reword_another_wards_questions() -> None:
    world, other = make_world(), make_world()
    admin, _a = make_officer(agency=world.agency, role=Role.AGENCY_ADMIN)
    with pytest.raises(EvaluationError):
        set_question_wording(actor=admin, agency=other.agency, index_key="overall", text="Khác")
    assert not QuestionWording.objects.exists()


@pytest.mark.parametrize("index_key", ["idx1", "new_question", ""])
def test_wording_cannot_add_indices_or_touch_computed_ones(index_key: str) -> None:
    """Given a ward admin, when they word a key that is not a citizen question in force, then refused."""
    world = make_world()
    admin, _a = make_officer(agency=world.agency, role=Role.AGENCY_ADMIN)
    with pytest.raises(EvaluationError):
        set_question_wording(actor=admin, agency=world.agency, index_key=index_key, text="Câu mới")
    assert not QuestionWording.objects.exists()


def test_a_department_wording_reaches_its_units_and_the_nearest_wins() -> None:
    """Given a department with a unit, when the department rewords idx7 and the unit rewords overall,
    then the unit shows both; the department shows only its own; an empty text removes the unit's."""
    department = make_agency(kind=AgencyKind.DEPARTMENT)
    unit = make_agency(parent=department, kind=AgencyKind.OFFICE)
    admin, _a = make_officer(agency=department, role=Role.AGENCY_ADMIN)
    set_question_wording(actor=admin, agency=department, index_key="idx7", text="Thái độ cán bộ Sở")
    set_question_wording(actor=admin, agency=unit, index_key="overall", text="Tổng thể (đơn vị)")
    set_question_wording(actor=admin, agency=unit, index_key="idx7", text="Thái độ cán bộ đơn vị")
    assert _texts(unit)["idx7"] == "Thái độ cán bộ đơn vị" and _texts(unit)["overall"] == "Tổng thể (đơn vị)"
    assert _texts(department)["idx7"] == "Thái độ cán bộ Sở"
    assert _texts(department)["overall"] != "Tổng thể (đơn vị)"
    assert set_question_wording(actor=admin, agency=unit, index_key="idx7", text="") is None
    assert _texts(unit)["idx7"] == "Thái độ cán bộ Sở"


def test_a_ward_admin_publishes_its_own_results_only() -> None:
    """Given results at two wards, when the first ward's admin publishes, then only its snapshot is
    stored; a city admin publishes both; a unit head may not publish."""
    world, other = make_world(), make_world()
    rate(make_returned(world), stage=RatingStage.RETURN)
    rate(make_returned(other), stage=RatingStage.RETURN)
    admin, _a = make_officer(agency=world.agency, role=Role.AGENCY_ADMIN)
    period = current_quarter()
    assert publish_results(actor=admin, period=period) == 1
    assert list(EvaluationSnapshot.objects.values_list("agency_id", flat=True)) == [world.agency.pk]
    head, _b = make_officer(agency=world.agency, role=Role.UNIT_HEAD)
    with pytest.raises(EvaluationError):
        publish_results(actor=head, period=period)
    city, _c = make_officer(agency=world.agency, role=Role.CITY_ADMIN)
    assert publish_results(actor=city, period=period) == 2
