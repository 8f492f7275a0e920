from django.core.management.base import BaseCommand, CommandError

from seals import selectors
from seals.models import SealLogAnchor


class Command(BaseCommand):
    help = (
        "Verify the seal-usage log's hash chain, its head and its daily anchors (their timestamp "
        "tokens, and that the chain still passes through the heads they recorded); report the first break."
    )

    def handle(self, *args, **options):
        result = selectors.audit_usage_log()
        if not result.ok:
            raise CommandError(
                f"Seal-usage log broken at entry {result.broken_seq}: {result.problem}. "
                f"{result.checked} entries before it are intact."
            )
        anchors = SealLogAnchor.objects.count()
        self.stdout.write(
            self.style.SUCCESS(f"Seal-usage log intact: {result.checked} entries, {anchors} daily anchors.")
        )
