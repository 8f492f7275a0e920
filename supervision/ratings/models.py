"""Ratings (好差评), the rectification cases that bad ratings and complaints open,
and complaints (投诉). Registered through supervision/models.py.

A rating is given once per decided application (一事一评) or once per window
visit (一次一评). A bad rating, like every complaint, opens one `Case`: the
callback (回访核实) and the fix with its feedback (整改反馈) are the same loop
for both, with due dates from supervision.ratings.rules.LIMITS.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    VERY_SATISFIED = 5, _("very satisfied")
    SATISFIED = 4, _("satisfied")
    FAIRLY_SATISFIED = 3, _("fairly satisfied")
    DISSATISFIED = 2, _("dissatisfied")
    VERY_DISSATISFIED = 1, _("very dissatisfied")


# The last two levels are bad ratings (差评).
BAD_LEVELS = (Level.DISSATISFIED, Level.VERY_DISSATISFIED)
GOOD_LEVELS = (Level.VERY_SATISFIED, Level.SATISFIED, Level.FAIRLY_SATISFIED)


class Channel(models.TextChoices):
    ONLINE = "online", _("online")
    WINDOW = "window", _("window")


class Appeal(models.TextChoices):
    NONE = "", _("no appeal")
    PENDING = "pending", _("appeal pending")
    UPHELD = "upheld", _("appeal upheld")
    REJECTED = "rejected", _("appeal rejected")


class RatingQuerySet(models.QuerySet):
    def counted(self):
        """Ratings that count in the rates: all but those excluded by an upheld appeal."""
        return self.exclude(appeal=Appeal.UPHELD)

    def bad(self):
        return self.filter(level__in=BAD_LEVELS)

    def by_rater(self, user):
        return self.filter(rater=user)


class Rating(models.Model):
    level = models.PositiveSmallIntegerField(_("rating"), choices=Level.choices)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=1000)
    real_name = models.BooleanField(_("real name"), default=True)

    application = models.OneToOneField(
        "approvals.Application", on_delete=models.PROTECT, null=True, blank=True, related_name="rating"
    )
    visit = models.OneToOneField(
        "approvals.Visit", on_delete=models.PROTECT, null=True, blank=True, related_name="rating"
    )
    # Who rated: the person served, and their account when they were signed in.
    person = models.ForeignKey("portal.Person", on_delete=models.PROTECT, related_name="ratings")
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="ratings"
    )
    # What the rating is attributed to.
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    department = models.ForeignKey(
        "services.Department", on_delete=models.PROTECT, related_name="ratings", verbose_name=_("department")
    )
    item_version = models.ForeignKey(
        "services.ItemVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="ratings",
        verbose_name=_("item"),
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="ratings_received",
        verbose_name=_("staff who acted"),
    )
    rated_on = models.DateField(_("rated on"), db_index=True)
    at = models.DateTimeField(_("time"), default=timezone.now)

    appeal = models.CharField(_("appeal"), max_length=10, choices=Appeal.choices, blank=True, default=Appeal.NONE)
    appeal_reason = models.TextField(_("reason for the appeal"), blank=True)
    appeal_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    appeal_decision = models.TextField(_("decision on the appeal"), blank=True)
    appeal_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = RatingQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(application__isnull=False, visit__isnull=True)
                | Q(application__isnull=True, visit__isnull=False),
                name="rating_of_one_application_or_one_visit",
            ),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="rating_level_1_to_5"),
        ]
        indexes = [models.Index(fields=["department", "rated_on"], name="rating_department_day_idx")]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")

    def __str__(self):
        return f"{self.get_level_display()} ({self.rated_on})"

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS


class WindowRatingToken(models.Model):
    """The one-time token in the QR code a window clerk shows for one visit: it rates that visit once."""

    visit = models.OneToOneField("approvals.Visit", on_delete=models.CASCADE, related_name="rating_token")
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)


def _complaint_query_code() -> str:
    import secrets

    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: it is read aloud and typed
    return "".join(secrets.choice(alphabet) for _ in range(8))


def complaint_upload_to(instance, filename):
    # Where a complaint's single file went before complaints held several (named by migration 0001).
    return f"complaints/{instance.uid}/{uuid.uuid4().hex}"


def complaint_attachment_upload_to(instance, filename):
    return f"complaints/{instance.complaint.uid}/{uuid.uuid4().hex}"


class Complaint(models.Model):
    class About(models.TextChoices):
        APPLICATION = "application", _("an application")
        VISIT = "visit", _("a visit to the window")
        DEPARTMENT = "department", _("a department")
        ITEM = "item", _("a service item")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tracking_number = models.CharField(_("complaint number"), max_length=24, unique=True)
    query_code = models.CharField(_("query code"), max_length=8, default=_complaint_query_code, editable=False)
    about = models.CharField(_("about"), max_length=12, choices=About.choices)
    application = models.ForeignKey(
        "approvals.Application", on_delete=models.PROTECT, null=True, blank=True, related_name="complaints"
    )
    visit = models.ForeignKey("approvals.Visit", on_delete=models.PROTECT, null=True, blank=True, related_name="complaints")
    item = models.ForeignKey(
        "services.ServiceItem", on_delete=models.PROTECT, null=True, blank=True, related_name="complaints"
    )
    department = models.ForeignKey(
        "services.Department", on_delete=models.PROTECT, related_name="complaints", verbose_name=_("department")
    )
    text = models.TextField(_("what happened"), max_length=4000)
    name = models.CharField(_("your name"), max_length=60, blank=True)
    contact = models.CharField(_("phone or email"), max_length=120, blank=True)
    filer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="complaints"
    )
    filed_on = models.DateField(_("filed on"))
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")

    def __str__(self):
        return self.tracking_number


class ComplaintAttachment(models.Model):
    """One file of a complaint, checked by its content when it was filed."""

    MAX_PER_COMPLAINT = 5

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=complaint_attachment_upload_to)
    name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(max_length=10)
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("file of a complaint")
        verbose_name_plural = _("files of complaints")

    def __str__(self):
        return self.name


class CaseState(models.TextChoices):
    OPEN = "open", _("waiting for the callback")
    CALLED_BACK = "called_back", _("called back, fix pending")
    FIXED = "fixed", _("fixed, feedback given")


class Case(models.Model):
    """The loop that a bad rating or a complaint opens for the department that acted."""

    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, null=True, blank=True, related_name="case")
    complaint = models.OneToOneField(
        Complaint, on_delete=models.PROTECT, null=True, blank=True, related_name="case"
    )
    department = models.ForeignKey(
        "services.Department", on_delete=models.PROTECT, related_name="rating_cases", verbose_name=_("department")
    )
    state = models.CharField(_("state"), max_length=12, choices=CaseState.choices, default=CaseState.OPEN, db_index=True)
    opened_on = models.DateField(_("opened on"))
    callback_due = models.DateField(_("callback due"))
    fix_due = models.DateField(_("fix due"))

    callback_at = models.DateTimeField(_("called back"), null=True, blank=True)
    callback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    callback_result = models.TextField(_("result of the callback"), blank=True)

    fix_at = models.DateTimeField(_("fixed"), null=True, blank=True)
    fix_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fix_text = models.TextField(_("what was changed"), blank=True)

    fix_level = models.PositiveSmallIntegerField(_("rating of the fix"), choices=Level.choices, null=True, blank=True)
    fix_rated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["callback_due", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=False, complaint__isnull=True)
                | Q(rating__isnull=True, complaint__isnull=False),
                name="case_of_one_rating_or_one_complaint",
            ),
        ]
        verbose_name = _("rectification case")
        verbose_name_plural = _("rectification cases")

    def __str__(self):
        return f"#{self.pk} {self.get_state_display()}"


class CaseEscalation(models.Model):
    """A case ran past a limit and supervision was told: once per case and limit."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="escalations")
    limit = models.CharField(max_length=12)
    due_on = models.DateField()
    at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "limit"], name="one_case_escalation_per_limit")]

