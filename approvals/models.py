from __future__ import annotations

import uuid
from datetime import date, datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.i18n import BilingualNameMixin

# -- the working-day calendar ---------------------------------------------------
#
# The table holds only the days that differ from "Monday to Friday work":
# holidays (with the weekend days inside a holiday range, so that the month
# grid can name them) and adjusted working days (调休). A year is official
# once its notice is in (a CalendarYear row). Provisional years are not
# stored: they are computed by rule when the calendar is built.


class CalendarSource(models.TextChoices):
    CHINESECALENDAR = "chinesecalendar", _("chinesecalendar package")
    HOLIDAYS = "holidays", _("holidays package")
    ADMIN = "admin", _("administrator")


PACKAGE_SOURCES = (CalendarSource.CHINESECALENDAR, CalendarSource.HOLIDAYS)


class CalendarYear(models.Model):
    """A year whose State Council holiday notice is in the calendar table: an official year."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=20, choices=CalendarSource.choices)
    notice = models.CharField(
        _("notice"),
        max_length=200,
        help_text=_("The State Council notice's reference, or the package and version it came from."),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["year"]
        verbose_name = _("official calendar year")
        verbose_name_plural = _("official calendar years")

    def __str__(self):
        return str(self.year)


class CalendarDay(BilingualNameMixin, models.Model):
    """A day that is not an ordinary weekday or weekend: a holiday or an adjusted working day."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    name_zh = models.CharField(_("name (Chinese)"), max_length=100, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=CalendarSource.choices)
    # The year whose notice set this day: a notice may make a late-December
    # weekend of the year before a working day.
    notice_year = models.PositiveSmallIntegerField(_("notice year"), db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self):
        return f"{self.date.isoformat()} {self.name}".strip()

    @property
    def is_adjusted_working_day(self) -> bool:
        return self.is_working_day and self.date.weekday() >= 5


class CalendarChange(models.Model):
    """One change to the calendar, by whom and why.

    Its token is the calendar's version: every process compares the latest
    token with the one its cached index was built from, so a change made
    anywhere invalidates every index.
    """

    class Kind(models.TextChoices):
        SYNC = "sync", _("seeded from the packages")
        NOTICE = "notice", _("notice entered")
        DAY = "day", _("single day edited")

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    years = models.JSONField(_("years"), default=list)
    summary = models.TextField(_("summary"))

    class Meta:
        ordering = ["-id"]
        verbose_name = _("calendar change")
        verbose_name_plural = _("calendar changes")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.summary}"


# -- deadlines ------------------------------------------------------------------


class ClockQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(state=Clock.State.CLOSED)

    def running(self):
        return self.filter(state=Clock.State.RUNNING)

    def paused(self):
        return self.filter(state=Clock.State.PAUSED)

    def provisional(self):
        return self.running().filter(provisional=True)

    def overdue(self, *, at: date):
        """Running clocks whose due date is before `at`."""
        return self.running().filter(due_on__lt=at)

    def due_soon(self, *, at: date, calendar=None):
        """Running clocks with at most one working day left on `at` (the due day itself included)."""
        from approvals.workdays import add_working_days

        return self.running().filter(due_on__gte=at, due_on__lte=add_working_days(at, 1, calendar=calendar))

    def touching_years(self, years):
        """Running clocks whose counting window (accepted_on, due_on] reaches into one of `years`."""
        years = list(years)
        return self.running().filter(
            accepted_on__lte=date(max(years), 12, 31), due_on__gte=date(min(years), 1, 1)
        )


class Clock(models.Model):
    """A deadline in working days, for whatever owns it (an application, later).

    The due date is cached in `due_on` and kept current by the services in
    `approvals.clocks`: on every start, pause, resume or extension, and when
    the calendar changes. While the clock is paused it has no due date. The
    SLA state depends on the day it is asked for, so it is computed
    (`sla_state(at=)`), not stored.
    """

    class State(models.TextChoices):
        RUNNING = "running", _("running")
        PAUSED = "paused", _("paused")
        CLOSED = "closed", _("closed")

    accepted_on = models.DateField(_("accepted on"))
    limit_days = models.PositiveSmallIntegerField(_("time limit (working days)"))
    extension_days = models.PositiveSmallIntegerField(_("extension (working days)"), default=0)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.RUNNING)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    provisional = models.BooleanField(
        _("provisional"),
        default=False,
        help_text=_("The due date falls in a year whose State Council holiday notice is not in yet."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = ClockQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["state", "due_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="paused", due_on__isnull=True) | ~Q(state="paused") & Q(due_on__isnull=False),
                name="clock_due_date_unless_paused",
            ),
            models.CheckConstraint(
                condition=Q(state="closed", closed_at__isnull=False) | ~Q(state="closed") & Q(closed_at__isnull=True),
                name="clock_closed_at_when_closed",
            ),
        ]
        verbose_name = _("deadline clock")
        verbose_name_plural = _("deadline clocks")

    def __str__(self):
        return f"{self.accepted_on.isoformat()} + {self.total_days} → {self.due_on or '—'}"

    @property
    def total_days(self) -> int:
        return self.limit_days + self.extension_days

    def closed_pauses(self) -> list[tuple[date, date]]:
        return [(p.paused_on, p.resumed_on) for p in self.pauses.all() if p.resumed_on is not None]

    def sla_state(self, *, at: date | datetime, calendar=None):
        """The SLA state on day `at`; None while paused. A closed clock is judged on its closing day."""
        from approvals.workdays import SLA, sla_state

        if isinstance(at, datetime):
            at = timezone.localdate(at)
        if self.state == self.State.PAUSED:
            return None
        if self.state == self.State.CLOSED:
            return SLA.OVERDUE if timezone.localdate(self.closed_at) > self.due_on else SLA.ON_TIME
        return sla_state(self.due_on, at=at, calendar=calendar)


class ClockPause(models.Model):
    """A stretch when the clock does not run: working days in (paused_on, resumed_on] do not count."""

    class Reason(models.TextChoices):
        CORRECTION = "correction", _("correction requested")
        SUSPENSION = "suspension", _("suspended for a special procedure")

    clock = models.ForeignKey(Clock, on_delete=models.CASCADE, related_name="pauses")
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    paused_on = models.DateField(_("paused on"))
    resumed_on = models.DateField(_("resumed on"), null=True, blank=True)

    class Meta:
        ordering = ["paused_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(resumed_on__isnull=True) | Q(resumed_on__gte=models.F("paused_on")),
                name="clock_pause_resumes_after_it_starts",
            ),
            models.UniqueConstraint(
                fields=["clock"], condition=Q(resumed_on__isnull=True), name="one_open_pause_per_clock"
            ),
        ]
        verbose_name = _("clock pause")
        verbose_name_plural = _("clock pauses")

    def __str__(self):
        return f"{self.get_reason_display()} {self.paused_on.isoformat()}–{self.resumed_on or ''}"


class ClockEvent(models.Model):
    """One step in a clock's life, for the applicant's timeline and the audit."""

    class Kind(models.TextChoices):
        STARTED = "started", _("clock started")
        PAUSED = "paused", _("clock paused")
        RESUMED = "resumed", _("clock resumed")
        EXTENDED = "extended", _("time limit extended")
        MOVED = "moved", _("due date moved by a calendar change")
        CONFIRMED = "confirmed", _("due date confirmed by the State Council notice")
        CLOSED = "closed", _("clock stopped")

    clock = models.ForeignKey(Clock, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("event"), max_length=12, choices=Kind.choices)
    at = models.DateTimeField(_("time"))
    old_due_on = models.DateField(_("previous due date"), null=True, blank=True)
    new_due_on = models.DateField(_("new due date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("clock event")
        verbose_name_plural = _("clock events")

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


# -- applications ------------------------------------------------------------------
#
# An application is bound to the item version (the terms) it was started under.
# Its state changes only through approvals.services, following the table in
# approvals.workflow; each change appends an ApplicationEvent.


def _query_code() -> str:
    import secrets

    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: it is read aloud and typed
    return "".join(secrets.choice(alphabet) for _ in range(8))


class TrackingCounter(models.Model):
    """The last tracking-number sequence issued in a year (rows are locked to take the next one)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class ApplicationQuerySet(models.QuerySet):
    def for_department(self, department_ids):
        if isinstance(department_ids, int):
            department_ids = [department_ids]
        return self.filter(department_id__in=department_ids)

    def open(self):
        from approvals.workflow import OPEN_STATES

        return self.filter(state__in=OPEN_STATES)

    def submitted(self):
        return self.exclude(state="draft")

    def visible_to_applicant(self, user):
        """What a signed-in person may see as the applicant: their own, and their enterprises'."""
        return self.filter(
            Q(applicant_person__user=user, applicant_enterprise__isnull=True)
            | Q(applicant_enterprise__memberships__user=user)
        ).distinct()

    def for_desk(self):
        return self.select_related("item_version", "applicant_person", "applicant_enterprise", "assignee")


class Application(models.Model):
    class Channel(models.TextChoices):
        ONLINE = "online", _("online")
        WINDOW = "window", _("window")

    class Delivery(models.TextChoices):
        ELECTRONIC = "electronic", _("electronically (license wallet and email)")
        POST = "post", _("by post")

    from approvals.workflow import State  # noqa: E402  (the choices live with the workflow)

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tracking_number = models.CharField(_("tracking number"), max_length=24, unique=True, null=True, blank=True)
    query_code = models.CharField(_("query code"), max_length=8, default=_query_code, editable=False)

    item_version = models.ForeignKey(
        "services.ItemVersion", on_delete=models.PROTECT, related_name="applications", verbose_name=_("item")
    )
    department = models.ForeignKey(
        "services.Department", on_delete=models.PROTECT, related_name="applications", verbose_name=_("department")
    )
    applicant_person = models.ForeignKey(
        "portal.Person", on_delete=models.PROTECT, related_name="applications", verbose_name=_("applicant")
    )
    applicant_enterprise = models.ForeignKey(
        "portal.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("enterprise"),
        help_text=_("Set when the person applies for an enterprise they act for."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications_created"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.ONLINE)
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="window_applications",
        verbose_name=_("window clerk"),
    )
    state = models.CharField(_("state"), max_length=24, choices=State.choices, default=State.DRAFT, db_index=True)
    resume_state = models.CharField(max_length=24, choices=State.choices, blank=True)
    form_data = models.JSONField(_("form"), default=dict, blank=True)
    delivery = models.CharField(
        _("delivery of the result"), max_length=12, choices=Delivery.choices, default=Delivery.ELECTRONIC
    )
    delivery_address = models.CharField(_("postal address"), max_length=300, blank=True)
    declaration_at = models.DateTimeField(_("declaration accepted"), null=True, blank=True)

    clock = models.OneToOneField(
        "approvals.Clock", on_delete=models.PROTECT, null=True, blank=True, related_name="application"
    )
    # Copied from the clock so that the desk can filter and sort on one table.
    due_on = models.DateField(_("due on"), null=True, blank=True)
    due_provisional = models.BooleanField(default=False)
    extended = models.BooleanField(_("extended"), default=False)
    sla = models.CharField(_("time limit"), max_length=10, blank=True, db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_applications",
        verbose_name=_("approver"),
    )

    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The desk reads each state's page in (due_on, id) order from this index alone.
            models.Index(fields=["department", "state", "due_on", "id"], name="app_desk_idx"),
            # The desk filtered by item: its counts and pages without visiting the table.
            models.Index(fields=["department", "item_version", "state", "due_on"], name="app_desk_item_idx"),
            models.Index(fields=["department", "sla", "due_on"], name="app_desk_sla_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state="draft") | Q(tracking_number__isnull=False),
                name="application_tracked_once_submitted",
            ),
            models.CheckConstraint(
                condition=~Q(channel="window") | Q(clerk__isnull=False),
                name="application_window_has_clerk",
            ),
            models.CheckConstraint(
                condition=~Q(delivery="post") | ~Q(delivery_address=""),
                name="application_post_has_address",
            ),
        ]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self):
        return self.tracking_number or f"draft {self.uid}"

    @property
    def applicant_name(self) -> str:
        return self.applicant_enterprise.name if self.applicant_enterprise_id else self.applicant_person.real_name

    @property
    def is_open(self) -> bool:
        from approvals.workflow import OPEN_STATES

        return self.state in OPEN_STATES


def material_upload_to(instance, filename):
    return f"applications/{instance.application.uid}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A file given for one required material (or as "other" when material is empty)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    material = models.ForeignKey(
        "services.Material", on_delete=models.PROTECT, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(upload_to=material_upload_to)
    original_name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(max_length=10)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name


class ApplicationEvent(models.Model):
    """One step in an application's life: the applicant's timeline and the audit trail."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=24)
    from_state = models.CharField(_("from"), max_length=24, blank=True)
    to_state = models.CharField(_("to"), max_length=24)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("application event")
        verbose_name_plural = _("application events")

    def __str__(self):
        return f"{self.application} {self.action} {self.at:%Y-%m-%d %H:%M}"

    @property
    def correction_items(self) -> list:
        """The one-time notice's items, for a correction request (a template reading
        `data.items` would get the dict's items() method for other events)."""
        return (self.data or {}).get("items") or []

    @property
    def action_label(self):
        from approvals.workflow import Action

        return Action(self.action).label if self.action in Action.values else self.action


class CorrectionNotice(models.Model):
    """The one-time notice (一次性告知): every missing or faulty item at once."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="corrections")
    items = models.JSONField(_("items"), help_text=_("[{material, name, problem, remedy}]"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("correction notice")
        verbose_name_plural = _("correction notices")


class Escalation(models.Model):
    """Work that ran late was brought to someone's attention: once per level and due date."""

    class Level(models.TextChoices):
        APPROVER = "approver", _("approver")
        HEAD = "head", _("department head")
        SUPERVISION = "supervision", _("supervision")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="escalations")
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    sla = models.CharField(_("time limit"), max_length=10)
    due_on = models.DateField(_("due on"))
    at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["-at"]
        constraints = [
            models.UniqueConstraint(fields=["application", "level", "due_on"], name="one_escalation_per_level_and_due_date")
        ]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")


class Visit(models.Model):
    """One in-person visit to the comprehensive window (the "run at most once" ledger).

    A visit beyond what the item allows is recorded as a violation, with the
    clerk's reason, and counted by supervision per department and per item.
    """

    class Purpose(models.TextChoices):
        SUBMIT = "submit", _("submit an application")
        CORRECTION = "correction", _("bring corrections")
        CONSULT = "consult", _("ask for advice")
        OTHER = "other", _("other")

    person = models.ForeignKey("portal.Person", on_delete=models.PROTECT, related_name="visits")
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, null=True, blank=True, related_name="visits"
    )
    item_version = models.ForeignKey(
        "services.ItemVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="visits"
    )
    department = models.ForeignKey(
        "services.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="visits"
    )
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices)
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"))
    number = models.PositiveSmallIntegerField(_("visit number"), help_text=_("The how-many-th visit for this application."))
    allowed = models.PositiveSmallIntegerField(_("visits allowed"))
    violation = models.BooleanField(_("run-at-most-once violation"), default=False, db_index=True)
    reason = models.TextField(_("reason for the extra visit"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(violation=False) | ~Q(reason=""), name="visit_violation_has_reason"
            ),
        ]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")

    def __str__(self):
        return f"{self.person} {self.at:%Y-%m-%d %H:%M} ({self.get_purpose_display()})"
