"""Benchmark: the public catalogue pages, served whole from the cache and rendered, and submissions.

Seeds PostgreSQL (BENCH_DATABASE_URL, default
postgres://onegate:onegate@127.0.0.1:5432/onegate_bench_public; created and
migrated if missing) with the demo (`seed_demo`), and uses Redis as the cache
(BENCH_REDIS_URL, default redis://127.0.0.1:6379/5; it is flushed first).

It requests through Django's full handler and middleware, in one process:
the catalogue, a search and an item page, each as an anonymous visitor (the
first request fills the shared cache, the rest are served from it) and as a
visitor with a session cookie (never cached: each page is rendered, as every
page was before the public cache). Then it times the service layer of an
online application for a demo item (start, answers, one upload, submit).

    python bench/bench_public.py [ROUNDS]      # default 200

Each line reads `<page> <who>: <ms> ms per request, <n> req/s`; the last,
`submissions (...): <n> applications/s, <ms> ms and <q> queries each`.
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BENCH_DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://onegate:onegate@127.0.0.1:5432/onegate_bench_public"
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
# Production settings (no debug query log, cached templates), over plain HTTP.
os.environ.update(
    DATABASE_URL=BENCH_DATABASE_URL,
    REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5"),
    DEBUG="0",
    SECRET_KEY=os.environ.get("SECRET_KEY") or "bench-public-only-not-a-real-secret-0123456789abcdef",
    HTTPS="0",
    ALLOWED_HOSTS="testserver",
    STATIC_MANIFEST="0",
    DEMO_MODE="1",
    CELERY_EAGER="0",  # tasks (licenses, emails) are queued, not run: the bench times the web side
    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    VAR_DIR=str(ROOT / "var" / "bench-public"),
    LOG_LEVEL="WARNING",
)
(ROOT / "var" / "bench-public" / "static").mkdir(parents=True, exist_ok=True)  # WhiteNoise warns without it

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 200
PAGES = [("catalogue", "/catalogue/"), ("search", "/catalogue/?q=营业执照"), ("item", "/catalogue/MKT-001/")]


def ensure_database(url: str) -> None:
    import dj_database_url
    import psycopg2

    config = dj_database_url.parse(url)
    admin = psycopg2.connect(
        dbname="postgres", user=config["USER"], password=config["PASSWORD"], host=config["HOST"], port=config["PORT"] or 5432
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    admin.close()


def timed(client, path, rounds, **headers) -> float:
    """Milliseconds per request, after one warm-up request."""
    assert client.get(path, **headers).status_code == 200, path
    started = time.perf_counter()
    for _ in range(rounds):
        client.get(path, **headers)
    return (time.perf_counter() - started) * 1000 / rounds


def bench_pages(rounds: int) -> None:
    from django.test import Client

    for name, path in PAGES:
        for who, cookies in (("anonymous", {}), ("with a session", {"sessionid": "bench-no-such-session"})):
            client = Client()
            for key, value in cookies.items():
                client.cookies[key] = value
            ms = timed(client, path, rounds)
            print(f"{name} {who}: {ms:.2f} ms per request, {1000 / ms:.0f} req/s")


SUBMISSION_ITEM = "HRS-003"  # a demo item for persons: four answers and one material
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def bench_submissions(rounds: int) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from approvals import services as workflow
    from portal.models import User

    user = User.objects.select_related("person").get(email="citizen@demo.onegate")
    answers = {
        "applicant_name": user.person.real_name,
        "applicant_id": user.person.resident_id,
        "phone": "13812345678",
        "address": "辽宁省葫芦岛市龙港区海滨路1号",
    }

    def one():
        draft = workflow.application_start(actor=user, item_code=SUBMISSION_ITEM)
        workflow.application_save(application=draft, actor=user, data=answers)
        for material in draft.item_version.materials.all():
            upload = SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")
            workflow.attachment_add(application=draft, actor=user, material=material, upload=upload)
        submitted = workflow.application_submit(application=draft, actor=user, declaration=True)
        assert submitted.tracking_number, submitted

    one()
    with CaptureQueriesContext(connection) as queries:
        one()
    started = time.perf_counter()
    for _ in range(rounds):
        one()
    seconds = time.perf_counter() - started
    print(
        f"submissions ({SUBMISSION_ITEM}: start, answers, one upload, submit): "
        f"{rounds / seconds:.1f} applications/s, {1000 * seconds / rounds:.1f} ms and {len(queries)} queries each"
    )


def main() -> None:
    ensure_database(BENCH_DATABASE_URL)
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command

    from services.models import ListVersion

    call_command("migrate", verbosity=0)
    if not ListVersion.objects.exists():
        call_command("seed_demo", verbosity=0)
    cache.clear()
    bench_pages(ROUNDS)
    bench_submissions(max(ROUNDS // 4, 20))


if __name__ == "__main__":
    main()
