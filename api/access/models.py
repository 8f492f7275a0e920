"""Purposes of use and the personal-data access log.

Every read of a person's or an enterprise's data through the departmental API
appends one `AccessLogEntry`, chained by hash to the one before it
(`portal.hashchain`; `api.access.ledger` builds and audits the chain). Entries
are written only by `api.access.services.access_record` and never changed.
"""

from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils.translation import gettext_lazy as _

from portal.i18n import BilingualNameMixin, prefers_chinese

__all__ = ["AccessLogEntry", "AccessLogHead", "AccessPurpose"]


class AccessPurposeQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class AccessPurpose(BilingualNameMixin, models.Model):
    """Why a department reads someone's data: maintained by administrators, never deleted once used."""

    code = models.SlugField(
        _("code"), max_length=40, unique=True,
        help_text=_("What API clients send as the purpose, for example license-verification. It never changes."),
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    legal_basis_zh = models.TextField(_("legal basis (Chinese)"))
    legal_basis_en = models.TextField(_("legal basis (English)"))
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Only active purposes may be given for new reads."),
    )

    objects = AccessPurposeQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("purpose of data use")
        verbose_name_plural = _("purposes of data use")

    def __str__(self):
        return f"{self.code} · {self.name_zh}"

    @property
    def legal_basis(self) -> str:
        if prefers_chinese():
            return self.legal_basis_zh or self.legal_basis_en
        return self.legal_basis_en or self.legal_basis_zh


class AccessLogEntryQuerySet(models.QuerySet):
    def about(self, subjects: dict[str, str]):
        """Entries whose subject hash is a key of `subjects`, each annotated with `subject_label`:
        the value for its hash (an enterprise's name; "" for the person themselves)."""
        if not subjects:
            return self.none()
        label = Case(
            *(When(subject_hash=digest, then=Value(name)) for digest, name in subjects.items()),
            default=Value(""),
            output_field=models.CharField(),
        )
        return self.filter(subject_hash__in=list(subjects)).annotate(subject_label=label)

    def for_page(self):
        return self.select_related("department", "purpose").order_by("-seq")


class AccessLogEntry(models.Model):
    """One read of someone's data by a department's machine client. Append-only: each entry hashes
    the one before it."""

    class Result(models.TextChoices):
        FOUND = "found", _("data found and returned")
        NOT_FOUND = "not_found", _("nothing found")
        REFUSED = "refused", _("refused")

    REFERENCE_MAX_LENGTH = 64

    seq = models.PositiveBigIntegerField(_("entry number"), unique=True)
    client = models.ForeignKey(
        "api.MachineClient", on_delete=models.PROTECT, related_name="access_entries", verbose_name=_("machine client")
    )
    department = models.ForeignKey(
        "services.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    endpoint = models.CharField(_("endpoint"), max_length=200)
    subject_hash = models.CharField(
        _("subject (keyed hash)"), max_length=64, db_index=True,
        help_text=_("HMAC-SHA256 of the resident ID number or credit code; the number itself is never stored."),
    )
    subject_masked = models.CharField(_("subject (masked)"), max_length=18)
    person = models.ForeignKey(
        "portal.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("person")
    )
    enterprise = models.ForeignKey(
        "portal.Enterprise", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("enterprise"),
    )
    purpose = models.ForeignKey(
        AccessPurpose, on_delete=models.PROTECT, related_name="entries", verbose_name=_("purpose")
    )
    reference = models.CharField(_("case reference"), max_length=REFERENCE_MAX_LENGTH)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    accessed_at = models.DateTimeField(_("read at"))
    prev_hash = models.CharField(_("hash of the previous entry"), max_length=64)
    entry_hash = models.CharField(_("entry hash"), max_length=64, unique=True)

    objects = AccessLogEntryQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        constraints = [
            models.CheckConstraint(condition=~Q(reference=""), name="access_entry_has_reference"),
        ]
        verbose_name = _("personal-data access")
        verbose_name_plural = _("personal-data access log")

    def __str__(self):
        return f"#{self.seq} {self.subject_masked} {self.reference}"


class AccessLogHead(models.Model):
    """The tail of the access log: locked while appending, and checked by the audit so that
    removing the newest entries does not go unnoticed."""

    seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="one_access_log_head")]
