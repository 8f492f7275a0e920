"""PAdES signing with pyHanko: signers for both key stores and the visible seal.

`services.seal_pdf` is the one caller in the portal; it checks the seal and
records the usage. This module only turns bytes and a signer into signed bytes.
"""

import asyncio
import hashlib
import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from io import BytesIO

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils import content, generic, layout
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from seals import pki

Box = tuple[float, float, float, float]
MARGIN = 56.7  # 20 mm


@dataclass(frozen=True)
class Placement:
    """Where the visible seal goes: a page (0 = first, -1 = last) and a box in PDF points."""

    page: int = -1
    box: Box | None = None  # (x1, y1, x2, y2) from the page's lower-left corner


def box_from_top_left(*, left_mm: float, top_mm: float, size_mm: float = 40.0, page_height_mm: float = 297.0) -> Box:
    """The `box` for seal_pdf from a template's CSS-style position (millimetres from the
    page's top-left corner, A4 by default) to PDF points from the lower-left corner."""
    pt = 72 / 25.4
    x1, y2 = left_mm * pt, (page_height_mm - top_mm) * pt
    return (x1, y2 - size_mm * pt, x1 + size_mm * pt, y2)


def default_box(page_width: float, seal_size: float) -> Box:
    """Lower right, 20 mm from the edges: where a seal goes on an A4 license."""
    x2 = page_width - MARGIN
    return (x2 - seal_size, MARGIN, x2, MARGIN + seal_size)


def outside_event_loop(fn, *args, **kwargs):
    """Call one of pyHanko's synchronous entry points, which use asyncio.run().

    That fails in a thread whose event loop is running (an async view, a
    notebook, Playwright's sync API); there the call moves to a worker thread.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args, **kwargs).result()


def _page_width(writer, page: int) -> float:
    node = writer.find_page_for_modification(page)[0].get_object()
    while "/MediaBox" not in node and "/Parent" in node:  # MediaBox may be inherited
        node = node["/Parent"]
    media_box = node["/MediaBox"]
    return float(media_box[2]) - float(media_box[0])


def asn1_certificate(certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(pki.certificate_der(certificate))


def key_signer(private_key, *, certificate, chain=(), root_certificate=None) -> signers.Signer:
    """A signer for a key held in memory (decrypted from the encrypted store).

    `chain`: the CA certificates up to the root, embedded in every signature
    (`root_certificate` alone is the older one-level form).
    """
    chain = [*chain, *([root_certificate] if root_certificate is not None else [])]
    der = private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return signers.SimpleSigner(
        signing_cert=asn1_certificate(certificate),
        signing_key=asn1_keys.PrivateKeyInfo.load(der),
        cert_registry=SimpleCertificateStore.from_certs([asn1_certificate(c) for c in chain]),
    )


def pkcs11_signer(session, *, key_label: str, certificate, chain=(), root_certificate=None) -> signers.Signer:
    chain = [*chain, *([root_certificate] if root_certificate is not None else [])]
    from pyhanko.sign.pkcs11 import PKCS11Signer

    return PKCS11Signer(
        session,
        key_label=key_label,
        signing_cert=asn1_certificate(certificate),
        ca_chain=[asn1_certificate(c) for c in chain],
        other_certs_to_pull=(),
        # Many tokens (SoftHSM2 among them) only do raw ECDSA: pyHanko hashes first.
        use_raw_mechanism=pki.key_algorithm(certificate.public_key()) == pki.EC_P256,
    )


class SealImage(content.PdfContent):
    """The seal's own content stream, multiplied onto the page like seal paste on paper."""

    def __init__(self, operators: bytes, size: float):
        super().__init__(box=layout.BoxConstraints(width=size, height=size))
        self.operators = operators

    def render(self) -> bytes:
        self.set_resource(
            category=content.ResourceType.EXT_G_STATE,
            name=pdf_name("/SealPaste"),
            value=generic.DictionaryObject({pdf_name("/BM"): pdf_name("/Multiply")}),
        )
        return b"/SealPaste gs " + self.operators


def stamp_style(operators: bytes, size: float) -> StaticStampStyle:
    return StaticStampStyle(
        background=SealImage(operators, size),
        background_opacity=1.0,
        border_width=0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MID,
            y_align=layout.AxisAlignment.ALIGN_MID,
            inner_content_scaling=layout.InnerScaling.STRETCH_TO_FIT,
        ),
    )


def timestamper(url: str) -> HTTPTimeStamper | None:
    return HTTPTimeStamper(url) if url else None


def validation_context(*, trust_roots, other_certs=(), crls=(), allow_fetching=False) -> ValidationContext:
    """What pyHanko needs to embed the validation data (B-LT): our certificates and the CRLs
    we signed, with fetching off, so sealing never reaches the network."""
    return ValidationContext(
        trust_roots=[asn1_certificate(c) for c in trust_roots],
        other_certs=[asn1_certificate(c) for c in other_certs],
        crls=list(crls),
        allow_fetching=allow_fetching,
        revocation_mode="hard-fail",
    )


# A signature dictionary's /ByteRange, as pyHanko writes it: plain text (it is patched in place,
# so it never sits in a compressed object stream), four integers padded with spaces.
_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")


def signature_ends(pdf_bytes: bytes, *, start: int = 0) -> list[int]:
    """Where each signature's byte range ends (regular signatures and document timestamps),
    in file order, for the signatures written at or after `start`.

    A scan for the /ByteRange arrays: what `signed_revision_sha256` finds by parsing the
    whole file, without parsing it (parsing costs a sealed license a tenth of its time).
    """
    return [int(match[3]) + int(match[4]) for match in _BYTE_RANGE.finditer(pdf_bytes, start)]


def signed_revision_sha256(pdf_bytes: bytes) -> str:
    """SHA-256 of the file up to the end of the newest regular signature's byte range: what
    that signature covers, unchanged by validation data and timestamps added later."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    signature = PdfFileReader(BytesIO(pdf_bytes)).embedded_regular_signatures[-1]
    _start, _length_1, offset_2, length_2 = (int(v) for v in signature.byte_range)
    return hashlib.sha256(pdf_bytes[: offset_2 + length_2]).hexdigest()


def newest_timestamp_expiry(pdf_bytes: bytes):
    """When the certificate of the document's newest document timestamp ends (None without one)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    stamps = PdfFileReader(BytesIO(pdf_bytes)).embedded_timestamp_signatures
    if not stamps:
        return None
    return stamps[-1].signer_cert.not_valid_after


def add_archive_timestamp(pdf_bytes: bytes, *, stamper, validation_context: ValidationContext) -> bytes:
    """A new document timestamp, after validation data for the newest one goes into the DSS."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.signers.pdf_signer import PdfTimeStamper

    reader = PdfFileReader(BytesIO(pdf_bytes))
    output = BytesIO()
    outside_event_loop(
        PdfTimeStamper(stamper).update_archival_timestamp_chain,
        reader,
        validation_context,
        in_place=False,
        output=output,
    )
    return output.getvalue()


def sign_pdf(
    pdf_bytes: bytes,
    *,
    signer: signers.Signer,
    certificate_sizes: int,
    reason: str,
    location: str,
    placement: Placement,
    appearance: bytes,
    appearance_size: float,
    tsa_url: str = "",
    stamper=None,
    validation_context: ValidationContext | None = None,
) -> bytes:
    """Add one PAdES signature with the visible seal: B-B; B-T with a timestamper (`stamper`, or
    an HTTP one for `tsa_url`); B-LTA (signature timestamp, DSS, document timestamp) when a
    `validation_context` with the CRLs is given as well."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf_bytes))
    pages = int(writer.root["/Pages"]["/Count"])
    page = placement.page if placement.page >= 0 else pages + placement.page
    if not 0 <= page < pages:
        raise ValueError(f"the document has {pages} page(s); there is no page {placement.page}")
    box = placement.box
    if box is None:
        box = default_box(_page_width(writer, page), appearance_size)
    field_name = f"Seal-{uuid.uuid4().hex[:12]}"
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None,
        location=location or None,
        embed_validation_info=validation_context is not None,
        use_pades_lta=validation_context is not None,
        validation_context=validation_context,
    )
    stamper = stamper or timestamper(tsa_url)
    pdf_signer = signers.PdfSigner(
        meta,
        signer,
        timestamper=stamper,
        stamp_style=stamp_style(appearance, appearance_size),
        new_field_spec=fields.SigFieldSpec(field_name, on_page=page, box=tuple(box)),
    )
    # The signature's size is known in advance, with the portal's own TSA's token
    # too: reserving it spares pyHanko a dry-run signature (a PKCS#11 round trip,
    # and a sample token). Only an external TSA's tokens are sized by a sample.
    # (pyHanko counts hex digits: two per byte of the CMS object.)
    if stamper is None:
        reserved = 2 * (certificate_sizes + 2048)
    elif hasattr(stamper, "token_size_bound"):
        reserved = 2 * (certificate_sizes + 2048 + stamper.token_size_bound())
    else:
        reserved = None
    return outside_event_loop(pdf_signer.sign_pdf, writer, bytes_reserved=reserved).getvalue()
