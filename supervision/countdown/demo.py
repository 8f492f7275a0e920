"""The demo's countdown: two targets and 60 days of daily snapshots, taken by the
service the nightly task uses, so the charts show a trajectory: the list was
published 90 days ago (services/demo.py), and the market department's decisions
and ratings fall in the last half month (licenses/demo_cases.py,
supervision/ratings/demo.py). Its on-time target is the one that shows them."""

import datetime
from decimal import Decimal

from django.utils import timezone

from portal.models import User
from services.models import Department
from supervision.countdown.models import Target
from supervision.countdown.services import snapshot_metrics, target_create

DAYS = 60


def seed(*, stdout) -> None:
    today = timezone.localdate()
    for back in range(DAYS - 1, -1, -1):
        snapshot_metrics(day=today - datetime.timedelta(days=back))
    stdout.write(f"  countdown: {DAYS} days of metric snapshots")
    supervisor = User.objects.filter(email="supervisor@demo.onegate").first()
    if supervisor is None or Target.objects.exists():
        return
    start = today - datetime.timedelta(days=40)
    target_create(
        actor=supervisor, metric="online", value=Decimal("100"), start_on=start,
        due_on=today + datetime.timedelta(days=20),
    )
    serving = Department.objects.serving()
    department = serving.filter(code="market").first() or serving.order_by("code").first()
    target_create(
        actor=supervisor, metric="on_time", department=department, value=Decimal("98"), start_on=start,
        due_on=today + datetime.timedelta(days=50),
    )
    scope = department.code if department else "the city"
    stdout.write(f"  countdown: 2 targets (online availability 100 %, on-time rate 98 % for {scope})")
