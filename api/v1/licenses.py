"""License verification by number: public, no token, limited per address.

It answers what the public /verify/<number>/ page shows, and nothing more:
the status on today's date, the type, the issuing department, the validity
and the holder's name masked. No identity number, no application.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from api.problems import NotFound, RateLimited
from licenses import documents, selectors
from portal import ratelimit

router = Router(tags=["licenses"])
RATE_WINDOW_SECONDS = 60


class NamedCode(Schema):
    code: str
    name_zh: str
    name_en: str


class LicenseStatusOut(Schema):
    number: str
    status: str = Field(description="valid, suspended, revoked or expired, on today's date in Asia/Shanghai.")
    status_label: str = Field(description="The status in the language asked for.")
    status_changed_at: datetime.datetime | None
    license_type: NamedCode
    issued_by: NamedCode
    holder: str = Field(description="The holder's name, partly hidden as on the public page.")
    valid_from: datetime.date
    valid_until: datetime.date | None = Field(description="Null: does not expire.")
    verify_url: str = Field(description="The public verification page (the QR code's target).")
    checked_at: datetime.datetime


@router.get(
    "/{number}/status",
    response=LicenseStatusOut,
    auth=None,
    url_name="license_status",
    summary="Verify a license by its number (public)",
)
def license_status(request, number: str, response: HttpResponse):
    if ratelimit.hit("api-license-verify", request, window=RATE_WINDOW_SECONDS) > settings.API_VERIFY_PER_MINUTE:
        raise RateLimited(RATE_WINDOW_SECONDS)
    license = selectors.license_by_number(number)
    if license is None:
        raise NotFound(_("No license with this number was issued here. Check the number and try again."))
    # A suspension or revocation shows at once: no cache keeps the old status.
    add_never_cache_headers(response)
    today = timezone.localdate()
    status_changed = license.status_changed_at if license.status_on(today) in ("suspended", "revoked") else None
    return {
        "number": license.number,
        "status": license.status_on(today),
        "status_label": str(license.status_label_on(today)),
        "status_changed_at": status_changed,
        "license_type": license.license_type,
        "issued_by": license.department,
        "holder": selectors.mask_name(license.holder_name, enterprise=license.holder_enterprise_id is not None),
        "valid_from": license.valid_from,
        "valid_until": license.valid_until,
        "verify_url": documents.verify_url(license.number),
        "checked_at": timezone.localtime(),
    }
