"""The nightly audit anchors the seal-usage log's head outside the database: one row a day
with an RFC 3161 token over the head, which later checks and the half-monthly report read."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from portal.celery import app
from seals import ledger, selectors, services
from seals.models import SealLogAnchor
from seals.tasks import UsageLogBroken, audit_and_anchor_usage_log


def _seal_twice(seal, pdf):
    for reason in ("核发营业执照", "换发营业执照"):
        services.seal_pdf(pdf, seal=seal, reason=reason, task="licenses.issue")


def test_it_runs_every_night_from_the_beat_schedule():
    entries = [e for e in app.conf.beat_schedule.values() if e["task"] == "seals.tasks.audit_and_anchor_usage_log"]
    assert len(entries) == 1


def test_it_anchors_the_head_once_a_day_with_a_token_from_the_portal_tsa(seal, one_page_pdf):
    _seal_twice(seal, one_page_pdf)

    assert audit_and_anchor_usage_log.delay().get() == 2
    assert audit_and_anchor_usage_log.delay().get() == 2  # the same day: still one anchor

    anchor = SealLogAnchor.objects.get()
    assert anchor.day == timezone.localdate() and anchor.seq == 2
    roots = selectors.timestamp_trust_roots()
    assert ledger.token_time(anchor.token, seq=2, head_hash=anchor.head_hash, trust_roots=roots) == anchor.anchored_at
    # The token covers this head only.
    assert ledger.token_time(anchor.token, seq=2, head_hash="f" * 64, trust_roots=roots) is None


def test_the_report_reads_the_anchors_of_a_period(seal, one_page_pdf):
    start = timezone.now()
    for day in range(3):
        with time_machine.travel(start + datetime.timedelta(days=day), tick=False):
            services.seal_pdf(one_page_pdf, seal=seal, reason="核发营业执照", task="licenses.issue")
            audit_and_anchor_usage_log.delay()
    first = timezone.localdate(start)

    anchors = list(selectors.log_anchors(first + datetime.timedelta(days=1), first + datetime.timedelta(days=2)))

    assert [(a.day - first).days for a in anchors] == [1, 2] and [a.seq for a in anchors] == [2, 3]


def test_a_broken_log_is_raised_and_not_anchored(seal, one_page_pdf):
    _seal_twice(seal, one_page_pdf)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE seals_sealusage SET purpose = %s WHERE seq = 1", ["改过的用途"])

    with pytest.raises(UsageLogBroken, match="broken at entry 1"):
        audit_and_anchor_usage_log.delay()
    assert not SealLogAnchor.objects.exists()


def test_the_audit_flags_an_anchor_whose_token_was_replaced(seal, one_page_pdf):
    _seal_twice(seal, one_page_pdf)
    audit_and_anchor_usage_log.delay()
    SealLogAnchor.objects.update(token=b"\x30\x00")

    with pytest.raises(CommandError, match="has no valid timestamp token"):
        call_command("seals_audit")


def test_the_audit_flags_a_log_cut_back_behind_its_anchor(seal, one_page_pdf):
    from seals.models import SealLogHead, SealUsage

    _seal_twice(seal, one_page_pdf)
    audit_and_anchor_usage_log.delay()
    first = SealUsage.objects.get(seq=1)
    SealUsage.objects.filter(seq=2).delete()
    SealLogHead.objects.update(seq=1, last_hash=first.entry_hash)  # the head row rewritten to match

    with pytest.raises(CommandError, match="an anchor records entry 2"):
        call_command("seals_audit")
