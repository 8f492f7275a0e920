"""The deadline sweep: with the time frozen, exactly the applications that are
due soon or overdue are marked and escalated, to the right people, once."""

import datetime

import pytest
import time_machine
from celery.schedules import crontab
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals import services as workflow
from approvals import sweep as sweep_module
from deadlines.selectors import stored_calendar
from approvals.models import Application, Escalation
from approvals.sweep import sla_bounds, sweep_deadlines
from portal.models import Message, StaffRole
from services.services import MaterialInput
from tests.factories import staff
from tests.services.factories import make_item, publish
from tests.approvals.conftest import FIELDS, at, fill

pytestmark = pytest.mark.django_db

D = datetime.date
APPROVER, HEAD, SUPERVISION = Escalation.Level.APPROVER, Escalation.Level.HEAD, Escalation.Level.SUPERVISION
SWEEP_AT = at(2026, 12, 10, 10)  # a Thursday; December 2026 has no holidays


def _accepted(item, applicant, actor, day, *, hour=10):
    """An application of `item` submitted and accepted by `actor` on `day`."""
    when = at(*day, hour)
    with time_machine.travel(when, tick=False):
        draft = fill(workflow.application_start(actor=applicant, item_code=item.code, at=when), applicant)
        application = workflow.application_submit(application=draft, actor=applicant, declaration=True, at=when)
        return workflow.application_accept(application=application, actor=actor, at=when)


def _sweep(when):
    with time_machine.travel(when, tick=False):
        return sweep_deadlines(at=when)


def _escalated():
    return set(Escalation.objects.values_list("application__tracking_number", "level", "sla", "due_on"))


def _new_messages(since: int):
    return Message.objects.filter(pk__gt=since)


def _last_message_pk() -> int:
    return Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.fixture
def second_approver(department):
    return staff(StaffRole.Role.APPROVER, department)


@pytest.fixture
def other_item(other_department):
    item = make_item(
        other_department,
        code="HSG-001",
        audience="person",
        promised_limit_days=5,
        statutory_limit_days=20,
        materials=[MaterialInput(name_zh="房屋证明", name_en="Proof of housing")],
        fields=FIELDS,
    )
    publish()
    return item


@pytest.fixture
def late_work(item, other_item, applicant, approver, head, other_approver):
    """Every kind of application, judged on Thursday 10 December 2026 (5-working-day item)."""
    apps = {
        "overdue": _accepted(item, applicant, approver, (2026, 12, 2)),  # due Wed 9 Dec
        "due_today": _accepted(item, applicant, approver, (2026, 12, 3)),  # due Thu 10 Dec
        "due_tomorrow": _accepted(item, applicant, approver, (2026, 12, 4)),  # due Fri 11 Dec
        "on_time": _accepted(item, applicant, approver, (2026, 12, 7)),  # due Mon 14 Dec
        "in_review_overdue": _accepted(item, applicant, approver, (2026, 12, 1)),  # due Tue 8 Dec
        "corrected": _accepted(item, applicant, approver, (2026, 12, 1)),
        "suspended": _accepted(item, applicant, approver, (2026, 12, 1)),
        "approved": _accepted(item, applicant, approver, (2026, 11, 30)),
        "other_department": _accepted(other_item, applicant, other_approver, (2026, 12, 2)),  # due Wed 9 Dec
    }
    with time_machine.travel(at(2026, 12, 8), tick=False):
        workflow.application_start_review(application=apps["in_review_overdue"], actor=approver, at=at(2026, 12, 8))
        workflow.application_request_correction(
            application=apps["corrected"], actor=approver, at=at(2026, 12, 8),
            items=[{"name": "经营场所证明", "problem": "不清晰", "remedy": "重新上传"}],
        )
        workflow.application_suspend(
            application=apps["suspended"], actor=approver, kind="expert_review", expected_days=10, note="专家评审", at=at(2026, 12, 8)
        )
        workflow.application_approve(application=apps["approved"], actor=approver, at=at(2026, 12, 8))
        submitted = fill(workflow.application_start(actor=applicant, item_code=item.code), applicant)
        apps["submitted"] = workflow.application_submit(application=submitted, actor=applicant, declaration=True)
    # Stale marks that the sweep must clear: work without a running clock has no SLA.
    Application.objects.filter(pk__in=[apps[k].pk for k in ("corrected", "approved", "submitted")]).update(sla="overdue")
    return {key: Application.objects.get(pk=app.pk) for key, app in apps.items()}


def test_it_marks_exactly_the_due_soon_and_overdue_work(late_work):
    assert late_work["due_today"].due_on == D(2026, 12, 10)
    assert late_work["on_time"].due_on == D(2026, 12, 14)

    report = _sweep(SWEEP_AT)

    marks = {key: Application.objects.get(pk=app.pk).sla for key, app in late_work.items()}
    assert marks == {
        "overdue": "overdue",
        "due_today": "due_soon",
        "due_tomorrow": "due_soon",
        "on_time": "on_time",
        "in_review_overdue": "overdue",
        "corrected": "",
        "suspended": "",
        "approved": "",
        "submitted": "",
        "other_department": "overdue",
    }
    assert (report.due_soon, report.overdue) == (2, 3)
    assert report.working_day is True


def test_it_escalates_due_soon_work_to_approver_and_head_and_overdue_work_to_supervision_too(late_work):
    _sweep(SWEEP_AT)

    number = {key: app.tracking_number for key, app in late_work.items()}
    due = {key: app.due_on for key, app in late_work.items()}
    expected = set()
    for key in ("due_today", "due_tomorrow"):
        expected |= {(number[key], level, "due_soon", due[key]) for level in (APPROVER, HEAD)}
    for key in ("overdue", "in_review_overdue", "other_department"):
        expected |= {(number[key], level, "overdue", due[key]) for level in (APPROVER, HEAD, SUPERVISION)}
    assert _escalated() == expected


def test_it_tells_the_assignee_the_heads_and_supervisors_and_nobody_in_other_departments(
    late_work, approver, head, second_approver, other_approver, other_head, supervisor, applicant
):
    since = _last_message_pk()
    report = _sweep(SWEEP_AT)

    messages = _new_messages(since)
    assert {m.recipient_id for m in messages} == {approver.pk, head.pk, supervisor.pk, other_approver.pk, other_head.pk}
    assert report.messages == messages.count() == 5  # one message per person

    def numbers(user):
        (message,) = messages.filter(recipient=user)
        return {app.tracking_number for app in late_work.values() if app.tracking_number in message.body}

    ours = {late_work[k].tracking_number for k in ("overdue", "due_today", "due_tomorrow", "in_review_overdue")}
    theirs = {late_work["other_department"].tracking_number}
    assert numbers(approver) == ours
    assert numbers(head) == ours
    assert numbers(other_approver) == theirs
    assert numbers(other_head) == theirs
    overdue = {late_work[k].tracking_number for k in ("overdue", "in_review_overdue", "other_department")}
    assert numbers(supervisor) == overdue
    assert not messages.filter(recipient__in=[second_approver, applicant]).exists()


def test_a_single_late_application_links_to_its_desk_page(item, applicant, approver, head, supervisor):
    application = _accepted(item, applicant, approver, (2026, 12, 3))  # due Thu 10 Dec
    since = _last_message_pk()

    _sweep(SWEEP_AT)

    message = _new_messages(since).get(recipient=approver)
    assert message.link == f"/desk/{application.tracking_number}/"
    assert message.subject.startswith(application.tracking_number)
    assert "2026年12月10日（星期四）" in message.body
    assert not _new_messages(since).filter(recipient=supervisor).exists()  # due soon, not overdue


def test_messages_come_in_each_recipients_language(item, applicant, approver, head):
    head.language = "en"
    head.save(update_fields=["language"])
    application = _accepted(item, applicant, approver, (2026, 12, 2))  # overdue on 10 Dec
    since = _last_message_pk()

    _sweep(SWEEP_AT)

    english = _new_messages(since).get(recipient=head)
    assert "Wednesday 9 December 2026" in english.body
    assert "overdue" in english.body and "Test item" in english.body
    chinese = _new_messages(since).get(recipient=approver)
    assert "2026年12月9日（星期三）" in chinese.body and application.item_version.name_zh in chinese.body


def test_running_it_twice_creates_nothing_and_tells_nobody_again(late_work):
    _sweep(SWEEP_AT)
    escalations, messages = Escalation.objects.count(), Message.objects.count()

    again = _sweep(SWEEP_AT)
    later = _sweep(at(2026, 12, 10, 15))

    assert Escalation.objects.count() == escalations
    assert Message.objects.count() == messages
    assert again.escalations == later.escalations == {}
    assert again.messages == later.messages == 0
    assert again.marked == {}  # nothing changed either


def test_the_next_day_adds_only_the_new_levels(late_work, approver, head, supervisor):
    _sweep(SWEEP_AT)
    since = _last_message_pk()

    report = _sweep(at(2026, 12, 11, 7))  # Friday: "due today" is now overdue; "on time" is due soon

    assert report.escalations == {"supervision": 1, "approver": 1, "head": 1}
    assert Application.objects.get(pk=late_work["due_today"].pk).sla == "overdue"
    assert Application.objects.get(pk=late_work["on_time"].pk).sla == "due_soon"
    new = _new_messages(since)
    (to_supervisor,) = new.filter(recipient=supervisor)
    assert late_work["due_today"].tracking_number in to_supervisor.body
    (to_approver,) = new.filter(recipient=approver)
    assert late_work["on_time"].tracking_number in to_approver.body
    assert late_work["due_today"].tracking_number not in to_approver.body  # told yesterday, once per level


def test_a_new_due_date_escalates_afresh(late_work, head):
    _sweep(SWEEP_AT)
    application = workflow.application_extend(
        application=late_work["overdue"], actor=head, days=1, note="情况复杂", at=at(2026, 12, 10, 11)
    )
    assert application.due_on == D(2026, 12, 10)

    _sweep(at(2026, 12, 10, 12))

    levels = Escalation.objects.filter(application=application, due_on=D(2026, 12, 10)).values_list("level", flat=True)
    assert set(levels) == {APPROVER, HEAD}
    assert Application.objects.get(pk=application.pk).sla == "due_soon"


def test_an_unassigned_application_goes_to_all_the_departments_approvers(
    item, applicant, approver, second_approver, other_approver
):
    application = _accepted(item, applicant, approver, (2026, 12, 3))
    Application.objects.filter(pk=application.pk).update(assignee=None)  # e.g. accepted by the system
    since = _last_message_pk()

    _sweep(SWEEP_AT)

    recipients = set(_new_messages(since).filter(body__contains=application.tracking_number).values_list("recipient_id", flat=True))
    assert {approver.pk, second_approver.pk} <= recipients
    assert other_approver.pk not in recipients


def test_an_assignee_who_left_the_department_is_replaced_by_its_approvers(
    item, applicant, approver, second_approver
):
    application = _accepted(item, applicant, approver, (2026, 12, 3))
    StaffRole.objects.filter(user=approver).delete()
    since = _last_message_pk()

    _sweep(SWEEP_AT)

    told = set(_new_messages(since).values_list("recipient_id", flat=True))
    assert second_approver.pk in told and approver.pk not in told
    assert Escalation.objects.filter(application=application, level=APPROVER).exists()


def test_inactive_staff_are_not_told(item, applicant, approver, head):
    _accepted(item, applicant, approver, (2026, 12, 3))
    head.is_active = False
    head.save(update_fields=["is_active"])
    since = _last_message_pk()

    _sweep(SWEEP_AT)

    assert not _new_messages(since).filter(recipient=head).exists()


# -- days off ----------------------------------------------------------------------


@pytest.fixture
def two_day_item(department):
    item = make_item(
        department,
        code="ENT-SETUP",
        audience="person",
        promised_limit_days=2,
        statutory_limit_days=5,
        materials=[MaterialInput(name_zh="章程", name_en="Articles of association")],
        fields=FIELDS,
    )
    publish(at=at(2026, 9, 1))
    return item


def test_on_a_day_off_it_marks_but_tells_nobody_until_the_next_working_day(
    two_day_item, applicant, approver, head, supervisor
):
    late = _accepted(two_day_item, applicant, approver, (2026, 9, 28))  # due Wed 30 Sep
    soon = _accepted(two_day_item, applicant, approver, (2026, 9, 29))  # Wed 30 Sep, then National Day: Thu 8 Oct
    assert (late.due_on, soon.due_on) == (D(2026, 9, 30), D(2026, 10, 8))
    since = _last_message_pk()

    holiday = _sweep(at(2026, 10, 3, 7))  # Saturday in the National Day holiday

    assert holiday.working_day is False
    assert Application.objects.get(pk=late.pk).sla == "overdue"
    assert Application.objects.get(pk=soon.pk).sla == "due_soon"  # one working day (8 Oct) left
    assert not Escalation.objects.exists()
    assert not _new_messages(since).exists()
    assert _sweep(at(2026, 10, 7, 9)).escalations == {}  # a Wednesday, but still the holiday

    back = _sweep(at(2026, 10, 8, 7))  # Thursday: the first working day

    assert back.escalations == {"approver": 2, "head": 2, "supervision": 1}
    assert _new_messages(since).filter(recipient__in=[approver, head, supervisor]).count() == 3

    adjusted = _sweep(at(2026, 10, 10, 7))  # an adjusted working Saturday (调休)

    assert adjusted.working_day is True
    assert adjusted.escalations == {"supervision": 1}  # 8 Oct has passed


def test_its_ranges_agree_with_the_sla_rule_on_every_day_around_a_holiday():
    calendar = stored_calendar(today=D(2026, 11, 26))
    start = D(2026, 9, 15)
    days = [start + datetime.timedelta(days=n) for n in range(40)]
    for today in days:
        soon_from, on_time_from = sla_bounds(today, calendar=calendar)
        for due_on in days:
            by_range = "overdue" if due_on < soon_from else "due_soon" if due_on < on_time_from else "on_time"
            assert by_range == calendar.sla_state(due_on, at=today), (today, due_on)


# -- scale -------------------------------------------------------------------------


def test_it_works_in_batches_with_a_fixed_number_of_queries_per_batch(item, applicant, approver, head, supervisor, monkeypatch):
    monkeypatch.setattr(sweep_module, "BATCH_SIZE", 3)
    for day in (1, 2, 3):
        _accepted(item, applicant, approver, (2026, 12, day))
    with CaptureQueriesContext(connection) as small:
        _sweep(SWEEP_AT)
    Escalation.objects.all().delete()
    for day in (1, 2, 3):
        _accepted(item, applicant, approver, (2026, 12, day))

    with CaptureQueriesContext(connection) as double:
        report = _sweep(SWEEP_AT)

    assert sum(report.escalations.values()) == 6 * 2 + 4 * 1  # 6 late (4 overdue), two batches of 3
    assert len(double) <= 2 * len(small)


# -- the task and its schedule -----------------------------------------------------


def test_the_beat_schedule_runs_the_registered_sweep_task_every_morning_and_hourly_in_office_hours():
    import approvals.tasks  # noqa: F401  (registers the task)
    from portal.celery import app

    entries = {
        name: entry
        for name, entry in app.conf.beat_schedule.items()
        if entry["task"] == "approvals.tasks.sweep_deadlines_task"
    }
    assert "approvals.tasks.sweep_deadlines_task" in app.tasks
    schedules = [entry["schedule"] for entry in entries.values()]
    assert crontab(hour=7, minute=30) in schedules  # every day, weekends included (adjusted working days)
    office = next(s for s in schedules if s != crontab(hour=7, minute=30))
    assert office.hour == set(range(8, 19)) and office.minute == {5} and office.day_of_week == {1, 2, 3, 4, 5}


def test_the_task_sweeps_now_and_returns_the_counts(item, applicant, approver, head):
    from approvals.tasks import sweep_deadlines_task

    _accepted(item, applicant, approver, (2026, 12, 3))
    with time_machine.travel(SWEEP_AT, tick=False):
        counts = sweep_deadlines_task.delay().get()

    assert counts["today"] == "2026-12-10"
    assert counts["due_soon"] == 1
    assert counts["escalations"] == {"approver": 1, "head": 1}
    assert counts["marked"] == {"due_soon": 1}  # on time when it was accepted a week ago


def test_rows_another_sweep_inserted_meanwhile_are_skipped_not_counted(item, applicant, approver):
    application = _accepted(item, applicant, approver, (2026, 12, 3))
    due = application.due_on
    Escalation.objects.create(application=application, level=APPROVER, sla="due_soon", due_on=due, at=SWEEP_AT)
    late = [
        Escalation(application=application, level=APPROVER, sla="due_soon", due_on=due, at=SWEEP_AT),
        Escalation(application=application, level=HEAD, sla="due_soon", due_on=due, at=SWEEP_AT),
    ]

    created = sweep_module._insert(late)

    assert [e.level for e in created] == [HEAD]
    assert Escalation.objects.filter(application=application).count() == 2

# -- two sweeps at once (PostgreSQL) -------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_escalate_and_tell_once(item, applicant, approver, head, supervisor):
    import threading

    from django.db import connections

    if connection.vendor != "postgresql":
        pytest.skip("concurrent inserts are exercised on PostgreSQL (CI)")
    for day in (1, 2, 3):
        _accepted(item, applicant, approver, (2026, 12, day))  # two overdue, one due soon on 10 Dec
    since = _last_message_pk()
    barrier = threading.Barrier(2)
    reports, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            reports.append(sweep_deadlines(at=SWEEP_AT))
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors
    assert Escalation.objects.count() == 2 * 3 + 1 * 2
    assert sum(sum(r.escalations.values()) for r in reports) == 8  # each created by exactly one sweep
    assert _new_messages(since).count() == 3  # approver, head, supervisor: once each
