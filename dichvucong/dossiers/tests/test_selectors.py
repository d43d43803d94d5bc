"""Reads: my dossiers, access-checked detail, public look-up, officer queues and history."""

from __future__ import annotations

import pytest

from dichvucong.accounts.constants import Role
from dichvucong.agencies.scopes import get_data_scope
from dichvucong.agencies.tests.factories import make_officer
from dichvucong.core import clock
from dichvucong.dossiers import selectors, services
from dichvucong.dossiers.constants import DossierStatus, EventAction
from dichvucong.dossiers.tests.factories import WEDNESDAY_9AM, make_received, make_submitted, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: WEDNESDAY_9AM)


@pytest.fixture
def world():
    return make_world()


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Nguyễn Văn An", "Nguyễn V** A*"),
        ("Lê Thị Thu Hà", "Lê T** T** H*"),
        ("Madonna", "Madonna"),
        ("", ""),
    ],
)
def test_mask_name(name, masked) -> None:
    """Given a full name, when masked, then only the family name and initials are left."""
    assert selectors.mask_name(name) == masked


def test_my_dossiers_filters_by_status_and_text(world) -> None:
    """Given a draft and a received dossier, when the owner filters, then each filter finds the right one
    and a stranger sees none."""
    draft = services.save_draft(
        user=world.citizen, procedure_version=world.version, agency=world.agency, form_data={}
    )
    received = make_received(world)
    assert {d.pk for d in selectors.list_my_dossiers(world.citizen)} == {draft.pk, received.pk}
    assert [d.pk for d in selectors.list_my_dossiers(world.citizen, status="draft")] == [draft.pk]
    assert [d.pk for d in selectors.list_my_dossiers(world.citizen, status=DossierStatus.RECEIVED)] == [
        received.pk
    ]
    assert [d.pk for d in selectors.list_my_dossiers(world.citizen, q=received.code[-6:])] == [received.pk]
    assert list(selectors.list_my_dossiers(world.citizen, status="bogus")) == []
    assert list(selectors.list_my_dossiers(world.stranger)) == []


def test_get_dossier_for_user_by_code_or_pk_checks_access(world) -> None:
    """Given a received dossier, when owner, scoped officer, other ward's officer and a stranger ask
    for it, then only the first two get it."""
    dossier = make_received(world)
    assert selectors.get_dossier_for_user(world.citizen, dossier.code) == dossier
    assert selectors.get_dossier_for_user(world.citizen, str(dossier.pk)) == dossier
    assert selectors.get_dossier_for_user(world.officer, dossier.code) == dossier
    assert selectors.get_dossier_for_user(world.other_officer, dossier.code) is None
    assert selectors.get_dossier_for_user(world.stranger, dossier.code) is None
    assert selectors.get_dossier_for_user(world.citizen, "không-phải-mã") is None


def test_lookup_public_only_for_real_codes(world) -> None:
    """Given a received dossier, when looked up by code, then the masked status comes back; malformed
    or unknown codes give None."""
    dossier = make_received(world)
    found = selectors.lookup_public(dossier.code.lower())
    assert found is not None and found.applicant_name == "Nguyễn V** A*"
    assert found.status_label == str(DossierStatus.RECEIVED.label)
    assert selectors.lookup_public("000.00.00.H29-260311-9999") is None
    assert selectors.lookup_public("<script>") is None


def test_reception_queue_and_scope_lists(world) -> None:
    """Given a NEW online dossier and a received one at ward A, when ward A's and ward B's officers look,
    then ward A's queue has only the NEW one, its scope list both, and ward B sees nothing."""
    waiting = make_submitted(world)
    received = make_received(world)
    scope_a = get_data_scope(world.officer)
    scope_b = get_data_scope(world.other_officer)
    assert [d.pk for d in selectors.list_reception_queue(scope_a)] == [waiting.pk]
    assert {d.pk for d in selectors.list_dossiers_in_scope(scope_a)} == {waiting.pk, received.pk}
    assert [d.pk for d in selectors.list_dossiers_in_scope(scope_a, status=DossierStatus.RECEIVED)] == [
        received.pk
    ]
    assert list(selectors.list_reception_queue(scope_b)) == []
    assert list(selectors.list_dossiers_in_scope(scope_b)) == []


def test_field_limited_officer_sees_only_his_fields(world) -> None:
    """Given a specialist limited to the land field, when he lists ward A's dossiers (civil status),
    then he sees none."""
    make_received(world)
    specialist, _assignment = make_officer(agency=world.agency, role=Role.SPECIALIST, fields=["dat-dai"])
    assert list(selectors.list_dossiers_in_scope(get_data_scope(specialist))) == []


def test_history_is_in_order(world) -> None:
    """Given a received dossier, when its history is read, then the steps are in the order they happened."""
    dossier = make_received(world)
    actions = [event.action for event in selectors.history(dossier)]
    assert actions[-2:] == [EventAction.SUBMITTED, EventAction.RECEIVED]
    assert actions[0] == EventAction.DRAFT_SAVED


def test_organisation_members_share_its_dossiers(world) -> None:
    """Given a business whose representative files a dossier for it, when another member of the
    business looks, then she sees it in her list and detail; a non-member does not."""
    from dichvucong.accounts.services import add_member, create_business

    business = create_business(actor=world.citizen, name="Công ty TNHH Thử Nghiệm", tax_code="0312345678")
    colleague = world.stranger
    dossier = services.save_draft(
        user=world.citizen,
        procedure_version=world.version,
        agency=world.agency,
        form_data={},
        applicant=services.ApplicantData.from_user(world.citizen, business),
    )
    assert selectors.get_dossier_for_user(colleague, dossier.pk) is None
    add_member(actor=None, organisation=business, user=colleague)
    assert selectors.get_dossier_for_user(colleague, dossier.pk) == dossier
    assert [d.pk for d in selectors.list_my_dossiers(colleague)] == [dossier.pk]
    assert dossier.applicant_name == "Công ty TNHH Thử Nghiệm"
