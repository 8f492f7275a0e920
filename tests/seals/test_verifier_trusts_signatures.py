"""The verifier trusts signatures, not database rows: each attack on a genuine
license is refused or reported as not valid, and the genuine license stays valid."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from seals import ledger, services, verification
from seals.models import SealLogHead, SealUsage
from seals.verification import verify_pdf
from tests.seals import forgery


@pytest.fixture
def license_pdf(seal, one_page_pdf):
    """A license as the portal issues it: sealed through seal_pdf, logged."""
    return services.seal_pdf(one_page_pdf, seal=seal, reason="核发营业执照 YYZZ-2026-000123", task="licenses.issue")


def _sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_a_genuine_license_is_valid(license_pdf):
    report = verify_pdf(license_pdf)

    assert report.verdict == verification.VALID, report.all_reasons
    assert report.signature.usage is not None and report.all_reasons == []
    assert "Valid" in report.headline


def test_it_refuses_a_flipped_byte(license_pdf):
    report = verify_pdf(forgery.flip_byte_in_signed_range(license_pdf))

    assert report.verdict == verification.INVALID
    assert verification.TAMPERED in report.all_reasons


def test_it_refuses_an_update_that_paints_over_the_page(license_pdf):
    report = verify_pdf(forgery.append_content_change(license_pdf))

    assert report.verdict == verification.INVALID
    assert report.signature.intact and report.signature.modified_after_signing
    assert verification.MODIFIED in report.all_reasons


def test_it_refuses_an_update_that_replaces_the_page_contents(license_pdf):
    report = verify_pdf(forgery.replace_page_contents(license_pdf))

    assert report.verdict == verification.INVALID
    assert verification.MODIFIED in report.all_reasons


def test_it_refuses_an_unsigned_signature_field_whose_appearance_paints_over_the_holder(license_pdf):
    forged = forgery.add_unsigned_signature_field(license_pdf)

    report = verify_pdf(forged)

    # pyHanko files an added signature field under "form filling"; no trusted signature covers it.
    assert report.signature.modification_level == "form_filling"
    assert report.verdict == verification.INVALID
    assert report.signature.modified_after_signing and verification.MODIFIED in report.all_reasons
    assert "Valid" not in report.headline


def test_it_refuses_a_free_text_annotation(license_pdf):
    report = verify_pdf(forgery.add_free_text_annotation(license_pdf))

    assert report.verdict == verification.INVALID
    assert verification.MODIFIED in report.all_reasons


def test_it_does_not_trust_a_foreign_ca_with_look_alike_names(seal, one_page_pdf):
    # The same root name, organisation and department name as ours, from someone else's key.
    report = verify_pdf(forgery.sign_with_foreign_ca(one_page_pdf, name_zh=seal.name_zh))

    assert report.verdict == verification.UNTRUSTED
    assert not report.signature.chains_to_root and report.signature.seal is None
    assert verification.UNTRUSTED_ISSUER in report.all_reasons


def test_a_genuine_key_used_outside_seal_pdf_is_not_issued_through_the_portal(seal, root, one_page_pdf):
    stolen = forgery.sign_with_seal_key(one_page_pdf, seal, root.certificate_pem)

    report = verify_pdf(stolen)

    assert report.verdict == verification.UNTRUSTED
    assert report.signature.intact and report.signature.chains_to_root and report.signature.seal == seal
    assert verification.NOT_ISSUED in report.all_reasons
    assert report.headline == "Not trusted: this document was not issued through the portal."


def test_a_revoked_key_used_after_the_revocation_is_not_valid(seal, root, one_page_pdf):
    now = timezone.now()
    services.seal_revoke(seal=seal, reason="key_compromise", note="私钥疑似泄露", at=now + timedelta(hours=1))

    with time_machine.travel(now + timedelta(hours=2), tick=False):
        stolen = forgery.sign_with_seal_key(one_page_pdf, seal, root.certificate_pem)
        report = verify_pdf(stolen)

    assert report.verdict == verification.UNTRUSTED
    assert report.signature.revoked and verification.REVOKED in report.all_reasons
    assert report.signature.usage is None and report.signature.signed_at is None  # its own clock is not believed


def test_a_usage_log_row_edited_in_the_database_makes_the_verdict_not_valid(license_pdf):
    usage = SealUsage.objects.get()
    _sql("UPDATE seals_sealusage SET signed_at = %s WHERE seq = %s", [usage.signed_at - timedelta(days=30), usage.seq])

    report = verify_pdf(license_pdf)

    assert report.verdict == verification.UNTRUSTED
    assert verification.LOG_BROKEN in report.all_reasons
    assert report.signature.signed_at_source != "usage_log"  # the edited time is not believed
    with pytest.raises(CommandError, match="broken at entry 1"):
        call_command("seals_audit")


def test_an_edited_row_with_its_hash_and_the_head_recomputed_is_caught_by_the_anchor(seal, license_pdf):
    ledger.anchor_create(timestamper=services.portal_timestamper(), day=timezone.localdate())
    usage = SealUsage.objects.get()
    usage.signed_at -= timedelta(days=30)
    forged_hash = ledger.hash_of(usage, seal.serial_number)
    _sql(
        "UPDATE seals_sealusage SET signed_at = %s, entry_hash = %s WHERE seq = %s",
        [usage.signed_at, forged_hash, usage.seq],
    )
    SealLogHead.objects.filter(pk=1).update(last_hash=forged_hash)

    report = verify_pdf(license_pdf)

    assert report.verdict == verification.UNTRUSTED
    assert verification.LOG_BROKEN in report.all_reasons
    with pytest.raises(CommandError, match="the anchor of that day recorded"):
        call_command("seals_audit")


def test_a_genuine_license_with_a_renewed_archive_timestamp_is_still_valid(license_pdf):
    renewed = services.archive_renew(license_pdf)

    report = verify_pdf(renewed)

    assert report.verdict == verification.VALID, report.all_reasons
    assert report.signature.modification_level == "validation_data"


def test_a_portal_timestamp_over_a_forgery_does_not_make_it_harmless(license_pdf):
    # A timestamp says when bytes existed, not that their content is ours: only validation
    # data may follow a seal without a portal seal over it.
    stamped = services.archive_renew(forgery.add_unsigned_signature_field(license_pdf))

    report = verify_pdf(stamped)

    assert report.verdict == verification.INVALID
    assert verification.MODIFIED in report.all_reasons
