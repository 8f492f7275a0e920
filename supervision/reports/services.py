"""Writes of the half-monthly report (半月报): make, seal, archive and announce it.

A report is rendered from `report_figures`, sealed with the supervision
office's seal (so a printed copy verifies on /verify/), written to private
storage and recorded with its SHA-256. Nothing is ever overwritten: making
the report of a period again adds a new revision.
"""

from __future__ import annotations

import datetime
import hashlib
import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deadlines.periods import previous_half_month
from deadlines.selectors import is_working_day
from portal.notifications import notify
from services.models import Department
from supervision.reports import document
from supervision.reports.models import HalfMonthReport
from supervision.reports.selectors import OFFICE_CODE, READER_ROLES, report_figures
from supervision.services import half_month_period

logger = logging.getLogger(__name__)
TASK_NAME = "supervision.reports.tasks.make_due_report_task"
OFFICE_NAME_ZH = "市一网通办督查室"
OFFICE_NAME_EN = "OneGate Supervision Office"

NEWS_SUBJECT = _("Half-monthly report %(first)s to %(last)s")
NEWS_BODY = _("The half-monthly supervision report for %(first)s to %(last)s is ready. It is sealed and can be downloaded from the reports page.")


def supervision_office() -> Department:
    """The department whose seal signs the reports (created on first use).

    It is a supervision office, not a service department, so it shows in none of
    the lists of departments that people pick from or read about.
    """
    office, _created = Department.objects.get_or_create(
        code=OFFICE_CODE,
        defaults={"name_zh": OFFICE_NAME_ZH, "name_en": OFFICE_NAME_EN, "kind": Department.Kind.SUPERVISION},
    )
    return office


def office_seal():
    """The supervision office's official seal (公章) in use, issued on first use (a seal belongs to a department)."""
    from seals.models import Seal
    from seals.selectors import active_seal
    from seals.services import seal_issue

    office = supervision_office()
    seal = active_seal(department=office, purpose=Seal.Purpose.OFFICIAL)
    if seal is None:
        seal = seal_issue(department=office, purpose=Seal.Purpose.OFFICIAL)
    return seal


def due_period(today: datetime.date) -> tuple[datetime.date, datetime.date] | None:
    """The period whose report is due today: today is the first working day after its end."""
    if not is_working_day(today):
        return None
    first, last = previous_half_month(today)
    day = last + datetime.timedelta(days=1)
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return (first, last) if day == today else None


def report_make(*, first: datetime.date, last: datetime.date, at: datetime.datetime | None = None) -> HalfMonthReport:
    """Make, seal and archive the report of [first, last] as a new revision; tell its readers."""
    at = at or timezone.now()
    if (first, last) != half_month_period(first):
        raise ValidationError(_("A report covers a half month: the 1st to the 15th, or the 16th to the month's end."))
    if last >= timezone.localdate(at):
        raise ValidationError(_("A period can only be reported on after it has ended."))
    figures = report_figures(first, last)
    revision = (HalfMonthReport.objects.filter(first=first, last=last).aggregate(n=Max("revision"))["n"] or 0) + 1
    seal = office_seal()
    rendered = document.render(figures, revision=revision, issued_on=timezone.localdate(at))
    from seals.services import seal_pdf

    signed = seal_pdf(
        rendered.pdf,
        seal=seal,
        reason=f"半月报 {first.isoformat()}–{last.isoformat()} 第{revision}版",
        page=rendered.page,
        box=rendered.box,
        task=TASK_NAME,
        at=at,
    )
    sha256 = hashlib.sha256(signed).hexdigest()
    name = default_storage.save(
        f"supervision/reports/{first:%Y%m%d}-{last:%Y%m%d}-r{revision}-{sha256[:16]}.pdf", ContentFile(signed)
    )
    try:
        with transaction.atomic():
            report = HalfMonthReport.objects.create(
                first=first, last=last, revision=revision, figures=figures, file=name, sha256=sha256,
                seal=seal, created_at=at,
            )
    except IntegrityError:
        default_storage.delete(name)
        raise
    transaction.on_commit(lambda: _tell_readers(report))
    return report


def _readers():
    User = get_user_model()
    return User.objects.filter(staff_roles__role__in=READER_ROLES, is_active=True).distinct()


def _tell_readers(report: HalfMonthReport) -> None:
    words = {"first": report.first.isoformat(), "last": report.last.isoformat()}
    try:
        notify(
            recipients=list(_readers()),
            subject=NEWS_SUBJECT % words,
            body=NEWS_BODY % words,
            link=reverse("supervision_report_download", args=[report.pk]),
        )
    except Exception:  # the report is archived; a failed message must not undo it
        logger.exception("supervision: report %s was made, but its readers could not be told", report.pk)


def make_due_report(*, today: datetime.date, at: datetime.datetime | None = None) -> HalfMonthReport | None:
    """The daily run: make the report of the period that just ended, once (None: nothing due)."""
    period = due_period(today)
    if period is None or HalfMonthReport.objects.filter(first=period[0], last=period[1]).exists():
        return None
    try:
        return report_make(first=period[0], last=period[1], at=at)
    except IntegrityError:  # another run made it meanwhile (its file is kept, this one's removed)
        return None
