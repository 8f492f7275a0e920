from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal import backup


class Command(BaseCommand):
    help = (
        "Restore a backup into the configured database and private storage, both empty, "
        "then compare every row count and file checksum with the backup's manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="a folder written by `manage.py backup`")

    def handle(self, *args, folder, **options):
        try:
            manifest = backup.restore(folder)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"restore: {len(manifest.tables)} tables, {manifest.rows} rows, {len(manifest.files)} files; "
            "every row count and checksum matches the backup"
        )
        if not backup.current_kek_matches(manifest):
            self.stderr.write(
                self.style.WARNING(
                    f"The seal keys are wrapped under KEK {', '.join(manifest.kek_ids)}, which is not the "
                    "KEK in SEAL_KEK_FILE: restore that KEK from the secret store before starting the portal."
                )
            )
