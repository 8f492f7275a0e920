"""Public tracking at /track/: a tracking number and its query code give the
status and the timeline of an application, without personal data.

Tracking numbers are sequential, so the query code (8 characters from a
32-character alphabet, about 40 bits) is the secret. The page therefore:

- takes the pair by POST (CSRF-protected) and renders the result directly, so
  the code never appears in a URL, a log line or the browser history, and
  never echoes the code back into the form;
- gives one generic answer, with the same status and the same work (one
  indexed look-up by number, one constant-time comparison, against a dummy
  code when the number is unknown), for an unknown number, a wrong code and
  anything that is not a tracking number (a draft has none);
- counts failed look-ups per client address and answers 429 once there were
  TRACK_FAILURES_ALLOWED of them within TRACK_WINDOW_SECONDS. The counter is
  in the cache (Redis in production); successful look-ups do not count, so a
  citizen checking their own application is never locked out by it.

What it shows: the item, the department, the state in plain words, the
submitted / accepted / decided dates, the due date with its provisional mark
and the working days left, and the timeline as action labels and times. It
never shows who acted, notes or reasons (staff write them freely and they may
name people), the form, the attachments, the delivery address or the
applicant. From a correction notice it names only the catalogue materials
asked for; free-text items are counted, not shown.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from datetime import date, datetime

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from deadlines.selectors import stored_calendar
from approvals.models import Application, CorrectionNotice
from deadlines.workdays import CalendarUnavailable
from approvals.workflow import CLOCKED_STATES, State
from portal import ratelimit
from services.models import Material

TRACK_FAILURES_ALLOWED = 10
TRACK_WINDOW_SECONDS = 10 * 60

# Compared against when the number is unknown: never a real code (the
# alphabet has no "0"), and as long as one.
_DUMMY_CODE = b"00000000"

NOT_FOUND = _(
    "We could not find an application with this tracking number and query code. Check both and try again: "
    "they are in the message we sent when the application was submitted."
)

# The state in plain words, for anyone holding the query code.
PLAIN_STATE = {
    State.SUBMITTED: _("Received. The department has not accepted it yet."),
    State.ACCEPTED: _("Accepted. The department is working on it."),
    State.IN_REVIEW: _("Being reviewed by the department."),
    State.CORRECTION: _(
        "Waiting for corrections from the applicant. The time limit is stopped until they are resubmitted."
    ),
    State.SUSPENDED: _(
        "Paused for a special procedure, such as an expert review or a public notice. "
        "The time limit is stopped meanwhile."
    ),
    State.APPROVED: _("Approved."),
    State.DENIED: _("Denied."),
    State.NOT_ACCEPTED: _("Not accepted."),
    State.WITHDRAWN: _("Withdrawn by the applicant."),
}


class _SecretInput(forms.TextInput):
    """A visible text box that never writes the typed value back into the page."""

    def format_value(self, value):
        return None


def normalise_tracking_number(value: str) -> str:
    """As typed, scanned or read from a QR code: spaces dropped, upper case."""
    return re.sub(r"\s+", "", value).upper()


class TrackForm(forms.Form):
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=64,
        help_text=_("For example HLD-2026-000123."),
        error_messages={"required": _("Enter the tracking number.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )
    query_code = forms.CharField(
        label=_("Query code"),
        max_length=64,
        help_text=_("8 letters and digits, in the message we sent when the application was submitted."),
        error_messages={"required": _("Enter the query code.")},
        widget=_SecretInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )

    def clean_tracking_number(self) -> str:
        return normalise_tracking_number(self.cleaned_data["tracking_number"])

    def clean_query_code(self) -> str:
        return re.sub(r"[\s-]+", "", self.cleaned_data["query_code"]).upper()


def tracked_application(number: str, code: str) -> Application | None:
    """The submitted application with this tracking number and query code, or None.

    Does the same work whether the number exists or not: one look-up and one
    constant-time comparison.
    """
    row = (
        Application.objects.submitted()
        .filter(tracking_number=number)
        .values_list("pk", "query_code")
        .first()
    )
    pk, real = row if row is not None else (None, "")
    matches = hmac.compare_digest(real.encode() if pk else _DUMMY_CODE, code.encode())
    if pk is None or not matches:
        return None
    return Application.objects.select_related("item_version", "department").get(pk=pk)


# -- what the page shows -------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    label: str
    at: datetime


@dataclass(frozen=True)
class Corrections:
    materials: list[str]  # catalogue names of the materials asked for
    others: int  # items typed in by the department, not shown here


@dataclass(frozen=True)
class Status:
    application: Application
    plain_state: str
    timeline: list[Step]
    working_days_left: int | None
    corrections: Corrections | None


def tracking_status(application: Application, *, today: date) -> Status:
    timeline = [Step(event.action_label, event.at) for event in application.events.order_by("at", "id")]
    return Status(
        application=application,
        plain_state=PLAIN_STATE.get(application.state, ""),
        timeline=timeline,
        working_days_left=_working_days_left(application, today=today),
        corrections=_open_corrections(application),
    )


def _working_days_left(application: Application, *, today: date) -> int | None:
    if application.state not in CLOCKED_STATES or application.due_on is None or application.due_on < today:
        return None
    try:
        return stored_calendar(today=today).working_days_between(today, application.due_on)
    except CalendarUnavailable:
        return None


def _open_corrections(application: Application) -> Corrections | None:
    if application.state != State.CORRECTION:
        return None
    notice = CorrectionNotice.objects.filter(application=application, resolved_at__isnull=True).first()
    if notice is None:
        return None
    material_ids = [item.get("material") for item in notice.items if item.get("material")]
    names = {
        m.pk: m.name
        for m in Material.objects.filter(pk__in=material_ids, item_version_id=application.item_version_id)
    }
    listed = [names[pk] for pk in dict.fromkeys(material_ids) if pk in names]
    others = sum(1 for item in notice.items if item.get("material") not in names)
    return Corrections(materials=listed, others=others)


# -- the rate limit ---------------------------------------------------------------------


def _blocked(request) -> bool:
    return ratelimit.exceeded("track", request, limit=TRACK_FAILURES_ALLOWED)


def _count_failure(request) -> None:
    """One more failed look-up; the window starts with the first failure and lasts TRACK_WINDOW_SECONDS."""
    ratelimit.hit("track", request, window=TRACK_WINDOW_SECONDS)


# -- the view -------------------------------------------------------------------------------


def _form_from_receipt(request) -> TrackForm:
    """The receipt's QR code opens /track/?number=…: the number is filled in, the code is asked for."""
    number = normalise_tracking_number(request.GET.get("number", ""))[:64]
    form = TrackForm(initial={"tracking_number": number} if number else None)
    if number:
        form.fields["query_code"].widget.attrs["autofocus"] = True
    return form


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    template = "approvals/track/track.html"
    if request.method == "GET":
        return render(request, template, {"form": _form_from_receipt(request)})
    if _blocked(request):
        return render(request, template, {"form": TrackForm(), "rate_limited": True}, status=429)
    form = TrackForm(request.POST)
    if not form.is_valid():
        return render(request, template, {"form": form})
    application = tracked_application(form.cleaned_data["tracking_number"], form.cleaned_data["query_code"])
    if application is None:
        _count_failure(request)
        form.add_error(None, NOT_FOUND)
        return render(request, template, {"form": form})
    status = tracking_status(application, today=timezone.localdate())
    return render(request, "approvals/track/status.html", {"status": status, "application": application})
