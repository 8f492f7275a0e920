"""A private key never appears in plain text: not in the database, not in the logs,
not in the repository."""

import io
import logging
import subprocess
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from seals import keystore, pki, services
from seals.models import Seal

REPO = Path(__file__).resolve().parents[2]
# Spelled in two parts so that this file does not contain what it looks for.
PRIVATE_KEY_MARKER = "PRIVATE" + " KEY-----"
PEM_BEGIN = "-----BEGIN"


def _database_dump() -> bytes:
    """Every value of every row of every table, raw."""
    dump = io.BytesIO()
    for model in apps.get_models(include_auto_created=True):
        for row in model._default_manager.values_list():
            for value in row:
                if isinstance(value, bytes | memoryview):
                    dump.write(bytes(value))
                else:
                    dump.write(str(value).encode())
                dump.write(b"\n")
    return dump.getvalue()


def _exercise_everything(client, department, one_page_pdf):
    call_command("seals_init", stdout=io.StringIO())
    seal = services.seal_issue(department=department)
    signed = services.seal_pdf(one_page_pdf, seal=seal, reason="核发营业执照", task="test")
    services.seal_rotate(seal=seal)
    services.seal_revoke(seal=Seal.objects.active().get(), reason="key_compromise", note="泄露")
    client.post(reverse("verify"), {"document": _upload(signed)})
    client.get(reverse("verify_crl"))
    call_command("seals_audit", stdout=io.StringIO())


def _upload(data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("license.pdf", data, content_type="application/pdf")


def test_no_private_key_in_the_database_or_the_logs(client, department, one_page_pdf, caplog, settings):
    caplog.set_level(logging.DEBUG)

    _exercise_everything(client, department, one_page_pdf)

    dump = _database_dump()
    logs = caplog.text
    assert PRIVATE_KEY_MARKER.encode() not in dump
    assert PRIVATE_KEY_MARKER not in logs
    assert "BEGIN EC PRIVATE" not in logs and "BEGIN ENCRYPTED PRIVATE" not in logs
    # Nor the keys' raw DER, nor the key-encryption key itself.
    kek = keystore.load_kek()
    assert kek not in dump and kek.hex().encode() not in dump and kek.hex() not in logs
    for seal in Seal.objects.all():
        key = keystore.decrypt_private_key(
            seal.encrypted_key,
            stored_kek_id=seal.kek_id,
            public_key=pki.load_certificate(seal.certificate_pem).public_key(),
        )
        der = key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        assert der not in dump
        assert der.hex() not in logs


def test_no_private_key_in_dumpdata(client, department, one_page_pdf):
    _exercise_everything(client, department, one_page_pdf)
    out = io.StringIO()

    call_command("dumpdata", "seals", stdout=out)

    assert PRIVATE_KEY_MARKER not in out.getvalue()
    assert PEM_BEGIN + " CERTIFICATE" in out.getvalue()  # the dump is real: certificates are public


def test_no_private_key_in_the_repository():
    result = subprocess.run(
        ["git", "grep", "-l", "-I", PRIVATE_KEY_MARKER], cwd=REPO, capture_output=True, text=True
    )

    assert result.returncode == 1, f"private keys committed in: {result.stdout}"
