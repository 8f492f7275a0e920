"""The list administrators' form of a bundle draft: its terms and its members, one row each."""

from django import forms
from django.utils.translation import gettext_lazy as _

from services.bundles import MemberInput
from services.models import BundleVersion, LifeEvent


class BundleForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=40, help_text=_("Capital letters, digits and hyphens, for example BDL-001. It never changes.")
    )
    department = forms.ModelChoiceField(label=_("Lead department"), queryset=None, empty_label=None)
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=120)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    event = forms.ModelChoiceField(label=_("Life or business event"), queryset=LifeEvent.objects.all())
    promised_limit_days = forms.IntegerField(
        label=_("Promised time limit (working days)"),
        min_value=1,
        max_value=365,
        help_text=_("From the first acceptance to the last decision; no longer than its members' longest chain."),
    )

    def __init__(self, *args, departments, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        if editing:  # the code and the lead department never change
            del self.fields["code"]
            del self.fields["department"]

    @classmethod
    def initial_of(cls, draft: BundleVersion) -> dict:
        return {
            "name_zh": draft.name_zh,
            "name_en": draft.name_en,
            "event": draft.event_id,
            "promised_limit_days": draft.promised_limit_days,
        }

    def terms(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("name_zh", "name_en", "event", "promised_limit_days")}


class MemberForm(forms.Form):
    item_code = forms.CharField(label=_("Item code"), max_length=40, required=False)
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)
    condition_key = forms.CharField(
        label=_("Included when the answer to"), max_length=40, required=False,
        help_text=_("Only for an optional member: the key of a question, for example hire_staff."),
    )
    condition_value = forms.CharField(label=_("is"), max_length=100, required=False, help_text=_("Empty: any “yes” answer."))
    after_code = forms.CharField(label=_("Starts after the approval of (item code)"), max_length=40, required=False)


MemberFormSet = forms.formset_factory(MemberForm, extra=2, max_num=30)


def member_initial(draft: BundleVersion) -> list[dict]:
    return [
        {
            "item_code": m.item.code,
            "required": m.required,
            "condition_key": m.condition_key,
            "condition_value": m.condition_value,
            "after_code": m.after.code if m.after_id else "",
        }
        for m in draft.members.all()
    ]


def member_inputs(formset) -> list[MemberInput]:
    """The rows with an item code, in order (empty rows are left out)."""
    return [
        MemberInput(
            item_code=row["item_code"],
            required=row["required"],
            condition_key=row["condition_key"],
            condition_value=row["condition_value"],
            after_code=row["after_code"],
        )
        for row in (form.cleaned_data for form in formset.forms)
        if row.get("item_code")
    ]
