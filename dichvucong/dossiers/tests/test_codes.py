"""Dossier codes: ``<agency code>-YYMMDD-NNNN``, per agency per local day, unique and gap-free."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction

from dichvucong.agencies.tests.factories import make_agency
from dichvucong.dossiers.codes import MAX_DAILY_NUMBER, issue_code
from dichvucong.dossiers.constants import DOSSIER_CODE_RE
from dichvucong.dossiers.errors import DossierError, DossierErrorCode
from dichvucong.dossiers.models import DossierCodeCounter

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MORNING = datetime(2026, 3, 11, 9, 0, tzinfo=VN)


@pytest.mark.django_db
def test_sequence_counts_per_agency_and_resets_each_local_day() -> None:
    """Given two agencies, when dossiers are received on two days, then each agency counts from 0001
    each local day, and 23:30 UTC already belongs to the next Vietnamese day."""
    a = make_agency(code="000.50.68.H29")
    b = make_agency(code="000.50.69.H29")
    assert issue_code(a, MORNING) == "000.50.68.H29-260311-0001"
    assert issue_code(a, MORNING) == "000.50.68.H29-260311-0002"
    assert issue_code(b, MORNING) == "000.50.69.H29-260311-0001"
    assert issue_code(a, MORNING + timedelta(days=1)) == "000.50.68.H29-260312-0001"
    late_utc = datetime(2026, 3, 11, 17, 30, tzinfo=ZoneInfo("UTC"))  # 00:30 on the 12th in Vietnam
    assert issue_code(b, late_utc) == "000.50.69.H29-260312-0001"
    assert DOSSIER_CODE_RE.match(issue_code(a, MORNING))


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_reception_gives_its_number_back() -> None:
    """Given a reception that fails after taking a number, when the next one is received, then it
    gets the same number: no gap in the day's sequence."""
    agency = make_agency(code="000.50.70.H29")
    with pytest.raises(RuntimeError), transaction.atomic():
        assert issue_code(agency, MORNING).endswith("-0001")
        raise RuntimeError("the reception failed later")
    assert issue_code(agency, MORNING).endswith("-0001")


@pytest.mark.django_db
def test_past_9999_a_day_is_a_clear_error_not_five_digits() -> None:
    """Given an agency that already gave out 9,999 codes today, when one more is asked, then a
    translated error says the day is full and the counter stays at 9,999."""
    agency = make_agency(code="000.50.71.H29")
    issue_code(agency, MORNING)
    DossierCodeCounter.objects.filter(agency=agency).update(last_number=MAX_DAILY_NUMBER - 1)
    assert issue_code(agency, MORNING).endswith("-9999")
    with pytest.raises(DossierError) as info:
        issue_code(agency, MORNING)
    assert info.value.code == DossierErrorCode.CODE_OVERFLOW
    assert "9999" in info.value.message
    assert DossierCodeCounter.objects.get(agency=agency).last_number == MAX_DAILY_NUMBER


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_parallel_receptions_get_unique_gap_free_codes() -> None:
    """Given 8 threads each receiving 25 dossiers at once for the same agency and day, then the 200
    codes are unique and exactly 0001..0200."""
    agency = make_agency(code="000.50.72.H29")
    codes: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def worker() -> None:
        try:
            start.wait()
            for _ in range(25):
                with transaction.atomic():
                    code = issue_code(agency, MORNING)
                with lock:
                    codes.append(code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(int(code.rsplit("-", 1)[1]) for code in codes)
    assert len(set(codes)) == 200
    assert numbers == list(range(1, 201))
