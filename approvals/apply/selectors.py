"""The applicant's side: the reads. The applications a signed-in user sees as
their applicant, and what "my applications", "my office" and the start page
list. Each query carries what its page reads (no query per row)."""

from __future__ import annotations

from approvals.bundles import bundles_of_applicant
from approvals.models import Application, Attachment
from approvals.services import is_applicant
from approvals.workflow import State

OFFICE_LIMIT = 10


def _applications():
    return Application.objects.select_related(
        "item_version__item", "department", "applicant_person", "applicant_enterprise", "clock"
    )


def own_application(user, uid) -> Application | None:
    """The application with this uid, if `user` may see it as its applicant (an online draft, or submitted).

    A window draft is the clerk's until it is submitted: None for it too.
    """
    application = _applications().filter(uid=uid).first()
    if application is None or not is_applicant(user, application):
        return None
    if application.state == State.DRAFT and application.channel != Application.Channel.ONLINE:
        return None
    return application


def mine(user):
    """Every application `user` sees as its applicant, newest first (window drafts left out)."""
    return (
        Application.objects.visible_to_applicant(user)
        .exclude(state=State.DRAFT, channel=Application.Channel.WINDOW)
        .select_related("item_version__item", "applicant_enterprise")
        .order_by("-created_at", "-id")
    )


def my_drafts(user, *, limit: int = 50):
    return mine(user).filter(state=State.DRAFT)[:limit]


def drafts_of_item(user, item, *, limit: int = 5):
    """`user`'s online drafts for `item`, newest first: the start page offers to resume them."""
    return (
        Application.objects.visible_to_applicant(user)
        .filter(state=State.DRAFT, channel=Application.Channel.ONLINE, item_version__item=item)
        .select_related("applicant_enterprise")
        .order_by("-created_at")[:limit]
    )


def open_correction(application: Application):
    """The correction notice the applicant still has to answer, or None."""
    return application.corrections.filter(resolved_at__isnull=True).first()


def attachment(uid, attachment_id: int) -> Attachment | None:
    """A material file of the application `uid`, with what the permission check reads."""
    return (
        Attachment.objects.select_related(
            "application__applicant_person", "application__applicant_enterprise", "application__department"
        )
        .filter(pk=attachment_id, application__uid=uid)
        .first()
    )


def office_section(user) -> dict:
    """The "My applications" part of my office: drafts to resume and the latest applications."""
    applications = mine(user)
    drafts = list(applications.filter(state=State.DRAFT)[: OFFICE_LIMIT + 1])
    submitted = list(applications.submitted()[: OFFICE_LIMIT + 1])
    return {
        "template": "approvals/_office_section.html",
        "drafts": drafts[:OFFICE_LIMIT],
        "applications": submitted[:OFFICE_LIMIT],
        "bundles": list(bundles_of_applicant(user)[:OFFICE_LIMIT]),
        "more": len(drafts) > OFFICE_LIMIT or len(submitted) > OFFICE_LIMIT,
    }
