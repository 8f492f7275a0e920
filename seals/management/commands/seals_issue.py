from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from seals import pki, selectors, services
from seals.models import Seal
from services.models import Department


class Command(BaseCommand):
    help = "Issue a department's seal (or, with --rotate, replace the one in use)."

    def add_arguments(self, parser):
        parser.add_argument("department", help="the department's code")
        parser.add_argument("--purpose", choices=Seal.Purpose.values, default=Seal.Purpose.LICENSE)
        parser.add_argument("--rotate", action="store_true", help="replace the seal in use with a new one")
        parser.add_argument("--algorithm", choices=pki.ALGORITHMS, default=pki.EC_P256)
        parser.add_argument("--pkcs11-token", default="", help="keep the key on this PKCS#11 token")
        parser.add_argument("--pkcs11-key", default="", help="the key's label on the token")
        parser.add_argument(
            "--credit-code", default="", help="the department's unified social credit code, written into the certificate"
        )

    def handle(self, *args, department, purpose, rotate, algorithm, pkcs11_token, pkcs11_key, credit_code, **options):
        dept = Department.objects.filter(code=department).first()
        if dept is None:
            raise CommandError(f"No department with code {department!r}.")
        try:
            if rotate:
                current = selectors.active_seal(department=dept, purpose=purpose)
                if current is None:
                    raise CommandError("This department has no seal in use for that purpose; issue one first.")
                seal = services.seal_rotate(seal=current, pkcs11_key_label=pkcs11_key)
            else:
                seal = services.seal_issue(
                    department=dept,
                    purpose=purpose,
                    algorithm=algorithm,
                    key_store=Seal.KeyStore.PKCS11 if pkcs11_token else Seal.KeyStore.ENCRYPTED,
                    pkcs11_token_label=pkcs11_token,
                    pkcs11_key_label=pkcs11_key,
                    credit_code=credit_code,
                )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"Seal issued: {seal.name_zh} · {seal.purpose} · serial {seal.serial_number}"))
        self.stdout.write(f"SHA-256 fingerprint: {pki.colon_hex(seal.fingerprint_sha256)}")
