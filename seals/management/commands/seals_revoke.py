from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from seals import services
from seals.models import Seal


class Command(BaseCommand):
    help = "Revoke a seal by its certificate serial number (hex), with a reason."

    def add_arguments(self, parser):
        parser.add_argument("serial", help="the seal certificate's serial number, in hex")
        parser.add_argument("--reason", choices=Seal.RevocationReason.values, required=True)
        parser.add_argument("--note", required=True, help="why the seal is revoked, in plain words")

    def handle(self, *args, serial, reason, note, **options):
        seal = Seal.objects.filter(serial_number=serial.lower().replace(":", "")).first()
        if seal is None:
            raise CommandError(f"No seal with serial number {serial}.")
        try:
            services.seal_revoke(seal=seal, reason=reason, note=note)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"Seal {seal.serial_number} revoked; the CRL lists it from now on."))
