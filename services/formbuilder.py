"""Build a Django form from an item version's form-field definitions.

The application issue renders and validates applicants' answers with
`application_form_class(item_version)`; resident ID numbers and credit codes
go through portal.identifiers like every other input path.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.i18n import prefers_chinese
from portal.identifiers import validate_credit_code, validate_resident_id
from services.models import FormField, ItemVersion

PHONE_RE = r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$"


class ResidentIDField(forms.CharField):
    """A resident ID number (GB 11643), cleaned to its normalised form."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 24)
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean(self, value):
        value = super().clean(value)
        return validate_resident_id(value) if value else value


class CreditCodeField(forms.CharField):
    """A unified social credit code (GB 32100), cleaned to its normalised form."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 24)
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean(self, value):
        value = super().clean(value)
        return validate_credit_code(value) if value else value


class DateInput(forms.DateInput):
    input_type = "date"


def _regex_validator(definition: FormField) -> RegexValidator:
    return RegexValidator(definition.regex, _("The answer is not in the expected format."))


def form_field(definition: FormField) -> forms.Field:
    """One Django form field for one definition, labels in the active language."""
    kwargs = {"label": definition.label, "required": definition.required, "help_text": definition.help}
    validators = [_regex_validator(definition)] if definition.regex else []
    kind = definition.type
    Type = FormField.Type
    if kind in (Type.TEXT, Type.TEXTAREA, Type.ADDRESS):
        widget = forms.Textarea(attrs={"rows": 4}) if kind == Type.TEXTAREA else forms.TextInput()
        if kind == Type.ADDRESS:
            widget.attrs["autocomplete"] = "street-address"
        default_length = {Type.TEXT: 200, Type.TEXTAREA: 2000, Type.ADDRESS: 200}[kind]
        return forms.CharField(
            max_length=definition.max_length or default_length, widget=widget, validators=validators, **kwargs
        )
    if kind == Type.NUMBER:
        return forms.DecimalField(
            min_value=definition.min_value,
            max_value=definition.max_value,
            max_digits=16,
            validators=validators,
            **kwargs,
        )
    if kind == Type.DATE:
        return forms.DateField(widget=DateInput(), **kwargs)
    if kind == Type.CHOICE:
        zh = prefers_chinese()
        choices = [(value, label_zh if zh else label_en) for value, label_zh, label_en in definition.parsed_choices()]
        if not definition.required:
            choices = [("", "—"), *choices]
        return forms.ChoiceField(choices=choices, **kwargs)
    if kind == Type.RESIDENT_ID:
        return ResidentIDField(**kwargs)
    if kind == Type.CREDIT_CODE:
        return CreditCodeField(**kwargs)
    if kind == Type.PHONE:
        return forms.CharField(
            max_length=20,
            validators=[RegexValidator(PHONE_RE, _("Enter a mobile number (11 digits) or a landline with its area code.")), *validators],
            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            **kwargs,
        )
    if kind == Type.EMAIL:
        return forms.EmailField(validators=validators, widget=forms.EmailInput(attrs={"autocomplete": "email"}), **kwargs)
    if kind == Type.CHECKBOX:
        return forms.BooleanField(**kwargs)
    raise ValidationError(_("Unknown field type %(type)s.") % {"type": kind})


# Form classes of published versions, by (version, list version, language): a published
# snapshot never changes, so its class is built once per process and language.
_PUBLISHED_FORM_CLASSES: dict[tuple[int, int, str], type[forms.Form]] = {}
_PUBLISHED_FORM_CLASSES_MAX = 1000


def application_form_class(item_version: ItemVersion) -> type[forms.Form]:
    """A Form class with one field per definition of `item_version`, in order.

    Ask for it inside the request (labels follow the active language). The
    cleaned data is JSON-friendly apart from dates and decimals. A draft's
    class is built each time; a published version's is kept (see above).
    """
    if item_version.is_draft:
        return _build_form_class(item_version)
    key = (item_version.pk, item_version.published_in_id, get_language())
    form_class = _PUBLISHED_FORM_CLASSES.get(key)
    if form_class is None:
        if len(_PUBLISHED_FORM_CLASSES) >= _PUBLISHED_FORM_CLASSES_MAX:
            _PUBLISHED_FORM_CLASSES.clear()
        form_class = _PUBLISHED_FORM_CLASSES[key] = _build_form_class(item_version)
    return form_class


def forget_form_classes() -> None:
    """Drop the kept classes (tests, whose rolled-back rows may come back with the same ids)."""
    _PUBLISHED_FORM_CLASSES.clear()


def _build_form_class(item_version: ItemVersion) -> type[forms.Form]:
    fields = {definition.key: form_field(definition) for definition in item_version.fields.all()}
    return type(f"ApplicationForm_{item_version.item.code.replace('-', '_')}", (forms.Form,), fields)
