"""Forms every channel shares: the delivery of the result, refusing to accept
(不予受理) and the one-time correction notice (一次性告知); and how a
service's refusal is shown (`service_errors`).

They collect what was typed. The rules (what a notice line must say, how
long a note may be) are `approvals.services`' and are applied there; the
correction form asks the same rule, line by line, only to put each problem
next to the box it is about.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals import services
from approvals.models import Application
from approvals.workflow import Action


def service_errors(exc: ValidationError, form: forms.Form | None = None) -> str:
    """A service's refusal as every channel shows it.

    Returns its messages as one sentence (for `messages.error`). Given a
    form, also puts each message on it: next to the field it is keyed by when
    the form has that field, else at the top of the form.
    """
    if form is not None:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.error_list)
    return " ".join(str(message) for message in exc.messages)


class DeliveryForm(forms.Form):
    """Electronic delivery or post. There is no "come back to collect": nobody comes twice."""

    delivery = forms.ChoiceField(
        label=gettext_lazy("Delivery of the result"),
        choices=Application.Delivery.choices,
        widget=forms.RadioSelect,
    )
    delivery_address = forms.CharField(
        label=gettext_lazy("Postal address"),
        help_text=gettext_lazy("Only for post: the full address, with the postcode and a phone number."),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )

    @classmethod
    def of(cls, application: Application) -> DeliveryForm:
        """Unbound, showing the application's present choice."""
        return cls(initial={"delivery": application.delivery, "delivery_address": application.delivery_address})


class ApplicationForm(forms.Form):
    """A form about one application (`application=`), which it may need to build its fields."""

    action: str = ""

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application

    def service_kwargs(self) -> dict:
        """What the service of `action` takes from this form."""
        return {}


class NotAcceptForm(ApplicationForm):
    """不予受理: the reason is written down and sent to the applicant."""

    action = Action.NOT_ACCEPT

    note = forms.CharField(
        label=gettext_lazy("Why it cannot be accepted"),
        help_text=gettext_lazy(
            "For example: the matter is not within any listed item, or the applicant is not entitled to apply. "
            "The applicant receives this reason in writing."
        ),
        max_length=services.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def service_kwargs(self) -> dict:
        return {"note": self.cleaned_data["note"]}


class CorrectionForm(ApplicationForm):
    """The one-time notice: every material of the application's terms with a box to tick, and free rows.

    A material counts once it is ticked or anything is typed about it; a free
    row once anything is typed in it. What each must say is
    `services.correction_line_problems`.
    """

    action = Action.REQUEST_CORRECTION
    EXTRA_ROWS = 3

    note = forms.CharField(
        label=gettext_lazy("Note to the applicant (optional)"),
        required=False,
        max_length=services.NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.materials = list(self.application.item_version.materials.all())
        text = services.CORRECTION_TEXT_MAX_LENGTH
        for material in self.materials:
            key = f"m{material.pk}"
            self.fields[key] = forms.BooleanField(
                label=_("“%(material)s” needs correcting") % {"material": material.name}, required=False
            )
            self.fields[f"{key}_problem"] = forms.CharField(
                label=_("What is wrong with “%(material)s”") % {"material": material.name},
                required=False,
                max_length=text,
            )
            self.fields[f"{key}_remedy"] = forms.CharField(
                label=_("What the applicant should do"), required=False, max_length=text
            )
        for i in range(1, self.EXTRA_ROWS + 1):
            self.fields[f"x{i}_name"] = forms.CharField(
                label=_("Other item %(n)d: what is needed") % {"n": i},
                required=False,
                max_length=services.CORRECTION_NAME_MAX_LENGTH,
            )
            self.fields[f"x{i}_problem"] = forms.CharField(
                label=_("Other item %(n)d: what is wrong or missing") % {"n": i}, required=False, max_length=text
            )
            self.fields[f"x{i}_remedy"] = forms.CharField(
                label=_("Other item %(n)d: what the applicant should do") % {"n": i}, required=False, max_length=text
            )
        # Keep the note last, after the rows.
        self.fields["note"] = self.fields.pop("note")

    def material_rows(self):
        return [
            (material, self[f"m{material.pk}"], self[f"m{material.pk}_problem"], self[f"m{material.pk}_remedy"])
            for material in self.materials
        ]

    def extra_rows(self):
        return [
            (i, self[f"x{i}_name"], self[f"x{i}_problem"], self[f"x{i}_remedy"])
            for i in range(1, self.EXTRA_ROWS + 1)
        ]

    def _rows(self, data):
        """(field prefix, line) for each row that counts."""
        for material in self.materials:
            key = f"m{material.pk}"
            problem, remedy = data.get(f"{key}_problem", ""), data.get(f"{key}_remedy", "")
            if data.get(key) or problem or remedy:
                yield key, {"material": material.pk, "name": material.name_zh, "problem": problem, "remedy": remedy}
        for i in range(1, self.EXTRA_ROWS + 1):
            key = f"x{i}"
            name, problem, remedy = (data.get(f"{key}_{part}", "") for part in ("name", "problem", "remedy"))
            if name or problem or remedy:
                yield key, {"material": None, "name": name, "problem": problem, "remedy": remedy}

    def clean(self):
        data = super().clean()
        materials = {material.pk: material for material in self.materials}
        items = []
        for key, line in self._rows(data):
            problems = services.correction_line_problems(line, materials=materials)
            for part, message in problems.items():
                field = f"{key}_{part}" if f"{key}_{part}" in self.fields else key
                self.add_error(field, message)
            if not problems:
                items.append(line)
        if not items and not self.errors:
            raise forms.ValidationError(
                _("List at least one item that must be corrected: tick a material or fill in another item.")
            )
        data["items"] = items
        return data

    def service_kwargs(self) -> dict:
        return {"items": self.cleaned_data["items"], "note": self.cleaned_data["note"]}
