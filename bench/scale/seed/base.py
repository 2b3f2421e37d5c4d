"""The state every domain seeder shares: the random source, the clock, the planned audit
events, the rows written so far, and the COPY writer."""

from __future__ import annotations

import datetime
import hashlib
import random
from collections import defaultdict

from django.utils import timezone

from bench.scale.copy import Copier, table_of
from bench.scale.seed.data import ChildRow, Org, Sizes, Version


class SeederBase:
    def __init__(self, *, sizes: Sizes, out, seed: int = 20241126) -> None:
        self.sizes = sizes
        self.copier = Copier(out)
        self.say = self.copier.say
        self.rng = random.Random(seed)
        self.now = timezone.now().replace(microsecond=0)
        self.end = self.now - datetime.timedelta(minutes=5)  # every seeded event lies before this
        self.start = self.end - datetime.timedelta(days=730)
        self.events: list[tuple] = []  # (at, org, actor, action, target_type, target_id, payload)
        self.orgs: list[Org] = []
        self.children: dict[int, ChildRow] = {}
        self.versions: dict[int, list[Version]] = {}  # sending org -> [v1, v2] per agreement (flat)
        self.counters: dict[str, int] = defaultdict(int)
        self.bench: dict[str, int] = {}
        self.category_ids: dict[str, int] = {}

    # --- helpers ------------------------------------------------------------------------

    def next_id(self, name: str) -> int:
        self.counters[name] += 1
        return self.counters[name]

    def when(self, lo: datetime.datetime | None = None, hi: datetime.datetime | None = None) -> datetime.datetime:
        lo = lo or self.start
        hi = min(hi or self.end, self.end)
        if hi <= lo:
            return hi
        span = (hi - lo).total_seconds()
        return lo + datetime.timedelta(seconds=self.rng.random() * span)

    def event(self, at, org: int | None, actor: int | None, action: str, target: tuple[str, int] | None, payload):
        self.events.append(
            (at, org, actor, action, target[0] if target else "", str(target[1]) if target else "", payload)
        )

    def hexdigest(self, *parts) -> str:
        return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()

    tables_written: set[str]

    def copy(self, label_or_table: str, columns, rows) -> int:
        table = table_of(label_or_table) if "." in label_or_table else label_or_table
        self.tables_written.add(table)
        return self.copier.copy(table, columns, rows)

    def copy_records(self, label_or_table: str, records: list[dict]) -> int:
        """`copy` for rows written as {column: value}, all with the same columns in the same order."""
        columns = list(records[0]) if records else []
        return self.copy(label_or_table, columns, (tuple(record.values()) for record in records))
