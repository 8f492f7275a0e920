from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from portal import selectors
from portal.permissions import _roles

_HTMX = None

# (url name, label, roles that see it; None means everybody)
PUBLIC_NAV = [
    ("catalogue", _("Services")),
    ("track", _("Track an application")),
    ("verify", _("Verify a license")),
]
STAFF_NAV = [
    ("desk", _("Approval desk"), {"approver", "head"}),
    ("window", _("Window counter"), {"clerk"}),
    ("list_admin", _("Approval list"), {"list_admin"}),
    ("supervision_visits", _("Supervision"), {"supervisor"}),
    ("supervision_overdue", _("Overdue work"), {"supervisor"}),
    ("ratings_cases", _("Ratings and complaints"), {"approver", "head", "supervisor"}),
    ("accountability_cases", _("Accountability"), {"supervisor", "head"}),
    ("accountability_meetings", _("Feedback meetings"), {"supervisor"}),
    ("countdown", _("Countdown targets"), {"supervisor", "head"}),
    ("supervision_reports", _("Half-monthly reports"), {"supervisor", "head"}),
    ("staff_licenses", _("Licenses issued"), {"approver", "head"}),
    ("seal_list", _("Seals"), {"head", "supervisor"}),
    ("staff_calendar", _("Calendar"), {"list_admin", "supervisor"}),
    ("admin:index", _("Administration"), None),
]


def _link(name, label):
    try:
        return {"url": reverse(name), "label": label}
    except NoReverseMatch:  # the page arrives with a later app
        return None


def portal(request):
    global _HTMX
    if _HTMX is None:
        _HTMX = bool(finders.find("vendor/htmx/htmx.min.js"))
    user = getattr(request, "user", None)
    staff_nav = []
    if user is not None and user.is_authenticated:
        held = {role for role, _dep in _roles(user)}
        for name, label, roles in STAFF_NAV:
            allowed = user.is_staff if roles is None else bool(held & roles)
            link = _link(name, label) if allowed else None
            if link:
                staff_nav.append(link)
    return {
        "portal_nav": [link for link in (_link(n, label) for n, label in PUBLIC_NAV) if link],
        "staff_nav": staff_nav,
        "acting_as": selectors.acting_as(request) if user is not None else None,
        "htmx_available": _HTMX,
        "demo_mode": settings.DEMO_MODE,
    }
