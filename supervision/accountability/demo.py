"""The demo's accountability: a case in progress (opened, with findings), a
feedback meeting with one decision for the market department's head, and one
published notice of criticism. Everything goes through the services; a second
run adds nothing.

Both cases were opened, and the criticism decided, in the last half month that
ended, so the demo's report of it counts them. The meeting was held on the last
working day before today, on the report of the period that had ended by then;
its decision is due 10 working days later."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from deadlines.periods import previous_half_month
from deadlines.selectors import is_working_day, stored_calendar
from portal.models import User
from services.models import Department
from supervision.accountability import services
from supervision.accountability.models import AccountabilityCase, FeedbackMeeting
from supervision.accountability.workflow import Action, Decision
from supervision.reports.demo import at, period_working_days


def _last_working_day_before(today):
    calendar = stored_calendar(today=today)
    day = today - timedelta(days=1)
    while not is_working_day(day, calendar=calendar):
        day -= timedelta(days=1)
    return day


def seed(*, stdout) -> None:
    if AccountabilityCase.objects.filter(source="evidence").exists() or FeedbackMeeting.objects.exists():
        stdout.write("demo accountability: already there")
        return
    supervisor = User.objects.get(email="supervisor@demo.onegate")
    head = User.objects.get(email="head@demo.onegate")
    market = Department.objects.get(code="market")
    housing = Department.objects.get(code="housing")
    today = timezone.localdate()
    days = period_working_days(today)

    def day(n: int):  # the period's nth working day (the last one if it has fewer)
        return days[min(n, len(days) - 1)]

    in_progress = services.case_open(
        actor=supervisor,
        department=market,
        facts_zh="市民中心一楼综合窗口多次要求申请人重复到场补交材料，违反“最多跑一次”。",
        facts_en="The comprehensive window asked applicants to come back several times with materials, "
        "against “run at most once”.",
        evidence=[("最多跑一次 / Run at most once", reverse("supervision_visits"))],
        note="督查暗访发现。",
        at=at(day(0), 10, 0),
    )
    services.case_step(
        case=in_progress, actor=head, action=Action.FINDINGS,
        note="窗口未使用一次性告知单；已组织窗口人员培训。", at=at(day(3), 15, 0),
    )

    criticised = services.case_open(
        actor=supervisor,
        department=housing,
        facts_zh="住房补贴办件多件超过承诺时限办结。",
        facts_en="Several housing allowance applications were decided after their promised time limit.",
        evidence=[("超期办件 / Overdue work", reverse("supervision_overdue"))],
        at=at(day(1), 9, 30),
    )
    services.case_step(
        case=criticised, actor=supervisor, action=Action.FINDINGS, note="核实超期属实，无正当理由。", at=at(day(2), 11, 0)
    )
    services.case_step(
        case=criticised, actor=supervisor, action=Action.DECIDE, decision=Decision.CRITICISM,
        note="予以通报批评。",
        notice_title_zh="关于住房和城乡建设局办件超期的通报",
        notice_title_en="Notice on overdue work at the Housing Bureau",
        notice_text_zh="经督查核实，住房和城乡建设局多件住房补贴办件超过承诺时限办结，且无正当理由，现予通报批评。",
        notice_text_en="Supervision found that the Housing Bureau decided several housing allowance applications "
        "after their promised time limit without a valid reason. It is criticised in this notice.",
        at=at(day(4), 16, 0),
    )

    held_on = _last_working_day_before(today)
    first, _last = previous_half_month(held_on)
    meeting = services.meeting_record(
        actor=supervisor,
        held_on=held_on,
        title=f"{held_on.month}月督查反馈会",
        attendees="吴刚（督查）、陈静（市场监督管理局）",
        reports=f"{first.year}年{first.month}月{'上' if first.day == 1 else '下'}半月半月报",
        cases=[in_progress],
        decisions=[{"description": "市场监督管理局窗口全面使用一次性告知单，并报送整改情况。", "owner": head, "working_days": 10}],
        at=at(held_on, 17, 0),
    )
    stdout.write(
        f"demo accountability: case {in_progress.number} with findings, notice for {criticised.number}, "
        f"meeting {meeting.pk} with 1 decision for {head.email}"
    )
