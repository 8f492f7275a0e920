"""Benchmark: the approver desk on a city-sized table, against a bare view in the same run.

Seeds PostgreSQL (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/onegate_bench; the database is created if
missing) with 1,000,000 applications across ten departments, 100,000 of them
in one, in a realistic mix: 3% drafts, 15% open (waiting for acceptance, in
review against due dates spread from a week overdue to six weeks ahead,
corrections, suspensions), the rest decided. Applications go in with
`INSERT … SELECT generate_series` and people with `COPY`, so seeding takes
minutes; a database that already holds the data is not seeded again. One
application in the big department is taken through the real services
(submission, acceptance, review, a correction notice, resubmission, a
suspension) so that its page has a timeline, a notice and a material.

Then, signed in as an approver of the big department with a second factor
enrolled, it requests through Django's full handler and middleware, in
interleaved rounds: /desk/ (the first page), a filtered page, the detail
page, and a bare view that returns "ok" (registered only in this script's
URLconf, under /desk/ so that the same staff checks run).

    make bench-desk            # or: python bench/bench_desk.py [ROUNDS]

The last line is `desk: p95 <ms> ms, <R>x bare`: the 95th percentile over
every desk request, and its ratio to the bare view's 95th percentile.
"""

import math
import os
import statistics
import sys
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BENCH_DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/onegate_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
# Production settings (no debug query log, cached templates), over plain HTTP.
os.environ.update(
    DATABASE_URL=BENCH_DATABASE_URL,
    DEBUG="0",
    SECRET_KEY=os.environ.get("SECRET_KEY") or "bench-desk-only-not-a-real-secret-0123456789abcdef",
    HTTPS="0",
    ALLOWED_HOSTS="testserver",
    STATIC_MANIFEST="0",
    DEMO_MODE="1",
    CELERY_EAGER="1",
    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    VAR_DIR=str(ROOT / "var" / "bench-desk"),
    LOG_LEVEL="WARNING",
)

(ROOT / "var" / "bench-desk" / "static").mkdir(parents=True, exist_ok=True)  # WhiteNoise warns without it

TOTAL = 1_000_000  # the seeding's defaults (bench/seeding.py): 200,000 people, 20,000 enterprises
BIG = 100_000  # in the first department: one slot in ten
COLLEAGUES = 20  # approvers of the big department, among whom the work is assigned
ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 250
WARMUP = 10


def ensure_database(url: str) -> None:
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(url)
    admin = psycopg2.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if cursor.fetchone() is None:
            print(f"creating database {config['NAME']}")
            cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    admin.close()


ensure_database(BENCH_DATABASE_URL)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import clear_url_caches, path  # noqa: E402

import portal.urls  # noqa: E402
from portal.models import StaffRole  # noqa: E402
from seeding import (  # noqa: E402  (bench/ is on sys.path when this script runs)
    bench_user,
    seed_applications,
    seed_detail,
    seed_list,
    seed_people,
    seeded,
)
from services.models import ServiceItem  # noqa: E402


def bare(request):
    return HttpResponse("ok")


# This script's URLconf: the portal's, plus the bare view behind the same middleware and staff checks.
urlpatterns = [path("desk/bare/", bare), *portal.urls.urlpatterns]

def seed():
    began = time.perf_counter()
    call_command("migrate", verbosity=0)
    departments = seed_list()
    big = departments[0]
    approver = bench_user("bench-approver@example.org", role=StaffRole.Role.APPROVER, department=big, person_name="基准审批员")
    bench_user("bench-head@example.org", role=StaffRole.Role.HEAD, department=big, person_name="基准局长")
    assignees = [
        bench_user(f"bench-approver-{i}@example.org", role=StaffRole.Role.APPROVER, department=big, person_name=f"审批员{i}")
        for i in range(COLLEAGUES)
    ]
    clerk = bench_user("bench-clerk@example.org", role=StaffRole.Role.CLERK, person_name="基准窗口")
    applicant = bench_user("bench-applicant@example.org", person_name="基准申请人")
    if seeded():
        print("data present: not seeding again")
    else:
        print(f"seeding {TOTAL:,} applications ({BIG:,} in {big.code}) …", flush=True)
        seed_people()
        seed_applications(departments, creator=applicant, clerk=clerk, assignees=assignees)
        with connection.cursor() as cursor:
            for table in ("approvals_application", "portal_person", "portal_enterprise"):
                cursor.execute(f"VACUUM ANALYZE {table}")
        print(f"seeded in {time.perf_counter() - began:.0f} s")
    detail = seed_detail(big, applicant=applicant, approver=approver)
    return big, approver, detail


# -- measuring ------------------------------------------------------------------------


def percentile(values, p):
    """The nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def main() -> None:
    big, approver, detail = seed()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE department_id = %s), "
            "count(*) FILTER (WHERE department_id = %s AND state IN "
            "('submitted','accepted','in_review','correction_requested','suspended')) FROM approvals_application",
            [big.pk, big.pk],
        )
        total, in_big, open_in_big = cursor.fetchone()
    print(f"{total:,} applications; {in_big:,} in {big.code}, {open_in_big:,} of them open")

    settings.ROOT_URLCONF = __name__
    clear_url_caches()
    item = ServiceItem.objects.get(code="B0-001")
    pages = {
        "first page": "/desk/",
        "filtered page": f"/desk/?item={item.pk}&sla=overdue",
        "detail page": f"/desk/{detail.tracking_number}/",
        "bare view": "/desk/bare/",
    }
    client = Client()
    client.force_login(approver)
    # As if the sign-in had passed the TOTP step: staff pages need a session that did (portal.middleware).
    session = client.session
    session["account_authentication_methods_user"] = str(approver.pk)
    session["account_authentication_methods"] = [{"method": "mfa", "type": "totp", "at": time.time()}]
    session.save()
    for url in pages.values():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    queries = {}
    for name, url in pages.items():
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        queries[name] = len(captured)

    timings = {name: [] for name in pages}
    cpu = {name: [] for name in pages}  # this process only: Python's share, whatever else runs on the machine
    for round_ in range(WARMUP + ROUNDS):
        for name, url in pages.items():
            began, began_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            elapsed = (time.perf_counter() - began) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{url}: HTTP {response.status_code}")
            if round_ >= WARMUP:
                timings[name].append(elapsed)
                cpu[name].append((time.process_time() - began_cpu) * 1000)

    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{ROUNDS} requests per page, interleaved, after {WARMUP} warm-up rounds ({os.cpu_count()} CPUs, load {load}):")
    for name, values in timings.items():
        print(
            f"  {name:<14} p50 {statistics.median(values):6.1f} ms  p95 {percentile(values, 95):6.1f} ms"
            f"  (Python CPU p50 {statistics.median(cpu[name]):5.1f} ms)  {queries[name]:>2} queries"
        )
    desk = [v for name, values in timings.items() if name != "bare view" for v in values]
    p95, bare_p95 = percentile(desk, 95), percentile(timings["bare view"], 95)
    print(f"desk: p95 {p95:.1f} ms, {p95 / bare_p95:.1f}x bare")


if __name__ == "__main__":
    main()
