"""Dossier codes (Circular 01/2018/TT-VPCP Art. 19): ``<agency code>-YYMMDD-NNNN``.

The sequence is per receiving agency per local (Asia/Ho_Chi_Minh) day. ``issue_code`` takes the
counter row FOR UPDATE in the caller's transaction, so concurrent receptions queue on it (SQLite
serialises writers anyway) and a rolled-back reception gives its number back: unique and gap-free.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.translation import gettext as _

from dichvucong.agencies.models import Agency
from dichvucong.dossiers.errors import DossierError, DossierErrorCode
from dichvucong.dossiers.models import DossierCodeCounter

CODE_TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_DAILY_NUMBER = 9999


def local_day(at: datetime):
    """The local (Vietnam) calendar day of ``at``."""
    return at.astimezone(CODE_TIMEZONE).date()


def issue_code(agency: Agency, received_at: datetime) -> str:
    """Take the next number of ``agency`` for the local day of ``received_at`` and build the code.

    Must run inside the transaction that stores the code on the dossier (it opens a savepoint when
    called outside one). Raises ``DossierError`` (``code_overflow``) past 9,999 dossiers a day.
    """
    if not agency.code:
        raise DossierError(_("Cơ quan tiếp nhận chưa có mã định danh."), code=DossierErrorCode.INVALID)
    day = local_day(received_at)
    with transaction.atomic():
        counter, _created = DossierCodeCounter.objects.select_for_update().get_or_create(
            agency=agency, day=day
        )
        number = counter.last_number + 1
        if number > MAX_DAILY_NUMBER:
            raise DossierError(
                _("Cơ quan đã tiếp nhận đủ %(max)s hồ sơ trong ngày; không thể cấp thêm mã hồ sơ.")
                % {"max": MAX_DAILY_NUMBER},
                code=DossierErrorCode.CODE_OVERFLOW,
            )
        DossierCodeCounter.objects.filter(pk=counter.pk).update(last_number=number)
    return f"{agency.code}-{day:%y%m%d}-{number:04d}"
