from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from seals import pki, services


class Command(BaseCommand):
    help = (
        "Create the portal's CA hierarchy once: the root, the issuing CA (for seal certificates) and the "
        "timestamp authority, and sign their CRLs. Refuses to overwrite an existing root."
    )

    def add_arguments(self, parser):
        parser.add_argument("--algorithm", choices=pki.ALGORITHMS, default=pki.EC_P256)
        parser.add_argument("--name", default=services.ROOT_NAME, help="the root certificate's common name")

    def handle(self, *args, algorithm, name, **options):
        try:
            root = services.root_create(algorithm=algorithm, common_name=name)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"Root CA created: {root.common_name} ({root.algorithm})"))
        self.stdout.write(f"SHA-256 fingerprint: {pki.colon_hex(root.fingerprint_sha256)}")
        self.stdout.write("Issuing CA and timestamp authority created under it; CRLs signed.")
