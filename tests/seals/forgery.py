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
        issuer_certificate=foreign_root,
        issuer_key=foreign_root_key,
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


def _append(pdf: bytes, change) -> bytes:
    """Apply `change(writer, page, page_ref)` to the first page in one incremental update."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    change(writer, page, page_ref)
    writer.update_container(page)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


FORGED_OPERATORS = b"q 1 1 1 rg 0 0 300 40 re f 0.8 0 0 rg BT /F1 28 Tf 10 10 Td (FORGED) Tj ET Q"


def _appearance(writer, width=300, height=40):
    font = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Font"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
            generic.pdf_name("/BaseFont"): generic.pdf_name("/Helvetica"),
        }
    )
    stream = generic.StreamObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/XObject"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Form"),
            generic.pdf_name("/BBox"): generic.ArrayObject(map(generic.NumberObject, (0, 0, width, height))),
            generic.pdf_name("/Resources"): generic.DictionaryObject(
                {
                    generic.pdf_name("/Font"): generic.DictionaryObject(
                        {generic.pdf_name("/F1"): writer.add_object(font)}
                    )
                }
            ),
        },
        stream_data=FORGED_OPERATORS,
    )
    return writer.add_object(stream)


def _annotate(page, annotation_ref):
    annots = page.get("/Annots")
    annots = generic.ArrayObject(list(annots.get_object()) if annots is not None else [])
    annots.append(annotation_ref)
    page[generic.pdf_name("/Annots")] = annots


HOLDER_RECT = (60, 700, 360, 740)  # over the title and the holder's line


def add_unsigned_signature_field(pdf: bytes) -> bytes:
    """An incremental update that adds an empty signature field whose visible appearance
    paints "FORGED" over the holder: what pyHanko files under "form filling"."""

    def change(writer, page, page_ref):
        widget = generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/Widget"),
                generic.pdf_name("/FT"): generic.pdf_name("/Sig"),
                generic.pdf_name("/T"): generic.TextStringObject("Holder"),
                generic.pdf_name("/F"): generic.NumberObject(4),
                generic.pdf_name("/P"): page_ref,
                generic.pdf_name("/Rect"): generic.ArrayObject(map(generic.NumberObject, HOLDER_RECT)),
                generic.pdf_name("/AP"): generic.DictionaryObject({generic.pdf_name("/N"): _appearance(writer)}),
            }
        )
        widget_ref = writer.add_object(widget)
        _annotate(page, widget_ref)
        form = writer.root["/AcroForm"]
        form["/Fields"].append(widget_ref)
        fields_are_indirect = isinstance(form.raw_get("/Fields"), generic.IndirectObject)
        writer.update_container(form["/Fields"] if fields_are_indirect else form)

    return _append(pdf, change)


def add_free_text_annotation(pdf: bytes) -> bytes:
    """An incremental update that adds a FreeText comment reading "FORGED" over the holder."""

    def change(writer, page, page_ref):
        note = generic.DictionaryObject(
            {
                generic.pdf_name("/Type"): generic.pdf_name("/Annot"),
                generic.pdf_name("/Subtype"): generic.pdf_name("/FreeText"),
                generic.pdf_name("/Contents"): generic.TextStringObject("FORGED"),
                generic.pdf_name("/DA"): generic.TextStringObject("0.8 0 0 rg /Helv 28 Tf"),
                generic.pdf_name("/F"): generic.NumberObject(4),
                generic.pdf_name("/P"): page_ref,
                generic.pdf_name("/Rect"): generic.ArrayObject(map(generic.NumberObject, HOLDER_RECT)),
                generic.pdf_name("/AP"): generic.DictionaryObject({generic.pdf_name("/N"): _appearance(writer)}),
            }
        )
        _annotate(page, writer.add_object(note))

    return _append(pdf, change)


def replace_page_contents(pdf: bytes) -> bytes:
    """An incremental update that points the first page's /Contents at a new stream."""

    def change(writer, page, page_ref):
        page[generic.pdf_name("/Contents")] = writer.add_object(
            generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 720 Td (FORGED LICENSE) Tj ET")
        )

    return _append(pdf, change)
