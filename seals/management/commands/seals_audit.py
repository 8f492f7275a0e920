from django.core.management.base import BaseCommand, CommandError

from seals import selectors


class Command(BaseCommand):
    help = "Verify the seal-usage log's hash chain and report the first broken link."

    def handle(self, *args, **options):
        result = selectors.audit_usage_log()
        if not result.ok:
            raise CommandError(
                f"Seal-usage log broken at entry {result.broken_seq}: {result.problem}. "
                f"{result.checked} entries before it are intact."
            )
        self.stdout.write(self.style.SUCCESS(f"Seal-usage log intact: {result.checked} entries."))
