"""The license PDF: templates, what they print, and rendering.

Each template is an A4 WeasyPrint page in Chinese and English with the
embedded CJK faces of `licenses.fonts`. The text flows, so long answers never
overlap anything; the template marks where the seal goes with an empty
`#seal-box` element in the issuer's block, and `render` reads that element's
page and rectangle from the laid-out document. `seal_pdf` then presses the
department's seal exactly there, over the issuer's name and date, as a seal
is pressed on paper.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from portal import fonts
from portal.identifiers import mask_identifier
from portal import pdf
from portal.pdf import SANS, SERIF, bilingual_date, en_date, qr_svg, zh_date

@dataclass(frozen=True)
class DocumentTemplate:
    template_name: str
    seal_size_mm: float = 40.0


TEMPLATES: dict[str, DocumentTemplate] = {
    "business_license": DocumentTemplate("licenses/pdf/business_license.html"),
    "construction_permit": DocumentTemplate("licenses/pdf/construction_permit.html"),
    "approval_letter": DocumentTemplate("licenses/pdf/approval_letter.html"),
    "generic": DocumentTemplate("licenses/pdf/generic.html"),
}


def template_for(license_type) -> DocumentTemplate:
    return TEMPLATES.get(license_type.template) or TEMPLATES["generic"]


def verify_url(number: str) -> str:
    return settings.SITE_URL + reverse("license_verify", args=[number])


# -- what is printed ---------------------------------------------------------------

MASKED_TYPES = {"resident_id", "credit_code"}


def _value(field, raw) -> dict | None:
    """One answer as {zh, en} text, identifiers masked, choices and dates spelled out."""
    if raw in (None, "", [], False) and getattr(field, "type", "") != "checkbox":
        return None
    kind = getattr(field, "type", "text")
    if kind in MASKED_TYPES:
        text = mask_identifier(str(raw))
        return {"zh": text, "en": ""}
    if kind == "choice":
        for value, zh, en in field.parsed_choices():
            if value == raw:
                return {"zh": zh, "en": en if en != zh else ""}
        return {"zh": str(raw), "en": ""}
    if kind == "date":
        try:
            day = datetime.date.fromisoformat(str(raw))
        except ValueError:
            return {"zh": str(raw), "en": ""}
        return {"zh": zh_date(day), "en": en_date(day)}
    if kind == "checkbox":
        return {"zh": "是", "en": "Yes"} if raw else {"zh": "否", "en": "No"}
    return {"zh": str(raw), "en": ""}


def printed_rows(license) -> list[dict]:
    """The application's answers the license type prints (all of them when it names none)."""
    application = license.application
    fields = {f.key: f for f in application.item_version.fields.all()}
    wanted = license.license_type.printed_fields or [{"key": key} for key in fields]
    rows = []
    for entry in wanted:
        key = entry.get("key")
        field = fields.get(key)
        value = _value(field, (application.form_data or {}).get(key))
        if value is None:
            continue
        rows.append(
            {
                "key": key,
                "label_zh": entry.get("label_zh") or (field.label_zh if field else key),
                "label_en": entry.get("label_en") or (field.label_en if field else ""),
                "value": value,
                "long": len(value["zh"]) > 60,
            }
        )
    return rows


def context_for(license, *, revision: int) -> dict:
    document = template_for(license.license_type)
    application = license.application
    version = application.item_version
    url = verify_url(license.number)
    return {
        "license": license,
        "revision": revision,
        "type": license.license_type,
        "department": license.department,
        "item": version,
        "item_code": version.item.code if version.item_id else "",
        "holder_is_enterprise": license.holder_enterprise_id is not None,
        "rows": printed_rows(license),
        "valid_from": bilingual_date(license.valid_from),
        "valid_until": bilingual_date(license.valid_until),
        "issued_on": bilingual_date(license.valid_from),
        "verify_url": url,
        "site_url": settings.SITE_URL,
        "qr": qr_svg(url, scale=3, border=0),
        "seal_size": int(document.seal_size_mm),
        "font_faces": fonts.font_faces_css(),
        "font_sans": '"OneGate Sans", ' + SANS,
        "font_serif": '"OneGate Serif", ' + SERIF,
    }


def html_for(license, *, revision: int) -> str:
    return render_to_string(template_for(license.license_type).template_name, context_for(license, revision=revision))


# -- rendering -------------------------------------------------------------------------


def render(license, *, revision: int) -> pdf.Rendered:
    return pdf.render_html(html_for(license, revision=revision))
