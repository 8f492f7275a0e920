from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from approvals.models import Visit
from services.models import Department
from supervision.ratings.models import Complaint, ComplaintAttachment, Level
from supervision.ratings.rules import ALL_TAGS


class RatingForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("How satisfied are you?"), choices=Level.choices, coerce=int, widget=forms.RadioSelect
    )
    tags = forms.MultipleChoiceField(
        label=_("What stood out? (optional)"),
        choices=list(ALL_TAGS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tags such as “slow” fit a bad rating; “fast” fits a good one."),
    )
    comment = forms.CharField(label=_("Comment (optional)"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 4}))


class SignedInRatingForm(RatingForm):
    anonymous = forms.BooleanField(
        label=_("Do not show my name to the department"),
        required=False,
        help_text=_("A bad rating with your name gets a callback within 1 working day."),
    )


class FixRatingForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("How satisfied are you with the fix?"), choices=Level.choices, coerce=int, widget=forms.RadioSelect
    )


class CallbackForm(forms.Form):
    result = forms.CharField(label=_("Result of the callback"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))


class FixForm(forms.Form):
    text = forms.CharField(
        label=_("What was changed (shown to the rater)"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the rating is believed false"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class AppealDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[("uphold", _("Uphold: exclude the rating from the rates")), ("reject", _("Reject: the rating counts"))],
        widget=forms.RadioSelect,
    )
    decision = forms.CharField(label=_("Reasons"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class MultipleFileInput(forms.FileInput):
    """A plain `<input type=file multiple>`: several files without JavaScript."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A list of uploaded files (Django's "Uploading multiple files"); each is judged by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        # Each file is judged by the service (`portal.uploads.check_upload`), which names every bad one.
        files = data if isinstance(data, (list, tuple)) else [data]
        cleaned = [file for file in files if file is not None and hasattr(file, "name")]
        if self.required and not cleaned:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return cleaned


class ComplaintForm(forms.Form):
    about = forms.ChoiceField(label=_("What is the complaint about?"), choices=Complaint.About.choices, widget=forms.RadioSelect)
    tracking_number = forms.CharField(
        label=_("Tracking number of the application"), required=False, max_length=24,
        help_text=_("Only for a complaint about an application; it is on your receipt."),
    )
    query_code = forms.CharField(
        label=_("Query code of the application"), required=False, max_length=8,
        help_text=_("It proves the application is yours when you are not signed in."),
    )
    visit = forms.ModelChoiceField(
        label=_("Your visit to the window"), queryset=Visit.objects.none(), required=False,
        help_text=_("Only for a complaint about a visit; sign in to see your visits."),
    )
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.serving().order_by("code"), required=False)
    item_code = forms.CharField(
        label=_("Code of the service item"), required=False, max_length=40,
        help_text=_("Only for a complaint about a service item, for example MKT-001."),
    )
    text = forms.CharField(label=_("What happened"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6}))
    name = forms.CharField(label=_("Your name (optional)"), required=False, max_length=60)
    contact = forms.CharField(
        label=_("Phone or email (optional)"), required=False, max_length=120,
        help_text=_("So that the department can call you back."),
    )
    attachments = MultipleFileField(
        label=_("Files (optional)"), required=False,
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and user.is_authenticated:
            self.fields["visit"].queryset = (
                Visit.objects.filter(person__user=user, department__isnull=False).select_related("department").order_by("-at")
            )
        self.fields["visit"].label_from_instance = lambda visit: f"{visit.at:%Y-%m-%d} {visit.department.name}"
        self.fields["attachments"].help_text = gettext(
            "Up to %(count)s files, chosen together: PDF, JPG or PNG; the content of each is checked."
        ) % {"count": ComplaintAttachment.MAX_PER_COMPLAINT}


def complaint_initial(query) -> dict:
    """What a link to the complaint form may fill in (`?about=department&department=<id>&text=…`),
    for example from a page that offers to complain about one thing; the person still sends it."""
    initial = {}
    if query.get("about") in Complaint.About.values:
        initial["about"] = query["about"]
    if query.get("department", "").isdigit():
        initial["department"] = int(query["department"])
    if query.get("text"):
        initial["text"] = query["text"][: ComplaintForm.base_fields["text"].max_length]
    return initial


class TrackComplaintForm(forms.Form):
    number = forms.CharField(label=_("Complaint number"), max_length=24)
    code = forms.CharField(label=_("Query code"), max_length=8)
