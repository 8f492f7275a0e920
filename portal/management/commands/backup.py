from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal import backup


class Command(BaseCommand):
    help = "Back up the database and the private storage into a new folder, with a manifest of counts and checksums."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="a new or empty folder")

    def handle(self, *args, folder, **options):
        try:
            manifest = backup.backup(folder)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"backup: {len(manifest.tables)} tables, {manifest.rows} rows, {len(manifest.files)} files "
            f"in {folder} (KEK {', '.join(manifest.kek_ids) or 'none'}, kept apart in the secret store)"
        )
