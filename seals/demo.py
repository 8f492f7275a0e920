"""Demo seals: the root CA and a license seal for every department. Demo mode only; idempotent."""

from django.conf import settings

from seals import pki, selectors, services
from seals.models import Seal
from services.models import Department


def seed(*, stdout) -> None:
    if not settings.DEMO_MODE:
        return
    root = selectors.root_authority() or services.root_create()
    issued = 0
    for department in Department.objects.all():
        if selectors.active_seal(department=department, purpose=Seal.Purpose.LICENSE) is None:
            services.seal_issue(department=department, purpose=Seal.Purpose.LICENSE)
            issued += 1
    stdout.write(
        f"seals: root CA {pki.colon_hex(root.fingerprint_sha256)[:23]}…; "
        f"{Seal.objects.active().count()} seals in use ({issued} new)"
    )
