"""``manage.py rotate_field_keys``: re-encrypt every encrypted column with the first key.

Run after putting a new key first in ``FIELD_ENCRYPTION_KEYS`` (keep the old ones after it until
the command reports 0 rotated). Idempotent: values already under the first key are left alone, so a
second run rotates nothing. Works in batches of primary keys, one short transaction each.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from dichvucong.core.crypto import DecryptionError, encrypted_fields, is_current_key, rotate_token


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field value with the first key of FIELD_ENCRYPTION_KEYS."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="rows per transaction (500)")

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size = max(1, int(options["batch_size"]))
        quote = connection.ops.quote_name
        total_rotated = total_seen = 0
        for model, columns in encrypted_fields():
            table = quote(model._meta.db_table)
            pk = quote(model._meta.pk.column)
            cols = [quote(model._meta.get_field(name).column) for name in columns]
            rotated = seen = 0
            last_pk: Any = None
            while True:
                where = f"WHERE {pk} > %s " if last_pk is not None else ""
                params = [last_pk] if last_pk is not None else []
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT {pk}, {', '.join(cols)} FROM {table} {where}ORDER BY {pk} LIMIT %s",  # noqa: S608
                        [*params, batch_size],
                    )
                    rows = cursor.fetchall()
                    for row in rows:
                        changes = {}
                        for col, token in zip(cols, row[1:], strict=True):
                            if not token:
                                continue
                            seen += 1
                            if is_current_key(token):
                                continue
                            try:
                                changes[col] = rotate_token(token)
                            except DecryptionError as exc:
                                raise CommandError(
                                    f"{model._meta.label} {row[0]}: {exc}; keep the old key in the list"
                                ) from None
                        if changes:
                            assignments = ", ".join(f"{col} = %s" for col in changes)
                            cursor.execute(
                                f"UPDATE {table} SET {assignments} WHERE {pk} = %s",  # noqa: S608
                                [*changes.values(), row[0]],
                            )
                            rotated += len(changes)
                if not rows:
                    break
                last_pk = rows[-1][0]
            self.stdout.write(f"{model._meta.label}: {rotated} rotated of {seen} encrypted values")
            total_rotated += rotated
            total_seen += seen
        self.stdout.write(self.style.SUCCESS(f"OK: {total_rotated} rotated of {total_seen} encrypted values"))
