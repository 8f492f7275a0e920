"""seal_pdf: a PAdES signature with the department's seal, logged."""

import asyncio
import threading
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from pyhanko.pdf_utils.reader import PdfFileReader
from weasyprint import HTML

from seals import services, signing
from seals.verification import verify_pdf
from tests.seals.conftest import sha256


def _signature(pdf: bytes):
    return PdfFileReader(BytesIO(pdf)).embedded_regular_signatures[0]


def test_it_makes_a_pades_baseline_signature(seal, one_page_pdf):
    signed = services.seal_pdf(one_page_pdf, seal=seal, reason="核发营业执照", location="葫芦岛市", task="test")

    sig = _signature(signed)
    assert sig.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert sig.sig_object["/Reason"] == "核发营业执照" and sig.sig_object["/Location"] == "葫芦岛市"
    signed_attrs = {a["type"].native for a in sig.signer_info["signed_attrs"]}
    assert "signing_certificate_v2" in signed_attrs  # B-B binds the signer's certificate
    assert "signing_time" not in signed_attrs  # PAdES puts the claimed time in /M instead
    assert signed.startswith(one_page_pdf)  # an incremental update: the original bytes are untouched


def test_it_logs_the_sealed_document(seal, one_page_pdf):
    signed = services.seal_pdf(one_page_pdf, seal=seal, reason="核发营业执照", task="licenses.issue")

    usage = seal.usages.get()
    assert usage.document_sha256 == signing.signed_revision_sha256(signed) and usage.task == "licenses.issue"


def test_it_seals_the_last_page_by_default(seal):
    two_pages = HTML(string="<p>第一页</p><p style='page-break-before: always'>第二页</p>").write_pdf()

    signed = services.seal_pdf(two_pages, seal=seal, reason="核发营业执照", task="test")

    reader = PdfFileReader(BytesIO(signed))
    widget = _signature(signed).sig_field
    assert widget.raw_get("/P").idnum == reader.find_page_for_modification(1)[0].idnum
    assert verify_pdf(signed).ok


def test_it_refuses_what_is_not_a_pdf(seal):
    with pytest.raises(ValidationError, match="PDF"):
        services.seal_pdf(b"GIF89a", seal=seal, reason="核发营业执照", task="test")


def test_it_runs_pyhanko_where_an_event_loop_is_running():
    """pyHanko's sync API calls asyncio.run(); Playwright's sync API, for one, keeps a loop running."""
    from seals.signing import outside_event_loop

    def uses_asyncio_run():
        return asyncio.run(asyncio.sleep(0, result="signed"))

    async def inside_a_loop():
        return outside_event_loop(uses_asyncio_run)

    results = []
    thread = threading.Thread(target=lambda: results.append(asyncio.run(inside_a_loop())))  # a thread of its own:
    thread.start()  # this test's thread may already have a loop running
    thread.join()
    assert results == ["signed"]


def test_it_logs_nothing_when_the_seal_is_revoked_while_signing(seal, one_page_pdf, monkeypatch):
    from seals import signing

    real_sign = signing.sign_pdf

    def sign_then_revoke(*args, **kwargs):
        signed = real_sign(*args, **kwargs)
        services.seal_revoke(seal=seal, reason="key_compromise", note="盖章途中吊销")
        return signed

    monkeypatch.setattr(signing, "sign_pdf", sign_then_revoke)

    with pytest.raises(ValidationError, match="while the document was being sealed"):
        services.seal_pdf(one_page_pdf, seal=seal, reason="核发营业执照", task="test")
    assert not seal.usages.exists()


def test_the_byte_range_scan_finds_what_parsing_the_file_finds(seal, one_page_pdf):
    """seal_pdf logs the signed revision from a scan of the /ByteRange arrays: the same ends,
    signature and document timestamp alike, as pyHanko's reader gives (B-LTA, sealed twice)."""
    once = services.seal_pdf(one_page_pdf, seal=seal, reason="核发营业执照", task="test")
    twice = services.seal_pdf(once, seal=seal, reason="换发营业执照", task="test")

    reader = PdfFileReader(BytesIO(twice))
    parsed = sorted(
        int(s.byte_range[2]) + int(s.byte_range[3])
        for s in [*reader.embedded_regular_signatures, *reader.embedded_timestamp_signatures]
    )
    assert len(parsed) == 4  # two seals, each with its document timestamp
    assert signing.signature_ends(twice) == parsed
    assert signing.signature_ends(twice, start=len(once)) == parsed[2:]
    assert [u.document_sha256 for u in seal.usages.order_by("seq")] == [
        signing.signed_revision_sha256(once),
        signing.signed_revision_sha256(twice),
    ]
