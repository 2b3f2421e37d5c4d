"""The scale seed's orchestrator: one Seeder made of the domain seeders, run in order in one
transaction."""

from __future__ import annotations

from django.db import connection, transaction

from bench.scale.seed.accountability import RightsSeeder
from bench.scale.seed.agreements import AgreementSeeder
from bench.scale.seed.audit import AuditSeeder
from bench.scale.seed.consent import ConsentSeeder
from bench.scale.seed.core import CoreSeeder
from bench.scale.seed.data import Sizes
from bench.scale.seed.transfers import TransferSeeder


class Seeder(CoreSeeder, AgreementSeeder, ConsentSeeder, RightsSeeder, TransferSeeder, AuditSeeder):
    # --- run --------------------------------------------------------------------------------

    def run(self) -> None:
        s = self.sizes
        self.say(
            f"Seeding {s.ikcs} IKCs, {s.children:,} children, {s.decisions:,} consent decisions, "
            f"{s.transfers:,} transfers, {s.accesses:,} accesses, {s.events:,} audit events"
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, code FROM agreements_datacategory")
            self.category_ids = {code: pk for pk, code in cursor.fetchall()}
            cursor.execute("SET LOCAL synchronous_commit = off")
            # Foreign keys are checked at the end of each COPY, not queued until the commit
            # (a table with pending trigger events cannot get its indexes back).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        self.seed_organisations()
        self.seed_people()
        self.seed_children()
        self.seed_agreements()
        self.seed_consent()
        self.seed_rights_and_incidents()
        self.seed_transfers()
        self.seed_audit()
        self.copier.reset_sequences(self.tables_written)
        self.say("Sequences reset")


def seed(*, sizes: Sizes, out, seed: int = 20241126) -> dict[str, int]:
    """Write everything in one transaction (all or nothing). Returns the benchmark users' ids."""
    seeder = Seeder(sizes=sizes, out=out, seed=seed)
    with transaction.atomic():
        seeder.run()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    seeder.say("ANALYZE done")
    return seeder.bench
