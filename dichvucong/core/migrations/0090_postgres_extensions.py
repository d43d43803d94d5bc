"""PostgreSQL extensions for Vietnamese search: ``unaccent`` (diacritic-insensitive matching) and
``pg_trgm`` (trigram similarity and GIN indexes for ``icontains``).

Django's ``CreateExtension`` operations are no-ops on any other database, so SQLite (the zero-setup
default) migrates unchanged. Both extensions are "trusted" from PostgreSQL 13 on: the database owner
may create them; on older servers create them once as a superuser. Reversing drops them.
"""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_guards")]

    operations = [
        UnaccentExtension(),
        TrigramExtension(),
    ]
