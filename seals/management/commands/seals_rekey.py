from django.core.management.base import BaseCommand, CommandError

from seals import keystore, services


class Command(BaseCommand):
    help = (
        "Re-wrap every stored seal and root CA private key under a new key-encryption key (KEK), "
        "all in one transaction. Then point SEAL_KEK_FILE at the new file and restart."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--new-kek-file", required=True, help="file holding the new 32-byte KEK (raw, 64 hex digits or base64)"
        )
        parser.add_argument("--dry-run", action="store_true", help="check every key and report, change nothing")

    def handle(self, *args, new_kek_file, dry_run, **options):
        try:
            result = services.kek_rotate(new_kek_file=new_kek_file, dry_run=dry_run)
        except keystore.KeyEncryptionKeyError as exc:
            raise CommandError(str(exc)) from None
        skipped = f" ({result.already_new} already under the new KEK)" if result.already_new else ""
        if dry_run:
            self.stdout.write(
                f"Dry run: {result.rewrapped} keys would be re-wrapped from KEK {result.old_kek_id} "
                f"to KEK {result.new_kek_id}{skipped}. Every one opened and re-wrapped cleanly; nothing was changed."
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.rewrapped} keys re-wrapped from KEK {result.old_kek_id} to KEK {result.new_kek_id}{skipped}."
            )
        )
        self.stdout.write(
            f"Next: set SEAL_KEK_FILE={new_kek_file} and restart web and workers (gunicorn, Celery worker and "
            "beat); until they restart they cannot open the keys. Keep a safe copy of the new KEK. The old KEK "
            "still opens database backups taken before now: keep or destroy it together with them."
        )
