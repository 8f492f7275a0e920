"""Reads of 好差评: the rates per department (a fixed number of queries whatever
the number of ratings), the cases a user may see, and late cases.

Rates are Decimal shares between 0 and 1, or None when there is nothing to
divide by; the key None is the whole city.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from portal.models import StaffRole
from portal.permissions import departments_for, has_role
from supervision.ratings.models import GOOD_LEVELS, Appeal, Case, CaseState, Complaint, ComplaintAttachment, Rating

Role = StaffRole.Role
CASE_ROLES = (Role.APPROVER, Role.HEAD)
LIST_LIMIT = 200
# The staff case list shows the rates of this many days, today included.
RATES_PERIOD_DAYS = 30


def _share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _by_department(rows, part: str, whole: str) -> dict[int | None, Decimal | None]:
    result: dict[int | None, Decimal | None] = {}
    total_part = total_whole = 0
    for row in rows:
        result[row["department_id"]] = _share(row[part], row[whole])
        total_part += row[part]
        total_whole += row[whole]
    result[None] = _share(total_part, total_whole)
    return result


def satisfaction_by_department(*, since: date, until: date) -> dict[int | None, Decimal | None]:
    """Per department (and None: city-wide), the share of counted ratings given in [since, until]
    that are very satisfied, satisfied or fairly satisfied; ratings excluded by an upheld appeal
    do not count. One query."""
    rows = (
        Rating.objects.counted()
        .filter(rated_on__gte=since, rated_on__lte=until)
        .values("department_id")
        .annotate(good=Count("id", filter=Q(level__in=GOOD_LEVELS)), total=Count("id"))
        .order_by()
    )
    return _by_department(rows, "good", "total")


def callback_rate_by_department(*, since: date, until: date) -> dict[int | None, Decimal | None]:
    """Per department (and None: city-wide), the share of counted real-name bad ratings given in
    [since, until] whose case has a callback recorded (实名差评回访率, goal 100 %). One query."""
    rows = (
        Rating.objects.counted()
        .bad()
        .filter(real_name=True, rated_on__gte=since, rated_on__lte=until)
        .values("department_id")
        .annotate(called=Count("id", filter=Q(case__callback_at__isnull=False)), total=Count("id"))
        .order_by()
    )
    return _by_department(rows, "called", "total")


def late_cases_for_accountability(day: date):
    """Cases past a limit on `day`: no callback after `callback_due`, or no fix after `fix_due`.
    Cases of ratings excluded by an upheld appeal are left out."""
    return (
        Case.objects.filter(
            Q(callback_at__isnull=True, callback_due__lt=day) | Q(fix_at__isnull=True, fix_due__lt=day)
        )
        .exclude(rating__appeal=Appeal.UPHELD)
        .select_related("department", "rating", "complaint")
        .order_by("callback_due", "id")
    )


# -- what a user may see ----------------------------------------------------------------------


def cases_for(user):
    """The cases `user` may work: a supervisor all; an approver or head their departments'; others none."""
    cases = Case.objects.select_related(
        "department", "rating__item_version", "rating__department", "rating__person__user", "complaint"
    ).order_by("state", "callback_due", "id")
    if has_role(user, Role.SUPERVISOR):
        return cases
    return cases.filter(department_id__in=departments_for(user, CASE_ROLES))


def open_cases_for(user):
    return cases_for(user).exclude(state=CaseState.FIXED)


def ratings_of(user):
    """A citizen's own ratings, with their cases."""
    return (
        Rating.objects.by_rater(user)
        .select_related("department", "item_version", "application", "case")
        .order_by("-at", "-id")
    )


def complaints_of(user):
    return Complaint.objects.filter(filer=user).select_related("department", "case").order_by("-at", "-id")


def cases_of_rater(user):
    """The cases of `user`'s own ratings and complaints: what the rater or filer may read and rate."""
    return Case.objects.select_related("rating__department", "complaint__department", "department").filter(
        Q(rating__rater=user) | Q(complaint__filer=user)
    )


def application_for_complaint(user, *, tracking_number: str, query_code: str):
    """The application a complaint names: one the signed-in user may see as applicant, else the one
    whose query code was given (as on /track/). None when neither matches."""
    from approvals.models import Application

    candidates = Application.objects.filter(tracking_number=(tracking_number or "").strip())
    application = None
    if user is not None and user.is_authenticated:
        application = candidates.filter(pk__in=Application.objects.visible_to_applicant(user).values("pk")).first()
    if application is None:
        application = candidates.filter(query_code=(query_code or "").strip().upper()).first()
    return application


def pending_appeals():
    return (
        Rating.objects.filter(appeal=Appeal.PENDING)
        .select_related("department", "item_version", "case")
        .order_by("at", "id")
    )


def tracked_complaint(number: str, code: str) -> Complaint | None:
    """The complaint with this number and query code, or None (one generic answer for both failures)."""
    import hmac

    complaint = (
        Complaint.objects.select_related("department", "case")
        .prefetch_related("attachments")
        .filter(tracking_number=number)
        .first()
    )
    expected = complaint.query_code if complaint else "XXXXXXXX"
    if not hmac.compare_digest(expected.encode(), (code or "").strip().upper().encode()) or complaint is None:
        return None
    return complaint


def complaint_attachment(uid, pk: int) -> ComplaintAttachment | None:
    """One file of the complaint `uid`, or None."""
    return ComplaintAttachment.objects.select_related("complaint").filter(complaint__uid=uid, pk=pk).first()


def may_read_complaint(user, complaint: Complaint, *, tracked=()) -> bool:
    """Who may read a complaint and its files: staff who may work its case, the signed-in filer, and
    whoever found it on /track/complaint/ with its query code (`tracked`: the uids found this session)."""
    if str(complaint.uid) in tracked:
        return True
    if user is None or not user.is_authenticated:
        return False
    if complaint.filer_id == user.pk:
        return True
    return cases_for(user).filter(complaint=complaint).exists()



def awaiting_rating(user, *, today: date):
    """(applications, visits) `user` was served in and may still rate: decided within the rating
    window and not rated yet. Two queries."""
    from datetime import timedelta

    from approvals.models import Application, Visit
    from supervision.ratings.rules import RATING_WINDOW_DAYS
    from supervision.selectors import start_of

    since = start_of(today - timedelta(days=RATING_WINDOW_DAYS))
    applications = list(
        Application.objects.visible_to_applicant(user)
        .filter(state__in=("approved", "denied", "not_accepted"), decided_at__gte=since, rating__isnull=True)
        .select_related("item_version", "department")
        .order_by("-decided_at")[:LIST_LIMIT]
    )
    visits = list(
        Visit.objects.filter(person__user=user, at__gte=since, rating__isnull=True, department__isnull=False)
        .select_related("item_version", "department")
        .order_by("-at")[:LIST_LIMIT]
    )
    return applications, visits
