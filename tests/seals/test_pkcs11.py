"""Seal keys on a PKCS#11 token: SoftHSM2, through python-pkcs11 and pyHanko's PKCS#11 signer."""

import os
import shutil
import subprocess

import pytest

from seals import services
from seals.models import Seal
from seals.verification import verify_pdf
from tests.seals.conftest import pyhanko_validate

TOKEN = "onegate-test"
PIN = "246810"
MODULE = "/usr/lib/softhsm/libsofthsm2.so"


@pytest.fixture(scope="session")
def softhsm_token(tmp_path_factory):
    """A fresh SoftHSM2 token in a temporary folder (SOFTHSM2_CONF points there)."""
    if not (shutil.which("softhsm2-util") and os.path.exists(MODULE)):
        pytest.fail("SoftHSM2 is missing: install Debian's softhsm2 package (make test does).")
    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)  # read by the module when it is first loaded
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", TOKEN, "--so-pin", "1357911", "--pin", PIN],
        check=True,
        capture_output=True,
    )
    return TOKEN


@pytest.fixture
def token_settings(settings, softhsm_token):
    settings.SEAL_PKCS11_MODULE = MODULE
    settings.SEAL_PKCS11_PIN = PIN
    return softhsm_token


@pytest.fixture
def hsm_seal(root, department, token_settings):
    return services.seal_issue(
        department=department,
        key_store=Seal.KeyStore.PKCS11,
        pkcs11_token_label=token_settings,
        pkcs11_key_label=f"market-license-{department.pk}",
    )


def test_it_signs_with_a_key_on_the_token(hsm_seal, one_page_pdf):
    signed = services.seal_pdf(one_page_pdf, seal=hsm_seal, reason="核发营业执照", task="test")

    report = verify_pdf(signed)

    assert report.ok, report.all_reasons
    assert report.signature.seal == hsm_seal
    assert report.signature.usage is not None


def test_its_signature_passes_pyhankos_validator(hsm_seal, one_page_pdf, tmp_path, settings):
    signed = services.seal_pdf(one_page_pdf, seal=hsm_seal, reason="核发营业执照", task="test")

    # No revocation check: the CRL this certificate names is served by the live-server tests.
    result = pyhanko_validate(signed, services._root().certificate_pem, tmp_path, extra=["--no-revocation-check"])

    assert result.returncode == 0, result.stdout + result.stderr
    assert "INTACT:TRUSTED,TIMESTAMP_TOKEN<INTACT:TRUSTED>,EXTENDED_WITH_LTA_UPDATES" in result.stdout


def test_it_keeps_the_private_key_on_the_token(hsm_seal):
    from pkcs11 import Attribute, ObjectClass

    from seals import hsm

    key = hsm.session(hsm_seal.pkcs11_token_label).get_key(
        object_class=ObjectClass.PRIVATE_KEY, label=hsm_seal.pkcs11_key_label
    )

    assert key[Attribute.SENSITIVE] and not key[Attribute.EXTRACTABLE]
    assert hsm_seal.encrypted_key is None


def test_it_uses_a_key_already_on_the_token(root, department, token_settings):
    from seals import hsm

    public = hsm.ensure_key(token_label=token_settings, key_label="imported-by-hsm-admin")

    seal = services.seal_issue(
        department=department,
        key_store=Seal.KeyStore.PKCS11,
        pkcs11_token_label=token_settings,
        pkcs11_key_label="imported-by-hsm-admin",
    )

    from seals import pki

    assert pki.load_certificate(seal.certificate_pem).public_key() == public


def test_it_rotates_onto_a_new_key_on_the_same_token(hsm_seal, one_page_pdf):
    before = services.seal_pdf(one_page_pdf, seal=hsm_seal, reason="核发营业执照", task="test")

    new = services.seal_rotate(seal=hsm_seal)

    assert new.key_store == Seal.KeyStore.PKCS11
    assert new.pkcs11_key_label != hsm_seal.pkcs11_key_label
    assert verify_pdf(services.seal_pdf(one_page_pdf, seal=new, reason="核发营业执照", task="test")).ok
    assert verify_pdf(before).ok


def test_it_refuses_an_unknown_token(root, department, token_settings):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="No PKCS#11 token"):
        services.seal_issue(
            department=department,
            key_store=Seal.KeyStore.PKCS11,
            pkcs11_token_label="no-such-token",
            pkcs11_key_label="k",
        )
