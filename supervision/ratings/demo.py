"""The demo's ratings: a good rating of the demo citizen's approved work, a bad
rating whose case is in progress (callback logged, fix pending), a rating of
the walk-in's window visit given through the window QR's one-time token, and an
anonymous complaint. Everything goes through the services; a second run adds
nothing."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from approvals.models import Application, Visit
from portal.models import User
from services.models import Department
from supervision.ratings import services
from supervision.ratings.models import Complaint, Level, Rating


def seed(*, stdout) -> None:
    if Rating.objects.exists() or Complaint.objects.exists():
        stdout.write("demo ratings: already there")
        return
    at = timezone.now()
    citizen = User.objects.get(email="citizen@demo.onegate")
    approver = User.objects.get(email="approver@demo.onegate")
    clerk = User.objects.get(email="clerk@demo.onegate")
    made = []
    decided = list(
        Application.objects.visible_to_applicant(citizen)
        .filter(state__in=services.RATED_STATES, decided_at__isnull=False)
        .order_by("decided_at", "id")
    )
    plans = [
        (Level.DISSATISFIED, ["extra_materials", "slow"], "窗口要求重复提交租赁合同。"),
        (Level.VERY_SATISFIED, ["fast"], "网上办理很方便。"),
    ]
    for application, (level, tags, comment) in zip(decided, plans):
        try:
            rating = services.rating_for_application(
                application=application, user=citizen, level=level, tags=tags, comment=comment, at=at
            )
        except (ValidationError, PermissionDenied) as exc:
            stdout.write(f"demo ratings: {application.tracking_number} not rated ({exc})")
            continue
        made.append(f"{rating.get_level_display()} {application.tracking_number}")
        if rating.is_bad and approver.staff_roles.filter(department_id=rating.department_id).exists():
            services.case_callback(
                case=rating.case, actor=approver, result="已电话回访申请人，核实窗口重复索要材料属实。", at=at
            )
            made.append(f"case #{rating.case.pk} called back, fix pending")
    visit = Visit.objects.filter(department__isnull=False, rating__isnull=True).order_by("id").first()
    if visit is not None:
        token = services.window_token_issue(visit=visit, actor=clerk, at=at)
        services.rating_by_token(token=token, level=Level.SATISFIED, tags=["friendly"], at=at)
        made.append(f"window visit #{visit.pk} rated by QR")
    department = Department.objects.filter(code="housing").first() or Department.objects.serving().order_by("id").first()
    if department is not None:
        complaint = services.complaint_file(
            about=Complaint.About.DEPARTMENT, department=department, text="电话咨询多次无人接听。",
            contact="13941900000", at=at,
        )
        made.append(f"complaint {complaint.tracking_number} (query code {complaint.query_code})")
    stdout.write("demo ratings: " + ", ".join(made))
