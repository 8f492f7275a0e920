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

TOTAL = 1_000_000
BIG = 100_000  # in the first department: one slot in ten
DEPARTMENTS = 10
ITEMS_PER_DEPARTMENT = 5
PEOPLE = 200_000
ENTERPRISES = 20_000
COLLEAGUES = 20  # approvers of the big department, among whom the work is assigned
CHUNK = 100_000
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
from django.db import connection, transaction  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import clear_url_caches, path  # noqa: E402
from django.utils import timezone  # noqa: E402

import portal.urls  # noqa: E402
from approvals import services as workflow  # noqa: E402
from approvals.models import Application  # noqa: E402
from deadlines.models import CalendarChange  # noqa: E402
from portal.identifiers import CREDIT_ALPHABET, credit_code_check_char, resident_id_check_char  # noqa: E402
from portal.models import Enterprise, Person, StaffRole, User  # noqa: E402
from services.models import Department, ItemVersion, ServiceItem  # noqa: E402
from services.services import MaterialInput, item_create, list_publish  # noqa: E402


def bare(request):
    return HttpResponse("ok")


# This script's URLconf: the portal's, plus the bare view behind the same middleware and staff checks.
urlpatterns = [path("desk/bare/", bare), *portal.urls.urlpatterns]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FIELDS = [
    {"key": "shop_name", "type": "text", "label_zh": "店铺名称", "label_en": "Shop name", "max_length": 40},
    {"key": "opening", "type": "date", "label_zh": "开业日期", "label_en": "Opening date"},
]


# -- seeding ------------------------------------------------------------------------


def _terms(n: int, department: int) -> dict:
    return {
        "name_zh": f"基准事项{department}-{n}",
        "name_en": f"Bench item {department}-{n}",
        "description_zh": "基准测试用事项。",
        "description_en": "An item for the desk benchmark.",
        "keywords": "",
        "audience": "both",
        "kind": "promised",
        "statutory_limit_days": 20,
        "promised_limit_days": 5 + n,
        "legal_basis_zh": "《基准条例》第一条",
        "legal_basis_en": "Bench Regulations, art. 1",
        "fee_yuan": 0,
        "online_level": "full_online",
        "max_visits": 0,
        "license_type": None,
    }


def seed_list() -> list[Department]:
    if not CalendarChange.objects.exists():
        from deadlines.services import calendar_sync

        calendar_sync(at=timezone.now())
    departments = []
    for d in range(DEPARTMENTS):
        department, _created = Department.objects.get_or_create(
            code=f"bench-{d}", defaults={"name_zh": f"基准局{d}", "name_en": f"Bench Bureau {d}"}
        )
        departments.append(department)
        for n in range(ITEMS_PER_DEPARTMENT):
            code = f"B{d}-{n:03d}"
            if not ServiceItem.objects.filter(code=code).exists():
                item_create(
                    actor=None,
                    code=code,
                    department=department,
                    terms=_terms(n, d),
                    materials=[MaterialInput(name_zh="经营场所证明", name_en="Proof of premises")] if n == 0 else [],
                    fields=FIELDS if n == 0 else [],
                )
    published = ServiceItem.objects.filter(code__startswith="B", versions__published_in__isnull=False).distinct()
    if published.count() < DEPARTMENTS * ITEMS_PER_DEPARTMENT:
        list_publish(actor=None, note="基准发布")
    return departments


def _user(email: str, *, role=None, department=None, person_name=None) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None)
    if person_name and not hasattr(user, "person"):
        first17 = f"21140219850101{user.pk % 1000:03d}"
        Person.objects.create(user=user, real_name=person_name, resident_id=first17 + resident_id_check_char(first17))
    if role:
        StaffRole.objects.get_or_create(user=user, role=role, department=department)
        from allauth.mfa.models import Authenticator

        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            from allauth.mfa.totp.internal.auth import TOTP

            TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    return user


def seed_people() -> None:
    """200,000 people and 20,000 enterprises with valid identifiers, through COPY."""
    have = Person.objects.filter(real_name__startswith="基准").count()
    if have < PEOPLE:
        rows = StringIO()
        for n in range(have, PEOPLE):
            # region, birth date, sequence: unique per n
            first17 = f"{110101 + n // 1000:06d}{1950 + n % 50}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
            rid = first17 + resident_id_check_char(first17)
            rows.write(f"基准{n}\t{rid}\t{timezone.now().isoformat()}\n")
        _copy("portal_person", ("real_name", "resident_id", "created_at"), rows)
    have = Enterprise.objects.filter(name__startswith="基准企业").count()
    if have < ENTERPRISES:
        rows = StringIO()
        for n in range(have, ENTERPRISES):
            body, k = "", n + 7_000_000
            for _ in range(9):
                k, r = divmod(k, 31)
                body += CREDIT_ALPHABET[r]
            first17 = "91211400" + body
            rows.write(f"基准企业{n}有限公司\t{first17 + credit_code_check_char(first17)}\t{timezone.now().isoformat()}\n")
        _copy("portal_enterprise", ("name", "credit_code", "created_at"), rows)


def _copy(table: str, columns, rows: StringIO) -> None:
    rows.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_from(rows, table, columns=columns)


# Per slot (n % 100): the department and item version. Slots 0-9 are the big department.
SLOTS_SQL = """
CREATE TEMP TABLE bench_slots (slot int PRIMARY KEY, department_id bigint, item_version_id bigint) ON COMMIT DROP
"""

# State by r in 0..999: 3% drafts, 15% open, 82% decided.
INSERT_SQL = """
INSERT INTO approvals_application (
    uid, tracking_number, query_code, item_version_id, department_id, applicant_person_id,
    applicant_enterprise_id, created_by_id, channel, clerk_id, state, resume_state, form_data,
    delivery, delivery_address, declaration_at, clock_id, due_on, due_provisional, extended, sla,
    assignee_id, created_at, updated_at, submitted_at, accepted_at, decided_at)
SELECT
    md5(n::text || 'bench')::uuid,
    CASE WHEN state = 'draft' THEN NULL ELSE 'HLD-2025-' || lpad(n::text, 7, '0') END,
    upper(substr(md5(n::text), 1, 8)),
    item_version_id, department_id,
    %(person_min)s + h2 %% %(people)s,
    CASE WHEN n %% 10 < 3 THEN %(enterprise_min)s + h2 %% %(enterprises)s END,
    %(creator)s,
    CASE WHEN n %% 7 = 0 THEN 'window' ELSE 'online' END,
    CASE WHEN n %% 7 = 0 THEN %(clerk)s END,
    state,
    CASE WHEN state IN ('correction_requested', 'suspended') THEN 'in_review' ELSE '' END,
    '{}'::jsonb, 'electronic', '',
    CASE WHEN state <> 'draft' THEN created_at + interval '1 hour' END,
    NULL,
    due_on,
    false,
    state IN ('accepted', 'in_review') AND h %% 30 = 0,
    CASE
        WHEN state NOT IN ('accepted', 'in_review') THEN CASE WHEN due_on IS NOT NULL THEN 'on_time' ELSE '' END
        WHEN due_on < CURRENT_DATE THEN 'overdue'
        WHEN due_on <= CURRENT_DATE + 1 THEN 'due_soon'
        ELSE 'on_time'
    END,
    CASE WHEN state NOT IN ('draft', 'submitted', 'not_accepted') THEN (%(assignees)s::bigint[])[1 + h %% %(colleagues)s] END,
    created_at, created_at + interval '2 days',
    CASE WHEN state <> 'draft' THEN created_at + interval '1 hour' END,
    CASE WHEN state NOT IN ('draft', 'submitted', 'not_accepted', 'withdrawn') THEN created_at + interval '1 day' END,
    CASE WHEN state IN ('approved', 'denied', 'not_accepted', 'withdrawn') THEN created_at + interval '2 days' END
FROM (
    SELECT g.*,
        CASE
            WHEN state IN ('accepted', 'in_review') THEN pg_temp.workday(CURRENT_DATE + (h %% 50 - 5)::int)
            WHEN state IN ('approved', 'denied') OR (state = 'withdrawn' AND h %% 2 = 0)
                THEN pg_temp.workday(CURRENT_DATE - (h %% 365)::int)
        END AS due_on
    FROM (
        SELECT n, s.department_id, s.item_version_id, h, h2,
            now() - (h %% 400) * interval '1 day' - (n %% 86400) * interval '1 second' AS created_at,
            CASE
                WHEN r < 30 THEN 'draft'
                WHEN r < 50 THEN 'submitted'
                WHEN r < 90 THEN 'accepted'
                WHEN r < 150 THEN 'in_review'
                WHEN r < 170 THEN 'correction_requested'
                WHEN r < 180 THEN 'suspended'
                WHEN r < 870 THEN 'approved'
                WHEN r < 930 THEN 'denied'
                WHEN r < 970 THEN 'not_accepted'
                ELSE 'withdrawn'
            END AS state
        FROM (
            SELECT n,
                (n::bigint * 48271 %% 2147483647) %% 1000 AS r,
                (n::bigint * 69621 %% 2147483647) %% 10000 AS h,
                (n::bigint * 40692 %% 2147483399) AS h2
            FROM generate_series(%(start)s, %(stop)s) AS n
        ) raw
        JOIN bench_slots s ON s.slot = n %% 100
    ) g
) a
"""

WORKDAY_SQL = """
CREATE OR REPLACE FUNCTION pg_temp.workday(d date) RETURNS date LANGUAGE sql IMMUTABLE AS
$$ SELECT d + CASE extract(isodow FROM d) WHEN 6 THEN 2 WHEN 7 THEN 1 ELSE 0 END $$
"""


def seeded() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM approvals_application WHERE tracking_number LIKE 'HLD-2025-%%' OR state = 'draft'")
        return cursor.fetchone()[0] >= TOTAL


def seed_applications(departments, *, creator, clerk, assignees) -> None:
    big, others = departments[0], departments[1:]
    versions = {
        d.pk: list(
            ItemVersion.objects.snapshots().filter(item__department=d).order_by("item__code").values_list("pk", flat=True)
        )
        for d in departments
    }
    slots = []
    for slot in range(100):
        department = big if slot < 10 else others[(slot - 10) // 10]
        ids = versions[department.pk]
        slots.append((slot, department.pk, ids[slot % len(ids)]))
    people = Person.objects.filter(real_name__startswith="基准").order_by("pk").values_list("pk", flat=True)
    enterprises = Enterprise.objects.filter(name__startswith="基准企业").order_by("pk").values_list("pk", flat=True)
    params = {
        "person_min": people.first(),
        "people": PEOPLE,
        "enterprise_min": enterprises.first(),
        "enterprises": ENTERPRISES,
        "creator": creator.pk,
        "clerk": clerk.pk,
        "assignees": [a.pk for a in assignees],
        "colleagues": len(assignees),
    }
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE approvals_application RESTART IDENTITY CASCADE")
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = cursor.fetchone()[0]
    for start in range(1, TOTAL + 1, CHUNK):
        began = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            if superuser:
                # The rows are generated consistent; checking seven foreign keys a million times is most of the cost.
                cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(WORKDAY_SQL)
            cursor.execute(SLOTS_SQL)
            cursor.executemany("INSERT INTO bench_slots VALUES (%s, %s, %s)", slots)
            cursor.execute(INSERT_SQL, {**params, "start": start, "stop": start + CHUNK - 1})
        print(f"  applications {start + CHUNK - 1:>9,} ({time.perf_counter() - began:.1f} s)", flush=True)


def seed_detail(department, *, applicant, approver) -> Application:
    """One application through the real services, with a timeline, a notice and a material."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    existing = Application.objects.filter(created_by=applicant, tracking_number__startswith="HLD-2026").first()
    if existing:
        return existing
    draft = workflow.application_start(actor=applicant, item_code="B0-000")
    workflow.application_save(application=draft, actor=applicant, data={"shop_name": "海滨小吃", "opening": "2026-12-01"})
    material = draft.item_version.materials.first()
    upload = SimpleUploadedFile("premises.pdf", PDF, content_type="application/pdf")
    workflow.attachment_add(application=draft, actor=applicant, material=material, upload=upload)
    application = workflow.application_submit(application=draft, actor=applicant, declaration=True)
    application = workflow.application_accept(application=application, actor=approver)
    application = workflow.application_start_review(application=application, actor=approver)
    application = workflow.application_request_correction(
        application=application,
        actor=approver,
        items=[
            {"material": material.pk, "name": material.name_zh, "problem": "复印件不清晰", "remedy": "上传清晰的扫描件"},
            {"material": None, "name": "租赁合同", "problem": "缺少", "remedy": "上传租赁合同"},
        ],
    )
    application = workflow.application_resubmit(application=application, actor=applicant)
    application = workflow.application_suspend(application=application, actor=approver, kind="expert_review", expected_days=10, note="专家评审")
    application = workflow.application_resume(application=application, actor=approver)
    return application


def seed():
    began = time.perf_counter()
    call_command("migrate", verbosity=0)
    departments = seed_list()
    big = departments[0]
    approver = _user("bench-approver@example.org", role=StaffRole.Role.APPROVER, department=big, person_name="基准审批员")
    _user("bench-head@example.org", role=StaffRole.Role.HEAD, department=big, person_name="基准局长")
    assignees = [
        _user(f"bench-approver-{i}@example.org", role=StaffRole.Role.APPROVER, department=big, person_name=f"审批员{i}")
        for i in range(COLLEAGUES)
    ]
    clerk = _user("bench-clerk@example.org", role=StaffRole.Role.CLERK, person_name="基准窗口")
    applicant = _user("bench-applicant@example.org", person_name="基准申请人")
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
