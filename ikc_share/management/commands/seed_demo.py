from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

from ikc_share.demo import DEMO_PASSWORD

# Each app contributes its own demo data, in dependency order. A seeder takes the
# DemoContext of the core and returns nothing.
LATER_SEEDERS = [
    "agreements.demo.seed",
    "consent.demo.seed",
    "transfers.demo.seed",
    "accountability.demo.seed",
]


class Command(BaseCommand):
    help = "Load the demo IKC (idempotent: running it twice changes nothing)."

    def handle(self, *args, **options):
        from ikc_share import demo

        with transaction.atomic():
            ctx = demo.seed()
            for dotted in LATER_SEEDERS:
                try:
                    seeder = import_string(dotted)
                except ImportError:
                    continue
                seeder(ctx)
        self.stdout.write(self.style.SUCCESS(f"Demo data for {ctx.ikc.name} is ready."))
        self.stdout.write(f"Log in at {settings.SITE_URL}/account/login/ with password '{DEMO_PASSWORD}' as:")
        for username in ctx.users:
            self.stdout.write(f"  {username}")
