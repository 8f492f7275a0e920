from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from services.models import ITEM_CODE_RE, Audience, Department, FormField, ItemVersion, LifeEvent, license_types
from services.terms import FORM_FIELD_FIELDS, GUIDE_FIELDS, TERM_FIELDS


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    department = forms.ChoiceField(label=_("Department"), required=False)
    audience = forms.ChoiceField(
        label=_("For"),
        required=False,
        choices=[("", _("Everyone")), (Audience.PERSON, _("People")), (Audience.ENTERPRISE, _("Enterprises"))],
    )
    event = forms.ChoiceField(label=_("Life or business event"), required=False)
    online = forms.ChoiceField(
        label=_("Online level"), required=False, choices=[("", _("Any")), *ItemVersion.OnlineLevel.choices]
    )

    def __init__(self, *args, departments, events, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget = forms.TextInput(attrs={"type": "search"})
        self.fields["department"].choices = [("", _("All departments"))] + [(d.code, d.name) for d in departments]
        self.fields["event"].choices = [("", _("Any"))] + [(e.code, e.name) for e in events]


class ItemForm(forms.ModelForm):
    """The scalar terms of an item's draft (and its code and department when new)."""

    class Meta:
        model = ItemVersion
        fields = [*TERM_FIELDS, "license_type", "events"]
        widgets = {
            "description_zh": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
            "legal_basis_zh": forms.Textarea(attrs={"rows": 3}),
            "legal_basis_en": forms.Textarea(attrs={"rows": 3}),
            "events": forms.CheckboxSelectMultiple,
            **{name: forms.Textarea(attrs={"rows": 4}) for name in GUIDE_FIELDS},
        }

    def __init__(self, *args, departments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["events"].queryset = LifeEvent.objects.all()
        self.fields["license_type"].queryset = license_types()
        if departments is not None:  # a new item: its identity is chosen once
            self.fields = {
                "code": forms.RegexField(
                    regex=ITEM_CODE_RE,
                    label=_("Code"),
                    max_length=40,
                    help_text=_("Capital letters, digits and hyphens, for example MKT-001. It never changes."),
                    error_messages={"invalid": _("Use capital letters, digits and hyphens, for example MKT-001.")},
                ),
                "department": forms.ModelChoiceField(
                    label=_("Department"), queryset=Department.objects.filter(pk__in=[d.pk for d in departments]),
                    empty_label=None,
                ),
                **self.fields,
            }

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()

    def main_fields(self) -> list:
        return [field for field in self if field.name not in GUIDE_FIELDS]

    def guide_fields(self) -> list:
        return [self[name] for name in GUIDE_FIELDS]

    def terms(self) -> dict:
        return {name: self.cleaned_data[name] for name in [*TERM_FIELDS, "license_type"]}


class CollapsedCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Checkboxes folded into a <details> (services/list_admin/_field.html): a long list that
    repeats on every row stays one line high until it is opened."""


class MaterialForm(forms.Form):
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=150)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)
    stand_ins = forms.ModelMultipleChoiceField(
        label=_("Not needed with these licenses"),
        queryset=license_types(),
        required=False,
        widget=CollapsedCheckboxSelectMultiple,
    )
    blank_form = forms.FileField(
        label=_("Blank form (PDF)"),
        required=False,
        help_text=_("The form to print and fill in, if this material is one."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    sample = forms.FileField(
        label=_("Filled sample (PDF)"),
        required=False,
        help_text=_("The same form filled in as an example, with made-up details."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


class CurrentGuideFile:
    """A material's stored blank form or sample, as the file inputs show it ("Currently: …")."""

    def __init__(self, guide_file, url: str):
        self.guide_file = guide_file
        self.url = url

    def __str__(self):
        return f"PDF · {filesizeformat(self.guide_file.size)}"


def guide_file_value(value):
    """What a material row's file field gives the services: a stored file, a new upload, or None."""
    if isinstance(value, CurrentGuideFile):
        return value.guide_file
    return value or None


class FaqForm(forms.Form):
    # In pairs, Chinese beside English: the questions on one row, the answers on the next.
    question_zh = forms.CharField(label=_("Question (Chinese)"), max_length=300)
    question_en = forms.CharField(label=_("Question (English)"), max_length=400, required=False)
    answer_zh = forms.CharField(label=_("Answer (Chinese)"), widget=forms.Textarea(attrs={"rows": 3}))
    answer_en = forms.CharField(label=_("Answer (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class FormFieldForm(forms.ModelForm):
    class Meta:
        model = FormField
        fields = FORM_FIELD_FIELDS
        widgets = {"choices": forms.Textarea(attrs={"rows": 3})}


class _UniqueKeys(forms.BaseFormSet):
    def clean(self):
        super().clean()
        keys = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data or self._should_delete_form(form):
                continue
            key = form.cleaned_data.get("key")
            if key in keys:
                form.add_error("key", _("Each question needs its own key."))
            keys.add(key)


MaterialFormSet = forms.formset_factory(MaterialForm, extra=2, can_delete=True)
FormFieldFormSet = forms.formset_factory(FormFieldForm, formset=_UniqueKeys, extra=1, can_delete=True)
FaqFormSet = forms.formset_factory(FaqForm, extra=1, can_delete=True)


def kept_rows(formset) -> list[dict]:
    """The filled-in rows of a valid formset that are not marked for deletion, in order."""
    return [
        form.cleaned_data
        for form in formset.forms
        if form.cleaned_data and not formset._should_delete_form(form)
    ]


class PublishForm(forms.Form):
    note = forms.CharField(
        label=_("What this version changes"),
        help_text=_("Published with the version, for everyone to read."),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("List file (CSV or Excel .xlsx)"),
        help_text=_("One item per row, with the columns of an export. Nothing is imported unless every row is right."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        from django.conf import settings

        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}
            )
        return upload
