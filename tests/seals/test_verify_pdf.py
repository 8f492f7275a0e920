"""verify_pdf: intact, chained to our root, valid and not revoked at signing time,
unchanged since, and who sealed it when."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from seals import services, verification
from seals.verification import verify_pdf
from tests.seals import forgery
from tests.seals.conftest import sha256

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _seal(pdf, seal):
    return services.seal_pdf(pdf, seal=seal, reason="核发营业执照", task="test")


def test_it_reports_a_sealed_document_valid(seal, one_page_pdf):
    signed = _seal(one_page_pdf, seal)

    report = verify_pdf(signed)

    assert report.verdict == verification.VALID
    sig = report.signature
    assert sig.intact and sig.chains_to_root and sig.certificate_valid_at_signing
    assert not sig.revoked and not sig.modified_after_signing
    # PAdES B-LTA: the DSS and a document timestamp follow the signature.
    assert sig.coverage == "entire_revision" and sig.modification_level == "validation_data"
    assert sig.seal == seal and sig.department_zh == "市场监督管理局"
    assert sig.signed_at_source == "timestamp" and abs(sig.signed_at - sig.usage.signed_at) < timedelta(minutes=1)
    assert sig.signed_revision_sha256 == sig.usage.document_sha256 != sha256(signed)


def test_it_reports_a_flipped_byte_as_tampering(seal, one_page_pdf):
    tampered = forgery.flip_byte_in_signed_range(_seal(one_page_pdf, seal))

    report = verify_pdf(tampered)

    assert report.verdict == verification.INVALID
    assert not report.signature.intact
    assert verification.TAMPERED in report.all_reasons


def test_it_reports_a_content_change_appended_after_signing(seal, one_page_pdf):
    modified = forgery.append_content_change(_seal(one_page_pdf, seal))

    report = verify_pdf(modified)

    assert report.verdict == verification.INVALID
    sig = report.signature
    assert sig.intact  # the signed revision itself is untouched…
    assert sig.coverage == "entire_revision" and sig.modification_level == "other"
    assert sig.modified_after_signing  # …but what is shown now is not what was sealed
    assert report.all_reasons == [verification.MODIFIED]


def test_it_reports_a_certificate_from_another_ca_as_untrusted(seal, one_page_pdf):
    forged = forgery.sign_with_foreign_ca(one_page_pdf)

    report = verify_pdf(forged)

    assert report.verdict == verification.UNTRUSTED
    sig = report.signature
    assert sig.intact and not sig.chains_to_root and sig.seal is None
    assert report.all_reasons == [verification.UNTRUSTED_ISSUER]


def test_it_reports_a_signature_made_after_revocation(root, department, one_page_pdf):
    with time_machine.travel(T0, tick=False):
        seal = services.seal_issue(department=department)
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        services.seal_revoke(seal=seal, reason="key_compromise", note="私钥疑似泄露")
    with time_machine.travel(T0 + timedelta(hours=3), tick=False):
        stolen = forgery.sign_with_seal_key(one_page_pdf, seal, root.certificate_pem)
        report = verify_pdf(stolen)

    assert report.verdict == verification.UNTRUSTED
    sig = report.signature
    assert sig.intact and sig.chains_to_root and sig.revoked
    assert sig.revoked_at == T0 + timedelta(hours=2) and sig.revocation_reason == "key_compromise"
    assert sig.usage is None and sig.signed_at is None  # the signer's own clock is not believed
    assert verification.REVOKED in report.all_reasons and verification.NOT_ISSUED in report.all_reasons


def test_it_keeps_documents_sealed_before_revocation_valid(root_created_at, department, one_page_pdf):
    root_created_at(T0 - timedelta(days=1))
    with time_machine.travel(T0, tick=False):
        seal = services.seal_issue(department=department)
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        signed = _seal(one_page_pdf, seal)
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        services.seal_revoke(seal=seal, reason="superseded", note="部门更名")
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        report = verify_pdf(signed)

    assert report.ok
    assert report.signature.signed_at == T0 + timedelta(hours=1)
    assert not report.signature.revoked and report.signature.revoked_at == T0 + timedelta(hours=2)
    assert "revoked_later" in [f.code for f in report.signature.findings]


def test_it_keeps_documents_valid_after_the_certificate_expires(root_created_at, department, one_page_pdf):
    root_created_at(T0 - timedelta(days=1))
    with time_machine.travel(T0, tick=False):
        seal = services.seal_issue(department=department)
        signed = _seal(one_page_pdf, seal)

    report = verify_pdf(signed, at=seal.not_after + timedelta(days=30))

    assert report.ok


def test_it_does_not_trust_a_signature_that_is_not_in_the_usage_log(seal, root, one_page_pdf):
    signed = forgery.sign_with_seal_key(one_page_pdf, seal, root.certificate_pem)

    report = verify_pdf(signed)

    assert report.verdict == verification.UNTRUSTED  # a genuine key, but not a sealing the portal made
    assert report.all_reasons == [verification.NOT_ISSUED]
    assert (verification.NOT_ISSUED, "bad") in [(f.code, f.level) for f in report.signature.findings]
    assert ("time_claimed", "warn") in [(f.code, f.level) for f in report.signature.findings]


def test_it_checks_every_seal_on_a_document(root, seal, one_page_pdf):
    other = services.seal_issue(department=seal.department, purpose="approval")
    twice = _seal(_seal(one_page_pdf, seal), other)

    report = verify_pdf(twice)

    assert report.ok
    assert [s.seal for s in report.signatures] == [seal, other]
    assert report.signatures[0].coverage == "entire_revision"
    assert report.signatures[0].modification_level == "form_filling"  # only another signature was added


def test_it_reports_an_unsigned_pdf(db, one_page_pdf):
    report = verify_pdf(one_page_pdf)

    assert report.verdict == verification.UNSIGNED and report.signatures == []


@pytest.mark.parametrize("data", [b"%PDF-1.7\nnot really a pdf", b"GIF89a", b""])
def test_it_reports_an_unreadable_file(db, data):
    report = verify_pdf(data)

    assert report.verdict == verification.INVALID
    assert report.reasons == [verification.UNREADABLE]


def test_it_trusts_nothing_before_the_root_exists(db, one_page_pdf):
    forged = forgery.sign_with_foreign_ca(one_page_pdf)

    report = verify_pdf(forged)

    assert report.verdict == verification.UNTRUSTED
    assert report.all_reasons == [verification.NO_ROOT]
