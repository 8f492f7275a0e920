"""The half-monthly report's PDF: an A4 WeasyPrint document, Chinese first with English,
with SVG bar charts drawn on the server and an empty #seal-box where the seal goes
(rendered by `portal.pdf.render_html`, which finds that box)."""

from __future__ import annotations

import datetime

from django.template.loader import render_to_string

from portal import fonts
from portal.pdf import Rendered, bilingual_date, render_html
from portal.pdf import SANS, SERIF

TEMPLATE = "supervision/reports/pdf/report.html"
BAR_WIDTH = 300  # the length of a 100 % bar, in SVG units
BAR_HEIGHT = 14
LABEL_WIDTH = 170


def bar_chart(rows: list[dict], key: str) -> dict:
    """Horizontal bars of a percentage per department; a missing value draws no bar and reads "—"."""
    bars = []
    for index, row in enumerate(rows):
        value = row.get(key)
        bars.append(
            {
                "label": row["name_zh"],
                "y": index * (BAR_HEIGHT + 6),
                "width": round(BAR_WIDTH * float(value) / 100, 1) if value is not None else 0,
                "text": f"{value}%" if value is not None else "—",
            }
        )
    return {
        "bars": bars,
        "label_width": LABEL_WIDTH,
        "width": LABEL_WIDTH + BAR_WIDTH + 60,
        "height": max(len(rows), 1) * (BAR_HEIGHT + 6),
        "bar_height": BAR_HEIGHT,
        "text_x": LABEL_WIDTH + BAR_WIDTH + 6,
        "full": BAR_WIDTH,
    }


def context_for(figures: dict, *, revision: int, issued_on: datetime.date) -> dict:
    rows = figures["departments"]
    return {
        "figures": figures,
        "rows": rows,
        "city": figures["city"],
        "countdown": figures["countdown"],
        "first": bilingual_date(datetime.date.fromisoformat(figures["first"])),
        "last": bilingual_date(datetime.date.fromisoformat(figures["last"])),
        "issued_on": bilingual_date(issued_on),
        "revision": revision,
        "on_time_chart": bar_chart(rows, "on_time_rate"),
        "satisfaction_chart": bar_chart(rows, "satisfaction"),
        "font_faces": fonts.font_faces_css(),
        "font_sans": '"OneGate Sans", ' + SANS,
        "font_serif": '"OneGate Serif", ' + SERIF,
    }


def render(figures: dict, *, revision: int, issued_on: datetime.date) -> Rendered:
    return render_html(render_to_string(TEMPLATE, context_for(figures, revision=revision, issued_on=issued_on)))
