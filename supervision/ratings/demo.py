"""The demo's ratings: the demo citizen's good rating of his instant approval, the
agent's bad rating of her change of registration, decided a day late, whose case is
in progress (callback logged, fix pending), a rating of the walk-in's window visit
given through the window QR's one-time token, and an anonymous complaint about the
housing bureau, called back. Everything goes through the services; a second run
adds nothing.

Each rating is given on the day of what it rates (licenses/demo_cases.py dates the
decisions in the last half month that ended, the walk-in's visit on the last working
day). The complaint is filed on that half month's last working day: its case and the
bad rating's are called back the same day, and their 15-working-day fix limits still
lie ahead, so neither is escalated."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from approvals.models import Application, Visit
from portal.models import User
from services.models import Department
from supervision.ratings import services
from supervision.ratings.models import Complaint, Level, Rating
from supervision.reports.demo import at as local_at
from supervision.reports.demo import period_working_days

# How long after the decision or the visit each rating is given, and after the rating the callback.
RATED_AFTER = datetime.timedelta(hours=2)
CALLED_BACK_AFTER = datetime.timedelta(hours=3, minutes=30)

# (rater, level, tags, comment, what the callback found): each rater rates their first decided application.
PLANS = [
    ("citizen@demo.onegate", Level.VERY_SATISFIED, ["fast"], "网上办理很方便，提交当场就办结了。", ""),
    (
        "agent@demo.onegate", Level.DISSATISFIED, ["slow"], "承诺1个工作日办结，实际晚了一天才批下来。",
        "已电话回访申请人，核实该变更登记超过承诺时限1个工作日办结，属实。",
    ),
]


def _first_decided(user: User) -> Application | None:
    return (
        Application.objects.visible_to_applicant(user)
        .filter(state__in=services.RATED_STATES, decided_at__isnull=False, rating__isnull=True)
        .order_by("decided_at", "id")
        .first()
    )


def seed(*, stdout) -> None:
    if Rating.objects.exists() or Complaint.objects.exists():
        stdout.write("demo ratings: already there")
        return
    now = timezone.now()
    approver = User.objects.get(email="approver@demo.onegate")
    clerk = User.objects.get(email="clerk@demo.onegate")
    made = []
    for email, level, tags, comment, found in PLANS:
        user = User.objects.get(email=email)
        application = _first_decided(user)
        if application is None:
            continue
        at = min(application.decided_at + RATED_AFTER, now)
        try:
            rating = services.rating_for_application(
                application=application, user=user, level=level, tags=tags, comment=comment, at=at
            )
        except (ValidationError, PermissionDenied) as exc:
            stdout.write(f"demo ratings: {application.tracking_number} not rated ({exc})")
            continue
        made.append(f"{rating.get_level_display()} {application.tracking_number} on {rating.rated_on.isoformat()}")
        if rating.is_bad and approver.staff_roles.filter(department_id=rating.department_id).exists():
            services.case_callback(case=rating.case, actor=approver, result=found, at=min(at + CALLED_BACK_AFTER, now))
            made.append(f"case #{rating.case.pk} called back, fix due {rating.case.fix_due.isoformat()}")
    visit = Visit.objects.filter(department__isnull=False, rating__isnull=True).order_by("id").first()
    if visit is not None:
        at = min(visit.at + datetime.timedelta(minutes=10), now)  # at the counter, right after being served
        token = services.window_token_issue(visit=visit, actor=clerk, at=at)
        services.rating_by_token(token=token, level=Level.SATISFIED, tags=["friendly"], at=at)
        made.append(f"window visit #{visit.pk} rated by QR")
    serving = Department.objects.serving()
    department = serving.filter(code="housing").first() or serving.order_by("id").first()
    if department is not None:
        day = period_working_days(timezone.localdate(now))[-1]
        complaint = services.complaint_file(
            about=Complaint.About.DEPARTMENT, department=department, text="电话咨询多次无人接听。",
            contact="13941900000", at=local_at(day, 9, 10),
        )
        made.append(f"complaint {complaint.tracking_number} (query code {complaint.query_code})")
        worker = (
            User.objects.filter(staff_roles__department=department, staff_roles__role__in=services.CASE_ROLES)
            .order_by("id")
            .first()
        )
        if worker is not None:
            services.case_callback(
                case=complaint.case, actor=worker, result="已回访投诉人，核实咨询电话长时间占线、无人转接属实。",
                at=local_at(day, 16, 0),
            )
            made.append("its case called back")
    stdout.write("demo ratings: " + ", ".join(made))
