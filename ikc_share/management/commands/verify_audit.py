import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ikc_share.audit_anchors import check_text
from ikc_share.audit_verify import verify_chains
from ikc_share.models import AuditVerification


class Command(BaseCommand):
    help = (
        "Verify every audit chain (keyed hashes, links, heads and the stored anchors); report the first "
        "broken link per chain (exit code 1 if any). --anchor checks an anchor e-mailed to a privacy officer."
    )

    def add_arguments(self, parser):
        parser.add_argument("--chain", action="append", help="Only this chain (e.g. org-3); repeatable.")
        parser.add_argument(
            "--anchor",
            action="append",
            metavar="FILE",
            help="A saved anchor e-mail (or its text; '-' for stdin) to check against the database; repeatable.",
        )

    def handle(self, *args, chain=None, anchor=None, **options):
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
        broken = not result.ok
        for problem in result.first_per_chain():
            self.stderr.write(f"BROKEN: {problem}")
        for path in anchor or []:
            text = self.stdin_text() if path == "-" else self.read(path)
            problem = check_text(text)
            if problem:
                broken = True
                self.stderr.write(f"BROKEN ({path}): {problem}")
            else:
                self.stdout.write(f"Anchor {path}: matches the chain.")
        if broken:
            raise CommandError("The audit trail is broken.")
        self.stdout.write(self.style.SUCCESS("All chains intact."))

    def read(self, path: str) -> str:
        try:
            return Path(path).read_text(encoding="utf-8", errors="replace")
        except OSError as error:
            raise CommandError(f"Cannot read the anchor {path}: {error.strerror}") from None

    def stdin_text(self) -> str:
        import sys

        return sys.stdin.read()
