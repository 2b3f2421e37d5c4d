"""`manage.py seed_scale`: an IKC board's worth of data on PostgreSQL, for the benchmark.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ikc_scale DEBUG=1 .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ikc_scale DEBUG=1 .venv/bin/python manage.py seed_scale

Use a database of its own: the command refuses a database that already holds
organisations unless --flush is given, which empties every application table first.
See bench/scale/seed/ for what is written.
"""

from __future__ import annotations

import time

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.module_loading import import_string

from bench.scale.seed import BENCH_USERNAMES, SCALE_PASSWORD, Sizes, seed

# Tables filled by migrations (reference data) that a flush keeps.
KEEP = {"django_migrations", "django_content_type", "auth_permission", "agreements_datacategory"}
# The generic letters of the benchmark IKC are rendered and stored by the letters code itself.
LETTER_ENSURE = "agreements.letters.storage.letter_generic_ensure"


class Command(BaseCommand):
    help = "Fill a PostgreSQL database with scale data (50 IKCs, 25,000 children, 1,000,000 audit events)."

    def add_arguments(self, parser):
        parser.add_argument("--ikcs", type=int, default=50, help="IKCs (two organisations each); scales the rest")
        parser.add_argument("--events", type=int, help="audit events (default 1,000,000 at 50 IKCs)")
        parser.add_argument("--decisions", type=int, help="consent decisions (default 200,000)")
        parser.add_argument("--transfers", type=int, help="transfers (default 100,000)")
        parser.add_argument("--accesses", type=int, help="TransferAccess rows (default 300,000)")
        parser.add_argument(
            "--bench-org-events",
            type=int,
            help="audit events of the benchmark organisation (default: the whole top-up to --events)",
        )
        parser.add_argument("--seed", type=int, default=20241126, help="random seed (same seed, same data)")
        parser.add_argument("--flush", action="store_true", help="empty every application table first")
        parser.add_argument("--no-letters", action="store_true", help="do not render the benchmark IKC's letters")

    def handle(self, *args, **opts):
        if connection.vendor != "postgresql":
            raise CommandError(
                "seed_scale writes with PostgreSQL's COPY and needs a PostgreSQL database of its own, e.g. "
                "DATABASE_URL=postgres://postgres@127.0.0.1:5432/ikc_scale (this is "
                f"{connection.vendor})."
            )
        if opts["ikcs"] < 1:
            raise CommandError("--ikcs must be at least 1.")
        name = connection.settings_dict["NAME"]
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM ikc_share_organisation")
            (orgs,) = cursor.fetchone()
        if orgs and not opts["flush"]:
            raise CommandError(
                f"Database {name!r} already holds {orgs} organisations. seed_scale needs an empty database; "
                "add --flush to empty it first (everything in it is deleted)."
            )
        started = time.perf_counter()
        if opts["flush"]:
            self._flush()
            self.stdout.write(f"Emptied {name!r}.")
        sizes = Sizes.scaled(
            opts["ikcs"],
            events=opts["events"],
            decisions=opts["decisions"],
            transfers=opts["transfers"],
            accesses=opts["accesses"],
            bench_org_events=opts["bench_org_events"],
        )
        bench = seed(sizes=sizes, out=self.stdout)
        if not opts["no_letters"]:
            self._letters()
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Scale data in {name!r} ready in {elapsed:.0f}s."))
        self.stdout.write(f"Benchmark users (password {SCALE_PASSWORD!r}):")
        for role, username in BENCH_USERNAMES.items():
            self.stdout.write(f"  {role:16} {username} (id {bench.get(role)})")

    def _flush(self) -> None:
        tables = [t for t in connection.introspection.django_table_names(only_existing=True) if t not in KEEP]
        tables += [t for t in connection.introspection.table_names() if t.startswith("guardian_") and t not in tables]
        with connection.cursor() as cursor:
            # The audit tables refuse TRUNCATE unless the session says so (ikc_share migration 0007).
            cursor.execute("SET ikc.audit_maintenance = 'on'")
            cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")

    def _letters(self) -> None:
        """The generic letters (nl, en) of the benchmark IKC's active versions, through the
        letters code (rendered by WeasyPrint, stored, audited at the end of the chain)."""
        try:
            ensure = import_string(LETTER_ENSURE)
        except ImportError:
            return
        version_model = apps.get_model("agreements", "AgreementVersion")
        started = time.perf_counter()
        versions = version_model.objects.filter(agreement__ikc_id=1, status="active").order_by("pk")
        count = 0
        for version in versions:
            for language in ("nl", "en"):
                ensure(version=version, language=language)
                count += 1
        self.stdout.write(f"{count} generic letters of the benchmark IKC in {time.perf_counter() - started:.1f}s")
