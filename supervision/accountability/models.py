"""Models of supervision's accountability (registered through supervision/models.py):
accountability cases (问责) with their events, public notices (通报) and
supervisory feedback meetings (督查反馈会) with their actions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.i18n import BilingualNameMixin, prefers_chinese
from supervision.accountability.workflow import Action, Decision, State

__all__ = [
    "AccountabilityCase", "AccountabilityEvent", "AccountabilityNotice", "FeedbackMeeting", "FeedbackAction",
]


class CaseSource(models.TextChoices):
    EVIDENCE = "evidence", _("a supervisor's evidence")
    OVERDUE = "overdue", _("overdue application")
    VISIT = "visit", _("run at most once violation")
    RATING = "rating", _("bad rating case past its limit")
    COUNTDOWN = "countdown", _("missed countdown node")


class AccountabilityCaseQuerySet(models.QuerySet):
    def for_department(self, department):
        return self.filter(department=department)

    def opened(self):
        return self.filter(opened_at__isnull=False)

    def with_list_data(self):
        return self.select_related("department")


class AccountabilityCase(models.Model):
    """An accountability case about one department's conduct."""

    number = models.CharField(_("case number"), max_length=20, unique=True)
    department = models.ForeignKey("services.Department", on_delete=models.PROTECT, related_name="accountability_cases")
    source = models.CharField(_("source"), max_length=12, choices=CaseSource.choices)
    # A stable id of the fact that proposed the case: one fact, at most one case.
    source_key = models.CharField(max_length=200, blank=True)
    facts_zh = models.TextField(_("facts (Chinese)"))
    facts_en = models.TextField(_("facts (English)"), blank=True)
    evidence = models.JSONField(_("evidence links"), default=list, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PROPOSED)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    created_at = models.DateTimeField(_("created"))
    # When a supervisor opened it: from then on the department sees it.
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"))

    objects = AccountabilityCaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_key"], condition=~Q(source_key=""), name="accountability_one_case_per_fact"
            ),
            models.CheckConstraint(
                condition=Q(decision="") | Q(state__in=[State.DECIDED, State.CLOSED]),
                name="accountability_decision_only_when_decided",
            ),
        ]
        verbose_name = _("accountability case")
        verbose_name_plural = _("accountability cases")

    def __str__(self):
        return self.number

    @property
    def facts(self) -> str:
        if prefers_chinese():
            return self.facts_zh or self.facts_en
        return self.facts_en or self.facts_zh


class AccountabilityEvent(models.Model):
    case = models.ForeignKey(AccountabilityCase, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("step"), max_length=10, choices=Action.choices)
    from_state = models.CharField(max_length=10, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=10, choices=State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    evidence = models.JSONField(_("evidence links"), default=list, blank=True)
    at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")


class AccountabilityNotice(BilingualNameMixin, models.Model):
    """A public notice of criticism (通报批评): the department and the facts, never an applicant's data."""

    case = models.OneToOneField(AccountabilityCase, on_delete=models.PROTECT, related_name="notice")
    number = models.CharField(_("notice number"), max_length=20, unique=True)
    department = models.ForeignKey("services.Department", on_delete=models.PROTECT, related_name="+")
    name_zh = models.CharField(_("title (Chinese)"), max_length=200)
    name_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    text_zh = models.TextField(_("public text (Chinese)"))
    text_en = models.TextField(_("public text (English)"), blank=True)
    published_at = models.DateTimeField(_("published"))

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self):
        return self.number

    @property
    def text(self) -> str:
        if prefers_chinese():
            return self.text_zh or self.text_en
        return self.text_en or self.text_zh


class FeedbackMeeting(models.Model):
    """A supervisory feedback meeting (督查反馈会)."""

    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    attendees = models.TextField(_("attendees"))
    reports = models.TextField(_("reports discussed"), blank=True)
    cases = models.ManyToManyField(
        AccountabilityCase, blank=True, related_name="meetings", verbose_name=_("cases discussed")
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded"))

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("feedback meeting")
        verbose_name_plural = _("feedback meetings")

    def __str__(self):
        return self.title


class FeedbackActionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done_at__isnull=True)

    def late(self, *, today):
        return self.open().filter(due_on__lt=today)


class FeedbackAction(models.Model):
    """A decision of a meeting: something its owner does by a working-day due date."""

    meeting = models.ForeignKey(FeedbackMeeting, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField(_("decision"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_actions")
    due_on = models.DateField(_("due date"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_note = models.TextField(_("what was done"), blank=True)
    late_notified_at = models.DateTimeField(null=True, blank=True)

    objects = FeedbackActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("meeting action")
        verbose_name_plural = _("meeting actions")

    def is_late(self, today) -> bool:
        return self.done_at is None and self.due_on < today
