"""Forms and small presentation helpers for the applicant's pages (apply online).

The answers form itself is built from the item's field definitions by
`services.formbuilder.application_form_class`; validation and saving happen
in `approvals.services`. The delivery form is the one every channel shares
(`approvals.forms`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.models import Application
from portal.i18n import long_date
from services.formbuilder import application_form_class
from services.models import ItemVersion


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Why are you withdrawing it? (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@dataclass
class AnswerRow:
    key: str
    label: str
    value: str
    problems: list[str]


def answers_form(version: ItemVersion, application: Application, data=None):
    """The built form: bound to what was just posted, or showing what was saved before."""
    form_class = application_form_class(version)
    if data is not None:
        return form_class(data=data)
    return form_class(initial=application.form_data)


def _display(field: forms.Field, value) -> str:
    if value in (None, ""):
        return ""
    if isinstance(field, forms.BooleanField):
        return _("Yes") if value in (True, "true", "True", "on", "1") else _("No")
    if isinstance(field, forms.ChoiceField):
        return str(dict(field.choices).get(value, value))
    if isinstance(field, forms.DateField) and isinstance(value, str):
        parsed = parse_date(value) if len(value) == 10 else None
        return long_date(parsed) if parsed else value
    return str(value)


def answer_rows(version: ItemVersion, application: Application, problems: dict | None = None) -> list[AnswerRow]:
    """Each question with the saved answer as the applicant would read it."""
    problems = problems or {}
    form = application_form_class(version)()
    return [
        AnswerRow(
            key=key,
            label=str(field.label),
            value=_display(field, application.form_data.get(key)),
            problems=[str(p) for p in problems.get(key, [])],
        )
        for key, field in form.fields.items()
    ]


