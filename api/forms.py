from django import forms
from django.utils.translation import gettext_lazy as _

from api.models import Scope
from services.models import Department


class MachineClientRegisterForm(forms.Form):
    department = forms.ModelChoiceField(label=_("department"), queryset=Department.objects.all())
    name = forms.CharField(label=_("name of the system"), max_length=255)
    scopes = forms.MultipleChoiceField(
        label=_("scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )
    public_key = forms.CharField(
        label=_("public key"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text=_(
            "Preferred: the system's public key (JWK or PEM), for private_key_jwt. "
            "Leave empty to give the system a client secret instead."
        ),
    )
