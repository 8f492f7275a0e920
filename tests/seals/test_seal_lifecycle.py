"""Department seals: issue, rotate and revoke; the CRL; the seal image."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from cryptography import x509
from cryptography.x509.oid import NameOID
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from seals import pki, selectors, services
from seals.models import Authority, Seal
from seals.verification import verify_pdf
from tests.factories import UserFactory, make_credit_code

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _subject(certificate, oid) -> list[str]:
    return [a.value for a in certificate.subject.get_attributes_for_oid(oid)]


def test_the_issuing_ca_issues_a_seal_certificate_naming_the_department_under_the_root(seal, root):
    certificate = pki.load_certificate(seal.certificate_pem)
    issuing = Authority.objects.get(role=Authority.Role.ISSUING, retired_at__isnull=True)
    issuing_certificate = pki.load_certificate(issuing.certificate_pem)
    root_certificate = pki.load_certificate(root.certificate_pem)

    assert _subject(certificate, NameOID.COMMON_NAME) == ["市场监督管理局"]
    assert _subject(certificate, NameOID.ORGANIZATIONAL_UNIT_NAME) == ["Market Supervision Administration"]
    assert _subject(certificate, NameOID.LOCALITY_NAME) == ["葫芦岛市"]
    assert _subject(certificate, NameOID.STATE_OR_PROVINCE_NAME) == ["辽宁省"]
    assert _subject(certificate, NameOID.COUNTRY_NAME) == ["CN"]
    assert _subject(certificate, NameOID.ORGANIZATION_IDENTIFIER) == []  # no credit code given
    # root → issuing CA → seal: the issuing CA signs the seal, the root signs the issuing CA, not the seal.
    assert seal.issuer == issuing
    assert certificate.issuer == issuing_certificate.subject
    assert pki.issued_by(certificate, issuing_certificate)
    assert pki.issued_by(issuing_certificate, root_certificate)
    assert not pki.issued_by(certificate, root_certificate)
    assert pki.issued_by(certificate, root_certificate, via=[issuing_certificate])
    policies = certificate.extensions.get_extension_for_class(x509.CertificatePolicies).value
    assert [p.policy_identifier.dotted_string for p in policies] == [pki.SEAL_POLICY_OID]
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical
    assert usage.value.digital_signature and usage.value.content_commitment  # nonRepudiation
    assert not usage.value.key_cert_sign
    assert not certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    points = certificate.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert points[0].full_name[0].value == "http://testserver" + reverse("verify_crl")


def test_it_writes_the_credit_code_into_the_seal_certificate_when_given(root, department):
    code = make_credit_code()

    seal = services.seal_issue(department=department, credit_code=code.lower())

    certificate = pki.load_certificate(seal.certificate_pem)
    assert seal.credit_code == code
    assert _subject(certificate, NameOID.ORGANIZATION_IDENTIFIER) == [f"NTRCN-{code}"]
    assert _subject(certificate, NameOID.LOCALITY_NAME) == ["葫芦岛市"]
    assert _subject(certificate, NameOID.STATE_OR_PROVINCE_NAME) == ["辽宁省"]


def test_it_draws_the_seal_image_from_the_department_name(seal):
    assert seal.image_svg.startswith("<svg")
    assert "<title>市场监督管理局 电子证照专用章</title>" in seal.image_svg
    assert "<polygon" in seal.image_svg  # the star
    assert b" c\n" in bytes(seal.appearance)  # outlines, not text: no font needed to show it


def test_it_allows_one_seal_in_use_per_department_and_purpose(seal):
    with pytest.raises(ValidationError, match="rotate it instead"):
        services.seal_issue(department=seal.department)

    other = services.seal_issue(department=seal.department, purpose=Seal.Purpose.APPROVAL)
    assert other.status == Seal.Status.ACTIVE


def test_it_rotates_a_seal_and_keeps_older_documents_valid(seal, one_page_pdf):
    before = services.seal_pdf(one_page_pdf, seal=seal, reason="核发营业执照", task="test")

    new = services.seal_rotate(seal=seal)

    seal.refresh_from_db()
    assert seal.status == Seal.Status.RETIRED and seal.replaced_by == new
    assert new.status == Seal.Status.ACTIVE and new.fingerprint_sha256 != seal.fingerprint_sha256
    assert selectors.active_seal(department=seal.department) == new
    assert verify_pdf(before).ok
    with pytest.raises(ValidationError, match="can no longer seal"):
        services.seal_pdf(one_page_pdf, seal=seal, reason="核发营业执照", task="test")
    assert verify_pdf(services.seal_pdf(one_page_pdf, seal=new, reason="核发营业执照", task="test")).ok


def test_it_needs_a_reason_to_revoke(seal):
    with pytest.raises(ValidationError) as excinfo:
        services.seal_revoke(seal=seal, reason="", note="")

    assert "revocation_reason" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        services.seal_revoke(seal=seal, reason="key_compromise", note="   ")
    assert "revocation_note" in excinfo.value.message_dict
    seal.refresh_from_db()
    assert seal.status == Seal.Status.ACTIVE


def test_it_revokes_a_seal_and_stops_it_sealing(seal, one_page_pdf):
    services.seal_revoke(seal=seal, reason="key_compromise", note="私钥疑似泄露")

    seal.refresh_from_db()
    assert seal.status == Seal.Status.REVOKED and seal.revocation_reason == "key_compromise"
    with pytest.raises(ValidationError, match="can no longer seal"):
        services.seal_pdf(one_page_pdf, seal=seal, reason="核发营业执照", task="test")
    with pytest.raises(ValidationError, match="already revoked"):
        services.seal_revoke(seal=seal, reason="key_compromise", note="再次")


def test_it_publishes_revocations_in_a_crl_signed_by_the_issuing_ca_and_the_root_crl_signed_by_the_root(
    client, root, department, django_capture_on_commit_callbacks
):
    with time_machine.travel(T0, tick=False):
        seal = services.seal_issue(department=department)
        kept = services.seal_issue(department=department, purpose=Seal.Purpose.APPROVAL)
    assert x509.load_der_x509_crl(client.get(reverse("verify_crl")).content).get_revoked_certificate_by_serial_number(
        int(seal.serial_number, 16)
    ) is None

    # The worker signs the new CRL once the revocation commits.
    with time_machine.travel(T0 + timedelta(hours=1), tick=False), django_capture_on_commit_callbacks(execute=True):
        services.seal_revoke(seal=seal, reason="key_compromise", note="私钥疑似泄露")
    response = client.get(reverse("verify_crl"))

    assert response["Content-Type"] == "application/pkix-crl"
    crl = x509.load_der_x509_crl(response.content)
    issuing_certificate = pki.load_certificate(
        Authority.objects.get(role=Authority.Role.ISSUING, retired_at__isnull=True).certificate_pem
    )
    root_certificate = pki.load_certificate(root.certificate_pem)
    assert crl.issuer == issuing_certificate.subject
    assert crl.is_signature_valid(issuing_certificate.public_key())
    assert not crl.is_signature_valid(root_certificate.public_key())
    root_crl = x509.load_der_x509_crl(client.get(reverse("verify_root_crl")).content)
    assert root_crl.issuer == root_certificate.subject
    assert root_crl.is_signature_valid(root_certificate.public_key())
    assert not root_crl.is_signature_valid(issuing_certificate.public_key())
    assert len(root_crl) == 0  # revoking a seal revokes nothing the root signed
    entry = crl.get_revoked_certificate_by_serial_number(int(seal.serial_number, 16))
    assert entry.revocation_date_utc == T0 + timedelta(hours=1)
    assert entry.extensions.get_extension_for_class(x509.CRLReason).value.reason == x509.ReasonFlags.key_compromise
    assert crl.get_revoked_certificate_by_serial_number(int(kept.serial_number, 16)) is None
    pem = client.get(reverse("verify_crl_pem"))
    assert x509.load_pem_x509_crl(pem.content).fingerprint(pki.hashes.SHA256()) == crl.fingerprint(pki.hashes.SHA256())


def test_it_checks_the_actors_permission(seal):
    outsider = UserFactory()

    with pytest.raises(PermissionDenied):
        services.seal_revoke(seal=seal, reason="key_compromise", note="x", actor=outsider)
    with pytest.raises(PermissionDenied):
        services.seal_rotate(seal=seal, actor=outsider)
    with pytest.raises(PermissionDenied):
        services.seal_issue(department=seal.department, purpose="approval", actor=outsider)


def test_it_issues_rotates_and_revokes_from_the_command_line(root, department, capsys):
    call_command("seals_issue", "market")
    first = Seal.objects.get()

    call_command("seals_issue", "market", "--rotate")
    second = selectors.active_seal(department=department)
    call_command("seals_revoke", second.serial_number, "--reason", "cessation_of_operation", "--note", "停用")

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Seal.Status.RETIRED and first.replaced_by == second
    assert second.status == Seal.Status.REVOKED
    with pytest.raises(CommandError, match="No department"):
        call_command("seals_issue", "nowhere")
    with pytest.raises(CommandError, match="No seal"):
        call_command("seals_revoke", "abc", "--reason", "key_compromise", "--note", "x")


def test_it_needs_the_root_before_any_seal(department):
    with pytest.raises(ValidationError, match="seals_init"):
        services.seal_issue(department=department)
