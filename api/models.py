"""Machine clients of the departmental API.

A `MachineClient` is a departmental system. Its OAuth 2.0 identity (client id,
hashed secret, grant type) is a django-oauth-toolkit `Application`; this row
adds what OneGate needs on top: the department it speaks for, the scopes it
may ask for, the public key it signs client assertions with (RFC 7523
`private_key_jwt`, preferred over the secret) and whether it is active.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import oauth2_settings


class Scope(models.TextChoices):
    LICENSES_VERIFY = "licenses:verify", _("Verify licenses")
    LICENSES_READ = "licenses:read", _("Read licenses")
    APPLICATIONS_READ = "applications:read", _("Read applications")
    APPLICATIONS_WRITE = "applications:write", _("Submit and update applications")
    CATALOGUE_READ = "catalogue:read", _("Read the published catalogue")


def validate_scopes(value):
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Choose at least one scope."), code="required")
    unknown = sorted(set(value) - set(Scope.values))
    if unknown:
        raise ValidationError(
            _("Unknown scopes: %(scopes)s."), code="invalid", params={"scopes": ", ".join(unknown)}
        )


class MachineClientQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class MachineClient(models.Model):
    application = models.OneToOneField(
        oauth2_settings.APPLICATION_MODEL,
        verbose_name=_("OAuth application"),
        on_delete=models.PROTECT,
        related_name="machine_client",
    )
    department = models.ForeignKey(
        "services.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="machine_clients",
    )
    scopes = models.JSONField(_("scopes"), default=list, validators=[validate_scopes])
    public_key = models.TextField(
        _("public key"),
        blank=True,
        help_text=_("The public JWK (JSON) or PEM key the client signs its assertions with (private_key_jwt)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)
    # The account the client acts through where the workflow records a person (an application
    # it submits, a file it gives); it cannot sign in. Made on the client's first such write.
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="machine_client",
        editable=False,
    )

    objects = MachineClientQuerySet.as_manager()

    class Meta:
        verbose_name = _("machine client")
        verbose_name_plural = _("machine clients")
        ordering = ["department__code", "application__name"]

    def __str__(self):
        return f"{self.application.name} ({self.department.code})"

    @property
    def client_id(self) -> str:
        return self.application.client_id

    @property
    def name(self) -> str:
        return self.application.name

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

class Submission(models.Model):
    """An application a machine client submitted (channel "api"), and what it was answered.

    With an Idempotency-Key the row is claimed before the application is
    made: a retry with the same key (concurrent or later) finds it, by the
    unique (client, key), and gets the stored answer instead of a second
    application.
    """

    client = models.ForeignKey(
        MachineClient, verbose_name=_("machine client"), on_delete=models.PROTECT, related_name="submissions"
    )
    application = models.OneToOneField(
        "approvals.Application",
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_submission",
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=255, null=True, blank=True)
    request_sha256 = models.CharField(_("request hash"), max_length=64)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    response_body = models.JSONField(_("response"), null=True, blank=True)
    created_at = models.DateTimeField(_("submitted at"))

    class Meta:
        verbose_name = _("API submission")
        verbose_name_plural = _("API submissions")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["client", "idempotency_key"], name="api_submission_key_once_per_client"),
        ]

    def __str__(self):
        return f"{self.client_id}: {self.idempotency_key or self.pk}"


from api.access.models import *  # noqa: E402, F403  the access log is part of this app
from api.webhooks.models import *  # noqa: E402, F403  and so are the webhooks
