"""How the workflows engine names a dossier in its reminders and escalations (its subject describer)."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from dichvucong.dossiers.models import Dossier
from dichvucong.workflows.hooks import SubjectDescription

SUBJECT_TYPE = "dossiers.dossier"


def describe_dossier(subject_id: str) -> SubjectDescription:
    """``"<code> — <procedure>"`` and the back-office dossier page (by URL name: the site routes it)."""
    row = (
        Dossier.objects.filter(pk=int(subject_id) if str(subject_id).isdigit() else 0)
        .values("pk", "code", "procedure_version__name")
        .first()
    )
    if row is None:
        return SubjectDescription(label=f"#{subject_id}")
    label = f"{row['code'] or '#' + str(row['pk'])} — {row['procedure_version__name'][:200]}"
    try:
        link = reverse("backoffice:dossier_detail", args=[row["pk"]])
    except NoReverseMatch:
        link = ""
    return SubjectDescription(label=label, link=link)
