"""The tracking form: a tracking number and its query code, normalised as typed,
scanned or read from a QR code. The code is never written back into the page."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _


class _SecretInput(forms.TextInput):
    """A visible text box that never writes the typed value back into the page."""

    def format_value(self, value):
        return None


def normalise_tracking_number(value: str) -> str:
    """As typed, scanned or read from a QR code: spaces dropped, upper case."""
    return re.sub(r"\s+", "", value).upper()


class TrackForm(forms.Form):
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=64,
        help_text=_("For example HLD-2026-000123."),
        error_messages={"required": _("Enter the tracking number.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )
    query_code = forms.CharField(
        label=_("Query code"),
        max_length=64,
        help_text=_("8 letters and digits, in the message we sent when the application was submitted."),
        error_messages={"required": _("Enter the query code.")},
        widget=_SecretInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )

    def clean_tracking_number(self) -> str:
        return normalise_tracking_number(self.cleaned_data["tracking_number"])

    def clean_query_code(self) -> str:
        return re.sub(r"[\s-]+", "", self.cleaned_data["query_code"]).upper()
