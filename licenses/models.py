"""Electronic licenses (电子证照): their types, the issued licenses and their documents.

A `License` is created when its application is approved (one per application,
a database constraint) and is produced by a worker that *claims* it: the
claim is a token with a lease, taken with a conditional update, so that two
workers never render and seal the same revision, and a crashed worker's claim
can be taken over once its lease has run out. Each sealed PDF is kept as a
`LicenseDocument` (revision 1 at issuance, then one per re-issue), with its
SHA-256, so that an uploaded copy can be recognised as the very file issued.
"""

import datetime
import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from portal.i18n import BilingualNameMixin


class LicenseType(BilingualNameMixin, models.Model):
    """A kind of electronic license that list items produce and materials accept."""

    class Template(models.TextChoices):
        GENERIC = "generic", _("Generic license")
        BUSINESS_LICENSE = "business_license", _("Business license")
        CONSTRUCTION_PERMIT = "construction_permit", _("Construction permit")
        APPROVAL_LETTER = "approval_letter", _("Approval letter")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=150)
    number_prefix = models.CharField(
        _("number prefix"),
        max_length=12,
        unique=True,
        validators=[RegexValidator(r"^[A-Z][A-Z0-9]*$", _("Use capital letters and digits, starting with a letter."))],
        help_text=_("License numbers start with it, for example YYZZ."),
    )
    validity_months = models.PositiveSmallIntegerField(
        _("validity (months)"),
        null=True,
        blank=True,
        help_text=_("Leave empty for a license that does not expire."),
    )
    template = models.CharField(
        _("document template"),
        max_length=32,
        choices=Template.choices,
        default=Template.GENERIC,
        help_text=_("The A4 layout of the license PDF."),
    )
    printed_fields = models.JSONField(
        _("printed answers"),
        default=list,
        blank=True,
        help_text=_(
            'Answers from the application form printed on the license, in order: a list of {"key": …} '
            'objects, optionally with "label_zh" and "label_en" to print another label than the form\'s.'
        ),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("license type")
        verbose_name_plural = _("license types")

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        problems = []
        if not isinstance(self.printed_fields, list):
            problems.append(_("Give a list of objects."))
        else:
            for entry in self.printed_fields:
                if not isinstance(entry, dict) or not isinstance(entry.get("key"), str) or not entry["key"]:
                    problems.append(_('Each entry needs a "key" naming a question of the application form.'))
                    break
        if problems:
            raise ValidationError({"printed_fields": problems})


class LicenseCounter(models.Model):
    """The last sequence number used per license type and year (numbers are per type and year)."""

    license_type = models.ForeignKey(LicenseType, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["license_type", "year"], name="one_license_counter_per_type_year")]


class ReissueJob(models.Model):
    """Re-issuing every live license of a type (after a template fix): its progress is on the licenses."""

    license_type = models.ForeignKey(LicenseType, on_delete=models.PROTECT, related_name="+", verbose_name=_("license type"))
    department = models.ForeignKey(
        "services.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    reason = models.TextField(_("reason"))
    # Empty when the portal asked for it itself (a seal revoked for key compromise, from a command).
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("requested"))
    total = models.PositiveIntegerField(_("licenses"), default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("re-issue job")
        verbose_name_plural = _("re-issue jobs")

    def __str__(self):
        return f"{self.license_type} {self.created_at:%Y-%m-%d %H:%M}"


class LicenseQuerySet(models.QuerySet):
    def for_departments(self, department_ids):
        return self.filter(department_id__in=department_ids)

    def _held(self, *, person: dict, enterprise: dict):
        """The one rule of who holds a license: a person holds it in person when no enterprise
        does; an enterprise holds its own. `person` and `enterprise` look the holder up."""
        in_person = Q(holder_enterprise__isnull=True, **{f"holder_person__{key}": value for key, value in person.items()})
        return self.filter(in_person | Q(**{f"holder_enterprise__{key}": value for key, value in enterprise.items()}))

    def held_by(self, user):
        """Licenses held by `user` in person, or by an enterprise they act for."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self._held(person={"user": user}, enterprise={"memberships__user": user}).distinct()

    def held_by_number(self, number: str):
        """Licenses held in person by the person with this resident ID number, or by the
        enterprise with this unified social credit code (a departmental system asks by number)."""
        return self._held(person={"resident_id": number}, enterprise={"credit_code": number})

    def standing(self, *, today: datetime.date):
        """Valid on `today`: issued, not suspended or revoked, not past its last day."""
        return self.filter(status=License.Status.VALID).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))

    def awaiting_production(self):
        """A revision is wanted that has not been sealed yet (first issue or re-issue)."""
        return self.filter(revision__lt=F("wanted_revision")).exclude(status=License.Status.REVOKED)

    def with_relations(self):
        return self.select_related("license_type", "department", "holder_person", "holder_enterprise", "application")


class License(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("being issued")
        VALID = "valid", _("valid")
        SUSPENDED = "suspended", _("suspended")
        REVOKED = "revoked", _("revoked")
        EXPIRED = "expired", _("expired")

    number = models.CharField(_("license number"), max_length=40, unique=True)
    license_type = models.ForeignKey(LicenseType, on_delete=models.PROTECT, related_name="licenses", verbose_name=_("type"))
    application = models.ForeignKey(
        "approvals.Application", on_delete=models.PROTECT, related_name="licenses", verbose_name=_("application")
    )
    department = models.ForeignKey(
        "services.Department", on_delete=models.PROTECT, related_name="licenses", verbose_name=_("issued by")
    )
    holder_person = models.ForeignKey(
        "portal.Person", on_delete=models.PROTECT, related_name="licenses", verbose_name=_("holder")
    )
    holder_enterprise = models.ForeignKey(
        "portal.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="licenses",
        verbose_name=_("holding enterprise"),
    )
    holder_name = models.CharField(_("holder"), max_length=200)
    holder_id_masked = models.CharField(_("holder's ID (masked)"), max_length=40)

    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True)
    status_reason = models.TextField(_("reason"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True, help_text=_("Empty: does not expire."))
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)

    # The current document (the latest sealed revision).
    revision = models.PositiveIntegerField(_("revision"), default=0)
    wanted_revision = models.PositiveIntegerField(default=1)
    file = models.FileField(upload_to="licenses/", max_length=200, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)

    # Production: the claim of the worker producing the wanted revision.
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    reissue_job = models.ForeignKey(
        ReissueJob, on_delete=models.SET_NULL, null=True, blank=True, related_name="licenses"
    )
    # The storage name being written by the claim's worker, until its document is recorded: a
    # worker that dies in between leaves it here, and whoever takes the work over deletes the file.
    pending_file = models.CharField(max_length=200, blank=True)

    created_at = models.DateTimeField(_("created"))

    objects = LicenseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["application"], name="one_license_per_application"),
            models.CheckConstraint(
                condition=Q(status="pending", revision=0) | (Q(revision__gte=1) & ~Q(sha256="") & ~Q(status="pending")),
                name="license_issued_has_document",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["suspended", "revoked"]) | ~Q(status_reason=""),
                name="license_suspension_and_revocation_have_reason",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="license_validity_not_reversed",
            ),
            models.CheckConstraint(condition=Q(wanted_revision__gte=F("revision")), name="license_wanted_revision_ahead"),
        ]
        indexes = [models.Index(fields=["department", "status"], name="license_dept_status_idx")]
        verbose_name = _("license")
        verbose_name_plural = _("licenses")

    def __str__(self):
        return self.number

    def status_on(self, today: datetime.date) -> str:
        """The status as /verify/ shows it: a valid license past its last day is expired even
        before the nightly task has marked it."""
        if self.status == self.Status.VALID and self.valid_until and self.valid_until < today:
            return self.Status.EXPIRED
        return self.status

    def status_label_on(self, today: datetime.date) -> str:
        return self.Status(self.status_on(today)).label

    @property
    def is_issued(self) -> bool:
        return self.revision >= 1


def document_upload_to(instance, filename):
    return f"licenses/{instance.license.number}/{filename}"


class LicenseDocument(models.Model):
    """One sealed PDF of a license, exactly as issued; kept so that copies can be recognised."""

    license = models.ForeignKey(License, on_delete=models.PROTECT, related_name="documents")
    revision = models.PositiveIntegerField(_("revision"))
    file = models.FileField(upload_to=document_upload_to, max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    size = models.PositiveIntegerField()
    seal_usage = models.OneToOneField(
        "seals.SealUsage", on_delete=models.PROTECT, null=True, blank=True, related_name="license_document"
    )
    template = models.CharField(max_length=32)
    issued_at = models.DateTimeField(_("sealed"))

    class Meta:
        ordering = ["license", "revision"]
        constraints = [models.UniqueConstraint(fields=["license", "revision"], name="one_document_per_license_revision")]
        verbose_name = _("license document")
        verbose_name_plural = _("license documents")

    def __str__(self):
        return f"{self.license.number} r{self.revision}"


class LicenseEvent(models.Model):
    """The license's history: issued, re-issued, suspended, reinstated, revoked, expired."""

    class Action(models.TextChoices):
        ISSUED = "issued", _("issued")
        REISSUED = "reissued", _("re-issued")
        SUSPENDED = "suspended", _("suspended")
        REINSTATED = "reinstated", _("reinstated")
        REVOKED = "revoked", _("revoked")
        EXPIRED = "expired", _("expired")

    license = models.ForeignKey(License, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("time"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("license event")
        verbose_name_plural = _("license events")


class MaterialLicenseQuerySet(models.QuerySet):
    def standing(self, *, today: datetime.date):
        return self.filter(license__status=License.Status.VALID).filter(
            Q(license__valid_until__isnull=True) | Q(license__valid_until__gte=today)
        )


class MaterialLicense(models.Model):
    """免提交: an application gives a material by pointing at a license the applicant holds."""

    application = models.ForeignKey("approvals.Application", on_delete=models.CASCADE, related_name="license_materials")
    material = models.ForeignKey("services.Material", on_delete=models.PROTECT, related_name="+")
    license = models.ForeignKey(License, on_delete=models.PROTECT, related_name="material_uses")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()

    objects = MaterialLicenseQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "material"], name="one_license_per_material")]
        verbose_name = _("license given as a material")
        verbose_name_plural = _("licenses given as materials")


def new_claim_token() -> str:
    return uuid.uuid4().hex
