"""How higher apps tell the workflows engine about their subjects (no signals: an explicit registry).

The engine refers to a subject by ``subject_type`` + ``subject_id`` and knows nothing else. When it
writes to people (deadline reminders, escalations) it asks the subject's app for a label and a link::

    # dossiers/apps.py, in ready()
    register_subject_describer("dossiers.dossier", describe_dossier)

where ``describe_dossier(subject_id: str) -> SubjectDescription``. Without a describer the label is
``"<subject_type> #<id>"`` and there is no link.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class SubjectDescription:
    label: str
    link: str = ""


SubjectDescriber = Callable[[str], SubjectDescription]

_DESCRIBERS: dict[str, SubjectDescriber] = {}


def register_subject_describer(subject_type: str, describer: SubjectDescriber) -> None:
    """Register (or replace) the describer of ``subject_type``."""
    _DESCRIBERS[subject_type] = describer


def describe_subject(subject_type: str, subject_id: str) -> SubjectDescription:
    describer = _DESCRIBERS.get(subject_type)
    if describer is None:
        return SubjectDescription(label=f"{subject_type} #{subject_id}")
    return describer(str(subject_id))
