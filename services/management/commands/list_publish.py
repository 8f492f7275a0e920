from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from services import services


class Command(BaseCommand):
    help = "Publish every department's drafts as the next version of the list (for imports and setup)."

    def add_arguments(self, parser):
        parser.add_argument("--note", required=True, help="what this version changes; published with it")

    def handle(self, *args, note, **options):
        try:
            version = services.list_publish(actor=None, note=note)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"version {version.number}: {version.added} added, {version.changed} changed, "
                f"{version.retired} retired, {version.total} on the list"
            )
        )
