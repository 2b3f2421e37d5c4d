import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ikc_share.audit import verify_chains
from ikc_share.models import AuditVerification


class Command(BaseCommand):
    help = "Verify every audit chain; report the first broken link per chain (exit code 1 if any)."

    def add_arguments(self, parser):
        parser.add_argument("--chain", action="append", help="Only this chain (e.g. org-3); repeatable.")

    def handle(self, *args, chain=None, **options):
        started = time.perf_counter()
        run = AuditVerification.objects.create(trigger="command")
        result = verify_chains(chains=chain)
        elapsed = time.perf_counter() - started
        run.finished_at, run.ok, run.events, run.chains = timezone.now(), result.ok, result.events, result.chains
        run.report = "\n".join(str(p) for p in result.first_per_chain())
        run.save()
        rate = result.events / elapsed if elapsed else 0
        self.stdout.write(
            f"Checked {result.events} events in {result.chains} chains in {elapsed:.2f}s ({rate:,.0f} events/s)."
        )
        if not result.ok:
            for problem in result.first_per_chain():
                self.stderr.write(f"BROKEN: {problem}")
            raise CommandError("The audit trail is broken.")
        self.stdout.write(self.style.SUCCESS("All chains intact."))
