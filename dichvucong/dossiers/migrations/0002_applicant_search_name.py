"""The folded applicant name officers search by, filled for existing dossiers.

On PostgreSQL a GIN trigram index (``pg_trgm``, created by ``core.0090``) serves the substring
search of the back office; SQLite (the zero-setup default) has no such index and scans the officer's
data area, which is small there.
"""

from django.db import migrations, models

from dichvucong.core.text import fold

INDEX = "dossier_applicant_trgm"


def backfill(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    batch = []
    for pk, name in Dossier.objects.values_list("pk", "applicant_name").iterator(chunk_size=5000):
        batch.append(Dossier(pk=pk, applicant_search_name=fold(name or "")[:200]))
        if len(batch) >= 5000:
            Dossier.objects.bulk_update(batch, ["applicant_search_name"])
            batch = []
    if batch:
        Dossier.objects.bulk_update(batch, ["applicant_search_name"])


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON dossiers_dossier "
            "USING gin (applicant_search_name gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0001_initial"),
        ("core", "0090_postgres_extensions"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="applicant_search_name",
            field=models.CharField(blank=True, default="", editable=False, max_length=200),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_index, drop_index),
    ]
