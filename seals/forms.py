from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from seals.models import Seal
from services.models import Department


class VerifyUploadForm(forms.Form):
    document = forms.FileField(
        label=_("Sealed PDF document"),
        error_messages={"required": _("Choose the PDF document to check.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].help_text = _("A PDF issued by the portal, at most %(size)s.") % {
            "size": filesizeformat(settings.SEAL_VERIFY_MAX_BYTES)
        }
        self.fields["document"].widget.attrs["accept"] = "application/pdf,.pdf"

    def clean_document(self) -> bytes:
        upload = self.cleaned_data["document"]
        if upload.size > settings.SEAL_VERIFY_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s.") % {"size": filesizeformat(settings.SEAL_VERIFY_MAX_BYTES)}
            )
        data = upload.read()
        # The real type, from the file's first bytes; the name and the browser's claim are ignored.
        if not data.startswith(b"%PDF-"):
            raise forms.ValidationError(_("This file is not a PDF. Choose the sealed PDF document."))
        return data


class SealIssueForm(forms.Form):
    department = forms.ModelChoiceField(label=_("department"), queryset=Department.objects.all())
    purpose = forms.ChoiceField(label=_("purpose"), choices=Seal.Purpose.choices, initial=Seal.Purpose.LICENSE)
    key_store = forms.ChoiceField(
        label=_("key store"), choices=Seal.KeyStore.choices, initial=Seal.KeyStore.ENCRYPTED
    )
    pkcs11_token_label = forms.CharField(label=_("PKCS#11 token label"), max_length=32, required=False)
    pkcs11_key_label = forms.CharField(label=_("PKCS#11 key label"), max_length=64, required=False)


class SealRevokeForm(forms.Form):
    revocation_reason = forms.ChoiceField(label=_("reason"), choices=Seal.RevocationReason.choices)
    revocation_note = forms.CharField(
        label=_("explanation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded with the revocation and shown to staff."),
    )
