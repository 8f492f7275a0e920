from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.identifiers import mask_identifier, validate_credit_code, validate_resident_id


class AccountManager(UserManager):
    """Accounts sign in by email; the username column is not used."""

    def _create_user(self, username, email, password, **extra_fields):
        email = self.normalize_email(email)
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(None, email, password, **extra_fields)

    def create_superuser(self, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(None, email, password, **extra_fields)


class User(AbstractUser):
    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    phone = models.CharField(_("mobile number"), max_length=20, unique=True, null=True, blank=True)
    phone_verified = models.BooleanField(_("mobile number verified"), default=False)
    language = models.CharField(
        _("language"), max_length=10, default="zh-hans", help_text=_("Messages and emails are sent in it.")
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    objects = AccountManager()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self):
        return self.email

    def get_full_name(self):
        person = getattr(self, "person", None)
        return person.real_name if person else ""

    def get_short_name(self):
        return self.get_full_name() or self.email


class Person(models.Model):
    """A natural person, identified by a resident ID number.

    A window clerk can create one for a walk-in applicant; `user` is set when
    the person claims it by completing their profile with the same number.
    """

    user = models.OneToOneField(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="person"
    )
    real_name = models.CharField(_("real name"), max_length=60)
    resident_id = models.CharField(
        _("resident ID number"), max_length=18, unique=True, validators=[validate_resident_id]
    )
    mobile = models.CharField(
        _("mobile number"),
        max_length=11,
        blank=True,
        help_text=_("Given at the window by someone without an account: notices and decisions reach them by SMS."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self):
        return f"{self.real_name} ({self.masked_id})"

    @property
    def masked_id(self) -> str:
        return mask_identifier(self.resident_id)


class Enterprise(models.Model):
    name = models.CharField(_("enterprise name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self):
        return self.name

    @property
    def masked_code(self) -> str:
        return mask_identifier(self.credit_code)


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("enterprise administrator")
        AGENT = "agent", _("agent")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.AGENT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "enterprise"], name="one_membership_per_enterprise")]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.user} · {self.enterprise} ({self.get_role_display()})"


class StaffRole(models.Model):
    """A staff role. Department roles name their department; city-wide roles do not."""

    class Role(models.TextChoices):
        APPROVER = "approver", _("approver")
        HEAD = "head", _("department head")
        LIST_ADMIN = "list_admin", _("list administrator")
        CLERK = "clerk", _("window clerk")
        SUPERVISOR = "supervisor", _("supervisor")

    DEPARTMENT_ROLES = (Role.APPROVER, Role.HEAD, Role.LIST_ADMIN)
    CITY_WIDE_ROLES = (Role.CLERK, Role.SUPERVISOR)

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_roles")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    department = models.ForeignKey(
        "services.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="staff_roles"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "department"], name="unique_staff_role_per_department"
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(department__isnull=True),
                name="unique_city_wide_staff_role",
            ),
            models.CheckConstraint(
                condition=(
                    Q(role__in=["approver", "head", "list_admin"], department__isnull=False)
                    | Q(role__in=["clerk", "supervisor"], department__isnull=True)
                ),
                name="staff_role_department_scope",
                violation_error_message=_(
                    "Approvers, heads and list administrators belong to a department; "
                    "clerks and supervisors are city-wide."
                ),
            ),
        ]
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")

    def __str__(self):
        scope = self.department or _("city-wide")
        return f"{self.user} · {self.get_role_display()} · {scope}"


class MessageQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)

    def email_unsent(self):
        """Messages whose email is still to be sent (to a recipient with an address)."""
        return self.filter(email_wanted=True, emailed_at__isnull=True).exclude(recipient__email="")


class Message(models.Model):
    """A notification in "my office"; also emailed once, after the commit that made it.

    The table is the email outbox: a message that wants an email and has no
    `emailed_at` is sent by the task queued at the commit or, if that never ran
    (the broker was down), by the outbox sweep (portal.tasks.send_unsent_emails).
    """

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="messages")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_wanted = models.BooleanField(default=False)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            # The outbox's look-up stays small: only the emails still to send.
            models.Index(
                fields=["created_at"],
                name="portal_message_email_unsent",
                condition=models.Q(email_wanted=True, emailed_at__isnull=True),
            ),
        ]

    def __str__(self):
        return self.subject


class OIDCClientPolicy(models.Model):
    """What OneGate asks of the sign-ins of one departmental system (an allauth OIDC client)."""

    client = models.OneToOneField(
        "allauth_idp_oidc.Client", on_delete=models.CASCADE, primary_key=True, related_name="onegate_policy"
    )
    staff_only = models.BooleanField(
        _("staff only"),
        default=False,
        help_text=_("Only staff who signed in with their authenticator app may sign in to this system."),
    )

    class Meta:
        verbose_name = _("sign-in policy")
        verbose_name_plural = _("sign-in policies")

    def __str__(self):
        return str(self.client)

    @classmethod
    def is_staff_only(cls, client_id: str) -> bool:
        return cls.objects.filter(client_id=client_id, staff_only=True).exists()


class OIDCSignIn(models.Model):
    """How the user signed in when they authorized a grant: its ID tokens say so (amr, acr),
    also those issued later from its refresh tokens, when the session is long gone."""

    grant_id = models.CharField(max_length=64, unique=True)
    amr = models.JSONField(help_text="Authentication method references (RFC 8176), e.g. [\"pwd\", \"otp\"].")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("OIDC sign-in")
        verbose_name_plural = _("OIDC sign-ins")

    def __str__(self):
        return self.grant_id
