"""Ways to break a sealed PDF, as the acceptance tests need them."""

from datetime import UTC, datetime
from io import BytesIO

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from seals import artwork, keystore, pki, signing
from seals.models import Seal


def flip_byte_in_signed_range(pdf: bytes) -> bytes:
    """Flip one bit of a byte inside the first page-content stream, which the signature covers."""
    signature = PdfFileReader(BytesIO(pdf)).embedded_regular_signatures[0]
    _start, first_length, _offset, _length = (int(v) for v in signature.byte_range)
    position = pdf.index(b"stream", pdf.index(b"/Length")) + 40
    assert position < first_length
    tampered = bytearray(pdf)
    tampered[position] ^= 0x04
    return bytes(tampered)


def append_content_change(pdf: bytes) -> bytes:
    """An incremental update after signing that paints over the first page."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    patch = generic.StreamObject(stream_data=b"q 1 1 1 rg 60 700 400 60 re f 0 0 0 rg 70 720 300 20 re f Q")
    writer.add_stream_to_page(0, writer.add_object(patch))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def sign_with_foreign_ca(pdf: bytes, *, name_zh: str = "市场监督管理局") -> bytes:
    """A look-alike seal whose certificate comes from someone else's CA."""
    at = datetime.now(UTC)
    foreign_root_key = pki.generate_key()
    foreign_root = pki.build_root_certificate(
        foreign_root_key, subject=pki.root_name(common_name="OneGate Root CA", organisation="OneGate"), at=at
    )
    key = pki.generate_key()
    certificate = pki.build_seal_certificate(
        public_key=key.public_key(),
        subject=pki.seal_name(department_zh=name_zh, department_en="Market", purpose_zh="电子证照专用章", organisation="OneGate"),
        root_certificate=foreign_root,
        root_key=foreign_root_key,
        crl_url="",
        at=at,
    )
    return _sign(pdf, key, certificate, foreign_root, name_zh)


def sign_with_seal_key(pdf: bytes, seal: Seal, root_pem: str, *, tsa_url: str = "") -> bytes:
    """Use a seal's key directly, bypassing seal_pdf and its checks (a stolen key)."""
    certificate = pki.load_certificate(seal.certificate_pem)
    key = keystore.decrypt_private_key(
        seal.encrypted_key, stored_kek_id=seal.kek_id, public_key=certificate.public_key()
    )
    return _sign(pdf, key, certificate, pki.load_certificate(root_pem), seal.name_zh, tsa_url=tsa_url)


def _sign(pdf, key, certificate, root, name_zh, *, tsa_url="") -> bytes:
    image = artwork.draw_seal(name_zh, "电子证照专用章")
    return signing.sign_pdf(
        pdf,
        signer=signing.key_signer(key, certificate=certificate, root_certificate=root),
        certificate_sizes=4000,
        reason="核发营业执照",
        location="",
        placement=signing.Placement(),
        appearance=image.pdf_operators(),
        appearance_size=artwork.SIZE_PT,
        tsa_url=tsa_url,
    )
