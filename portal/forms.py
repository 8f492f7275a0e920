from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import Membership


class ProfileForm(forms.Form):
    real_name = forms.CharField(label=_("Full name (as on your ID card)"), max_length=60)
    resident_id = forms.CharField(
        label=_("Resident ID number"),
        max_length=24,
        help_text=_("18 characters. The last one may be X."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class EnterpriseForm(forms.Form):
    name = forms.CharField(label=_("Enterprise name"), max_length=200)
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=24,
        help_text=_("18 characters, printed on the business license."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class MemberForm(forms.Form):
    email = forms.EmailField(label=_("Their account's email address"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.AGENT)
