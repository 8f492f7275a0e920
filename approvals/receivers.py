"""The workflow's side of the deadline engine's published signals."""

from django.dispatch import receiver
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from approvals.models import Application, ApplicationEvent
from approvals.signals import deadline_moved
from approvals.workflow import Action
from portal.i18n import lazy_long_date


@receiver(deadline_moved, dispatch_uid="approvals.application_deadline_moved")
def application_deadline_moved(sender, *, clock, old_due_on, new_due_on, provisional, at, **kwargs):
    """Keep the application's copy of the due date right, and tell the applicant it moved."""
    from approvals.services import applicant_users
    from portal.notifications import notify

    application = Application.objects.select_for_update().filter(clock=clock).first()
    if application is None:
        return
    application.due_on, application.due_provisional = new_due_on, provisional
    application.save(update_fields=["due_on", "due_provisional"])
    ApplicationEvent.objects.create(
        application=application,
        action=Action.DEADLINE_MOVED,
        from_state=application.state,
        to_state=application.state,
        note=f"{old_due_on.isoformat()} → {new_due_on.isoformat()}",
        at=at,
    )
    notify(
        recipients=applicant_users(application),
        subject=format_lazy("{}: {}", application.tracking_number, _("the due date moved")),
        body=format_lazy(
            _("The holiday calendar changed, so application {number} is now due by {new} instead of {old}."),
            number=application.tracking_number,
            new=lazy_long_date(new_due_on),
            old=lazy_long_date(old_due_on),
        ),
        link=f"/me/applications/{application.uid}/",
    )
