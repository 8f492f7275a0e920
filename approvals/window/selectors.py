"""Reads for the window counter: what a typed or scanned search means, and the
applicant's window applications and visits. Each runs a fixed number of
queries."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.models import Application, Visit
from approvals.workflow import State
from portal.identifiers import validate_credit_code, validate_resident_id
from portal.models import Enterprise, Person
from services.models import ItemVersion, ListVersion

# A tracking number anywhere in what was typed: a scanner reading the
# receipt's barcode types the number, one reading its QR code types the
# tracking URL, which carries the number.
TRACKING_RE = re.compile(r"[A-Z]{2,10}-\d{4}-\d{6}")


@dataclass
class Lookup:
    """What a search found. `kind`: application, person, enterprise, or problem."""

    kind: str
    application: Application | None = None
    person: Person | None = None
    enterprise: Enterprise | None = None
    resident_id: str = ""
    credit_code: str = ""
    tracking_number: str = ""
    problem: str = ""
    name: str = ""  # a name typed beside the number (张三 211402…), to prefill the registration form


def window_applications():
    """Window applications, with what the counter's pages show."""
    return Application.objects.filter(channel=Application.Channel.WINDOW).select_related(
        "item_version__item", "department", "applicant_person", "applicant_enterprise", "clerk", "clock"
    )


def visible_to_clerk(clerk):
    """Every submitted window application, and the window drafts this clerk started (never anyone else's drafts)."""
    return window_applications().filter(~Q(state=State.DRAFT) | Q(clerk=clerk))


# Anything that is not part of a number: Chinese characters, the middle dot of minority names,
# brackets of enterprise names ("葫芦岛海滨食品（有限）公司").
NAME_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff·•（）()]+(?:[\s·][\u3400-\u9fff]+)*")


def lookup(query: str, *, clerk) -> Lookup:
    """Find the application, person or enterprise a clerk typed or scanned.

    A name may be typed beside the number ("王小明 211402…" or "…有限公司 91211400…"): it is kept
    to prefill the registration form when nobody is registered with that number yet.
    """
    name = " ".join(NAME_RE.findall(query or "")).strip()
    text = "".join(NAME_RE.sub(" ", query or "").split()).upper()
    if not text:
        return Lookup("problem", problem=_("Type or scan a resident ID number, a credit code or a tracking number."))
    match = TRACKING_RE.search(text)
    if match:
        number = match.group(0)
        application = visible_to_clerk(clerk).filter(tracking_number=number).first()
        if application is None:
            return Lookup(
                "problem",
                tracking_number=number,
                problem=_("No window application has the tracking number %(number)s.") % {"number": number},
            )
        return Lookup("application", application=application, tracking_number=number)
    resident_problem = credit_problem = None
    try:
        resident_id = validate_resident_id(text)
    except ValidationError as exc:
        resident_id, resident_problem = "", exc.messages[0]
    try:
        credit_code = validate_credit_code(text)
    except ValidationError as exc:
        credit_code, credit_problem = "", exc.messages[0]
    if credit_code and (not resident_id or Enterprise.objects.filter(credit_code=credit_code).exists()):
        return Lookup(
            "enterprise",
            enterprise=Enterprise.objects.filter(credit_code=credit_code).first(),
            credit_code=credit_code,
            name=name,
        )
    if resident_id:
        return Lookup(
            "person", person=Person.objects.filter(resident_id=resident_id).first(), resident_id=resident_id, name=name
        )
    looks_like_resident_id = text[:17].isdigit()
    return Lookup(
        "problem",
        problem=_("This is not a resident ID number, a credit code or a tracking number: %(problem)s")
        % {"problem": resident_problem if looks_like_resident_id else credit_problem},
    )


def person_applications(person: Person, *, clerk) -> list[Application]:
    """The person's own window applications (not those for an enterprise)."""
    return list(
        visible_to_clerk(clerk)
        .filter(applicant_person=person, applicant_enterprise__isnull=True)
        .order_by("-created_at", "-id")[:50]
    )


def enterprise_applications(enterprise: Enterprise, *, clerk) -> list[Application]:
    return list(visible_to_clerk(clerk).filter(applicant_enterprise=enterprise).order_by("-created_at", "-id")[:50])


def clerk_today(clerk, *, today: datetime.date) -> dict:
    """The clerk's open window drafts, and what they submitted today."""
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    mine = window_applications().filter(clerk=clerk)
    return {
        "drafts": list(mine.filter(state=State.DRAFT).order_by("-updated_at")[:20]),
        "submitted": list(mine.filter(submitted_at__gte=start).order_by("-submitted_at")[:50]),
    }


def person_visits(person: Person) -> list[Visit]:
    return list(
        Visit.objects.filter(person=person)
        .select_related("application", "item_version__item", "clerk__person")
        .order_by("-at", "-id")[:50]
    )


def application_visits(application: Application) -> list[Visit]:
    return list(application.visits.select_related("person", "clerk__person").order_by("at", "id"))


def item_choices(*, at) -> list[tuple[str, str]]:
    """(code, name) of every item on the list in force, for the item picker."""
    current = ListVersion.objects.current(at=at)
    return [
        (version.item.code, version.name)
        for version in ItemVersion.objects.on_list(current).select_related("item").order_by("item__code")
    ]
