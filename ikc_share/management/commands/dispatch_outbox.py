"""Send the queued background work that is waiting in the outbox (ikc_share/outbox.py),
e.g. right after the broker is back, without waiting for Celery beat's next minute."""

from django.core.management.base import BaseCommand

from ikc_share import outbox


class Command(BaseCommand):
    help = "Send the background work waiting in the outbox to the broker (Redis)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=10_000, help="Send at most this many (default 10000).")

    def handle(self, *args, limit: int, **options):
        sent = outbox.dispatch_pending(limit=limit)
        waiting = outbox.pending_count()
        self.stdout.write(f"Sent {sent} message(s); {waiting} still waiting.")
