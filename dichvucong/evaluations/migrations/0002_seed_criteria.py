"""Publish the default questionnaire (Decree 61 Art. 31 indices) when none exists."""

from django.db import migrations
from django.utils import timezone


def seed(apps, schema_editor):
    from dichvucong.evaluations.criteria import seed_default_questionnaire

    seed_default_questionnaire(
        apps.get_model("evaluations", "Questionnaire"),
        apps.get_model("evaluations", "Question"),
        apps.get_model("evaluations", "AnswerOption"),
        now=timezone.now(),
    )


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
