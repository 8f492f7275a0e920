from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
        API = "api", _("departmental system (API)")

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
        "deadlines.Clock", on_delete=models.PROTECT, null=True, blank=True, related_name="application"
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

    bundle = models.ForeignKey(
        "BundleApplication",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("bundle application"),
    )
    bundle_after = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bundle_followers",
        verbose_name=_("starts after the approval of"),
        help_text=_("A bundle member that waits, as a draft, for another member's approval."),
    )

    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    # Art. 32: the materials were (last) received at `received_at`; unless the department
    # accepts, refuses to accept or asks for a correction by `acceptance_due_on` (the 5th
    # working day after), the application counts as accepted from the day of receipt.
    received_at = models.DateTimeField(_("materials received"), null=True, blank=True)
    acceptance_due_on = models.DateField(_("acceptance due by"), null=True, blank=True)
    deemed_accepted = models.BooleanField(
        _("accepted by law"),
        default=False,
        help_text=_("Nobody decided on acceptance within 5 working days, so it counts as accepted (Art. 32)."),
    )
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
            # The sweep's deemed acceptances, and the desk's waiting list.
            models.Index(fields=["state", "acceptance_due_on"], name="app_acceptance_due_idx"),
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


class BundleApplication(models.Model):
    """One application for a bundle ("get one thing done"): one form, one set of materials,
    one tracking number. Its members are ordinary applications, one per included item, each
    in its own department's desk with its own deadline (approvals.bundles)."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("in progress")
        COMPLETE = "complete", _("complete")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tracking_number = models.CharField(_("tracking number"), max_length=24, unique=True)
    query_code = models.CharField(_("query code"), max_length=8, default=_query_code, editable=False)
    bundle_version = models.ForeignKey(
        "services.BundleVersion", on_delete=models.PROTECT, related_name="applications", verbose_name=_("bundle")
    )
    applicant_person = models.ForeignKey(
        "portal.Person", on_delete=models.PROTECT, related_name="bundle_applications", verbose_name=_("applicant")
    )
    applicant_enterprise = models.ForeignKey(
        "portal.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bundle_applications",
        verbose_name=_("enterprise"),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(
        _("channel"), max_length=10, choices=Application.Channel.choices, default=Application.Channel.ONLINE
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("window clerk"),
    )
    form_data = models.JSONField(_("form"), default=dict, blank=True)
    chosen = models.JSONField(_("optional items chosen"), default=list, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.SUBMITTED)
    submitted_at = models.DateTimeField(_("submitted"))
    first_accepted_at = models.DateTimeField(_("first accepted"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("bundle application")
        verbose_name_plural = _("bundle applications")
        constraints = [
            models.CheckConstraint(
                condition=~Q(channel="window") | Q(clerk__isnull=False), name="bundle_application_window_has_clerk"
            ),
            models.CheckConstraint(
                condition=Q(state="submitted") | Q(completed_at__isnull=False), name="bundle_application_completed_at"
            ),
        ]

    def __str__(self):
        return self.tracking_number


class BundleNotice(models.Model):
    """One notice to the applicant that gathers the open corrections of a bundle's members, so that
    corrections asked for by several departments reach them at once (一次性告知, for the bundle)."""

    bundle = models.ForeignKey(BundleApplication, on_delete=models.CASCADE, related_name="notices")
    items = models.JSONField(_("items"), help_text=_("[{tracking_number, item_zh, item_en, lines}]"))
    sent_at = models.DateTimeField(_("sent"))

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("bundle correction notice")
        verbose_name_plural = _("bundle correction notices")


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
    round = models.PositiveSmallIntegerField(
        _("correction round"),
        default=0,
        help_text=_("0: given with the application; n: sent in answer to the n-th correction notice."),
    )

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
    def changes(self) -> dict:
        """What a resubmission changed: {"added": [file names], "removed": [...], "answers": [labels]}."""
        from portal.i18n import prefers_chinese

        data = self.data or {}
        language = "zh" if prefers_chinese() else "en"
        return {
            "added": data.get("added") or [],
            "removed": data.get("removed") or [],
            "answers": [label.get(language) or label.get("zh", "") for label in data.get("answers") or []],
        }

    @property
    def correction_items(self) -> list:
        """The one-time notice's items, for a correction request (a template reading
        `data.items` would get the dict's items() method for other events)."""
        return (self.data or {}).get("items") or []

    @property
    def action_label(self):
        from approvals.workflow import Action

        return Action(self.action).label if self.action in Action.values else self.action

    def _date(self, key: str) -> date | None:
        value = (self.data or {}).get(key)
        return date.fromisoformat(value) if value else None

    @property
    def by_law(self) -> bool:
        """Accepted by law (Art. 32): nobody answered within 5 working days of receipt."""
        return bool((self.data or {}).get("by_law"))

    @property
    def received_on(self) -> date | None:
        return self._date("received_on")

    @property
    def pause_label(self) -> str:
        """The kind of excluded period (a hearing, an inspection…) this step began or ended."""
        from deadlines.models import ClockPause

        kind = (self.data or {}).get("pause")
        return ClockPause.Reason(kind).label if kind in ClockPause.Reason.values else ""

    @property
    def expected_days(self) -> int | None:
        return (self.data or {}).get("expected_days")

    @property
    def expected_end(self) -> date | None:
        return self._date("expected_end")

    @property
    def excluded_days(self) -> int | None:
        """Working days a pause that ended here kept out of the time limit."""
        return (self.data or {}).get("excluded_days")

    @property
    def due_before(self) -> date | None:
        return self._date("due_before")

    @property
    def due_after(self) -> date | None:
        return self._date("due_after")


class CorrectionNotice(models.Model):
    """The one-time notice (一次性告知): every missing or faulty item at once."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="corrections")
    items = models.JSONField(_("items"), help_text=_("[{material, name, problem, remedy}]"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    # For a bundle member: the bundle's combined notice that told the applicant (null: not yet).
    bundle_notice = models.ForeignKey(
        BundleNotice, on_delete=models.SET_NULL, null=True, blank=True, related_name="corrections"
    )
    # What the application held when the notice was given, to show what the correction changed.
    files_before = models.JSONField(default=list, blank=True)
    answers_before = models.JSONField(default=dict, blank=True)

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
    bundle = models.ForeignKey(
        BundleApplication, on_delete=models.PROTECT, null=True, blank=True, related_name="visits"
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


# -- decision documents ---------------------------------------------------------------
#
# Every step the Administrative Licensing Law wants in writing produces one
# document, sealed with the deciding department's seal (approvals.documents).


def document_upload_to(instance, filename):
    return f"decisions/{instance.application.uid}/{filename}"


class DecisionDocumentQuerySet(models.QuerySet):
    def produced(self):
        return self.exclude(file="")

    def awaiting_production(self):
        return self.filter(file="")


class DecisionDocument(models.Model):
    """A written notice or decision about an application: its facts are fixed when the step is
    taken; the sealed PDF is produced after the commit (approvals.documents.services)."""

    class Kind(models.TextChoices):
        ACCEPTANCE = "acceptance", _("notice of acceptance")
        NON_ACCEPTANCE = "non_acceptance", _("notice of non-acceptance")
        CORRECTION = "correction", _("one-time correction notice")
        GRANT = "grant", _("decision to grant the license")
        REFUSAL = "refusal", _("decision to refuse the license")
        EXTENSION = "extension", _("notice of extension")
        EXCLUDED_PERIOD = "excluded_period", _("notice of an excluded period")

    class Delivery(models.TextChoices):
        ELECTRONIC = "electronic", _("electronically")
        SMS = "sms", _("by SMS, with a link")
        POST = "post", _("by post")
        WINDOW = "window", _("handed over at the window")

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("document number"), max_length=40, unique=True)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    event = models.OneToOneField(
        ApplicationEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="document"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    department = models.ForeignKey(
        "services.Department", on_delete=models.PROTECT, related_name="decision_documents", verbose_name=_("department")
    )
    issued_at = models.DateTimeField(_("issued"))
    facts = models.JSONField(_("facts"), default=dict, blank=True, help_text=_("What the document states, fixed when issued."))

    file = models.FileField(upload_to=document_upload_to, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    produced_at = models.DateTimeField(_("sealed"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    # Delivery (送达, Art. 44): electronic delivery is immediate once the sealed file exists;
    # post records the dispatch and then the day of receipt; the window, the day it was handed over.
    delivery = models.CharField(_("delivery"), max_length=12, choices=Delivery.choices)
    delivery_due_on = models.DateField(_("to be delivered by"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("posted"), null=True, blank=True)
    post_reference = models.CharField(_("postal tracking number"), max_length=40, blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    delivery_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    escalated_at = models.DateTimeField(_("late delivery escalated"), null=True, blank=True)

    objects = DecisionDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["issued_at", "id"]
        indexes = [models.Index(fields=["delivered_on", "delivery_due_on"], name="decision_delivery_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(file="") | (~Q(sha256="") & Q(produced_at__isnull=False)),
                name="decision_document_produced_with_hash",
            ),
        ]
        verbose_name = _("decision document")
        verbose_name_plural = _("decision documents")

    def __str__(self):
        return f"{self.number} {self.get_kind_display()}"

    @property
    def is_produced(self) -> bool:
        return bool(self.file)

    @property
    def title_zh(self) -> str:
        return DOCUMENT_TITLES_ZH[self.kind]


DOCUMENT_TITLES_ZH = {
    DecisionDocument.Kind.ACCEPTANCE: "受理通知书",
    DecisionDocument.Kind.NON_ACCEPTANCE: "不予受理通知书",
    DecisionDocument.Kind.CORRECTION: "补正材料通知书",
    DecisionDocument.Kind.GRANT: "准予行政许可决定书",
    DecisionDocument.Kind.REFUSAL: "不予行政许可决定书",
    DecisionDocument.Kind.EXTENSION: "延期通知书",
    DecisionDocument.Kind.EXCLUDED_PERIOD: "特别程序告知书",
}
