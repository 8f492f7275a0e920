"""Seeding shared by the benchmarks: a published list of bench items, people and enterprises
through COPY, and applications in a realistic mix through `INSERT … SELECT generate_series`.

bench/bench_desk.py seeds a million applications with it, bench/bench_load.py a hundred
thousand. Import it after `django.setup()`.

The mix, by a pseudo-random r in 0..999 per application: 3% drafts, 15% open (waiting for
acceptance, in review against due dates spread from a week overdue to six weeks ahead,
corrections, suspensions), the rest decided. One slot in ten (n % 100 < 10) is in the first
department; applicant, enterprise and assignee are spread by two more hashes of n.
"""

import time
from io import StringIO

from django.db import connection, transaction
from django.utils import timezone

from approvals import services as workflow
from approvals.models import Application
from deadlines.models import CalendarChange
from portal.identifiers import CREDIT_ALPHABET, credit_code_check_char, resident_id_check_char
from portal.models import Enterprise, Person, StaffRole, User
from services.models import Department, ItemVersion, ServiceItem
from services.services import MaterialInput, item_create, list_publish

TOTAL = 1_000_000
DEPARTMENTS = 10
ITEMS_PER_DEPARTMENT = 5
PEOPLE = 200_000
ENTERPRISES = 20_000
CHUNK = 100_000
TOTP_SECRET = "JBSWY3DPEHPK3PXP"  # every bench approver's second factor

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


def seed_list(*, departments: int = DEPARTMENTS, items_per_department: int = ITEMS_PER_DEPARTMENT) -> list[Department]:
    if not CalendarChange.objects.exists():
        from deadlines.services import calendar_sync

        calendar_sync(at=timezone.now())
    made = []
    for d in range(departments):
        department, _created = Department.objects.get_or_create(
            code=f"bench-{d}", defaults={"name_zh": f"基准局{d}", "name_en": f"Bench Bureau {d}"}
        )
        made.append(department)
        for n in range(items_per_department):
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
    if published.count() < departments * items_per_department:
        list_publish(actor=None, note="基准发布")
    return made


def bench_user(email: str, *, role=None, department=None, person_name=None, password=None) -> User:
    """A user (with a person, a staff role and a TOTP second factor as asked); with a password,
    also a verified address, so that they can sign in at /accounts/login/."""
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password)
    if password:
        from allauth.account.models import EmailAddress

        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    if person_name and not hasattr(user, "person"):
        first17 = f"21140219850101{user.pk % 1000:03d}"
        Person.objects.create(user=user, real_name=person_name, resident_id=first17 + resident_id_check_char(first17))
    if role:
        StaffRole.objects.get_or_create(user=user, role=role, department=department)
        from allauth.mfa.models import Authenticator

        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            from allauth.mfa.totp.internal.auth import TOTP

            TOTP.activate(user, TOTP_SECRET)
    return user


def seed_people(*, people: int = PEOPLE, enterprises: int = ENTERPRISES) -> None:
    """People and enterprises (200,000 and 20,000 by default) with valid identifiers, through COPY."""
    have = Person.objects.filter(real_name__startswith="基准").count()
    if have < people:
        rows = StringIO()
        for n in range(have, people):
            # region, birth date, sequence: unique per n
            first17 = f"{110101 + n // 1000:06d}{1950 + n % 50}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
            rid = first17 + resident_id_check_char(first17)
            rows.write(f"基准{n}\t{rid}\t\t{timezone.now().isoformat()}\n")
        _copy("portal_person", ("real_name", "resident_id", "mobile", "created_at"), rows)
    have = Enterprise.objects.filter(name__startswith="基准企业").count()
    if have < enterprises:
        rows = StringIO()
        for n in range(have, enterprises):
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
    assignee_id, created_at, updated_at, submitted_at, accepted_at, decided_at, deemed_accepted)
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
    CASE WHEN state IN ('approved', 'denied', 'not_accepted', 'withdrawn') THEN created_at + interval '2 days' END,
    false
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


def seeded(*, total: int = TOTAL) -> bool:
    """Whether the generated applications are all there (each has the uid its number gives it)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM approvals_application a JOIN generate_series(1, %s) n "
            "ON a.uid = md5(n::text || 'bench')::uuid",
            [total],
        )
        return cursor.fetchone()[0] >= total


def seed_applications(
    departments,
    *,
    creator,
    clerk,
    assignees,
    total: int = TOTAL,
    people: int = PEOPLE,
    enterprises: int = ENTERPRISES,
    truncate: bool = True,
) -> None:
    """`total` applications in the mix above. `truncate=False` replaces only the generated rows,
    keeping applications made otherwise (the demo's, with their events and licenses)."""
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
    person_ids = Person.objects.filter(real_name__startswith="基准").order_by("pk").values_list("pk", flat=True)
    enterprise_ids = Enterprise.objects.filter(name__startswith="基准企业").order_by("pk").values_list("pk", flat=True)
    params = {
        "person_min": person_ids.first(),
        "people": people,
        "enterprise_min": enterprise_ids.first(),
        "enterprises": enterprises,
        "creator": creator.pk,
        "clerk": clerk.pk,
        "assignees": [a.pk for a in assignees],
        "colleagues": len(assignees),
    }
    with connection.cursor() as cursor:
        if truncate:
            cursor.execute("TRUNCATE approvals_application RESTART IDENTITY CASCADE")
        else:  # generated rows have no events, files or licenses pointing at them
            cursor.execute(
                "DELETE FROM approvals_application a USING generate_series(1, %s) n "
                "WHERE a.uid = md5(n::text || 'bench')::uuid",
                [total],
            )
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = cursor.fetchone()[0]
    chunk = min(CHUNK, total)
    for start in range(1, total + 1, chunk):
        began = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            if superuser:
                # The rows are generated consistent; checking seven foreign keys a million times is most of the cost.
                cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(WORKDAY_SQL)
            cursor.execute(SLOTS_SQL)
            cursor.executemany("INSERT INTO bench_slots VALUES (%s, %s, %s)", slots)
            cursor.execute(INSERT_SQL, {**params, "start": start, "stop": start + chunk - 1})
        print(f"  applications {start + chunk - 1:>9,} ({time.perf_counter() - began:.1f} s)", flush=True)


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
