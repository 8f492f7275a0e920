"""Forms of the window counter. They only collect input: identities are
validated by `portal.services`, answers by the item's own form
(`services.formbuilder.application_form_class`, as online) and everything
else by `approvals.services` and `approvals.window.services`. The delivery,
refusal and correction forms are the ones every channel shares
(`approvals.forms`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from approvals.models import Visit
from services.formbuilder import application_form_class
from services.models import ItemVersion

ANSWERS_PREFIX = "answers"


def _text(**attrs):
    return forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", **attrs})


class FindForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Resident ID number, credit code or tracking number"),
        help_text=gettext_lazy(
            "Type it, or scan the ID card, business license or receipt, then press Enter. "
            "Type the name beside the number, and a new registration starts with both."
        ),
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
    mobile = forms.CharField(
        label=gettext_lazy("Mobile number (optional)"),
        help_text=gettext_lazy(
            "For someone without an account: notices and decisions are sent to it by SMS, with a link to the sealed PDF."
        ),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
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


def answers_form(version: ItemVersion, *, data=None, initial=None):
    """The item's own form, as online; prefixed so that its keys never meet the counter's fields."""
    form_class = application_form_class(version)
    return form_class(data=data, initial=initial, prefix=ANSWERS_PREFIX)


def posted_answers(version: ItemVersion, post) -> dict:
    """The answers as `approvals.services.application_save` takes them (unprefixed keys)."""
    return {f.key: post.get(f"{ANSWERS_PREFIX}-{f.key}", "") for f in version.fields.all()}
