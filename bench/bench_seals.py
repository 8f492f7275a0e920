"""Benchmark: `seal_pdf` against a bare pyHanko PAdES B-LTA signature, measured in the same run.

Signs N one-page A4 PDFs (default 200) with `seals.services.seal_pdf`, which
checks the seal, adds the visible seal, makes a B-LTA signature (signature
timestamp from the portal's in-process TSA, the DSS with certificates and
CRLs, a document timestamp) and records the signature in the usage log. The
floor is the same PDF signed N times at the same level with pyHanko alone: the
same seal key and certificate chain, the same in-process TSA, the same CRLs
embedded (a fresh validation context per signature, as `seal_pdf` builds one),
a new invisible field, pyHanko's defaults otherwise. The two are interleaved
so that both see the same machine.

    make bench-seals            # or: python bench/bench_seals.py [N]

The last line is `seals: p50 <ms> ms per signature, <R>x a bare pyHanko B-LTA sign`.
"""

import logging
import os
import statistics
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
_tmp = tempfile.TemporaryDirectory(prefix="bench-seals-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.update(
    DEBUG="1",
    DEMO_MODE="1",
    VAR_DIR=_tmp.name,
    DATABASE_URL=f"sqlite:///{_tmp.name}/bench.sqlite3",
    SEAL_KEK_FILE=f"{_tmp.name}/seal-kek.key",
    SEAL_TSA_URL="",  # the portal's own TSA, in-process, on both sides: no network round trip
    LOG_LEVEL="WARNING",
)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402
from pyhanko.pdf_utils.reader import PdfFileReader  # noqa: E402
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # noqa: E402
from pyhanko.sign import fields, signers  # noqa: E402
from pyhanko_certvalidator import ValidationContext  # noqa: E402
from weasyprint import HTML  # noqa: E402

from seals import keystore, pki, selectors, services, signing, timestamping  # noqa: E402
from seals.models import Authority, PublishedCRL, SealUsage  # noqa: E402
from seals.verification import verify_pdf  # noqa: E402
from services.models import Department  # noqa: E402


def one_page_pdf() -> bytes:
    return HTML(
        string="""<html lang="zh-Hans"><style>@page { size: A4; margin: 25mm } body { font-family: "Noto Serif CJK SC" }</style>
        <h1>营业执照 Business license</h1><p>证照编号 HLD-2026-000123 · 持证人 王小明 · 经营范围 食品销售</p></html>"""
    ).write_pdf()


def bare_signer(seal):
    certificate = pki.load_certificate(seal.certificate_pem)
    key = keystore.decrypt_private_key(seal.encrypted_key, stored_kek_id=seal.kek_id, public_key=certificate.public_key())
    return signing.key_signer(key, certificate=certificate, chain=services._chain_of(seal))


def bare_timestamper():
    """The portal's TSA as an in-process pyHanko timestamper, as seal_pdf uses it."""
    tsa = selectors.tsa_authority()
    certificate = pki.load_certificate(tsa.certificate_pem)
    key = keystore.decrypt_private_key(tsa.encrypted_key, stored_kek_id=tsa.kek_id, public_key=certificate.public_key())
    return timestamping.PortalTimeStamper(private_key=key, certificate=certificate, clock=timezone.now)


def bare_sign(pdf: bytes, signer, stamper, *, trust_roots, other_certs, crls) -> bytes:
    """PAdES B-LTA with pyHanko alone: signature timestamp, DSS (certificates and CRLs), document timestamp."""
    context = ValidationContext(
        trust_roots=trust_roots, other_certs=other_certs, crls=crls, allow_fetching=False, revocation_mode="hard-fail"
    )
    meta = signers.PdfSignatureMetadata(
        field_name="Signature1",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        embed_validation_info=True,
        use_pades_lta=True,
        validation_context=context,
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    return signers.PdfSigner(meta, signer, timestamper=stamper).sign_pdf(writer).getvalue()


def main(n: int) -> None:
    # Both sides embed validation data with fetching off, on purpose: pyHanko warns about it every time.
    logging.getLogger("pyhanko.sign.signers.pdf_signer").setLevel(logging.ERROR)
    call_command("migrate", verbosity=0)
    root = services.root_create()
    department = Department.objects.create(code="market", name_zh="市场监督管理局", name_en="Market Supervision Administration")
    seal = services.seal_issue(department=department)
    pdf = one_page_pdf()
    signer, stamper = bare_signer(seal), bare_timestamper()
    trust_roots = [signing.asn1_certificate(pki.load_certificate(root.certificate_pem))]
    other_certs = [signing.asn1_certificate(pki.load_certificate(a.certificate_pem)) for a in Authority.objects.all()]
    crls = [bytes(c.der) for c in PublishedCRL.objects.all()]

    def bare():
        return bare_sign(pdf, signer, stamper, trust_roots=trust_roots, other_certs=other_certs, crls=crls)

    def ours():
        return services.seal_pdf(pdf, seal=seal, reason="核发营业执照", related=department, task="bench")

    for _ in range(10):  # warm up both paths (imports, caches, the decrypted signer)
        bare()
        ours()
    assert verify_pdf(ours()).ok
    floor = PdfFileReader(BytesIO(bare()))  # like for like: the floor is B-LTA too
    assert "/DSS" in floor.root and len(floor.embedded_timestamp_signatures) == 1
    unsigned = floor.embedded_regular_signatures[0].signed_data["signer_infos"][0]["unsigned_attrs"]
    assert "signature_time_stamp_token" in [a["type"].native for a in unsigned]

    bare_ms, ours_ms = [], []
    for _ in range(n):
        start = time.perf_counter()
        bare()
        bare_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        ours()
        ours_ms.append((time.perf_counter() - start) * 1000)

    bare_p50, ours_p50 = statistics.median(bare_ms), statistics.median(ours_ms)
    print(f"PDF: {len(pdf):,} bytes, one A4 page; {n} signatures each, interleaved")
    print(f"bare pyHanko B-LTA sign: p50 {bare_p50:.1f} ms, p90 {statistics.quantiles(bare_ms, n=10)[-1]:.1f} ms")
    print(f"seal_pdf (B-LTA):        p50 {ours_p50:.1f} ms, p90 {statistics.quantiles(ours_ms, n=10)[-1]:.1f} ms")
    print(f"usage-log entries written: {SealUsage.objects.count()}")
    print(f"seals: p50 {ours_p50:.1f} ms per signature, {ours_p50 / bare_p50:.2f}x a bare pyHanko B-LTA sign")


if __name__ == "__main__":
    try:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
    finally:
        _tmp.cleanup()
