from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from api.models import Scope
from api.services import machine_client_register
from services.models import Department


class Command(BaseCommand):
    help = (
        "Register a departmental system as a machine client of the API. Prints its client id and, "
        "unless --public-key-file is given, its secret: once; only its hash is stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("department", help="the department's code, e.g. market")
        parser.add_argument("name", help="the system's name, e.g. 市场监管业务系统")
        parser.add_argument("--scope", action="append", dest="scopes", required=True, choices=Scope.values)
        parser.add_argument("--public-key-file", help="the system's public key (JWK or PEM), for private_key_jwt")

    def handle(self, *args, department, name, scopes, public_key_file=None, **options):
        owner = Department.objects.filter(code=department).first()
        if owner is None:
            raise CommandError(f"No department with the code {department!r}.")
        public_key = None
        if public_key_file:
            try:
                with open(public_key_file, encoding="utf-8") as handle:
                    public_key = handle.read()
            except OSError as exc:
                raise CommandError(f"Cannot read {public_key_file}: {exc}") from exc
        try:
            registration = machine_client_register(
                department=owner, name=name, scopes=scopes, public_key=public_key, actor=None
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"client_id={registration.client_id}")
        if registration.secret:
            self.stdout.write(f"client_secret={registration.secret}")
            self.stderr.write("Keep the secret now: it is stored only as a hash and cannot be shown again.")
        else:
            self.stderr.write("The client authenticates with private_key_jwt (its public key is registered).")
