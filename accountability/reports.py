"""Exports of the audit trail and the register: the CSV of the audit browser's filtered set,
streamed in constant memory, the PDF audit report of a period (built by a Celery task with
progress, see jobs.py) and the register as CSV and PDF.

CSV on PostgreSQL: the filtered query runs as `COPY (…) TO STDOUT WITH (FORMAT csv)` and
the chunks psycopg receives are passed on as they come (no Python row objects, no JSON
work: the server writes the CSV). Elsewhere the rows stream through csv.writer from a
chunked iterator. Either way memory stays flat whatever the number of rows.

No cell of a CSV starts a spreadsheet formula: text that begins with = + - @ TAB or CR
(a name, a register text a director wrote) gets a leading quote (CSV injection), in SQL
for the streamed audit trail, with `spreadsheet_safe` elsewhere.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.db.models.functions import Concat, Trim
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accountability import register as register_module
from accountability import sentences
from accountability.audit_browser import AuditQuery, audit_events
from accountability.audit_names import action_label
from agreements.letters.render import ASSET_BASE, html_to_pdf

if TYPE_CHECKING:
    from ikc_share.models import Organisation

CSV_HEADER = [
    "id", "seq", "at", "actor_id", "actor", "action", "target_type", "target_id", "payload", "prev_hash", "hash",
]  # fmt: skip
MAX_REPORT_EVENTS = 2000  # listed one by one in the PDF; the summary counts them all
REPORT_CHUNK = 250


class _Echo:
    """A file-like object whose write() returns what it was given (for csv.writer)."""

    def write(self, value: str) -> str:
        return value


# What makes a spreadsheet read a cell as a formula (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    """A text cell as written to a CSV: with a leading quote when it would start a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _formula_safe(field: str) -> Case:
    """`spreadsheet_safe` in SQL, for the annotation `field`."""
    risky = Q()
    for char in FORMULA_STARTS:
        risky |= Q(**{f"{field}__startswith": char})
    return Case(When(risky, then=Concat(Value("'"), F(field))), default=F(field), output_field=CharField())


def audit_csv_values(*, organisation: Organisation, query: AuditQuery):
    """The filtered events as the CSV's columns, oldest first, the actor's name joined in SQL."""
    return (
        audit_events(organisation=organisation, query=query)
        .annotate(
            actor_full=Trim(Concat("actor__first_name", Value(" "), "actor__last_name", output_field=CharField()))
        )
        .annotate(actor_name=_formula_safe("actor_full"))
        .order_by("id")
        .values_list(
            "id",
            "seq",
            "at",
            "actor_id",
            "actor_name",
            "action",
            "target_type",
            "target_id",
            "payload",
            "prev_hash",
            "hash",
        )
    )


def audit_csv_stream(*, organisation: Organisation, query: AuditQuery) -> Iterator[bytes]:
    """The CSV (UTF-8, header first) as an iterator of byte chunks."""
    yield ("\ufeff" + ",".join(CSV_HEADER) + "\r\n").encode()
    values = audit_csv_values(organisation=organisation, query=query)
    if connection.vendor == "postgresql":
        yield from _pg_copy(values)
        return
    writer = csv.writer(_Echo())
    batch: list[str] = []
    for row in values.iterator(chunk_size=2000):
        ident, seq, at, actor_id, actor, action, ttype, tid, payload, prev_hash, digest = row
        batch.append(
            writer.writerow(
                [
                    ident,
                    seq,
                    at.astimezone(datetime.UTC).isoformat(),
                    actor_id if actor_id is not None else "",
                    actor or "",
                    action,
                    ttype,
                    tid,
                    payload,
                    prev_hash,
                    digest,
                ]
            )
        )
        if len(batch) >= 500:
            yield "".join(batch).encode()
            batch = []
    if batch:
        yield "".join(batch).encode()


def _pg_copy(values) -> Iterator[bytes]:
    sql, params = values.query.sql_with_params()
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        with raw.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:  # noqa: S608 — Django's SQL
            pending = bytearray()
            for chunk in copy:
                pending += chunk
                if len(pending) >= 256 * 1024:
                    yield bytes(pending)
                    pending.clear()
            if pending:
                yield bytes(pending)


# --- The audit report (PDF) ---------------------------------------------------------------------


def report_summary(*, organisation: Organisation, query: AuditQuery) -> list[dict]:
    counts = (
        audit_events(organisation=organisation, query=query).values("action").annotate(n=Count("id")).order_by("action")
    )
    rows = []
    for r in counts:
        group = sentences.group_of(r["action"])
        label = sentences.GROUPS.get(group, group)
        rows.append({"action": action_label(r["action"], label), "group": str(label), "n": r["n"]})
    return sorted(rows, key=lambda r: (r["group"], r["action"]))


def render_report_pdf(context: dict, *, language: str = "nl") -> bytes:
    with translation.override(language):
        html = render_to_string("accountability/report_pdf.html", {**context, "asset_base": ASSET_BASE})
    return html_to_pdf(html)


def render_register_pdf(*, organisation: Organisation, language: str = "nl") -> bytes:
    with translation.override(language):
        reg = register_module.build(organisation=organisation)
        html = render_to_string(
            "accountability/register_pdf.html",
            {"register": reg, "generated_at": timezone.now(), "asset_base": ASSET_BASE},
        )
    return html_to_pdf(html)


def register_csv(*, organisation: Organisation) -> str:
    reg = register_module.build(organisation=organisation)
    lines = []
    writer = csv.writer(_Echo())
    for row in register_module.csv_rows(reg):
        lines.append(writer.writerow([spreadsheet_safe(cell) for cell in row]))
    return "\ufeff" + "".join(lines)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
