"""The portal's root CA: created once by seals_init, published at /verify/root-ca.pem."""

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from seals import pki, services
from seals.models import RootAuthority


def test_it_creates_an_ecdsa_p256_root(db, capsys):
    call_command("seals_init")

    root = RootAuthority.objects.get()
    certificate = pki.load_certificate(root.certificate_pem)
    assert isinstance(certificate.public_key(), ec.EllipticCurvePublicKey)
    assert certificate.public_key().curve.name == "secp256r1"
    assert certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign and usage.crl_sign
    assert certificate.issuer == certificate.subject
    assert pki.colon_hex(root.fingerprint_sha256) in capsys.readouterr().out


def test_it_can_use_rsa_3072(db):
    call_command("seals_init", algorithm="rsa-3072")

    public_key = pki.load_certificate(RootAuthority.objects.get().certificate_pem).public_key()
    assert isinstance(public_key, rsa.RSAPublicKey) and public_key.key_size == 3072


def test_it_refuses_to_overwrite_the_root(root):
    with pytest.raises(CommandError, match="never overwritten"):
        call_command("seals_init")

    assert RootAuthority.objects.get() == root


def test_it_refuses_a_second_root_at_the_database_level(root):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        RootAuthority.objects.create(
            common_name="Second", certificate_pem="x", fingerprint_sha256="f" * 64, algorithm="ec-p256",
            encrypted_key=b"x", kek_id="0" * 16, created_at=root.created_at,
        )  # fmt: skip


def test_it_publishes_the_root_certificate(client, root):
    response = client.get(reverse("verify_root_ca"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-pem-file"
    assert response.content.decode() == root.certificate_pem
    assert pki.fingerprint(x509.load_pem_x509_certificate(response.content)) == root.fingerprint_sha256


def test_it_shows_the_root_fingerprint_on_the_verification_page(client, root):
    response = client.get(reverse("verify"))

    assert pki.colon_hex(root.fingerprint_sha256) in response.content.decode()
    assert reverse("verify_root_ca") in response.content.decode()


def test_it_has_nothing_to_publish_before_seals_init(client, db):
    assert client.get(reverse("verify_root_ca")).status_code == 404
    assert client.get(reverse("verify_crl")).status_code == 404
    assert client.get(reverse("verify")).status_code == 200


def test_the_service_refuses_twice(root):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.root_create()
