"""The application workflow: one table says who may make each transition,
from which states, to which state, and what it does to the deadline clock.

`approvals.services` applies these rows; nothing else changes an
application's state. See DESIGN.md §4 "Workflow".

    draft → submitted → accepted → in_review → approved | denied
    submitted → not_accepted (不予受理, with a reason)
    submitted | accepted | in_review → correction_requested (补正; the clock stops)
        → back to where it was, on resubmission
    accepted | in_review → suspended (expert review, public notice; the clock stops)
        → back to where it was, on resumption
    any open state → withdrawn, by the applicant, before a decision

Besides the states and the roles, a row says the rest of who may do what:
a window clerk decides on acceptance only where the department lets the
window do so, and asks for corrections only before acceptance; the head
extends once, while a clock runs, up to the statutory limit.
`permitted_actors` and `refusal` read these rules; services consult nothing
else.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    ACCEPTED = "accepted", _("accepted")
    IN_REVIEW = "in_review", _("in review")
    CORRECTION = "correction_requested", _("correction requested")
    SUSPENDED = "suspended", _("suspended")
    APPROVED = "approved", _("approved")
    DENIED = "denied", _("denied")
    NOT_ACCEPTED = "not_accepted", _("not accepted")
    WITHDRAWN = "withdrawn", _("withdrawn")


OPEN_STATES = (State.SUBMITTED, State.ACCEPTED, State.IN_REVIEW, State.CORRECTION, State.SUSPENDED)
DECIDED_STATES = (State.APPROVED, State.DENIED, State.NOT_ACCEPTED, State.WITHDRAWN)
# States in which a department is working on it against the clock.
CLOCKED_STATES = (State.ACCEPTED, State.IN_REVIEW)


class Actor(models.TextChoices):
    """Who may make a transition. Department roles act within the item's department."""

    APPLICANT = "applicant", _("the applicant")
    APPROVER = "approver", _("an approver of the department")
    HEAD = "head", _("the department head")
    CLERK = "clerk", _("a window clerk")
    SYSTEM = "system", _("OneGate")


class Clock(models.TextChoices):
    """What a transition does to the deadline clock."""

    NONE = "none"
    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    EXTEND = "extend"
    CLOSE = "close"


class Action(models.TextChoices):
    SUBMIT = "submit", _("submitted")
    ACCEPT = "accept", _("accepted")
    NOT_ACCEPT = "not_accept", _("not accepted")
    START_REVIEW = "start_review", _("review started")
    REQUEST_CORRECTION = "request_correction", _("correction requested")
    RESUBMIT = "resubmit", _("corrections resubmitted")
    SUSPEND = "suspend", _("suspended")
    RESUME = "resume", _("resumed")
    EXTEND = "extend", _("deadline extended")
    APPROVE = "approve", _("approved")
    DENY = "deny", _("denied")
    WITHDRAW = "withdraw", _("withdrawn")
    VISIT = "visit", _("visit recorded")
    DEADLINE_MOVED = "deadline_moved", _("due date moved by a calendar change")


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str | None  # None: back to the state saved when the detour began
    actors: tuple[str, ...]
    clock: str = Clock.NONE
    needs_note: bool = False
    # The state to come back to is remembered when a detour (correction,
    # suspension) begins, and restored when it ends.
    remembers_state: bool = False
    restores_state: bool = False
    # A window clerk makes it only where the department lets the window decide
    # on acceptance (`Department.accepts_at_window`) ...
    clerk_needs_window: bool = False
    # ... and only from these states (None: every source state).
    clerk_sources: tuple[str, ...] | None = None
    # At most once per application: the Application flag that records it.
    once_flag: str = ""
    # Only while the application has a deadline clock.
    needs_clock: bool = False
    # Only for an item whose statutory limit leaves room beyond its promised one.
    needs_room: bool = False


_DEPARTMENT = (Actor.APPROVER, Actor.HEAD)
_OPEN = tuple(OPEN_STATES)

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition(Action.SUBMIT, (State.DRAFT,), State.SUBMITTED, (Actor.APPLICANT, Actor.CLERK)),
        Transition(
            Action.ACCEPT,
            (State.SUBMITTED,),
            State.ACCEPTED,
            (*_DEPARTMENT, Actor.CLERK, Actor.SYSTEM),
            Clock.START,
            clerk_needs_window=True,
        ),
        Transition(
            Action.NOT_ACCEPT,
            (State.SUBMITTED,),
            State.NOT_ACCEPTED,
            (*_DEPARTMENT, Actor.CLERK),
            needs_note=True,
            clerk_needs_window=True,
        ),
        Transition(Action.START_REVIEW, (State.ACCEPTED,), State.IN_REVIEW, _DEPARTMENT),
        Transition(
            Action.REQUEST_CORRECTION,
            (State.SUBMITTED, State.ACCEPTED, State.IN_REVIEW),
            State.CORRECTION,
            (*_DEPARTMENT, Actor.CLERK),
            Clock.PAUSE,
            remembers_state=True,
            # At the counter, the one-time notice is the answer to a submission, before acceptance.
            clerk_needs_window=True,
            clerk_sources=(State.SUBMITTED,),
        ),
        Transition(
            Action.RESUBMIT, (State.CORRECTION,), None, (Actor.APPLICANT, Actor.CLERK), Clock.RESUME, restores_state=True
        ),
        Transition(
            Action.SUSPEND,
            (State.ACCEPTED, State.IN_REVIEW),
            State.SUSPENDED,
            _DEPARTMENT,
            Clock.PAUSE,
            needs_note=True,
            remembers_state=True,
        ),
        Transition(Action.RESUME, (State.SUSPENDED,), None, _DEPARTMENT, Clock.RESUME, restores_state=True),
        Transition(
            Action.EXTEND,
            (State.ACCEPTED, State.IN_REVIEW, State.CORRECTION, State.SUSPENDED),
            None,
            (Actor.HEAD,),
            Clock.EXTEND,
            needs_note=True,
            once_flag="extended",
            needs_clock=True,
            needs_room=True,
        ),
        Transition(
            Action.APPROVE, (State.ACCEPTED, State.IN_REVIEW), State.APPROVED, (*_DEPARTMENT, Actor.SYSTEM), Clock.CLOSE
        ),
        Transition(
            Action.DENY, (State.ACCEPTED, State.IN_REVIEW), State.DENIED, _DEPARTMENT, Clock.CLOSE, needs_note=True
        ),
        Transition(Action.WITHDRAW, _OPEN, State.WITHDRAWN, (Actor.APPLICANT,), Clock.CLOSE),
    ]
}

DEPARTMENT_ACTIONS = [a for a, t in TRANSITIONS.items() if set(t.actors) & set(_DEPARTMENT)]


def permitted_actors(transition: Transition, kinds: set[str], application) -> set[str]:
    """The capacities among `kinds` in which `transition` may be made on `application`.

    The roles of the row, less a window clerk where the department keeps the
    decision to itself or the application is in a state the clerk does not
    act from. The state itself is checked by `refusal` and the caller.
    """
    granted = set(kinds) & set(transition.actors)
    if Actor.CLERK in granted:
        if transition.clerk_needs_window and not application.department.accepts_at_window:
            granted.discard(Actor.CLERK)
        elif transition.clerk_sources is not None and application.state not in transition.clerk_sources:
            granted.discard(Actor.CLERK)
    return granted


def extension_room(application) -> int:
    """Working days an extension may add: from the promised limit up to the statutory one."""
    version = application.item_version
    return max(version.statutory_limit_days - version.promised_limit_days, 0)


def refusal(transition: Transition, application) -> str | None:
    """Why `transition` cannot be made on `application` now, whoever asks (None: it can).

    The state first, then the row's other conditions (once only, a running
    clock, room up to the statutory limit).
    """
    if application.state not in transition.sources:
        return gettext("That step is not possible while the application is “%(state)s”.") % {
            "state": State(application.state).label
        }
    if transition.once_flag and getattr(application, transition.once_flag):
        if transition.action == Action.EXTEND:
            return gettext("The time limit of this application was already extended once.")
        return gettext("This step can be taken only once.")
    if transition.needs_clock and application.clock_id is None:
        return gettext("This application has no time limit running.")
    if transition.needs_room and not extension_room(application):
        return gettext("This item's promised limit is already its statutory limit; it cannot be extended.")
    return None
