"""The accountability case workflow (问责): one table says who may make each
step, from which states, and to which state. `supervision.accountability.services`
applies these rows; nothing else changes a case's state.

    proposed → opened → findings → decided → closed
    proposed → closed (dismissed, with a reason)
    opened | findings → findings (more findings, by supervision or the department)

A decision is one of: no fault, a reminder, criticism in a public notice
(通报批评) or a referral. A criticism is published on the public notices page.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    PROPOSED = "proposed", _("proposed")
    OPENED = "opened", _("opened")
    FINDINGS = "findings", _("findings recorded")
    DECIDED = "decided", _("decided")
    CLOSED = "closed", _("closed")


class Decision(models.TextChoices):
    NO_FAULT = "no_fault", _("no fault")
    REMINDER = "reminder", _("reminder")
    CRITICISM = "criticism", _("criticism in a public notice")
    REFERRAL = "referral", _("referral")


class Actor(models.TextChoices):
    SUPERVISOR = "supervisor", _("a supervisor")
    DEPARTMENT = "department", _("the department's head or approver")
    SYSTEM = "system", _("OneGate")


class Action(models.TextChoices):
    PROPOSE = "propose", _("proposed")
    OPEN = "open", _("opened")
    DISMISS = "dismiss", _("dismissed")
    FINDINGS = "findings", _("findings recorded")
    DECIDE = "decide", _("decided")
    CLOSE = "close", _("closed")


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    actors: tuple[str, ...]
    needs_note: bool = False
    needs_decision: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition(Action.OPEN, (State.PROPOSED,), State.OPENED, (Actor.SUPERVISOR,)),
        Transition(Action.DISMISS, (State.PROPOSED,), State.CLOSED, (Actor.SUPERVISOR,), needs_note=True),
        Transition(
            Action.FINDINGS,
            (State.OPENED, State.FINDINGS),
            State.FINDINGS,
            (Actor.SUPERVISOR, Actor.DEPARTMENT),
            needs_note=True,
        ),
        Transition(
            Action.DECIDE, (State.FINDINGS,), State.DECIDED, (Actor.SUPERVISOR,), needs_note=True, needs_decision=True
        ),
        Transition(Action.CLOSE, (State.DECIDED,), State.CLOSED, (Actor.SUPERVISOR,)),
    ]
}

OPEN_STATES = (State.PROPOSED, State.OPENED, State.FINDINGS, State.DECIDED)
