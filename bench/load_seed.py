"""Seeds the load stack's database once, and writes what the load users need to a JSON file.

Run by bench/bench_load.py with the stack's environment (bench/stack.py):

    python bench/load_seed.py <fixtures.json>

Migrates, runs `seed_demo`, then (once per data folder) adds the bench list, 20,000 people,
2,000 enterprises and 100,000 applications in the desk benchmark's mix (bench/seeding.py),
the load's citizens (with a password and a verified address) and approvers of the busiest
department (with a TOTP second factor). The JSON names them, and the pages, tracking numbers,
query codes and license numbers the load looks up.
"""

import json
import sys
import time
from pathlib import Path

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from approvals.models import Application  # noqa: E402
from licenses.models import License  # noqa: E402
from portal.models import Person, StaffRole  # noqa: E402
from seeding import (  # noqa: E402
    TOTP_SECRET,
    bench_user,
    seed_applications,
    seed_detail,
    seed_list,
    seed_people,
    seeded,
)
from services.models import ServiceItem  # noqa: E402

TOTAL = 100_000  # one in ten in the first department
PEOPLE = 20_000
ENTERPRISES = 2_000
CITIZENS = 200
APPROVERS = 20
PASSWORD = "bench-load-Password-2026"
SUBMIT_ITEM = "PSB-004"  # a citizen's item, fully online, a form and one material


def main(out: Path) -> None:
    began = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0, stdout=open("/dev/null", "w"))
    departments = seed_list()
    big = departments[0]
    approvers = [
        bench_user(f"load-approver-{i}@example.org", role=StaffRole.Role.APPROVER, department=big,
                   person_name=f"负载审批员{i}", password=PASSWORD)
        for i in range(APPROVERS)
    ]
    clerk = bench_user("bench-clerk@example.org", role=StaffRole.Role.CLERK, person_name="基准窗口")
    applicant = bench_user("bench-applicant@example.org", person_name="基准申请人")
    citizens = [
        bench_user(f"load-citizen-{i}@example.org", person_name=f"负载市民{i}", password=PASSWORD).email
        for i in range(CITIZENS)
    ]
    if seeded(total=TOTAL):
        print("data present: not seeding again")
    else:
        print(f"seeding {TOTAL:,} applications …", flush=True)
        seed_people(people=PEOPLE, enterprises=ENTERPRISES)
        seed_applications(departments, creator=applicant, clerk=clerk, assignees=approvers, total=TOTAL,
                          people=PEOPLE, enterprises=ENTERPRISES, truncate=False)
        with connection.cursor() as cursor:
            for table in ("approvals_application", "portal_person", "portal_enterprise"):
                cursor.execute(f"VACUUM ANALYZE {table}")
    detail = seed_detail(big, applicant=applicant, approver=approvers[0])
    open_in_big = list(
        Application.objects.filter(department=big, state__in=["accepted", "in_review"], assignee=approvers[0],
                                   extended=False)  # the generated rows that are extended have no clock
        .exclude(tracking_number=None).order_by("due_on").values_list("tracking_number", flat=True)[:20]
    )
    tracked = list(
        Application.objects.filter(tracking_number__startswith="HLD-2025-")
        .order_by("?").values_list("tracking_number", "query_code")[:500]
    )
    licenses = list(License.objects.exclude(status=License.Status.PENDING).values_list("number", flat=True))
    item = ServiceItem.objects.get(code="B0-001")
    fixtures = {
        "password": PASSWORD,
        "totp_secret": TOTP_SECRET,
        "citizens": citizens,
        "approvers": [a.email for a in approvers],
        "desk_filtered": f"/desk/?item={item.pk}&sla=overdue",
        "desk_details": [f"/desk/{number}/" for number in [detail.tracking_number, *open_in_big]],
        "track": tracked,
        "licenses": licenses,
        "submit_item": SUBMIT_ITEM,
        "resident_id": Person.objects.get(user__email=citizens[0]).resident_id,
        "applications": Application.objects.count(),
    }
    out.write_text(json.dumps(fixtures, ensure_ascii=False, indent=1))
    print(f"{fixtures['applications']:,} applications, {len(licenses)} licenses; ready in "
          f"{time.perf_counter() - began:.0f} s", flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
