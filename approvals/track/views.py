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

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from approvals.track.forms import TrackForm, normalise_tracking_number
from approvals.track.selectors import bundle_tracking_status, tracked_application, tracked_bundle, tracking_status
from portal import ratelimit

TRACK_FAILURES_ALLOWED = 10
TRACK_WINDOW_SECONDS = 10 * 60

NOT_FOUND = _(
    "We could not find an application with this tracking number and query code. Check both and try again: "
    "they are in the message we sent when the application was submitted."
)


# -- the rate limit ---------------------------------------------------------------------


def _blocked(request) -> bool:
    # The query code is a secret: with the cache down, look-ups are refused rather than left unlimited.
    return ratelimit.exceeded("track", request, limit=TRACK_FAILURES_ALLOWED, fail_open=False)


def _count_failure(request) -> None:
    """One more failed look-up; the window starts with the first failure and lasts TRACK_WINDOW_SECONDS."""
    ratelimit.hit("track", request, window=TRACK_WINDOW_SECONDS, fail_open=False)


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
    number, code = form.cleaned_data["tracking_number"], form.cleaned_data["query_code"]
    application = tracked_application(number, code)
    # A bundle's number is from the same sequence: both look-ups run for every number.
    bundle = tracked_bundle(number, code)
    if bundle is not None and application is None:
        status = bundle_tracking_status(bundle, today=timezone.localdate())
        return render(request, "approvals/track/bundle_status.html", {"status": status, "bundle": bundle})
    if application is None:
        _count_failure(request)
        form.add_error(None, NOT_FOUND)
        return render(request, template, {"form": form})
    status = tracking_status(application, today=timezone.localdate())
    return render(request, "approvals/track/status.html", {"status": status, "application": application})
