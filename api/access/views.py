from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from api.access import selectors
from portal.i18n import long_date

PER_PAGE = 25


def complaint_link(entry) -> str:
    """The complaint form, filled in about the department that made this read, naming the entry."""
    local = timezone.localtime(entry.accessed_at)
    details = {
        "date": long_date(local.date()),
        "time": f"{local:%H:%M}",
        "department": entry.department.name,
        "purpose": entry.purpose.name,
        "reference": entry.reference,
        "seq": entry.seq,
        "enterprise": entry.subject_label,
    }
    if entry.subject_label:
        text = _(
            "On %(date)s at %(time)s, %(department)s read the data of %(enterprise)s through the data-sharing "
            "API (purpose: %(purpose)s; case number: %(reference)s; access log entry %(seq)s). I did not expect this."
        ) % details
    else:
        text = _(
            "On %(date)s at %(time)s, %(department)s read my data through the data-sharing API "
            "(purpose: %(purpose)s; case number: %(reference)s; access log entry %(seq)s). I did not expect this."
        ) % details
    query = urlencode({"about": "department", "department": entry.department_id, "text": text})
    return f"{reverse('complaints_new')}?{query}"


@login_required
@require_GET
def mine(request):
    page = Paginator(selectors.access_for(request.user), PER_PAGE).get_page(request.GET.get("page"))
    for entry in page.object_list:
        entry.local_at = timezone.localtime(entry.accessed_at)
        entry.day = long_date(entry.local_at.date())
        entry.complaint_url = complaint_link(entry)
    return render(request, "api/access/mine.html", {"page": page})
