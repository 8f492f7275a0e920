"""Writes of 好差评: ratings, the window's one-time rating tokens, the case loop
(callback → fix → the rater's rating of the fix), appeals and complaints.

Every rule is checked here, whatever the channel: only the person served
rates, once, within RATING_WINDOW_DAYS, never staff about their own work; a
bad rating or a complaint opens one case with due dates from LIMITS, counted
by the working-day calendar; only the acting department's approvers and heads
(and supervisors) work a case; only supervisors decide appeals.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.models import Application, Visit
from approvals.workflow import State
from deadlines.selectors import add_working_days, stored_calendar
from portal.models import StaffRole
from portal.permissions import departments_for, has_role, require_role
from portal.uploads import check_upload, store_upload
from supervision.ratings.models import (
    BAD_LEVELS,
    Appeal,
    Case,
    CaseState,
    Channel,
    Complaint,
    ComplaintAttachment,
    Level,
    Rating,
    WindowRatingToken,
)
from supervision.ratings.rules import LIMITS, RATING_WINDOW_DAYS, TAGS

Role = StaffRole.Role
RATED_STATES = (State.APPROVED, State.DENIED, State.NOT_ACCEPTED)
CASE_ROLES = (Role.APPROVER, Role.HEAD)


# -- case permissions -----------------------------------------------------------------


def can_work_case(user, case: Case) -> bool:
    """The acting department's approvers and heads, and supervisors."""
    return has_role(user, Role.SUPERVISOR) or case.department_id in departments_for(user, CASE_ROLES)


def require_case_worker(user, case: Case) -> None:
    if not can_work_case(user, case):
        raise PermissionDenied(_("You do not have permission to do this."))


# -- ratings -----------------------------------------------------------------------------


def _clean_rating(*, level, tags, comment: str) -> tuple[int, list[str]]:
    errors = {}
    try:
        level = Level(int(level))
    except (TypeError, ValueError):
        errors["level"] = _("Choose how satisfied you are.")
        raise ValidationError(errors)
    allowed = {code for code, _label in TAGS[level]}
    tags = list(dict.fromkeys(tags or []))
    if any(tag not in allowed for tag in tags):
        errors["tags"] = _("Choose tags that belong to the rating you gave.")
    if len(comment or "") > 1000:
        errors["comment"] = _("Keep the comment to 1000 characters or fewer.")
    if errors:
        raise ValidationError(errors)
    return int(level), tags


def _refuse_own_work(user, *, department_id: int, acted_ids: set[int]) -> None:
    if user is None or not user.is_authenticated:
        return
    if user.pk in acted_ids or department_id in departments_for(user, StaffRole.DEPARTMENT_ROLES):
        raise PermissionDenied(_("Staff cannot rate their own department's work."))


def _in_window(day: date, today: date) -> None:
    if today > day + timedelta(days=RATING_WINDOW_DAYS):
        raise ValidationError(
            _("A rating can be given within %(days)s days; this one can no longer be rated.")
            % {"days": RATING_WINDOW_DAYS}
        )


def application_rating_refusal(*, user, application: Application, today: date) -> str | None:
    """Why `user` cannot rate `application` today, or None when they can."""
    try:
        _check_application(user=user, application=application, today=today)
    except (PermissionDenied, ValidationError) as exc:
        return " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    return None


def _check_application(*, user, application: Application, today: date) -> None:
    if not user.is_authenticated or not Application.objects.visible_to_applicant(user).filter(pk=application.pk).exists():
        raise PermissionDenied(_("Only the applicant who was served can rate this."))
    _refuse_own_work(
        user,
        department_id=application.department_id,
        acted_ids={pk for pk in (application.assignee_id, application.clerk_id) if pk},
    )
    if application.state not in RATED_STATES or application.decided_at is None:
        raise ValidationError(_("An application can be rated once it has been decided."))
    if Rating.objects.filter(application=application).exists():
        raise ValidationError(_("This application has already been rated."))
    _in_window(timezone.localdate(application.decided_at), today)


def _check_visit(*, user, visit: Visit, today: date) -> None:
    if user is not None and (not user.is_authenticated or visit.person.user_id != user.pk):
        raise PermissionDenied(_("Only the person who was served can rate this."))
    _refuse_own_work(user, department_id=visit.department_id, acted_ids={visit.clerk_id})
    if visit.department_id is None:
        raise ValidationError(_("This visit names no department, so it cannot be rated."))
    if Rating.objects.filter(visit=visit).exists():
        raise ValidationError(_("This visit has already been rated."))
    _in_window(timezone.localdate(visit.at), today)


def _create(*, at: datetime, **fields) -> Rating:
    rating = Rating(rated_on=timezone.localdate(at), at=at, **fields)
    rating.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            rating.save(force_insert=True)
    except IntegrityError:
        # Two submissions at once: the one-to-one keeps exactly one.
        raise ValidationError(_("This has already been rated.")) from None
    if rating.level in BAD_LEVELS:
        _open_case(rating=rating, department_id=rating.department_id, day=rating.rated_on)
    return rating


@transaction.atomic
def rating_for_application(
    *, application: Application, user, level, tags=(), comment: str = "", real_name: bool = True, at: datetime
) -> Rating:
    level, tags = _clean_rating(level=level, tags=tags, comment=comment)
    _check_application(user=user, application=application, today=timezone.localdate(at))
    return _create(
        at=at, level=level, tags=tags, comment=comment.strip(), real_name=real_name,
        application=application, person=application.applicant_person, rater=user,
        channel=Channel.WINDOW if application.channel == Application.Channel.WINDOW else Channel.ONLINE,
        department_id=application.department_id, item_version_id=application.item_version_id,
        staff_id=application.assignee_id or application.clerk_id,
    )


@transaction.atomic
def rating_for_visit(
    *, visit: Visit, user, level, tags=(), comment: str = "", real_name: bool = True, at: datetime
) -> Rating:
    """`user` is the signed-in person served, or None when the visit's one-time token stood for them."""
    level, tags = _clean_rating(level=level, tags=tags, comment=comment)
    _check_visit(user=user, visit=visit, today=timezone.localdate(at))
    return _create(
        at=at, level=level, tags=tags, comment=comment.strip(), real_name=real_name,
        visit=visit, person=visit.person, rater=user, channel=Channel.WINDOW,
        department_id=visit.department_id, item_version_id=visit.item_version_id, staff_id=visit.clerk_id,
    )


# -- the window's one-time token ----------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def window_token_issue(*, visit: Visit, actor, at: datetime) -> str:
    """A fresh one-time token for the QR code of `visit` (window clerks only); only its digest is stored."""
    require_role(actor, Role.CLERK)
    if Rating.objects.filter(visit=visit).exists():
        raise ValidationError(_("This visit has already been rated."))
    token = secrets.token_urlsafe(24)
    WindowRatingToken.objects.update_or_create(
        visit=visit, defaults={"token": _digest(token), "created_at": at, "used_at": None}
    )
    return token


def receipt_rating_link(*, visit: Visit, clerk, at: datetime) -> str | None:
    """The rating link printed on the receipt `clerk` prints for `visit`, with a fresh one-time token.

    Registered with approvals.window.hooks. None when the link would not
    work: the visit is rated already, too old to rate, names no department,
    or the printer is not a window clerk.
    """
    if not has_role(clerk, Role.CLERK):
        return None
    try:
        _check_visit(user=None, visit=visit, today=timezone.localdate(at))
        token = window_token_issue(visit=visit, actor=clerk, at=at)
    except (PermissionDenied, ValidationError):
        return None
    return settings.SITE_URL + reverse("ratings_rate_token", args=[token])


def visit_for_token(token: str) -> Visit | None:
    """The visit an unused token stands for, or None."""
    found = (
        WindowRatingToken.objects.filter(token=_digest(token or ""), used_at__isnull=True)
        .select_related("visit__department", "visit__item_version")
        .first()
    )
    return found.visit if found else None


@transaction.atomic
def rating_by_token(*, token: str, level, tags=(), comment: str = "", at: datetime) -> Rating:
    level, tags = _clean_rating(level=level, tags=tags, comment=comment)
    # Claim the token first: of two submissions at once, one claims it and the other finds it used.
    claimed = WindowRatingToken.objects.filter(token=_digest(token or ""), used_at__isnull=True).update(used_at=at)
    if claimed != 1:
        raise PermissionDenied(_("This rating link has been used or is not valid."))
    visit = WindowRatingToken.objects.select_related("visit__person").get(token=_digest(token)).visit
    return rating_for_visit(visit=visit, user=None, level=level, tags=tags, comment=comment, real_name=True, at=at)


# -- the case loop -------------------------------------------------------------------------


def case_due_dates(day: date, *, calendar=None) -> tuple[date, date]:
    """(callback due, fix due) for a rating or complaint of `day`, by the working-day calendar."""
    calendar = calendar or stored_calendar(today=day)
    return (
        add_working_days(day, LIMITS["callback"], calendar=calendar),
        add_working_days(day, LIMITS["fix"], calendar=calendar),
    )


def _open_case(*, department_id: int, day: date, rating: Rating | None = None, complaint: Complaint | None = None):
    callback_due, fix_due = case_due_dates(day)
    case = Case.objects.create(
        rating=rating, complaint=complaint, department_id=department_id, opened_on=day,
        callback_due=callback_due, fix_due=fix_due,
    )
    _tell_department(case)
    return case


def _tell_department(case: Case) -> None:
    from portal.notifications import notify
    from portal.models import User

    users = User.objects.filter(
        staff_roles__department_id=case.department_id, staff_roles__role__in=CASE_ROLES, is_active=True
    ).distinct()
    notify(
        recipients=list(users),
        subject=gettext_lazy("A new rectification case"),
        body=gettext_lazy("A bad rating or a complaint needs a callback within 1 working day."),
        link=reverse("ratings_case", args=[case.pk]),
        email=True,
    )


def _advance(case: Case, *, from_state: str, **fields) -> None:
    """Move `case` on from `from_state`; of two staff acting at once, exactly one does."""
    changed = Case.objects.filter(pk=case.pk, state=from_state).update(**fields)
    if changed != 1:
        raise ValidationError(_("This case has moved on in the meantime; reload the page."))
    case.refresh_from_db()


@transaction.atomic
def case_callback(*, case: Case, actor, result: str, at: datetime) -> Case:
    require_case_worker(actor, case)
    result = (result or "").strip()
    if not result:
        raise ValidationError({"result": _("Write down what the call found.")})
    if case.state != CaseState.OPEN:
        raise ValidationError(_("The callback has already been recorded."))
    _advance(
        case, from_state=CaseState.OPEN, state=CaseState.CALLED_BACK,
        callback_at=at, callback_by=actor, callback_result=result,
    )
    return case


@transaction.atomic
def case_fix(*, case: Case, actor, text: str, at: datetime) -> Case:
    require_case_worker(actor, case)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Say what was changed.")})
    if case.state != CaseState.CALLED_BACK:
        raise ValidationError(_("Record the callback before the fix."))
    _advance(case, from_state=CaseState.CALLED_BACK, state=CaseState.FIXED, fix_at=at, fix_by=actor, fix_text=text)
    _tell_rater(case)
    return case


def _tell_rater(case: Case) -> None:
    from portal.notifications import notify

    rater = case.rating.rater if case.rating_id else case.complaint.filer
    if rater is None:
        return
    link = reverse("ratings_mine_case", args=[case.pk])
    notify(
        recipients=[rater],
        subject=gettext_lazy("The department answered your feedback"),
        body=gettext_lazy("See what was changed and rate the fix."),
        link=link,
    )


def can_rate_fix(user, case: Case) -> bool:
    if not user.is_authenticated or case.state != CaseState.FIXED or case.fix_level is not None:
        return False
    owner = case.rating.rater_id if case.rating_id else case.complaint.filer_id
    return owner == user.pk


@transaction.atomic
def case_rate_fix(*, case: Case, user, level, at: datetime) -> Case:
    owner = case.rating.rater_id if case.rating_id else case.complaint.filer_id
    if not user.is_authenticated or owner != user.pk:
        raise PermissionDenied(_("Only the person who gave the feedback can rate the fix."))
    try:
        level = int(Level(int(level)))
    except (TypeError, ValueError):
        raise ValidationError({"level": _("Choose how satisfied you are.")}) from None
    changed = Case.objects.filter(pk=case.pk, state=CaseState.FIXED, fix_level__isnull=True).update(
        fix_level=level, fix_rated_at=at
    )
    if changed != 1:
        raise ValidationError(_("The fix can be rated once, after the department has given its feedback."))
    case.refresh_from_db()
    return case


# -- appeals (申诉复核) ----------------------------------------------------------------------


@transaction.atomic
def appeal_file(*, rating: Rating, actor, reason: str) -> Rating:
    """The rated department (its approvers or heads) asks supervision to exclude a rating it believes false."""
    if rating.department_id not in departments_for(actor, CASE_ROLES):
        raise PermissionDenied(_("You do not have permission to do this."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the appeal.")})
    changed = Rating.objects.filter(pk=rating.pk, appeal=Appeal.NONE).update(
        appeal=Appeal.PENDING, appeal_reason=reason, appeal_by=actor
    )
    if changed != 1:
        raise ValidationError(_("This rating has already been appealed."))
    rating.refresh_from_db()
    return rating


@transaction.atomic
def appeal_decide(*, rating: Rating, actor, upheld: bool, decision: str) -> Rating:
    """A supervisor decides; an upheld appeal excludes the rating from the rates but keeps it on record."""
    require_role(actor, Role.SUPERVISOR)
    decision = (decision or "").strip()
    if not decision:
        raise ValidationError({"decision": _("Give the reason for the decision.")})
    changed = Rating.objects.filter(pk=rating.pk, appeal=Appeal.PENDING).update(
        appeal=Appeal.UPHELD if upheld else Appeal.REJECTED, appeal_decision=decision, appeal_decided_by=actor
    )
    if changed != 1:
        raise ValidationError(_("There is no pending appeal on this rating."))
    rating.refresh_from_db()
    return rating


# -- complaints (投诉) -----------------------------------------------------------------------


def _complaint_number(day: date) -> str:
    return f"TS-{day.year}-{secrets.randbelow(10**8):08d}"


@transaction.atomic
def complaint_file(
    *, about: str, text: str, filer=None, name: str = "", contact: str = "", application: Application | None = None,
    visit: Visit | None = None, department=None, item=None, uploads=(), at: datetime,
) -> Complaint:
    """Anyone, signed in or not, files a complaint; it opens a case for the department concerned.

    Up to `ComplaintAttachment.MAX_PER_COMPLAINT` files, each judged by its
    content; every bad file is named in its own message, under "attachments".
    """
    errors = {}
    text = (text or "").strip()
    if not text:
        errors["text"] = _("Say what happened.")
    if about == Complaint.About.APPLICATION:
        if application is None:
            errors["application"] = _("Give the tracking number of the application.")
        else:
            department = application.department
    elif about == Complaint.About.VISIT:
        if visit is None or visit.department_id is None:
            errors["visit"] = _("Choose the visit.")
        else:
            department = visit.department
    elif about == Complaint.About.ITEM:
        if item is None:
            errors["item"] = _("Choose the service item.")
        else:
            department = item.department
    elif about == Complaint.About.DEPARTMENT:
        if department is None:
            errors["department"] = _("Choose the department.")
    else:
        errors["about"] = _("Choose what the complaint is about.")
    if visit is not None and (filer is None or visit.person.user_id != filer.pk):
        errors["visit"] = _("Choose the visit.")
    uploads = [upload for upload in uploads or () if upload is not None]
    kinds, bad_files = [], []
    if len(uploads) > ComplaintAttachment.MAX_PER_COMPLAINT:
        bad_files.append(
            _("Attach up to %(count)s files; you chose %(chosen)s.")
            % {"count": ComplaintAttachment.MAX_PER_COMPLAINT, "chosen": len(uploads)}
        )
    else:
        for upload in uploads:
            try:
                kinds.append(check_upload(upload))
            except ValidationError as exc:
                bad_files.extend(
                    _("“%(name)s”: %(problem)s") % {"name": upload.name, "problem": message} for message in exc.messages
                )
    if bad_files:
        errors["attachments"] = bad_files
    if errors:
        raise ValidationError(errors)
    day = timezone.localdate(at)
    complaint = Complaint(
        tracking_number=_complaint_number(day), about=about, text=text, name=(name or "").strip(),
        contact=(contact or "").strip(), filer=filer if filer is not None and filer.is_authenticated else None,
        application=application if about == Complaint.About.APPLICATION else None,
        visit=visit if about == Complaint.About.VISIT else None,
        item=item if about == Complaint.About.ITEM else None,
        department=department, filed_on=day, at=at,
    )
    complaint.full_clean()
    complaint.save()
    for upload, kind in zip(uploads, kinds, strict=True):
        attachment = ComplaintAttachment(complaint=complaint, name=upload.name[:200], kind=kind.name, at=at)
        store_upload(attachment.file, kind.extension, upload)
        attachment.save()
    _open_case(complaint=complaint, department_id=department.pk, day=day)
    return complaint
