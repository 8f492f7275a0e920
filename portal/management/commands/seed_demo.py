import importlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# Each app may have a `demo` module with `seed(*, stdout)`; they run in this
# order, because later ones build on earlier ones (departments before staff).
DEMO_APPS = ["services", "portal", "approvals", "licenses", "seals", "supervision"]
# Last, with the list, accounts, calendar and seals in place: applications,
# licenses and window visits made through the services (licenses/demo_cases.py).
DEMO_STEPS = [f"{app}.demo" for app in DEMO_APPS] + ["licenses.demo_cases", "supervision.demo_cases"]


class Command(BaseCommand):
    help = "Load the demo departments, catalogue and one account per role. Idempotent; demo mode only."

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError("seed_demo only runs with DEMO_MODE=1.")
        for name in DEMO_STEPS:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
                continue
            with transaction.atomic():
                module.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("demo data ready"))
