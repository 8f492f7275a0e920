"""PDF rendering shared by receipts, notices and licenses.

WeasyPrint renders a Django template to A4. Text in Chinese uses the system's
Noto CJK fonts, embedded as subsets; Debian's libharfbuzz-subset0 makes that
subsetting fast (without it a CJK page takes seconds).
"""

import atexit
import datetime
import gc
import threading
from dataclasses import dataclass

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from portal.i18n import long_date_in

# The empty element a sealed document's template marks the seal's place with.
SEAL_ANCHOR = "seal-box"

MONTHS_EN = [
    "", "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]

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


# -- dates in both languages (bilingual documents print both, whatever the page's language) --------


@dataclass(frozen=True)
class BilingualDate:
    zh: str
    en: str


def zh_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def en_date(day: datetime.date) -> str:
    return f"{day.day} {MONTHS_EN[day.month]} {day.year}"


def bilingual_date(day: datetime.date | None) -> BilingualDate | None:
    """2026年12月3日 / 3 December 2026."""
    return BilingualDate(zh=zh_date(day), en=en_date(day)) if day else None


def bilingual_long_date(day: datetime.date | None) -> BilingualDate | None:
    """A date as people read it, with the weekday: 2026年12月3日（星期四） / Thursday 3 December 2026."""
    if day is None:
        return None
    return BilingualDate(zh=long_date_in(day, "zh-hans"), en=long_date_in(day, "en"))


def bilingual_time(moment: datetime.datetime | None) -> BilingualDate | None:
    if moment is None:
        return None
    local = timezone.localtime(moment)
    day = bilingual_long_date(local.date())
    return BilingualDate(zh=f"{day.zh} {local:%H:%M}", en=f"{day.en}, {local:%H:%M}")


# -- documents that are sealed -------------------------------------------------------------

_local = threading.local()


def _font_config():
    """One WeasyPrint font configuration per thread: the @font-face files are loaded once,
    not copied and registered with Fontconfig again for every document."""
    from weasyprint.text.fonts import FontConfiguration

    config = getattr(_local, "font_config", None)
    if config is None:
        config = _local.font_config = FontConfiguration()
    return config


@atexit.register
def forget_font_config() -> None:
    """Give up this thread's font configuration: at exit, and in a Celery pool child before it ends.

    WeasyPrint copies the @font-face files (8 MB of CJK fonts) into a temporary folder and
    removes it when the configuration is collected. Collected during shutdown, after its module's
    globals were gone, it could not: the folder stayed behind and a TypeError was printed.
    Another thread's configuration is collected after the thread ends, while everything is still
    there. A Celery pool child ends without atexit handlers: portal/celery.py calls this on
    worker_process_shutdown."""
    if vars(_local).pop("font_config", None) is not None:
        gc.collect()  # the configuration is part of a reference cycle


@dataclass(frozen=True)
class Rendered:
    """The PDF and where its template wants the seal: page index and (x1, y1, x2, y2) in PDF points."""

    pdf: bytes
    page: int
    box: tuple[float, float, float, float]


def seal_placement(document) -> tuple[int, tuple[float, float, float, float]]:
    """The page and rectangle of the template's #seal-box element, in PDF points from the lower left.

    WeasyPrint reports anchors in CSS pixels (1/96 in) from the page's top left."""
    pt = 0.75
    for index, page in enumerate(document.pages):
        anchor = page.anchors.get(SEAL_ANCHOR)
        if anchor:
            x1, y1, x2, y2 = anchor
            height = page.height * pt
            return index, (x1 * pt, height - y2 * pt, x2 * pt, height - y1 * pt)
    raise ValueError(f"the template has no #{SEAL_ANCHOR} element")


def render_html(html: str) -> Rendered:
    """Lay out a sealed document's HTML (its template marks #seal-box) and find the seal's place."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render(font_config=_font_config())
    page, box = seal_placement(document)
    return Rendered(pdf=document.write_pdf(), page=page, box=box)
