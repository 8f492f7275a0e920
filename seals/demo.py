"""Demo seals: the CA hierarchy (root, issuing CA, TSA), and a license seal and an administrative approval
seal for every service department.
Demo mode only; idempotent."""

import hashlib

from django.conf import settings

from portal.identifiers import CREDIT_ALPHABET, credit_code_check_char

from seals import pki, selectors, services
from seals.models import Seal
from services.models import Department


def seed(*, stdout) -> None:
    if not settings.DEMO_MODE:
        return
    root = selectors.root_authority() or services.root_create()
    issued = 0
    for department in Department.objects.serving():
        # A license seal for licenses, an approval seal for notices and decisions.
        for purpose in (Seal.Purpose.LICENSE, Seal.Purpose.APPROVAL):
            if selectors.active_seal(department=department, purpose=purpose) is None:
                services.seal_issue(department=department, purpose=purpose, credit_code=demo_credit_code(department.code))
                issued += 1
    stdout.write(
        f"seals: root CA {pki.colon_hex(root.fingerprint_sha256)[:23]}…; "
        f"{Seal.objects.active().count()} seals in use ({issued} new)"
    )


def demo_credit_code(department_code: str) -> str:
    """A well-formed, made-up unified social credit code for a demo department: "11" (an organ of
    state), 211400 (Huludao), nine characters from the department's code, and the check character."""
    digest = hashlib.sha256(department_code.encode()).digest()
    body = "11211400" + "".join(CREDIT_ALPHABET[b % 31] for b in digest[:9])
    return body + credit_code_check_char(body)
