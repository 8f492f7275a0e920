"""PDF rendering shared by receipts, notices and licenses.

WeasyPrint renders a Django template to A4. Text in Chinese uses the system's
Noto CJK fonts, embedded as subsets; Debian's libharfbuzz-subset0 makes that
subsetting fast (without it a CJK page takes seconds).
"""

import segno
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

# Font stacks for templates; the fonts come from Debian's fonts-noto-cjk.
SANS = '"Noto Sans CJK SC", "Noto Sans SC", sans-serif'
SERIF = '"Noto Serif CJK SC", "Noto Serif SC", serif'


def qr_svg(data: str, *, scale: int = 3, border: int = 2) -> str:
    """A vector QR code (segno), inline SVG markup ready for a template."""
    qr = segno.make(data, error="m")
    svg = qr.svg_inline(scale=scale, border=border, dark="#000", light="#fff", omitsize=False)
    return mark_safe(svg)


def render_pdf(template_name: str, context: dict, *, base_url: str | None = None) -> bytes:
    from weasyprint import HTML

    html = render_to_string(template_name, {"font_sans": SANS, "font_serif": SERIF, **context})
    return HTML(string=html, base_url=base_url).write_pdf()
