from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _criteria(db: None) -> None:
    """The default questionnaire exists (the data migration's rows are gone after a flush)."""
    from dichvucong.evaluations.services import seed_evaluation_criteria

    seed_evaluation_criteria()
