"""Reactions to the dossier event log (registered in ``apps.py`` through ``dossiers.hooks``).

When the result is returned, the applicant with an account is invited to rate every stage: a
notification (inbox, and e-mail/SMS as they chose) carrying the signed evaluation link. It runs in the
dossier's transaction and only writes the notification and its outbox rows (cheap, local writes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dichvucong.dossiers.constants import EventAction
from dichvucong.evaluations.links import evaluation_link
from dichvucong.notifications.services import notify

if TYPE_CHECKING:
    from dichvucong.dossiers.models import DossierEvent

LISTENER_NAME = "evaluations.invite_after_return"


def invite_after_return(event: DossierEvent) -> None:
    if event.action != EventAction.RETURNED:
        return
    dossier = event.dossier
    if dossier.owner_id is None:
        return
    notify(
        recipient=dossier.owner,
        template="evaluation.invite",
        context={
            "dossier_ref": dossier.code or f"#{dossier.pk}",
            "procedure_name": dossier.procedure_version.name,
            "agency_name": dossier.agency.name,
        },
        link=evaluation_link(dossier),
        idempotency_key=f"evaluation:invite:{dossier.pk}",
    )
