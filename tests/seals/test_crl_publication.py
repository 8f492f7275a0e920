"""CRLs are signed by a worker and stored; the public addresses only serve what is stored."""

from unittest import mock

from cryptography import x509
from django.urls import reverse

from seals import keystore, selectors, services, tasks
from seals.models import Authority, PublishedCRL


def test_the_crl_endpoints_never_open_a_key(client, seal, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.seal_revoke(seal=seal, reason="superseded", note="部门启用新印章")

    with mock.patch.object(keystore, "decrypt_private_key", side_effect=AssertionError("a key was opened")):
        der = client.get(reverse("verify_crl"))
        pem = client.get(reverse("verify_crl_pem"))
        root_der = client.get(reverse("verify_root_crl"))

    assert der.status_code == pem.status_code == root_der.status_code == 200
    crl = x509.load_der_x509_crl(der.content)
    assert crl.get_revoked_certificate_by_serial_number(int(seal.serial_number, 16)) is not None
    assert x509.load_pem_x509_crl(pem.content) == crl
    root_subject = x509.load_pem_x509_certificate(selectors.root_authority().certificate_pem.encode()).subject
    assert x509.load_der_x509_crl(root_der.content).issuer == root_subject


def test_the_issuing_crl_is_signed_by_the_issuing_ca_and_the_root_crl_by_the_root(client, root):
    issuing = x509.load_pem_x509_certificate(selectors.issuing_authority().certificate_pem.encode())
    root_certificate = x509.load_pem_x509_certificate(root.certificate_pem.encode())

    crl = x509.load_der_x509_crl(client.get(reverse("verify_crl")).content)
    root_crl = x509.load_der_x509_crl(client.get(reverse("verify_root_crl")).content)

    assert crl.is_signature_valid(issuing.public_key())
    assert root_crl.is_signature_valid(root_certificate.public_key())


def test_a_revocation_re_signs_the_crl_after_the_commit(django_capture_on_commit_callbacks, seal):
    before = PublishedCRL.objects.get(issuer_fingerprint=selectors.issuing_authority().fingerprint_sha256)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.seal_revoke(seal=seal, reason="superseded", note="部门启用新印章")

    after = PublishedCRL.objects.get(pk=before.pk)
    assert callbacks and after.number > before.number
    assert x509.load_der_x509_crl(bytes(after.der)).get_revoked_certificate_by_serial_number(
        int(seal.serial_number, 16)
    )


def test_the_task_publishes_both_crls(root):
    assert tasks.publish_crls() == 2


def test_the_hierarchy_has_the_agreed_shape(seal):
    root = x509.load_pem_x509_certificate(selectors.root_authority().certificate_pem.encode())
    issuing = x509.load_pem_x509_certificate(selectors.issuing_authority().certificate_pem.encode())
    tsa = x509.load_pem_x509_certificate(selectors.tsa_authority().certificate_pem.encode())
    certificate = x509.load_pem_x509_certificate(seal.certificate_pem.encode())

    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.path_length == 1
    assert issuing.issuer == tsa.issuer == root.subject and certificate.issuer == issuing.subject
    assert issuing.extensions.get_extension_for_class(x509.BasicConstraints).value.path_length == 0
    eku = tsa.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert eku.critical and list(eku.value) == [x509.oid.ExtendedKeyUsageOID.TIME_STAMPING]
    policies = certificate.extensions.get_extension_for_class(x509.CertificatePolicies).value
    assert [p.policy_identifier.dotted_string for p in policies] == [services.pki.SEAL_POLICY_OID]
    subject = certificate.subject
    assert subject.get_attributes_for_oid(x509.NameOID.LOCALITY_NAME)[0].value == "葫芦岛市"
    assert subject.get_attributes_for_oid(x509.NameOID.STATE_OR_PROVINCE_NAME)[0].value == "辽宁省"
    assert Authority.objects.filter(retired_at__isnull=True).count() == 2


def test_the_credit_code_goes_into_the_certificate(root, department):
    seal = services.seal_issue(department=department, credit_code="11211400MB1234567B")

    subject = x509.load_pem_x509_certificate(seal.certificate_pem.encode()).subject
    assert subject.get_attributes_for_oid(x509.NameOID.ORGANIZATION_IDENTIFIER)[0].value == "NTRCN-11211400MB1234567B"


def test_revocation_handlers_run_after_the_commit_with_the_reason(
    django_capture_on_commit_callbacks, seal, monkeypatch
):
    # A copy of the registry: the hooks other apps registered at start-up are back afterwards.
    monkeypatch.setattr(services, "_revocation_handlers", list(services._revocation_handlers))
    calls = []
    services.on_seal_revoked(lambda revoked, reason: calls.append((revoked.pk, reason)))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.seal_revoke(seal=seal, reason="key_compromise", note="私钥疑似泄露")
    assert calls == []
    for callback in callbacks:
        callback()
    assert (seal.pk, "key_compromise") in calls
