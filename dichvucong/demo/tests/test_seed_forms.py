"""The demo's published form: attached to an online procedure of the demo ward, once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from dichvucong.demo.forms import FORM_KEY, seed_forms
from dichvucong.demo.seeders import SeedContext
from dichvucong.forms.constants import FormVersionStatus
from dichvucong.forms.models import FormVersion
from dichvucong.procedures.models import Procedure, ProcedureVersion

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_the_demo_procedure_gets_a_published_form_once(db):
    """Given the demo loaded, then one demo procedure's current version uses the published birth
    registration form; seeding again adds no form version and no procedure version."""
    call_command("load_demo", stdout=StringIO())
    form = FormVersion.objects.get(definition__key=FORM_KEY)
    assert form.status == FormVersionStatus.PUBLISHED
    assert Procedure.objects.filter(current_version__form_version=form).count() == 1
    counts = (FormVersion.objects.count(), ProcedureVersion.objects.count())
    seed_forms(SeedContext(password="x", log=lambda _message: None))
    assert (FormVersion.objects.count(), ProcedureVersion.objects.count()) == counts
