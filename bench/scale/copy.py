"""Bulk writing on PostgreSQL with COPY FROM STDIN (psycopg 3), for the scale seed.

No ORM per row: rows are tuples in the table's column order, written by psycopg's
`Copy.write_row` (C-accelerated text format, which escapes tabs, newlines and
backslashes). Secondary indexes of a big table can be dropped before the COPY and built
again afterwards (much faster than maintaining them row by row); the indexes that back a
constraint (primary key, unique) stay.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from contextlib import contextmanager

from django.apps import apps
from django.db import connection


def table_of(label: str) -> str:
    """`app_label.Model` → its table name (through the app registry: no import of other apps)."""
    return apps.get_model(label)._meta.db_table


def m2m_table(label: str, field: str) -> str:
    return apps.get_model(label)._meta.get_field(field).remote_field.through._meta.db_table


class Copier:
    def __init__(self, out) -> None:
        self.out = out
        self.started = time.perf_counter()

    def say(self, text: str) -> None:
        self.out.write(f"[{time.perf_counter() - self.started:6.1f}s] {text}")
        self.out.flush()

    def copy(self, table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
        cols = ", ".join(f'"{c}"' for c in columns)
        started = time.perf_counter()
        n = 0
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
                    n += 1
        elapsed = time.perf_counter() - started
        if n >= 1000:
            self.say(f"  {table}: {n:,} rows in {elapsed:.1f}s ({n / max(elapsed, 1e-9):,.0f} rows/s)")
        return n

    @contextmanager
    def without_indexes(self, table: str):
        """Drop the table's secondary indexes (not those behind a constraint) for the
        duration, then create them again from their own definitions."""
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT i.relname, pg_get_indexdef(i.oid)
                FROM pg_index x
                JOIN pg_class i ON i.oid = x.indexrelid
                JOIN pg_class t ON t.oid = x.indrelid
                WHERE t.relname = %s
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
                """,
                [table],
            )
            indexes = cursor.fetchall()
            for name, _definition in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
        try:
            yield
        finally:
            started = time.perf_counter()
            with connection.cursor() as cursor:
                for _name, definition in indexes:
                    cursor.execute(definition)
            if indexes:
                self.say(f"  {table}: {len(indexes)} indexes built in {time.perf_counter() - started:.1f}s")

    def reset_sequences(self, tables: Iterable[str]) -> None:
        with connection.cursor() as cursor:
            for table in tables:
                sql = "SELECT setval(pg_get_serial_sequence(%s, 'id'), coalesce(max(id), 1), max(id) IS NOT NULL) "
                sql += f'FROM "{table}"'  # table names come from the app registry
                cursor.execute(sql, [table])

    def analyze(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
