"""The dossier lifecycle services: status machine, events, audit, notifications, all-or-nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dichvucong.accounts.constants import AssuranceLevel
from dichvucong.core import clock
from dichvucong.core.models import AuditEntry
from dichvucong.dossiers import services
from dichvucong.dossiers.constants import (
    DOSSIER_CODE_RE,
    DocumentKind,
    DossierStatus,
    EventAction,
    ReturnMethod,
    SubmissionChannel,
)
from dichvucong.dossiers.errors import DossierError, DossierErrorCode
from dichvucong.dossiers.models import Dossier, DossierEvent
from dichvucong.dossiers.tests.factories import (
    EXE_BYTES,
    WEDNESDAY_9AM,
    make_received,
    make_submitted,
    make_world,
    pdf,
)
from dichvucong.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "now", lambda: WEDNESDAY_9AM)


@pytest.fixture
def world():
    return make_world()


def _actions(dossier: Dossier) -> list[str]:
    return list(
        DossierEvent.objects.filter(dossier=dossier).order_by("at", "id").values_list("action", flat=True)
    )


def test_submit_online_makes_a_new_dossier_and_tells_the_applicant(world) -> None:
    """Given a draft with every required document, when the citizen submits it, then it is NEW with a
    submission time, the log shows the submission, it is audited and the citizen gets a notice."""
    dossier = make_submitted(world)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.NEW
    assert dossier.submitted_at == WEDNESDAY_9AM
    assert dossier.code is None
    assert _actions(dossier)[-1] == EventAction.SUBMITTED
    assert AuditEntry.objects.filter(action="dossier.submit", target_id=str(dossier.pk)).exists()
    assert Notification.objects.filter(recipient=world.citizen, template="dossier.submitted").count() == 1


def test_submit_without_a_required_document_names_it_and_changes_nothing(world) -> None:
    """Given a draft missing the birth certificate, when submitted, then the error names it and the
    dossier stays a draft without a submission event."""
    dossier = services.save_draft(
        user=world.citizen, procedure_version=world.version, agency=world.agency, form_data={}
    )
    services.attach_document(
        dossier=dossier, upload=pdf(), actor=world.citizen, required_document=world.required_ids[0]
    )
    with pytest.raises(DossierError) as info:
        services.submit_online(dossier=dossier, actor=world.citizen)
    assert info.value.code == DossierErrorCode.MISSING_DOCUMENTS
    assert "Giấy chứng sinh" in info.value.message
    dossier.refresh_from_db()
    assert dossier.status is None
    assert EventAction.SUBMITTED not in _actions(dossier)


def test_submit_below_the_assurance_level_is_refused_with_help() -> None:
    """Given a procedure needing level 2 and a level-1 citizen, when they submit, then they are told
    how to raise their level and the dossier stays a draft."""
    world = make_world(min_assurance_level=2)
    with pytest.raises(DossierError) as info:
        make_submitted(world)
    assert info.value.code == DossierErrorCode.ASSURANCE_TOO_LOW
    assert "VNeID" in info.value.message
    assert not Dossier.objects.filter(status__isnull=False).exists()


def test_double_submit_is_refused_without_a_second_event(world) -> None:
    """Given a submitted dossier, when the submit button is clicked again, then it is refused and
    the log still has one submission."""
    dossier = make_submitted(world)
    with pytest.raises(DossierError) as info:
        services.submit_online(dossier=dossier, actor=world.citizen)
    assert info.value.code == DossierErrorCode.ALREADY_DONE
    assert _actions(dossier).count(EventAction.SUBMITTED) == 1


def test_receive_issues_code_and_due_date_and_notifies(world) -> None:
    """Given a NEW online dossier, when the officer receives it, then it gets a legal code, a due
    date three working days later, a reception event and the citizen a notice with the code."""
    dossier = make_received(world)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    assert DOSSIER_CODE_RE.match(dossier.code)
    assert dossier.code == f"{world.agency.code}-260311-0001"
    assert dossier.received_at == WEDNESDAY_9AM
    assert dossier.due_at is not None and dossier.due_at > WEDNESDAY_9AM + timedelta(days=2)
    notice = Notification.objects.get(recipient=world.citizen, template="dossier.received")
    assert dossier.code in notice.subject
    assert notice.link.endswith(f"/ho-so-cua-toi/{dossier.pk}/"), "the notice links to the dossier's page"
    assert AuditEntry.objects.filter(action="dossier.receive").exists()


def test_receiving_twice_is_refused_without_a_second_event(world) -> None:
    """Given a received dossier, when the officer double-clicks "receive", then the second click is
    refused, the code is unchanged and the log has one reception."""
    dossier = make_received(world)
    code = dossier.code
    with pytest.raises(DossierError) as info:
        services.receive(dossier=dossier, officer=world.officer)
    assert info.value.code == DossierErrorCode.ALREADY_DONE
    dossier.refresh_from_db()
    assert dossier.code == code
    assert _actions(dossier).count(EventAction.RECEIVED) == 1


def test_officer_of_another_agency_cannot_decide(world) -> None:
    """Given a dossier sent to ward A, when an officer of ward B tries to receive or refuse it, then
    both are refused and it stays NEW."""
    dossier = make_submitted(world)
    for call in (
        lambda: services.receive(dossier=dossier, officer=world.other_officer),
        lambda: services.refuse(dossier=dossier, officer=world.other_officer, reason="x"),
        lambda: services.receive(dossier=dossier, officer=world.citizen),
    ):
        with pytest.raises(DossierError) as info:
            call()
        assert info.value.code == DossierErrorCode.NOT_ALLOWED
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.NEW


@pytest.mark.parametrize(
    ("prepare", "action"),
    [
        ("new", lambda w, d: services.resolve(dossier=d, officer=w.officer)),
        (
            "new",
            lambda w, d: services.return_result(dossier=d, officer=w.officer, method=ReturnMethod.COUNTER),
        ),
        ("received", lambda w, d: services.refuse(dossier=d, officer=w.officer, reason="Thiếu")),
        (
            "received",
            lambda w, d: services.return_result(dossier=d, officer=w.officer, method=ReturnMethod.COUNTER),
        ),
        ("received", lambda w, d: services.submit_online(dossier=d, actor=w.citizen)),
        ("refused", lambda w, d: services.receive(dossier=d, officer=w.officer)),
        ("refused", lambda w, d: services.withdraw(dossier=d, actor=w.citizen, reason="Không cần")),
        ("draft", lambda w, d: services.receive(dossier=d, officer=w.officer)),
        ("draft", lambda w, d: services.withdraw(dossier=d, actor=w.citizen, reason="Không cần")),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(world, prepare, action) -> None:
    """Given a dossier in some status, when a step that is not allowed from it is tried, then it is
    refused with a clear message and neither the status nor the log changes."""
    if prepare == "draft":
        dossier = services.save_draft(
            user=world.citizen, procedure_version=world.version, agency=world.agency, form_data={}
        )
    elif prepare == "new":
        dossier = make_submitted(world)
    elif prepare == "received":
        dossier = make_received(world)
    else:
        dossier = services.refuse(dossier=make_submitted(world), officer=world.officer, reason="Sai thủ tục")
    status, events = dossier.status, _actions(dossier)
    with pytest.raises(DossierError) as info:
        action(world, dossier)
    assert info.value.code in (DossierErrorCode.INVALID_TRANSITION, DossierErrorCode.ALREADY_DONE)
    assert info.value.message
    dossier.refresh_from_db()
    assert dossier.status == status
    assert _actions(dossier) == events


def test_refuse_needs_a_reason_and_tells_the_applicant(world) -> None:
    """Given a NEW dossier, when refused without a reason it is refused itself; with a reason the
    dossier is REFUSED and the citizen is told why."""
    dossier = make_submitted(world)
    with pytest.raises(DossierError):
        services.refuse(dossier=dossier, officer=world.officer, reason="  ")
    services.refuse(dossier=dossier, officer=world.officer, reason="Không thuộc thẩm quyền")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.REFUSED
    notice = Notification.objects.get(recipient=world.citizen, template="dossier.refused")
    assert "Không thuộc thẩm quyền" in notice.body


def test_supplement_round_trip_restarts_the_clock(world, monkeypatch) -> None:
    """Given a received dossier, when the officer asks for a document and the citizen sends it two
    days later, then it is RECEIVED again and (restart policy) due three working days after that."""
    dossier = make_received(world)
    first_due = dossier.due_at
    request = services.request_supplement(
        dossier=dossier, officer=world.officer, items=[{"title": "Giấy chứng sinh", "reason": "Bản mờ"}]
    )
    assert dossier.status == DossierStatus.SUPPLEMENT_REQUESTED
    assert request.deadline is not None
    notice = Notification.objects.get(recipient=world.citizen, template="dossier.supplement_requested")
    assert "Giấy chứng sinh: Bản mờ" in notice.body
    with pytest.raises(DossierError):  # "once and fully": no second request while one is open
        services.request_supplement(dossier=dossier, officer=world.officer, items=[{"title": "Khác"}])
    later = WEDNESDAY_9AM + timedelta(days=2)
    monkeypatch.setattr(clock, "now", lambda: later)
    services.supplement(dossier=dossier, actor=world.citizen, uploads=[pdf("giay-chung-sinh.pdf")])
    dossier.refresh_from_db()
    request.refresh_from_db()
    assert dossier.status == DossierStatus.RECEIVED
    assert request.fulfilled_at == later
    assert dossier.due_at > first_due
    assert dossier.documents.filter(kind=DocumentKind.SUPPLEMENT).count() == 1


def test_supplement_with_pause_policy_shifts_by_paused_time(world, monkeypatch, settings) -> None:
    """Given the pause policy, when the officer asks for a document a day after reception and the
    citizen sends it a day later, then the due date moves later by the one working day paused, not
    by a fresh full duration."""
    from dichvucong.agencies import workdays

    settings.SUPPLEMENT_CLOCK_POLICY = "pause"
    dossier = make_received(world)
    first_due = dossier.due_at
    thursday, friday = WEDNESDAY_9AM + timedelta(days=1), WEDNESDAY_9AM + timedelta(days=2)
    monkeypatch.setattr(clock, "now", lambda: thursday)
    services.request_supplement(dossier=dossier, officer=world.officer, items=[{"title": "Tờ khai"}])
    monkeypatch.setattr(clock, "now", lambda: friday)
    services.supplement(dossier=dossier, actor=world.citizen, uploads=[pdf()])
    dossier.refresh_from_db()
    expected = workdays.resume_due_at(world.agency, first_due, paused_at=thursday, resumed_at=friday)
    assert dossier.due_at == expected
    assert dossier.due_at > first_due
    restarted = workdays.due_at(world.agency, friday, 3, "working_days")
    assert dossier.due_at != restarted
    event = dossier.events.get(action=EventAction.SUPPLEMENTED)
    assert event.data["clock"] == "pause"


def test_supplement_before_reception_goes_back_to_new(world) -> None:
    """Given a NEW online dossier with a wrong file, when the officer asks for a supplement at
    reception and the citizen sends it, then the dossier is NEW again, still without a code."""
    dossier = make_submitted(world)
    services.request_supplement(dossier=dossier, officer=world.officer, items=[{"title": "Tờ khai"}])
    services.supplement(dossier=dossier, actor=world.citizen, uploads={world.required_ids[0]: pdf()})
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.NEW
    assert dossier.code is None


def test_only_the_applicant_withdraws_before_resolution(world) -> None:
    """Given a received dossier, when a stranger tries to withdraw it he is refused; when the owner
    withdraws with a reason it is WITHDRAWN and she is notified."""
    dossier = make_received(world)
    with pytest.raises(DossierError) as info:
        services.withdraw(dossier=dossier, actor=world.stranger, reason="x")
    assert info.value.code == DossierErrorCode.NOT_ALLOWED
    services.withdraw(dossier=dossier, actor=world.citizen, reason="Nộp nhầm thủ tục")
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.WITHDRAWN
    assert Notification.objects.filter(recipient=world.citizen, template="dossier.withdrawn").exists()


def test_result_resolve_and_return(world) -> None:
    """Given a received dossier, when resolving without a result it is refused; after the result is
    attached it is RESOLVED, then RETURNED by post, with the citizen told at each step."""
    dossier = make_received(world)
    with pytest.raises(DossierError) as info:
        services.resolve(dossier=dossier, officer=world.officer)
    assert info.value.code == DossierErrorCode.MISSING_DOCUMENTS
    document = services.attach_result(
        dossier=dossier, officer=world.officer, upload=pdf("ket-qua.pdf"), title="Giấy khai sinh"
    )
    assert document.kind == DocumentKind.RESULT
    services.resolve(dossier=dossier, officer=world.officer)
    assert dossier.status == DossierStatus.RESOLVED
    with pytest.raises(DossierError):  # too late to withdraw
        services.withdraw(dossier=dossier, actor=world.citizen, reason="x")
    services.return_result(dossier=dossier, officer=world.officer, method=ReturnMethod.POSTAL)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RETURNED
    assert dossier.return_method == ReturnMethod.POSTAL
    assert dossier.returned_at == WEDNESDAY_9AM
    templates = set(Notification.objects.filter(recipient=world.citizen).values_list("template", flat=True))
    assert {"dossier.resolved", "dossier.returned"} <= templates


def test_counter_dossier_is_received_at_once(world) -> None:
    """Given a walk-in applicant, when the counter officer records the dossier, then it is RECEIVED
    with a code, due date, the queue ticket and the scanned files, and no account is needed."""
    applicant = services.ApplicantData(name="Trần Thị Bích", id_number="079199001234", phone="0901234567")
    dossier = services.record_counter_dossier(
        officer=world.officer,
        procedure_version=world.version,
        agency=world.agency,
        applicant=applicant,
        form_data={"ghi_chu": "tại quầy"},
        uploads={world.required_ids[0]: pdf()},
        queue_ticket="A-012",
    )
    assert dossier.status == DossierStatus.RECEIVED
    assert dossier.channel == SubmissionChannel.DIRECT
    assert dossier.owner is None
    assert dossier.code.startswith(world.agency.code)
    assert dossier.queue_ticket == "A-012"
    assert dossier.due_at is not None
    assert dossier.documents.count() == 1
    assert _actions(dossier) == [EventAction.RECEIVED]


def _walk_in(world, *, cccd: str = "079199001234", key: str = "") -> Dossier:
    return services.record_counter_dossier(
        officer=world.officer,
        procedure_version=world.version,
        agency=world.agency,
        applicant=services.ApplicantData(name="Nguyễn Văn An", id_number=cccd),
        form_data={},
        uploads={},
        idempotency_key=key,
    )


def test_walk_in_dossier_goes_to_the_verified_account_holding_the_cccd(world) -> None:
    """Given a citizen whose identity was verified with CCCD 079199001234, when an officer records a
    walk-in dossier with that CCCD, then the dossier is in the citizen's account and they are told."""
    from dichvucong.accounts.services import set_assurance_level, set_cccd

    set_cccd(user=world.citizen, cccd="079199001234")
    set_assurance_level(actor=None, user=world.citizen, level=AssuranceLevel.VERIFIED, source="test")
    dossier = _walk_in(world)
    assert dossier.owner == world.citizen
    assert Notification.objects.filter(recipient=world.citizen, template="dossier.received").exists()
    assert dossier.events.get().data["linked_account"] is True


def test_walk_in_dossier_is_not_given_to_an_unverified_account_claiming_the_cccd(world) -> None:
    """Given an account that typed the CCCD but never verified its identity, when a walk-in dossier
    with that CCCD is recorded, then it stays without an account (anyone may type any number)."""
    from dichvucong.accounts.services import set_cccd

    set_cccd(user=world.citizen, cccd="079199001234")
    assert _walk_in(world).owner is None


def test_counter_form_sent_twice_records_one_dossier(world) -> None:
    """Given a counter form with its key, when the officer sends it twice, then one dossier with one
    code exists and the second call returns it; another key makes another dossier."""
    first = _walk_in(world, key="form-1")
    again = _walk_in(world, key="form-1")
    assert again.pk == first.pk
    assert Dossier.objects.count() == 1
    assert _walk_in(world, key="form-2").pk != first.pk


def test_applicant_name_is_kept_folded_for_search(world) -> None:
    """Given a dossier for "Nguyễn Văn Đông", then its search name is "nguyen van dong"."""
    dossier = services.record_counter_dossier(
        officer=world.officer,
        procedure_version=world.version,
        agency=world.agency,
        applicant=services.ApplicantData(name="Nguyễn Văn Đông"),
        form_data={},
        uploads={},
    )
    assert dossier.applicant_search_name == "nguyen van dong"


def test_counter_dossier_by_an_officer_of_another_agency_is_refused(world) -> None:
    """Given ward B's officer, when he records a dossier for ward A, then it is refused and nothing stored."""
    with pytest.raises(DossierError):
        services.record_counter_dossier(
            officer=world.other_officer,
            procedure_version=world.version,
            agency=world.agency,
            applicant=services.ApplicantData(name="Trần Thị Bích"),
            form_data={},
            uploads={},
        )
    assert not Dossier.objects.exists()


def test_create_online_dossier_is_idempotent_per_key(world) -> None:
    """Given one API submission with a key, when the same request is repeated, then the first dossier
    is returned and nothing new is created; a different payload with the key is a conflict."""
    uploads = {pk: pdf() for pk in world.required_ids}
    first, created = services.create_online_dossier(
        user=world.citizen,
        procedure_code=world.procedure.code,
        agency_code=world.agency.code,
        form_data={"a": 1},
        uploads=uploads,
        idempotency_key="k-1",
    )
    assert created and first.status == DossierStatus.NEW
    again, created_again = services.create_online_dossier(
        user=world.citizen,
        procedure_code=world.procedure.code,
        agency_code=world.agency.code,
        form_data={"a": 1},
        uploads={pk: pdf() for pk in world.required_ids},
        idempotency_key="k-1",
    )
    assert (again.pk, created_again) == (first.pk, False)
    with pytest.raises(DossierError) as info:
        services.create_online_dossier(
            user=world.citizen,
            procedure_code=world.procedure.code,
            agency_code=world.agency.code,
            form_data={"a": 2},
            uploads={pk: pdf() for pk in world.required_ids},
            idempotency_key="k-1",
        )
    assert info.value.code == DossierErrorCode.IDEMPOTENCY_CONFLICT
    assert Dossier.objects.count() == 1


def test_create_online_dossier_with_a_bad_file_stores_nothing(world) -> None:
    """Given an .exe renamed to .pdf among the files, when submitted through the one-shot service,
    then it is refused naming the file and no dossier, document or event is left behind."""
    uploads = {world.required_ids[0]: pdf(), world.required_ids[1]: SimpleUploadedFile("giay.pdf", EXE_BYTES)}
    with pytest.raises(DossierError) as info:
        services.create_online_dossier(
            user=world.citizen,
            procedure_code=world.procedure.code,
            agency_code=world.agency.code,
            form_data={},
            uploads=uploads,
            idempotency_key="",
        )
    assert "giay.pdf" in info.value.message
    assert not Dossier.objects.exists()
    assert not DossierEvent.objects.exists()


def test_unknown_procedure_or_agency_is_a_clear_error(world) -> None:
    """Given an unknown procedure code or agency code, when submitting, then a translated error says so."""
    for procedure_code, agency_code in (
        ("0.000000", world.agency.code),
        (world.procedure.code, "999.99.99.Z99"),
    ):
        with pytest.raises(DossierError) as info:
            services.create_online_dossier(
                user=world.citizen,
                procedure_code=procedure_code,
                agency_code=agency_code,
                form_data={},
                uploads={},
                idempotency_key="",
            )
        assert info.value.code in (
            DossierErrorCode.PROCEDURE_UNAVAILABLE,
            DossierErrorCode.AGENCY_UNAVAILABLE,
        )


def test_draft_file_can_be_replaced_and_removed_only_by_the_owner(world) -> None:
    """Given a draft with a file, when the same item is uploaded again the old file is replaced; a
    stranger cannot remove it, the owner can."""
    dossier = services.save_draft(
        user=world.citizen, procedure_version=world.version, agency=world.agency, form_data={}
    )
    services.attach_document(
        dossier=dossier, upload=pdf("a.pdf"), actor=world.citizen, required_document=world.required_ids[0]
    )
    second = services.attach_document(
        dossier=dossier, upload=pdf("b.pdf"), actor=world.citizen, required_document=world.required_ids[0]
    )
    assert list(dossier.documents.values_list("original_name", flat=True)) == ["b.pdf"]
    with pytest.raises(DossierError):
        services.remove_document(dossier=dossier, document=second, actor=world.stranger)
    services.remove_document(dossier=dossier, document=second, actor=world.citizen)
    assert not dossier.documents.exists()


def test_draft_files_leave_the_disk_when_replaced_or_the_procedure_version_changes(
    world, django_capture_on_commit_callbacks
) -> None:
    """Given a draft with files, when a file is replaced and then the draft moves to a newly published
    version of the procedure, then the replaced and the orphaned files are deleted from storage."""
    from dichvucong.procedures.services import publish_draft, start_draft

    dossier = services.save_draft(
        user=world.citizen, procedure_version=world.version, agency=world.agency, form_data={}
    )
    with django_capture_on_commit_callbacks(execute=True):
        first = services.attach_document(
            dossier=dossier, upload=pdf("a.pdf"), actor=world.citizen, required_document=world.required_ids[0]
        )
        second = services.attach_document(
            dossier=dossier, upload=pdf("b.pdf"), actor=world.citizen, required_document=world.required_ids[0]
        )
    storage = second.file.storage
    assert not storage.exists(first.file.name) and storage.exists(second.file.name)
    new_version = publish_draft(version=start_draft(procedure=world.procedure, actor=None), actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.save_draft(
            user=world.citizen,
            procedure_version=new_version,
            agency=world.agency,
            form_data={},
            dossier=dossier,
        )
    assert not dossier.documents.exists()
    assert not storage.exists(second.file.name)


@pytest.mark.parametrize(
    "key",
    [
        "dossier.submitted",
        "dossier.received",
        "dossier.refused",
        "dossier.supplement_requested",
        "dossier.resolved",
        "dossier.returned",
        "dossier.withdrawn",
    ],
)
@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_dossier_notification_renders_in_both_languages(key, language) -> None:
    """Given each dossier notification, when rendered in Vietnamese and English with its variables,
    then subject and body are filled and mention the dossier."""
    from dichvucong.notifications.templates import get_template, render_message

    context = {name: f"<{name}>" for name in get_template(key).variables}
    context.update({"recipient_name": "An", "link": "https://example.vn/x", "site_url": "https://example.vn"})
    rendered = render_message(key, context, language=language)
    assert rendered.language == language
    assert rendered.subject
    assert "<dossier_ref>" in rendered.body or "<code>" in rendered.body
    assert "<procedure_name>" in rendered.body
