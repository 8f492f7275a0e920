from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.constraints import OneQueryChecks


class RootAuthority(models.Model):
    """The portal's root certification authority. There is only ever one."""

    class Algorithm(models.TextChoices):
        EC_P256 = "ec-p256", _("ECDSA P-256")
        RSA_3072 = "rsa-3072", _("RSA 3072")

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    common_name = models.CharField(_("name"), max_length=64)
    certificate_pem = models.TextField(_("certificate (PEM)"))
    fingerprint_sha256 = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    algorithm = models.CharField(_("key algorithm"), max_length=10, choices=Algorithm.choices)
    encrypted_key = models.BinaryField(_("encrypted private key"))
    kek_id = models.CharField(_("key-encryption key id"), max_length=16)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(singleton=True), name="one_root_authority")]
        verbose_name = _("root certification authority")
        verbose_name_plural = _("root certification authority")

    def __str__(self):
        return self.common_name


class Authority(models.Model):
    """A key the root certifies: the issuing CA (it signs the seal certificates and their
    CRL) or the timestamp authority (it signs RFC 3161 tokens). One of each is in use;
    a replaced one is kept with `retired_at` set, because documents still refer to it."""

    class Role(models.TextChoices):
        ISSUING = "issuing", _("issuing CA")
        TSA = "tsa", _("timestamp authority")

    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    common_name = models.CharField(_("name"), max_length=64)
    certificate_pem = models.TextField(_("certificate (PEM)"))
    fingerprint_sha256 = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    algorithm = models.CharField(_("key algorithm"), max_length=10, choices=RootAuthority.Algorithm.choices)
    encrypted_key = models.BinaryField(_("encrypted private key"))
    kek_id = models.CharField(_("key-encryption key id"), max_length=16)
    not_after = models.DateTimeField(_("valid until"))
    created_at = models.DateTimeField(_("created at"))
    retired_at = models.DateTimeField(_("replaced at"), null=True, blank=True)

    class Meta:
        ordering = ["role", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["role"], condition=Q(retired_at__isnull=True), name="one_authority_in_use_per_role"
            ),
        ]
        verbose_name = _("certification authority")
        verbose_name_plural = _("certification authorities")

    def __str__(self):
        return f"{self.common_name} ({self.get_role_display()})"


class PublishedCRL(models.Model):
    """The newest CRL of one of our CAs (the root, the issuing CA), signed by a worker.

    The public CRL addresses serve these bytes as they are: the web process never opens a CA key.
    """

    issuer_fingerprint = models.CharField(_("issuer's SHA-256 fingerprint"), max_length=64, unique=True)
    number = models.PositiveBigIntegerField(_("CRL number"))
    this_update = models.DateTimeField(_("this update"))
    next_update = models.DateTimeField(_("next update"))
    der = models.BinaryField(_("CRL (DER)"))

    class Meta:
        verbose_name = _("published CRL")
        verbose_name_plural = _("published CRLs")

    def __str__(self):
        return f"CRL {self.number} of {self.issuer_fingerprint[:16]}"


class SealQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Seal.Status.ACTIVE)

    def for_departments(self, department_ids):
        return self.filter(department_id__in=department_ids)

    def revoked(self):
        return self.filter(status=Seal.Status.REVOKED)


class Seal(OneQueryChecks):
    """A department's electronic seal (电子印章): key, certificate and seal image."""

    class Purpose(models.TextChoices):
        LICENSE = "license", _("Electronic license seal")
        APPROVAL = "approval", _("Administrative approval seal")
        OFFICIAL = "official", _("Official seal")

    # What the seal itself reads under the star: always Chinese, whatever the page language.
    # An office's official seal (公章) reads nothing there: only its name around the star.
    PURPOSE_ZH = {"license": "电子证照专用章", "approval": "行政审批专用章", "official": ""}

    class Status(models.TextChoices):
        ACTIVE = "active", _("in use")
        RETIRED = "retired", _("rotated out")
        REVOKED = "revoked", _("revoked")

    class KeyStore(models.TextChoices):
        ENCRYPTED = "encrypted", _("encrypted key store")
        PKCS11 = "pkcs11", _("PKCS#11 token")

    class RevocationReason(models.TextChoices):
        KEY_COMPROMISE = "key_compromise", _("the key was compromised")
        AFFILIATION_CHANGED = "affiliation_changed", _("the department changed")
        SUPERSEDED = "superseded", _("replaced by another seal")
        CESSATION = "cessation_of_operation", _("the seal is no longer used")
        UNSPECIFIED = "unspecified", _("other reason")

    department = models.ForeignKey(
        "services.Department", on_delete=models.PROTECT, related_name="seals", verbose_name=_("department")
    )
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices, default=Purpose.LICENSE)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # What the seal reads, fixed when it is issued (a later renaming makes a new seal).
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=150)
    # The department's unified social credit code (GB 32100), written into the certificate.
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)

    issuer = models.ForeignKey(
        Authority, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("issued by")
    )
    serial_number = models.CharField(_("certificate serial number"), max_length=40, unique=True)
    certificate_pem = models.TextField(_("certificate (PEM)"))
    fingerprint_sha256 = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    image_svg = models.TextField(_("seal image (SVG)"))
    appearance = models.BinaryField(_("seal image (PDF content stream)"))

    key_store = models.CharField(_("key store"), max_length=10, choices=KeyStore.choices)
    encrypted_key = models.BinaryField(_("encrypted private key"), null=True, blank=True)
    kek_id = models.CharField(_("key-encryption key id"), max_length=16, blank=True)
    pkcs11_token_label = models.CharField(_("PKCS#11 token label"), max_length=32, blank=True)
    pkcs11_key_label = models.CharField(_("PKCS#11 key label"), max_length=64, blank=True)

    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    retired_at = models.DateTimeField(_("rotated out at"), null=True, blank=True)
    replaced_by = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaces"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.CharField(
        _("revocation reason"), max_length=24, choices=RevocationReason.choices, blank=True
    )
    revocation_note = models.TextField(_("revocation note"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = SealQuerySet.as_manager()

    class Meta:
        ordering = ["department__code", "purpose", "-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "purpose"],
                condition=Q(status="active"),
                name="one_active_seal_per_department_purpose",
                violation_error_message=_("This department already has a seal in use for this purpose."),
            ),
            models.CheckConstraint(
                condition=Q(status="revoked", revoked_at__isnull=False, revocation_reason__gt="")
                | (~Q(status="revoked") & Q(revoked_at__isnull=True)),
                name="seal_revocation_has_time_and_reason",
            ),
            models.CheckConstraint(
                condition=Q(key_store="encrypted", encrypted_key__isnull=False, kek_id__gt="")
                | Q(key_store="pkcs11", pkcs11_token_label__gt="", pkcs11_key_label__gt=""),
                name="seal_key_is_stored_somewhere",
            ),
        ]
        verbose_name = _("seal")
        verbose_name_plural = _("seals")

    def __str__(self):
        return f"{self.name_zh} · {self.get_purpose_display()} · {self.serial_number[:8]}"

    @property
    def purpose_zh(self) -> str:
        return self.PURPOSE_ZH[self.purpose]

    @property
    def name(self) -> str:
        from portal.i18n import prefers_chinese

        return self.name_zh if prefers_chinese() else (self.name_en or self.name_zh)

    @property
    def image_data_uri(self) -> str:
        import base64

        return "data:image/svg+xml;base64," + base64.b64encode(self.image_svg.encode()).decode("ascii")


class SealUsageQuerySet(models.QuerySet):
    def for_departments(self, department_ids):
        return self.filter(seal__department_id__in=department_ids)

    def with_seal(self):
        return self.select_related("seal", "seal__department", "actor")


class SealUsage(models.Model):
    """One signature made with a seal. Append-only: each entry hashes the one before it."""

    seq = models.PositiveBigIntegerField(_("entry number"), unique=True)
    seal = models.ForeignKey(Seal, on_delete=models.PROTECT, related_name="usages", verbose_name=_("seal"))
    document_sha256 = models.CharField(_("document SHA-256"), max_length=64, db_index=True)
    purpose = models.CharField(_("purpose"), max_length=200)
    related_type = models.CharField(_("related object type"), max_length=100, blank=True)
    related_id = models.CharField(_("related object id"), max_length=64, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    task = models.CharField(_("task"), max_length=100, blank=True)
    signed_at = models.DateTimeField(_("signed at"))
    prev_hash = models.CharField(_("hash of the previous entry"), max_length=64)
    entry_hash = models.CharField(_("entry hash"), max_length=64, unique=True)

    objects = SealUsageQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        constraints = [
            models.CheckConstraint(
                condition=Q(actor__isnull=False) | Q(task__gt=""), name="seal_usage_has_actor_or_task"
            ),
        ]
        verbose_name = _("seal usage")
        verbose_name_plural = _("seal-usage log")

    def __str__(self):
        return f"#{self.seq} {self.seal.name_zh} {self.document_sha256[:12]}"

    def related_object(self):
        """The model instance this signature was made for, if it still exists."""
        from django.apps import apps

        if not self.related_type:
            return None
        try:
            model = apps.get_model(self.related_type)
        except (LookupError, ValueError):
            return None
        return model._default_manager.filter(pk=self.related_id).first()


class SealLogHead(models.Model):
    """The tail of the seal-usage log: locked while appending, and checked by the audit
    so that removing the newest entries does not go unnoticed."""

    seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="one_seal_log_head")]


class SealLogAnchor(models.Model):
    """The log's head as it stood at the end of a day, with an RFC 3161 timestamp token over
    its hash. The token is signed outside the database, so whoever rewrites entries and the
    head row cannot make the anchors agree with the rewritten chain."""

    day = models.DateField(_("day"), unique=True)
    seq = models.PositiveBigIntegerField(_("entries"))
    head_hash = models.CharField(_("hash of the newest entry"), max_length=64)
    token = models.BinaryField(_("timestamp token (DER)"))
    anchored_at = models.DateTimeField(_("anchored at"))  # the token's own time

    class Meta:
        ordering = ["day"]
        verbose_name = _("seal-usage log anchor")
        verbose_name_plural = _("seal-usage log anchors")

    def __str__(self):
        return f"{self.day} #{self.seq} {self.head_hash[:12]}"
