from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from portal.models import User
from services import services
from services.models import ImportJob


class Command(BaseCommand):
    help = "Check and import a list file (CSV or XLSX) into the drafts: every row, or none."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--actor", help="email of the list administrator to record (default: none, a command)")

    def handle(self, *args, path: Path, actor=None, **options):
        user = None
        if actor:
            user = User.objects.filter(email__iexact=actor).first()
            if user is None:
                raise CommandError(f"No account uses {actor}.")

        def progress(done, total):
            self.stdout.write(f"checked {done}/{total} rows")

        try:
            job = services.import_start(
                actor=user, file_name=path.name, data=path.read_bytes(), background=False, progress=progress
            )
        except (OSError, ValidationError) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from None
        if job.status != ImportJob.Status.DONE:
            for error in job.errors:
                self.stderr.write(f"line {error['line']}, {error['field'] or '-'}: {error['message']}")
            raise CommandError(f"{len(job.errors)} problem(s) found; nothing was imported.")
        self.stdout.write(self.style.SUCCESS(f"{job.created} items added and {job.updated} changed in the draft."))
