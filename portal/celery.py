"""The Celery app. Every periodic schedule lives in `app.conf.beat_schedule` below."""

import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_process_shutdown

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("onegate")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_time_limit=300,
    task_soft_time_limit=240,
    task_ignore_result=True,
    broker_connection_retry_on_startup=True,
    # Django's LOGGING (JSON lines with the request id) also formats the worker's logs.
    worker_hijack_root_logger=False,
    timezone="Asia/Shanghai",
)
# The one place where periodic work is scheduled. Later issues add their
# entries here, each with a comment saying when it runs and why.
app.conf.beat_schedule = {
    # Every night at 01:30 Shanghai time: drop expired sessions.
    "clear-expired-sessions": {
        "task": "portal.tasks.clear_expired_sessions",
        "schedule": crontab(hour=1, minute=30),
    },
    # Every night at 01:45, after the sessions: the files kept for bundle forms that nobody
    # submitted are deleted once their sessions have ended.
    "forget-bundle-drafts": {
        "task": "approvals.tasks.forget_bundle_drafts",
        "schedule": crontab(hour=1, minute=45),
    },
    # Mondays at 02:00: re-seed the working-day calendar from the installed
    # packages, so that a State Council notice arriving with a package upgrade
    # becomes official without anyone typing it in. Administrators' entries
    # are kept; moved deadlines are recomputed.
    "calendar-sync": {
        "task": "deadlines.tasks.sync_calendar",
        "schedule": crontab(hour=2, minute=0, day_of_week="mon"),
    },
    # Every 5 minutes: corrections that several departments asked for in one bundle
    # application reach the applicant as one notice, once none has come for 15 minutes.
    "bundle-corrections": {
        "task": "approvals.tasks.tell_bundle_corrections",
        "schedule": 300.0,
    },
    # Every day at 07:30, before the offices open: the deadline sweep marks
    # due-soon and overdue work and escalates it. It runs on weekends too,
    # because adjusted working weekends (调休) are working days; the task asks
    # the working-day calendar, not this crontab, whether to tell anyone.
    "deadline-sweep-morning": {
        "task": "approvals.tasks.sweep_deadlines_task",
        "schedule": crontab(hour=7, minute=30),
    },
    # Weekdays at five past each hour from 08:05 to 18:05: the same sweep, so
    # that work accepted or resumed during the day with one working day left
    # reaches its approver and head within the hour. On holidays it only marks.
    "deadline-sweep-office-hours": {
        "task": "approvals.tasks.sweep_deadlines_task",
        "schedule": crontab(minute=5, hour="8-18", day_of_week="mon-fri"),
    },
    # Every night at 00:10, just after midnight Shanghai time: licenses whose
    # last valid day was yesterday are marked expired and their holders told.
    # (/verify/ already shows them as expired from midnight; this records it.)
    "licenses-expire": {
        "task": "licenses.tasks.expire_licenses",
        "schedule": crontab(hour=0, minute=10),
    },
    # Every minute: re-enqueue license work nobody is doing (a worker killed
    # mid-issue, taken over as soon as its claim's 6-minute lease has ended;
    # retries used up; an approval whose issuing task was never queued, once it
    # is a lease old) and delete files that dead workers uploaded but never
    # recorded. A redelivered task already takes an expired claim over itself;
    # this is the backstop. Claims make a duplicate harmless.
    "licenses-resume": {
        "task": "licenses.tasks.resume_license_work",
        "schedule": crontab(),
    },
    # Every minute: the email outbox. Messages whose email was never sent (the
    # broker was down at the commit, or the task gave up) are sent once they are
    # two minutes old, at most 100 at a time (portal.tasks.send_unsent_emails).
    "portal-email-outbox": {
        "task": "portal.tasks.send_unsent_emails",
        "schedule": crontab(),
    },
    # Every 10 minutes: queue again the decision documents (notices and decisions
    # under the Administrative Licensing Law) still without their sealed PDF 10
    # minutes after their step: a lost task, or a department that had no
    # approval seal yet. Producing one twice is harmless.
    "decision-documents-resume": {
        "task": "approvals.tasks.produce_waiting_documents",
        "schedule": crontab(minute="*/10"),
    },
    # Every night at 23:50 Shanghai time, when the day's sealing is done: check
    # the seal-usage log's whole hash chain (as manage.py seals_audit does) and,
    # if it is intact, anchor its head for the day with an RFC 3161 token from
    # the portal TSA (the daily row the half-monthly report reads). A broken log
    # is logged as critical and not anchored.
    "seals-audit-and-anchor-usage-log": {
        "task": "seals.tasks.audit_and_anchor_usage_log",
        "schedule": crontab(hour=23, minute=50),
    },
    # Hourly at minute 20: a worker signs the root's and the issuing CA's CRLs afresh
    # (valid 7 days) and stores them; the web only serves the stored bytes. A
    # revocation also queues this at once, after its commit.
    "seals-publish-crls": {
        "task": "seals.tasks.publish_crls",
        "schedule": crontab(minute=20),
    },
    # Sundays at 03:40: replace the TSA certificate when it nears its end, then give
    # stored sealed documents whose newest timestamp ends within SEAL_ARCHIVE_RENEW_DAYS
    # a new archive timestamp (B-LTA stays verifiable for decades).
    "seals-renew-archive-timestamps": {
        "task": "seals.tasks.renew_archive_timestamps",
        "schedule": crontab(hour=3, minute=40, day_of_week="sun"),
    },
    # Every day at 07:40, after the deadline sweep: rectification cases of bad
    # ratings and complaints past their callback (1 working day) or fix (15)
    # limit are escalated to the department's heads and to supervisors, once per
    # case and limit. On days off by the working-day calendar it tells nobody.
    "rating-cases-sweep": {
        "task": "supervision.ratings.tasks.sweep_cases_task",
        "schedule": crontab(hour=7, minute=40),
    },
    # Every day at 07:45, after the morning deadline sweep: overdue work, "run at
    # most once" violations and the other facts listed in
    # supervision/accountability/rules.py propose accountability cases, once per fact.
    "accountability-propose-cases": {
        "task": "supervision.accountability.tasks.propose_accountability_cases",
        "schedule": crontab(hour=7, minute=45),
    },
    # Every day at 08:15: the owner of a feedback meeting's decision that is past
    # its due date is told, once per decision.
    "accountability-late-meeting-actions": {
        "task": "supervision.accountability.tasks.notify_late_meeting_actions",
        "schedule": crontab(hour=8, minute=15),
    },
    # Every night at 23:45 Shanghai time, when the day's work is done: snapshot
    # every supervision metric for the city and each department (the countdown's
    # nodes and /performance/ read these rows). A rerun replaces the day's rows.
    "supervision-snapshot-metrics": {
        "task": "supervision.countdown.tasks.snapshot_metrics_task",
        "schedule": crontab(hour=23, minute=45),
    },
    # Every day at 06:30: on the first working day after a half month ends
    # (the 15th or the month's last day), the half-monthly report of that
    # period is made, sealed, archived and sent to supervisors and heads.
    # Other days it does nothing; a period already reported is not made again.
    "supervision-half-month-report": {
        "task": "supervision.reports.tasks.make_due_report_task",
        "schedule": crontab(hour=6, minute=30),
    },
}
# Each app's AppConfig.ready imports its tasks modules, subpackages' included (the API's webhooks,
# supervision's parts), so that every process that starts Django knows every task, not only a worker.
app.autodiscover_tasks()


def _make_file_broker_folders() -> None:
    """The embedded default's broker is a folder: it must exist before anyone enqueues."""
    from django.conf import settings

    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
            os.makedirs(settings.CELERY_BROKER_TRANSPORT_OPTIONS[key], exist_ok=True)


app.on_after_configure.connect(lambda sender, **kwargs: _make_file_broker_folders(), weak=False)

# A task logs under the request id of the request that enqueued it (portal/requestid.py).
from portal.requestid import connect_celery_signals  # noqa: E402

connect_celery_signals()


@worker_process_shutdown.connect
def _forget_font_config(**kwargs) -> None:
    """A pool child ends with os._exit, which runs no atexit handler: give up WeasyPrint's copy of
    the fonts here (portal/pdf.py)."""
    from portal.pdf import forget_font_config

    forget_font_config()
