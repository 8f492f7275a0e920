"""Forms of the window counter. They only collect input: identities are
validated by `portal.services`, answers by the item's own form
(`services.formbuilder.application_form_class`, as online) and everything
else by `approvals.services` and `approvals.window.services`."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.models import Application, Visit
from services.formbuilder import application_form_class
from services.models import ItemVersion

ANSWERS_PREFIX = "answers"


def _text(**attrs):
    return forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", **attrs})


class FindForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Resident ID number, credit code or tracking number"),
        help_text=gettext_lazy("Type it, or scan the ID card, business license or receipt, then press Enter."),
        max_length=500,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}),
    )


class PersonForm(forms.Form):
    real_name = forms.CharField(label=gettext_lazy("Full name (as on the ID card)"), max_length=60)
    resident_id = forms.CharField(
        label=gettext_lazy("Resident ID number"),
        help_text=gettext_lazy("18 characters. The last one may be X."),
        max_length=24,
        widget=_text(),
    )


class EnterpriseForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Enterprise name (as on the business license)"), max_length=200)
    credit_code = forms.CharField(
        label=gettext_lazy("Unified social credit code"),
        help_text=gettext_lazy("18 characters, printed on the business license."),
        max_length=24,
        widget=_text(),
    )


class StartForm(forms.Form):
    item = forms.CharField(
        label=gettext_lazy("Item code"),
        help_text=gettext_lazy("The code on the approval list, for example MKT-001. Start typing to see the list."),
        max_length=40,
        widget=_text(list="window-items"),
    )


class AgentStartForm(StartForm):
    """An enterprise's application: the item, and the person who came for the enterprise."""

    real_name = forms.CharField(label=gettext_lazy("Name of the person who came (as on the ID card)"), max_length=60)
    resident_id = forms.CharField(
        label=gettext_lazy("Their resident ID number"), max_length=24, widget=_text()
    )


class DeliveryForm(forms.Form):
    """Electronic delivery or post. There is no "come back to collect": nobody comes twice."""

    delivery = forms.ChoiceField(
        label=gettext_lazy("How does the applicant want to receive the result?"),
        choices=Application.Delivery.choices,
        widget=forms.RadioSelect,
    )
    delivery_address = forms.CharField(
        label=gettext_lazy("Postal address"),
        help_text=gettext_lazy("Only for post: the full address, with the postcode and a phone number."),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
    )


class SubmitForm(forms.Form):
    declaration = forms.BooleanField(
        label=gettext_lazy(
            "The applicant has read the declaration and confirms that the answers and materials are true."
        ),
        required=False,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for the extra visit"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class VisitForm(forms.Form):
    """A visit that is not a submission or a correction: asking for advice, say."""

    purpose = forms.ChoiceField(
        label=gettext_lazy("Purpose of the visit"),
        choices=[(Visit.Purpose.CONSULT, Visit.Purpose.CONSULT.label), (Visit.Purpose.OTHER, Visit.Purpose.OTHER.label)],
    )
    item = forms.CharField(label=gettext_lazy("Item code"), max_length=40, widget=_text(list="window-items"))
    reason = forms.CharField(
        label=gettext_lazy("Reason (needed when the visit is beyond what the item allows)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ApplicationVisitForm(forms.Form):
    purpose = forms.ChoiceField(
        label=gettext_lazy("Purpose of the visit"),
        choices=[(Visit.Purpose.CONSULT, Visit.Purpose.CONSULT.label), (Visit.Purpose.OTHER, Visit.Purpose.OTHER.label)],
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (needed when the visit is beyond what the item allows)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NotAcceptForm(forms.Form):
    """不予受理: the reason is written down and sent to the applicant."""

    note = forms.CharField(
        label=gettext_lazy("Why it cannot be accepted"),
        help_text=gettext_lazy(
            "For example: the matter is not within any listed item, or the applicant is not entitled to apply. "
            "The applicant receives this reason in writing."
        ),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def answers_form(version: ItemVersion, *, data=None, initial=None):
    """The item's own form, as online; prefixed so that its keys never meet the counter's fields."""
    form_class = application_form_class(version)
    return form_class(data=data, initial=initial, prefix=ANSWERS_PREFIX)


def posted_answers(version: ItemVersion, post) -> dict:
    """The answers as `approvals.services.application_save` takes them (unprefixed keys)."""
    return {f.key: post.get(f"{ANSWERS_PREFIX}-{f.key}", "") for f in version.fields.all()}


class CorrectionForm(forms.Form):
    """The one-time notice: tick every material that is missing or faulty, and add anything else.

    Each line says what is wrong and what to bring or upload instead.
    """

    EXTRA_LINES = 3

    note = forms.CharField(
        label=gettext_lazy("Note to the applicant (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, materials=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.materials = list(materials)
        for material in self.materials:
            self.fields[f"m{material.pk}"] = forms.BooleanField(
                label=_("“%(material)s” is missing or faulty") % {"material": material.name}, required=False
            )
            self.fields[f"m{material.pk}_problem"] = forms.CharField(
                label=_("What is wrong with it"), required=False, max_length=300
            )
            self.fields[f"m{material.pk}_remedy"] = forms.CharField(
                label=_("What to bring or upload instead"), required=False, max_length=300
            )
        for n in range(1, self.EXTRA_LINES + 1):
            self.fields[f"x{n}_name"] = forms.CharField(
                label=_("Other item %(n)d: what it is") % {"n": n}, required=False, max_length=150
            )
            self.fields[f"x{n}_problem"] = forms.CharField(
                label=_("What is wrong with it"), required=False, max_length=300
            )
            self.fields[f"x{n}_remedy"] = forms.CharField(
                label=_("What to bring or upload instead"), required=False, max_length=300
            )

    def material_rows(self):
        return [
            (material, self[f"m{material.pk}"], self[f"m{material.pk}_problem"], self[f"m{material.pk}_remedy"])
            for material in self.materials
        ]

    def extra_rows(self):
        return [
            (n, self[f"x{n}_name"], self[f"x{n}_problem"], self[f"x{n}_remedy"])
            for n in range(1, self.EXTRA_LINES + 1)
        ]

    def clean(self):
        cleaned = super().clean()
        items = []
        for material in self.materials:
            if not cleaned.get(f"m{material.pk}"):
                continue
            items.append(self._line(cleaned, f"m{material.pk}", material=material.pk, name=material.name_zh))
        for n in range(1, self.EXTRA_LINES + 1):
            name = (cleaned.get(f"x{n}_name") or "").strip()
            if name or cleaned.get(f"x{n}_problem") or cleaned.get(f"x{n}_remedy"):
                if not name:
                    self.add_error(f"x{n}_name", _("Say what the item is."))
                items.append(self._line(cleaned, f"x{n}", material=None, name=name))
        if not items and not self.errors:
            raise forms.ValidationError(_("Tick at least one material, or describe another item to correct."))
        cleaned["items"] = items
        return cleaned

    def _line(self, cleaned, key, *, material, name):
        problem = (cleaned.get(f"{key}_problem") or "").strip()
        remedy = (cleaned.get(f"{key}_remedy") or "").strip()
        if not problem:
            self.add_error(f"{key}_problem", _("Say what is wrong with it."))
        if not remedy:
            self.add_error(f"{key}_remedy", _("Say what to bring or upload instead."))
        return {"material": material, "name": name, "problem": problem, "remedy": remedy}
