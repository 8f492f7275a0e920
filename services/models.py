"""The approval list (事项清单).

`ServiceItem` is an item's stable identity (its code and department). Its terms
live in `ItemVersion` rows: each item has exactly one *draft* (published_in is
null), the working copy that list administrators edit, and any number of
immutable *snapshots*, each first published in a `ListVersion`. A list
version lists one snapshot per item through `ListEntry`; an unchanged item
keeps sharing its snapshot from version to version. An application binds to
the snapshot it was started under, so its terms never move under it.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.constraints import OneQueryChecks
from portal.i18n import BilingualNameMixin, prefers_chinese

ITEM_CODE_RE = r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$"


class DepartmentQuerySet(models.QuerySet):
    def serving(self):
        """Service departments only: those that own list items and serve the public, not the supervision office."""
        return self.filter(kind=Department.Kind.SERVICE)


class Department(BilingualNameMixin, models.Model):
    """A city department that owns list items and approves applications.

    The supervision office, which seals the half-monthly reports, is a
    department too (a seal belongs to a department) but serves no one: lists
    that people pick departments from or read about use `serving()`.
    """

    class Kind(models.TextChoices):
        SERVICE = "service", _("Service department")
        SUPERVISION = "supervision", _("Supervision office")

    code = models.SlugField(_("code"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SERVICE)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=150)
    window = models.CharField(
        _("window"), max_length=200, blank=True, help_text=_("Where its items are handled in person.")
    )
    window_en = models.CharField(_("window (English)"), max_length=250, blank=True)
    office_hours = models.CharField(
        _("office hours"),
        max_length=200,
        blank=True,
        help_text=_("When the window is open, for example Monday to Friday 9:00–17:00, except public holidays."),
    )
    office_hours_en = models.CharField(_("office hours (English)"), max_length=250, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    accepts_at_window = models.BooleanField(
        _("accepts at the window"),
        default=True,
        help_text=_("Whether window clerks may accept its applications on the spot."),
    )

    objects = DepartmentQuerySet.as_manager()

    @property
    def window_label(self) -> str:
        """Where its items are handled in person, in the active language."""
        if prefers_chinese():
            return self.window or self.window_en
        return self.window_en or self.window

    @property
    def office_hours_label(self) -> str:
        """When the window is open, in the active language."""
        if prefers_chinese():
            return self.office_hours or self.office_hours_en
        return self.office_hours_en or self.office_hours

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name


class Audience(models.TextChoices):
    PERSON = "person", _("people")
    ENTERPRISE = "enterprise", _("enterprises")
    BOTH = "both", _("people and enterprises")


class LifeEvent(BilingualNameMixin, models.Model):
    """A life or business event (having a baby, starting a business) that groups items."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=100)
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices, default=Audience.BOTH)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("life or business event")
        verbose_name_plural = _("life and business events")

    def __str__(self):
        return self.name


class ServiceItem(models.Model):
    """The stable identity of a list item. Its terms are in ItemVersion."""

    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        validators=[
            RegexValidator(ITEM_CODE_RE, _("Use capital letters, digits and hyphens, for example MKT-001."))
        ],
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="items", verbose_name=_("department")
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("list item")
        verbose_name_plural = _("list items")

    def __str__(self):
        return self.code


class ListVersionQuerySet(models.QuerySet):
    def current(self, *, at):
        """The list in force at `at`: the latest version published by then, or None."""
        return self.filter(published_at__lte=at).order_by("-number").first()


class ListVersion(models.Model):
    """A published version of the whole list. Immutable once created."""

    number = models.PositiveIntegerField(_("version"), unique=True)
    note = models.TextField(_("note"))
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    departments = models.ManyToManyField(
        Department, blank=True, related_name="+", verbose_name=_("departments whose drafts were published")
    )
    added = models.PositiveIntegerField(_("items added"), default=0)
    changed = models.PositiveIntegerField(_("items changed"), default=0)
    retired = models.PositiveIntegerField(_("items retired"), default=0)
    total = models.PositiveIntegerField(_("items on the list"), default=0)

    objects = ListVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        verbose_name = _("list version")
        verbose_name_plural = _("list versions")
        constraints = [models.CheckConstraint(condition=Q(number__gte=1), name="list_version_number_positive")]

    def __str__(self):
        return _("version %(number)s") % {"number": self.number}


class ItemVersionQuerySet(models.QuerySet):
    def drafts(self):
        return self.filter(published_in__isnull=True)

    def snapshots(self):
        return self.filter(published_in__isnull=False)

    def on_list(self, list_version):
        """The snapshots listed in `list_version` (none when there is no list yet)."""
        if list_version is None:
            return self.none()
        return self.filter(entries__list_version=list_version)

    def for_departments(self, department_ids):
        return self.filter(item__department_id__in=department_ids)

    def for_audience(self, audience: str):
        return self.filter(audience__in=[audience, Audience.BOTH])

    def search(self, query: str):
        """Every word of `query` appears in the item's normalised text.

        A substring match, so that Chinese (which has no spaces between words)
        and English both work; on PostgreSQL a pg_trgm GIN index serves it.
        """
        queryset = self
        for word in normalise_search_text(query).split():
            queryset = queryset.filter(search_text__contains=word)
        return queryset

    def with_page_relations(self):
        return self.select_related("item__department", "license_type")

    def with_terms(self):
        """Everything terms_dict() and the item page read, in a fixed number of queries."""
        return self.select_related("item__department", "license_type", "published_in").prefetch_related(
            "events",
            models.Prefetch(
                "materials",
                queryset=Material.objects.select_related("blank_form", "sample").prefetch_related("stand_ins"),
            ),
            "fields",
            "faq",
        )


def normalise_search_text(text: str) -> str:
    """Lower case, single spaces, British and American spellings folded together."""
    text = " ".join((text or "").casefold().split())
    return re.sub(r"licen[cs]e", "license", text)


class ItemVersion(BilingualNameMixin, OneQueryChecks):
    """The terms of a list item: its draft, or an immutable published snapshot."""

    class Kind(models.TextChoices):
        INSTANT = "instant", _("instant item, decided on the spot")
        PROMISED = "promised", _("promised item, decided within a promised time")

    class OnlineLevel(models.TextChoices):
        FULL_ONLINE = "full_online", _("fully online, no visit")
        ONE_VISIT = "one_visit", _("online, at most one visit")
        OFFLINE = "offline", _("at the window only")

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        RETIRED = "retired", _("retired")

    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="versions")
    published_in = models.ForeignKey(
        ListVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="new_item_versions",
        verbose_name=_("first published in"),
        help_text=_("Empty for the draft."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    revision = models.PositiveIntegerField(_("draft revision"), default=1)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    keywords = models.CharField(
        _("search keywords"),
        max_length=300,
        blank=True,
        help_text=_("Other words people search with, in either language, separated by spaces."),
    )
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    statutory_limit_days = models.PositiveSmallIntegerField(
        _("statutory time limit (working days)"), validators=[MaxValueValidator(365)]
    )
    promised_limit_days = models.PositiveSmallIntegerField(
        _("promised time limit (working days)"),
        validators=[MaxValueValidator(365)],
        help_text=_("0 for an instant item. Never more than the statutory limit."),
    )
    legal_basis_zh = models.TextField(_("legal basis (Chinese)"))
    legal_basis_en = models.TextField(_("legal basis (English)"), blank=True)
    fee_yuan = models.DecimalField(_("fee (yuan)"), max_digits=9, decimal_places=2, default=0)
    # The service guide (办事指南): optional, and shown only where filled.
    conditions_zh = models.TextField(_("conditions (Chinese)"), blank=True, help_text=_("Who may apply and what must be true."))
    conditions_en = models.TextField(_("conditions (English)"), blank=True)
    steps_zh = models.TextField(
        _("process steps (Chinese)"), blank=True, help_text=_("One step per line, in order, without numbers.")
    )
    steps_en = models.TextField(
        _("process steps (English)"), blank=True, help_text=_("The same steps in the same order, one per line.")
    )
    fee_note_zh = models.TextField(_("fee note (Chinese)"), blank=True, help_text=_("What the fee is based on, or why there is none."))
    fee_note_en = models.TextField(_("fee note (English)"), blank=True)
    online_level = models.CharField(_("online level"), max_length=12, choices=OnlineLevel.choices)
    max_visits = models.PositiveSmallIntegerField(
        _("in-person visits at most"),
        validators=[MaxValueValidator(1)],
        help_text=_("0 when everything happens online; 1 otherwise."),
    )
    license_type = models.ForeignKey(
        "licenses.LicenseType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("license it produces"),
    )
    events = models.ManyToManyField(
        LifeEvent, blank=True, related_name="item_versions", verbose_name=_("life and business events")
    )
    search_text = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(_("updated at"))

    objects = ItemVersionQuerySet.as_manager()

    class Meta:
        ordering = ["item__code"]
        verbose_name = _("item version")
        verbose_name_plural = _("item versions")
        constraints = [
            models.CheckConstraint(
                condition=Q(promised_limit_days__lte=models.F("statutory_limit_days")),
                name="item_promised_within_statutory",
                violation_error_message=_("The promised time limit cannot be longer than the statutory one."),
            ),
            models.CheckConstraint(
                condition=Q(kind="instant", promised_limit_days=0)
                | Q(kind="promised", promised_limit_days__gte=1),
                name="item_kind_matches_promise",
                violation_error_message=_(
                    "An instant item promises 0 working days; a promised item at least 1."
                ),
            ),
            models.CheckConstraint(
                condition=Q(online_level="full_online", max_visits=0)
                | Q(online_level__in=["one_visit", "offline"], max_visits=1),
                name="item_visits_match_online_level",
                violation_error_message=_(
                    "A fully online item needs 0 visits; the others need at most 1."
                ),
            ),
            models.CheckConstraint(condition=Q(fee_yuan__gte=0), name="item_fee_not_negative"),
            models.CheckConstraint(
                condition=Q(published_in__isnull=True) | Q(status="active"),
                name="item_snapshot_is_active",
            ),
            models.UniqueConstraint(
                fields=["item"], condition=Q(published_in__isnull=True), name="one_draft_per_item"
            ),
        ]

    def __str__(self):
        return f"{self.item.code} {self.name}"

    def clean(self):
        errors = {}
        statutory, promised = self.statutory_limit_days, self.promised_limit_days
        if statutory is not None and promised is not None:
            if promised > statutory:
                errors["promised_limit_days"] = _(
                    "The promised time limit (%(promised)s working days) cannot be longer than the "
                    "statutory one (%(statutory)s)."
                ) % {"promised": promised, "statutory": statutory}
            elif self.kind == self.Kind.INSTANT and promised != 0:
                errors["promised_limit_days"] = _("An instant item is decided on the spot: enter 0.")
            elif self.kind == self.Kind.PROMISED and promised == 0:
                errors["promised_limit_days"] = _("A promised item promises at least 1 working day.")
        if self.online_level and self.max_visits is not None:
            if self.online_level == self.OnlineLevel.FULL_ONLINE and self.max_visits != 0:
                errors["max_visits"] = _("A fully online item needs no visit: enter 0.")
            elif self.online_level != self.OnlineLevel.FULL_ONLINE and self.max_visits != 1:
                errors["max_visits"] = _("This item needs one visit at most: enter 1.")
        errors.update(self._guide_errors())
        if errors:
            raise ValidationError(errors)

    def _guide_errors(self) -> dict:
        """The service guide's texts: Chinese first, and steps that are steps."""
        errors = {}
        for name in ("conditions", "steps", "fee_note"):
            if (getattr(self, f"{name}_en") or "").strip() and not (getattr(self, f"{name}_zh") or "").strip():
                errors[f"{name}_zh"] = _("Write the Chinese text too: Chinese is the portal's first language.")
        for name in ("steps_zh", "steps_en"):
            lines = (getattr(self, name) or "").strip().splitlines()
            for n, line in enumerate(lines, start=1):
                if not step_lines(line):
                    errors[name] = _("Step %(n)s is empty: write one step per line, with no blank lines.") % {"n": n}
                    break
        if "steps_zh" not in errors and "steps_en" not in errors and (self.steps_en or "").strip():
            zh, en = len(step_lines(self.steps_zh)), len(step_lines(self.steps_en))
            if zh != en:
                errors["steps_en"] = _(
                    "The English process has %(en)s steps and the Chinese one %(zh)s: give the same steps in both."
                ) % {"en": en, "zh": zh}
        return errors

    @property
    def is_draft(self) -> bool:
        return self.published_in_id is None

    @property
    def description(self) -> str:
        if prefers_chinese():
            return self.description_zh or self.description_en
        return self.description_en or self.description_zh

    @property
    def legal_basis(self) -> str:
        if prefers_chinese():
            return self.legal_basis_zh
        return self.legal_basis_en or self.legal_basis_zh

    @property
    def conditions(self) -> str:
        return _in_language(self.conditions_zh, self.conditions_en)

    @property
    def fee_note(self) -> str:
        return _in_language(self.fee_note_zh, self.fee_note_en)

    @property
    def steps(self) -> list[str]:
        """The process, one step each, in the active language."""
        return step_lines(_in_language(self.steps_zh, self.steps_en))

    @property
    def applies_online(self) -> bool:
        return self.online_level != self.OnlineLevel.OFFLINE

    @property
    def is_instant(self) -> bool:
        return self.kind == self.Kind.INSTANT


def _in_language(zh: str, en: str) -> str:
    if prefers_chinese():
        return zh or en
    return en or zh


# A number or bullet someone typed before a step: "1.", "2、", "（3）", "第4步", "- ". Not the
# number that starts a step's own words ("30日内领取", "9:00 前提交").
_STEP_NUMBER = re.compile(
    r"^(?:第\s*[0-9０-９]+\s*步\s*[.．、:：]?|[0-9０-９]+\s*[.．、)）:：](?![0-9０-９])|[（(]\s*[0-9０-９]+\s*[)）]|[-•·*](?=\s))\s*"
)


def step_lines(text: str) -> list[str]:
    """The steps of a process written one per line, without blank lines or the numbers typed before them.

    The page numbers the steps itself (an ordered list), so "1. 网上申请" is stored as written
    but shown as "网上申请".
    """
    steps = []
    for line in (text or "").splitlines():
        step = _STEP_NUMBER.sub("", line.strip(), count=1).strip()
        if step:
            steps.append(step)
    return steps


def license_types() -> models.QuerySet:
    """Every license type, through the relation that names it.

    License types belong to the licenses app, which builds on this one (its
    licenses name a department, its reuse records a material); this app
    reaches them through its own relation rather than by importing that app.
    """
    return ItemVersion._meta.get_field("license_type").related_model.objects.all()


def guide_file_name(sha256: str) -> str:
    """Where a guide PDF is kept in private storage: named by its content, so a name never changes what it holds."""
    return f"service-guide/{sha256[:2]}/{sha256}.pdf"


class GuideFile(models.Model):
    """A PDF of the service guide (a blank form, or a filled sample), stored once by its content.

    Materials point at it: a published snapshot keeps the row its draft had at
    publication, and a later upload to the draft is another row, so what the
    public downloads for a version never changes. Rows are never updated.
    """

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveIntegerField(_("size (bytes)"))
    file = models.FileField(max_length=200)
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("service guide file")
        verbose_name_plural = _("service guide files")

    def __str__(self):
        return self.sha256[:12]


class Material(BilingualNameMixin, models.Model):
    """A required material. A license of one of `stand_ins` spares the applicant from it."""

    item_version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="materials")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name_zh = models.CharField(_("name (Chinese)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=200)
    required = models.BooleanField(_("required"), default=True)
    stand_ins = models.ManyToManyField(
        "licenses.LicenseType",
        blank=True,
        related_name="+",
        verbose_name=_("licenses that stand in for it"),
        help_text=_("An applicant who holds one of these licenses does not submit this material."),
    )
    blank_form = models.ForeignKey(
        GuideFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("blank form")
    )
    sample = models.ForeignKey(
        GuideFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("filled sample")
    )

    class Meta:
        ordering = ["item_version", "position", "id"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self):
        return self.name


class FormField(models.Model):
    """One question of an item's application form, with its type and rules."""

    class Type(models.TextChoices):
        TEXT = "text", _("text")
        TEXTAREA = "textarea", _("long text")
        NUMBER = "number", _("number")
        DATE = "date", _("date")
        CHOICE = "choice", _("choice")
        ADDRESS = "address", _("address")
        RESIDENT_ID = "resident_id", _("resident ID number")
        CREDIT_CODE = "credit_code", _("unified social credit code")
        PHONE = "phone", _("phone number")
        EMAIL = "email", _("email address")
        CHECKBOX = "checkbox", _("yes/no")

    item_version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="fields")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    key = models.SlugField(
        _("key"),
        max_length=40,
        validators=[RegexValidator(r"^[a-z][a-z0-9_]*$", _("Use lower-case letters, digits and _."))],
        help_text=_("The answer's name in the application, for example company_name."),
    )
    label_zh = models.CharField(_("question (Chinese)"), max_length=150)
    label_en = models.CharField(_("question (English)"), max_length=200)
    help_zh = models.CharField(_("hint (Chinese)"), max_length=300, blank=True)
    help_en = models.CharField(_("hint (English)"), max_length=300, blank=True)
    type = models.CharField(_("type"), max_length=12, choices=Type.choices, default=Type.TEXT)
    required = models.BooleanField(_("required"), default=True)
    min_value = models.DecimalField(_("minimum"), max_digits=14, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(_("maximum"), max_digits=14, decimal_places=2, null=True, blank=True)
    max_length = models.PositiveIntegerField(_("maximum length"), null=True, blank=True)
    choices = models.TextField(
        _("choices"),
        blank=True,
        help_text=_("For a choice: one per line, as value | 中文 | English."),
    )
    regex = models.CharField(_("pattern"), max_length=200, blank=True, help_text=_("A regular expression the answer must match."))

    class Meta:
        ordering = ["item_version", "position", "id"]
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")
        constraints = [
            models.UniqueConstraint(fields=["item_version", "key"], name="unique_field_key_per_item_version"),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True) | Q(max_value__isnull=True) | Q(min_value__lte=models.F("max_value")),
                name="form_field_min_within_max",
            ),
        ]

    def __str__(self):
        return self.key

    @property
    def label(self) -> str:
        return (self.label_zh or self.label_en) if prefers_chinese() else (self.label_en or self.label_zh)

    @property
    def help(self) -> str:
        return (self.help_zh or self.help_en) if prefers_chinese() else (self.help_en or self.help_zh)

    def parsed_choices(self) -> list[tuple[str, str, str]]:
        """(value, Chinese label, English label) for each line of `choices`."""
        parsed = []
        for line in (self.choices or "").splitlines():
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            value = parts[0]
            zh = parts[1] if len(parts) > 1 and parts[1] else value
            en = parts[2] if len(parts) > 2 and parts[2] else zh
            parsed.append((value, zh, en))
        return parsed

    def clean(self):
        errors = {}
        if self.type == self.Type.CHOICE:
            values = [value for value, _zh, _en in self.parsed_choices()]
            if len(values) < 2:
                errors["choices"] = _("A choice needs at least two options, one per line.")
            elif len(set(values)) != len(values):
                errors["choices"] = _("Each option needs its own value.")
        elif self.choices.strip():
            errors["choices"] = _("Only a choice has options.")
        if self.type != self.Type.NUMBER and (self.min_value is not None or self.max_value is not None):
            errors["min_value"] = _("Only a number has a minimum and a maximum.")
        elif self.min_value is not None and self.max_value is not None and self.min_value > self.max_value:
            errors["min_value"] = _("The minimum cannot be more than the maximum.")
        if self.regex:
            try:
                re.compile(self.regex)
            except re.error as exc:
                errors["regex"] = _("This is not a valid pattern: %(error)s") % {"error": exc}
        if errors:
            raise ValidationError(errors)


class FrequentQuestion(models.Model):
    """A question people often ask about an item, with its answer (常见问题)."""

    item_version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="faq")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    question_zh = models.CharField(_("question (Chinese)"), max_length=300)
    question_en = models.CharField(_("question (English)"), max_length=400, blank=True)
    answer_zh = models.TextField(_("answer (Chinese)"))
    answer_en = models.TextField(_("answer (English)"), blank=True)

    class Meta:
        ordering = ["item_version", "position", "id"]
        verbose_name = _("frequently asked question")
        verbose_name_plural = _("frequently asked questions")

    def __str__(self):
        return self.question_zh

    @property
    def question(self) -> str:
        return _in_language(self.question_zh, self.question_en)

    @property
    def answer(self) -> str:
        return _in_language(self.answer_zh, self.answer_en)

    def clean(self):
        if bool(self.question_en.strip()) != bool(self.answer_en.strip()):
            field = "answer_en" if self.question_en.strip() else "question_en"
            raise ValidationError({field: _("Give the English question and its answer together, or neither.")})


class ListEntry(models.Model):
    """One item on one list version, through the snapshot of its terms then."""

    list_version = models.ForeignKey(ListVersion, on_delete=models.PROTECT, related_name="entries")
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="entries")
    item_version = models.ForeignKey(ItemVersion, on_delete=models.PROTECT, related_name="entries")

    class Meta:
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")
        constraints = [
            models.UniqueConstraint(fields=["list_version", "item"], name="one_entry_per_item_per_version")
        ]


# -- bundles ("get one thing done", 高效办成一件事) -------------------------------------------
#
# A bundle groups list items that one life or business event needs, so that
# the applicant is told once, fills one form, gives one set of materials and
# submits once. Like an item, a bundle is a stable identity (`Bundle`) with
# one draft and immutable published snapshots (`BundleVersion`), listed in a
# list version through `BundleEntry`. Its members name items; an application
# binds each member to the item's snapshot on the list at the time.


class Bundle(models.Model):
    """The stable identity of a bundle: its code and the department that leads it (牵头部门)."""

    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        validators=[
            RegexValidator(ITEM_CODE_RE, _("Use capital letters, digits and hyphens, for example BDL-001."))
        ],
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="bundles",
        verbose_name=_("lead department"),
        help_text=_("Its list administrators edit the bundle."),
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("bundle")
        verbose_name_plural = _("bundles")

    def __str__(self):
        return self.code


class BundleVersionQuerySet(models.QuerySet):
    def drafts(self):
        return self.filter(published_in__isnull=True)

    def on_list(self, list_version):
        if list_version is None:
            return self.none()
        return self.filter(entries__list_version=list_version)

    def with_members(self):
        return self.select_related("bundle__department", "event", "published_in").prefetch_related(
            models.Prefetch("members", queryset=BundleMember.objects.select_related("item", "after"))
        )


class BundleVersion(BilingualNameMixin, models.Model):
    """The terms of a bundle: its draft (published_in is null) or an immutable published snapshot."""

    Status = ItemVersion.Status

    bundle = models.ForeignKey(Bundle, on_delete=models.PROTECT, related_name="versions")
    published_in = models.ForeignKey(
        ListVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="new_bundle_versions",
        verbose_name=_("first published in"),
        help_text=_("Empty for the draft."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    revision = models.PositiveIntegerField(_("draft revision"), default=1)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=200)
    event = models.ForeignKey(
        LifeEvent,
        on_delete=models.PROTECT,
        related_name="bundle_versions",
        verbose_name=_("life or business event"),
    )
    promised_limit_days = models.PositiveSmallIntegerField(
        _("promised time limit (working days)"),
        validators=[MaxValueValidator(365)],
        help_text=_("From the first acceptance to the last decision; no longer than its members' longest chain."),
    )
    updated_at = models.DateTimeField(_("updated at"))

    objects = BundleVersionQuerySet.as_manager()

    class Meta:
        ordering = ["bundle__code"]
        verbose_name = _("bundle version")
        verbose_name_plural = _("bundle versions")
        constraints = [
            models.UniqueConstraint(
                fields=["bundle"], condition=Q(published_in__isnull=True), name="one_draft_per_bundle"
            ),
            models.CheckConstraint(
                condition=Q(published_in__isnull=True) | Q(status="active"),
                name="bundle_snapshot_is_active",
            ),
            models.CheckConstraint(condition=Q(promised_limit_days__gte=1), name="bundle_promises_a_day"),
        ]

    def __str__(self):
        return f"{self.bundle.code} {self.name}"

    @property
    def is_draft(self) -> bool:
        return self.published_in_id is None


class BundleMember(models.Model):
    """One item of a bundle: required or optional, started at once or after another member is approved.

    An optional member is included when the applicant's answer to
    `condition_key` is `condition_value` (empty: any "yes" answer), or, with
    no condition, when the applicant chooses it.
    """

    bundle_version = models.ForeignKey(BundleVersion, on_delete=models.CASCADE, related_name="members")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="bundle_members", verbose_name=_("item"))
    required = models.BooleanField(_("required"), default=True)
    condition_key = models.CharField(
        _("included when the answer to"),
        max_length=40,
        blank=True,
        help_text=_("The key of a question, for example hire_staff. Only for an optional member."),
    )
    condition_value = models.CharField(
        _("is"), max_length=100, blank=True, help_text=_("Empty: any “yes” answer.")
    )
    after = models.ForeignKey(
        ServiceItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("starts after the approval of"),
    )

    class Meta:
        ordering = ["bundle_version", "position", "id"]
        verbose_name = _("bundle member")
        verbose_name_plural = _("bundle members")
        constraints = [
            models.UniqueConstraint(fields=["bundle_version", "item"], name="one_member_per_item_per_bundle_version"),
            models.CheckConstraint(
                condition=Q(after__isnull=True) | ~Q(after=models.F("item")), name="bundle_member_not_after_itself"
            ),
            models.CheckConstraint(
                condition=Q(required=False) | Q(condition_key=""), name="bundle_required_member_unconditional"
            ),
        ]

    def __str__(self):
        return str(self.item)

    def included(self, answers: dict, chosen=()) -> bool:
        """Whether this member is part of an application with these answers and choices."""
        if self.required:
            return True
        if not self.condition_key:
            return self.item.code in set(chosen)
        answer = answers.get(self.condition_key)
        if self.condition_value:
            return str(answer) == self.condition_value
        return answer in (True, "true", "True", "on", "1", "yes")


class BundleEntry(models.Model):
    """One bundle on one list version, through the snapshot of its terms then."""

    list_version = models.ForeignKey(ListVersion, on_delete=models.PROTECT, related_name="bundle_entries")
    bundle = models.ForeignKey(Bundle, on_delete=models.PROTECT, related_name="entries")
    bundle_version = models.ForeignKey(BundleVersion, on_delete=models.PROTECT, related_name="entries")

    class Meta:
        verbose_name = _("bundle entry")
        verbose_name_plural = _("bundle entries")
        constraints = [
            models.UniqueConstraint(fields=["list_version", "bundle"], name="one_entry_per_bundle_per_version")
        ]


class ListChange(models.Model):
    """The audit trail: one row for every change to the list, never edited."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        RETIRE = "retire", _("retired")
        RESTORE = "restore", _("restored")
        PUBLISH = "publish", _("published")

    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    item = models.ForeignKey(
        ServiceItem, on_delete=models.PROTECT, null=True, blank=True, related_name="changes"
    )
    bundle = models.ForeignKey(Bundle, on_delete=models.PROTECT, null=True, blank=True, related_name="changes")
    list_version = models.ForeignKey(
        ListVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="changes"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("Empty for a change made by a management command."),
    )
    at = models.DateTimeField(_("at"))
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("list change")
        verbose_name_plural = _("list changes")


class ImportJob(models.Model):
    """An upload of the list, checked in full before anything is imported."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        CHECKING = "checking", _("checking rows")
        SAVING = "saving", _("saving")
        DONE = "done", _("imported")
        REJECTED = "rejected", _("rejected: nothing imported")
        FAILED = "failed", _("failed: nothing imported")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    file_name = models.CharField(_("file"), max_length=200)
    file_format = models.CharField(_("format"), max_length=4)
    language = models.CharField(_("language of the report"), max_length=10, default="zh-hans")
    stored_file = models.CharField(max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    created = models.PositiveIntegerField(_("items created"), default=0)
    updated = models.PositiveIntegerField(_("items changed"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("list import")
        verbose_name_plural = _("list imports")

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.REJECTED, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return 0
        return int(100 * self.processed_rows / self.total_rows)
