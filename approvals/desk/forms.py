"""Forms of the approver desk: the list's filters, and one form per action.

The action forms only check what was typed; the services decide whether the
step is allowed and apply it. Refusing to accept and the correction notice
are the forms every channel shares (`approvals.forms`), prefixed here like
every desk action.
"""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from approvals import forms as shared
from approvals.models import Application
from approvals.services import (
    EXCLUDED_PERIOD_MAX_DAYS,
    LEGAL_BASIS_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    excluded_period_kinds,
)
from approvals.workflow import DECIDED_STATES, OPEN_STATES, Action, extension_room
from deadlines.workdays import SLA

# -- the list's filters --------------------------------------------------------------

STATE_OPEN, STATE_DECIDED, STATE_ALL = "open", "decided", "all"
STATE_GROUPS = {
    STATE_OPEN: tuple(OPEN_STATES),
    STATE_DECIDED: tuple(DECIDED_STATES),
    STATE_ALL: (*OPEN_STATES, *DECIDED_STATES),
}
ASSIGNEE_NONE = "none"


def _with_count(label, count):
    label = capfirst(label)
    return f"{label} ({count})" if count is not None else label


class DeskFilterForm(forms.Form):
    """GET filters. Counts are shown in the state and SLA choices when they are known."""

    department = forms.ChoiceField(label=_("Department"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False)
    item = forms.TypedChoiceField(label=_("Item"), required=False, coerce=int, empty_value=None)
    sla = forms.ChoiceField(label=_("Time limit"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    assignee = forms.ChoiceField(label=_("Approver"), required=False)

    def __init__(self, data=None, *, departments, items, staff, counts=None):
        super().__init__(data)
        if len(departments) > 1:
            self.fields["department"].choices = [(d.code, d.name) for d in departments]
        else:
            del self.fields["department"]
        self.fields["item"].choices = [("", _("All items")), *((item.id, item.label) for item in items)]
        self.fields["channel"].choices = [("", _("All channels")), *Application.Channel.choices]
        self.fields["assignee"].choices = [
            ("", _("Anyone")),
            (ASSIGNEE_NONE, _("Not assigned yet")),
            *[(str(user.pk), user.get_full_name() or user.email) for user in staff],
        ]
        self.set_counts(counts)

    def set_counts(self, counts) -> None:
        """Show the counts in the choices (after the counts have been read with the valid filters)."""
        n = (lambda state: counts.of(state)) if counts is not None else (lambda state: None)
        self.fields["state"].choices = [
            (STATE_OPEN, _with_count(_("Open"), counts.open if counts is not None else None)),
            *[(s.value, _with_count(s.label, n(s))) for s in OPEN_STATES],
            # Decided work is not counted: see desk_selectors.desk_counts.
            (STATE_DECIDED, capfirst(_("Decided"))),
            *[(s.value, capfirst(s.label)) for s in DECIDED_STATES],
            (STATE_ALL, _("All")),
        ]
        sla_count = {
            SLA.OVERDUE: counts.overdue if counts else None,
            SLA.DUE_SOON: counts.due_soon if counts else None,
            SLA.ON_TIME: counts.on_time if counts else None,
        }
        self.fields["sla"].choices = [
            ("", _("Any")),
            *[(value, _with_count(label, sla_count[value])) for value, label in SLA.choices],
        ]

    def value(self, name, default=None):
        """The cleaned value of a filter, or `default` when it is missing or invalid."""
        if not self.is_bound or name not in self.fields:
            return default
        self.is_valid()
        value = self.cleaned_data.get(name)
        return default if value in (None, "") else value

    def states(self) -> tuple[str, ...]:
        state = self.value("state", STATE_OPEN)
        return STATE_GROUPS.get(state, (state,))


# -- the actions ------------------------------------------------------------------------

_NOTE_HELP = _("The applicant will see it.")


class ActionForm(shared.ApplicationForm):
    """An action without anything to type: accept, start the review, resume. Prefixed by its action."""

    def __init__(self, *args, application: Application, **kwargs):
        kwargs.setdefault("prefix", self.action)
        super().__init__(*args, application=application, **kwargs)


class ReasonForm(ActionForm):
    """An action that needs a reason (not accepting, suspending, denying)."""

    note = forms.CharField(
        label=_("Reason"), help_text=_NOTE_HELP, max_length=NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )

    def service_kwargs(self) -> dict:
        return {"note": self.cleaned_data["note"]}


class OptionalNoteForm(ReasonForm):
    """An action with an optional note (approving)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].required = False
        self.fields["note"].label = _("Note (optional)")


class AcceptForm(ActionForm):
    action = Action.ACCEPT


class StartReviewForm(ActionForm):
    action = Action.START_REVIEW


class ResumeForm(ActionForm):
    action = Action.RESUME


class NotAcceptForm(ActionForm, shared.NotAcceptForm):
    pass


class SuspendForm(ReasonForm):
    """An excluded period (Art. 45): the time it takes does not count against the limit."""

    action = Action.SUSPEND

    kind = forms.ChoiceField(label=_("Special procedure"), choices=())
    expected_days = forms.IntegerField(
        label=_("Expected to take (working days)"), min_value=1, max_value=EXCLUDED_PERIOD_MAX_DAYS
    )
    field_order = ["kind", "expected_days", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = excluded_period_kinds()
        self.fields["expected_days"].widget.attrs.update({"min": 1, "max": EXCLUDED_PERIOD_MAX_DAYS})
        self.fields["note"].help_text = _(
            "What the procedure is for. The time limit stops until you resume; the applicant gets a "
            "written notice saying so."
        )

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "kind": self.cleaned_data["kind"], "expected_days": self.cleaned_data["expected_days"]}


class ApproveForm(OptionalNoteForm):
    action = Action.APPROVE


class DenyForm(ReasonForm):
    """A refusal (Art. 38): the reasons, the legal basis, and the appeal rights the decision prints."""

    action = Action.DENY

    legal_basis = forms.CharField(
        label=_("Legal basis (optional)"),
        required=False,
        max_length=LEGAL_BASIS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].help_text = _(
            "The reasons for the refusal. They are printed in the decision, with the applicant's right to "
            "administrative reconsideration and to sue."
        )
        self.fields["legal_basis"].help_text = _("Left empty, the decision cites the item's legal basis: %(basis)s") % {
            "basis": self.application.item_version.legal_basis
        }

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "legal_basis": self.cleaned_data["legal_basis"]}


class ExtendForm(ActionForm):
    """The head extends the time limit once, up to the statutory limit."""

    action = Action.EXTEND

    days = forms.IntegerField(label=_("Extend by (working days)"), min_value=1)
    note = forms.CharField(
        label=_("Reason"), help_text=_NOTE_HELP, max_length=NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        version = self.application.item_version
        self.room = extension_room(self.application)
        days = self.fields["days"]
        days.max_value = self.room
        days.validators.append(MaxValueValidator(self.room))
        days.widget.attrs.update({"min": 1, "max": self.room})
        days.help_text = _(
            "At most %(room)d working days: the promised limit is %(promised)d, the statutory limit %(statutory)d."
        ) % {"room": self.room, "promised": version.promised_limit_days, "statutory": version.statutory_limit_days}

    def service_kwargs(self) -> dict:
        return {"days": self.cleaned_data["days"], "note": self.cleaned_data["note"]}


class CorrectionForm(ActionForm, shared.CorrectionForm):
    pass


ACTION_FORMS: dict[str, type[shared.ApplicationForm]] = {
    form.action: form
    for form in (
        AcceptForm,
        NotAcceptForm,
        StartReviewForm,
        CorrectionForm,
        SuspendForm,
        ResumeForm,
        ExtendForm,
        ApproveForm,
        DenyForm,
    )
}

# What the desk's buttons say: what the approver does, in the imperative. The Action choices'
# own labels say what was done ("accepted") and stay on the timeline.
ACTION_VERBS = {
    Action.ACCEPT: _("Accept"),
    Action.NOT_ACCEPT: _("Do not accept"),
    Action.START_REVIEW: _("Start the review"),
    Action.REQUEST_CORRECTION: _("Ask for corrections"),
    Action.SUSPEND: _("Start a special procedure"),
    Action.RESUME: _("Resume"),
    Action.EXTEND: _("Extend the time limit"),
    Action.APPROVE: _("Approve"),
    Action.DENY: _("Refuse"),
}

# Shown as the main (green) button; the others are secondary or warnings.
FORWARD_ACTIONS = {Action.ACCEPT, Action.START_REVIEW, Action.RESUME, Action.APPROVE}
WARNING_ACTIONS = {Action.NOT_ACCEPT, Action.DENY}
