"""The visible seal: a red round seal with the department's name, where the caller puts it.

The rendered page is kept in test-artifacts/ so that a person can look at it.
"""

import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image
from pyhanko.pdf_utils.reader import PdfFileReader

from seals import artwork, services

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
BOX = (380.0, 520.0, 500.0, 640.0)  # points, from the lower-left corner of the A4 page


def _render(pdf: bytes, tmp_path: Path, dpi: int = 150) -> Image.Image:
    if not shutil.which("pdftoppm"):
        pytest.fail("pdftoppm is missing: install Debian's poppler-utils package (make test does).")
    (tmp_path / "sealed.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", "sealed.pdf", "page"],
        cwd=tmp_path,
        check=True,
    )
    return Image.open(tmp_path / "page.png").convert("RGB")


def _red_share(image: Image.Image, box) -> float:
    pixels = list(image.crop(box).get_flattened_data())
    red = sum(1 for r, g, b in pixels if r > 180 and g < 90 and b < 90)
    return red / len(pixels)


def test_it_puts_the_seal_in_the_box_the_caller_gives(seal, one_page_pdf, tmp_path):
    signed = services.seal_pdf(one_page_pdf, seal=seal, reason="核发营业执照", task="test", page=0, box=BOX)

    field = PdfFileReader(BytesIO(signed)).embedded_regular_signatures[0].sig_field
    assert [float(v) for v in field["/Rect"]] == list(BOX)

    dpi = 150
    image = _render(signed, tmp_path, dpi)
    ARTIFACTS.mkdir(exist_ok=True)
    image.save(ARTIFACTS / "seal-appearance.png")
    scale = dpi / 72
    height = image.height
    x1, y1, x2, y2 = (round(v * scale) for v in BOX)
    inside = (x1, height - y2, x2, height - y1)  # image rows run top to bottom
    assert 0.10 < _red_share(image, inside) < 0.60  # ring, name, star and purpose, in seal red
    assert _red_share(image, (0, 0, image.width, height - y2 - 5)) == 0  # and nowhere above it


def test_it_defaults_to_the_lower_right_of_the_last_page(seal, one_page_pdf):
    signed = services.seal_pdf(one_page_pdf, seal=seal, reason="核发营业执照", task="test")

    x1, y1, x2, y2 = (float(v) for v in PdfFileReader(BytesIO(signed)).embedded_regular_signatures[0].sig_field["/Rect"])
    assert round(x2 - x1) == round(y2 - y1) == round(artwork.SIZE_PT)  # 40 mm
    assert round(595.28 - x2) == round(y1) == 57  # 20 mm from the edges


def test_it_refuses_a_page_the_document_does_not_have(seal, one_page_pdf):
    with pytest.raises(ValueError, match="no page 3"):
        services.seal_pdf(one_page_pdf, seal=seal, reason="核发营业执照", task="test", page=3)


def test_it_draws_every_character_of_the_name():
    image = artwork.draw_seal("葫芦岛市住房和城乡建设局", "电子证照专用章")

    assert image.label == "葫芦岛市住房和城乡建设局 电子证照专用章"
    assert sum(1 for seg in image.glyphs if seg[0] == "M") >= 19  # at least one outline per character


def test_it_refuses_a_character_the_font_lacks():
    with pytest.raises(artwork.SealArtworkError, match="no glyph"):
        artwork.draw_seal("市场\U000e0001局", "电子证照专用章")


def test_it_converts_a_templates_position_to_a_box():
    from seals.signing import box_from_top_left

    x1, y1, x2, y2 = box_from_top_left(left_mm=150, top_mm=230, size_mm=40)

    assert round(x1, 2) == round(150 * 72 / 25.4, 2) and round(x2 - x1, 2) == round(y2 - y1, 2) == 113.39
    assert round(y2, 2) == round((297 - 230) * 72 / 25.4, 2)
