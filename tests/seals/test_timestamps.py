"""PAdES B-T: with SEAL_TSA_URL set, every seal carries an RFC 3161 timestamp,
and a timestamp from a trusted TSA fixes the signing time."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from seals import services, verification
from seals.verification import verify_pdf
from tests.seals import forgery
from tests.seals.conftest import pyhanko_validate
from tests.seals.tsa import LocalTSA

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def tsa(settings, tmp_path):
    with LocalTSA() as tsa:
        settings.SEAL_TSA_URL = tsa.url
        trust = tmp_path / "tsa-root.pem"
        trust.write_text(tsa.root_pem)
        settings.SEAL_TSA_TRUST_FILE = str(trust)
        yield tsa


def test_it_timestamps_every_seal_when_a_tsa_is_configured(seal, one_page_pdf, tsa):
    signed = services.seal_pdf(one_page_pdf, seal=seal, reason="核发营业执照", task="test")

    report = verify_pdf(signed)

    assert tsa.requests >= 1
    assert report.ok
    sig = report.signature
    assert sig.timestamped and sig.timestamp_trusted
    assert sig.signed_at_source == "timestamp"
    assert abs(sig.signed_at - sig.usage.signed_at) < timedelta(minutes=1)


def test_it_passes_pyhankos_validator_with_the_tsa_root(seal, one_page_pdf, tsa, tmp_path):
    signed = services.seal_pdf(one_page_pdf, seal=seal, reason="核发营业执照", task="test")
    (tmp_path / "tsa.pem").write_text(tsa.root_pem)

    result = pyhanko_validate(
        signed, services._root().certificate_pem, tmp_path, extra=["--no-revocation-check", "--trust", "tsa.pem"]
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "TIMESTAMP_TOKEN<INTACT:TRUSTED>" in result.stdout


def test_it_judges_revocation_by_the_timestamp(root_created_at, department, one_page_pdf, tsa):
    root = root_created_at(T0 - timedelta(days=1))
    with time_machine.travel(T0, tick=False):
        seal = services.seal_issue(department=department)
    with time_machine.travel(T0 + timedelta(hours=1)):
        before = forgery.sign_with_seal_key(one_page_pdf, seal, root.certificate_pem, tsa_url=tsa.url)
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        services.seal_revoke(seal=seal, reason="key_compromise", note="私钥疑似泄露")
    with time_machine.travel(T0 + timedelta(hours=3)):
        after = forgery.sign_with_seal_key(one_page_pdf, seal, root.certificate_pem, tsa_url=tsa.url)
        before_report, after_report = verify_pdf(before), verify_pdf(after)

    # Neither is in the usage log, so neither was issued through the portal; the trusted
    # timestamps alone decide whether the key was already revoked.
    assert before_report.verdict == verification.UNTRUSTED
    assert before_report.signature.signed_at_source == "timestamp"
    assert before_report.all_reasons == [verification.NOT_ISSUED]
    assert after_report.verdict == verification.UNTRUSTED
    assert after_report.signature.signed_at_source == "timestamp"
    assert after_report.all_reasons == [verification.NOT_ISSUED, verification.REVOKED]


def test_it_does_not_believe_a_timestamp_from_an_unknown_tsa(seal, one_page_pdf, tsa, settings):
    signed = services.seal_pdf(one_page_pdf, seal=seal, reason="核发营业执照", task="test")
    settings.SEAL_TSA_TRUST_FILE = ""

    report = verify_pdf(signed)

    sig = report.signature
    assert sig.timestamped and not sig.timestamp_trusted
    assert sig.signed_at_source == "usage_log"
    assert ("untrusted_timestamp", "warn") in [(f.code, f.level) for f in sig.findings]
