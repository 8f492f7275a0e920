from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from approvals import demo_bundles


class Command(BaseCommand):
    help = (
        "Add one demo bundle application (\"get one thing done\") at each stage, after seed_demo. "
        "Idempotent; demo mode only."
    )

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError("seed_demo_bundles only runs with DEMO_MODE=1.")
        with transaction.atomic():
            demo_bundles.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("demo bundle applications ready"))
