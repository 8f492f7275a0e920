"""Drill: back up a working portal on PostgreSQL, restore it somewhere new, and compare.

1. Makes a source database (DRILL_DATABASE_URL's server, database `onegate_drill_source`)
   and a private-storage folder, migrates, seeds the demo and then writes more: an
   application with an uploaded PDF, taken through submission, so that the storage holds
   uploads as well as what the demo made.
2. `manage.py backup` into a new folder (pg_dump in the snapshot the row counts were taken in,
   the storage copied, a manifest of counts and checksums; the KEK is left out).
3. `manage.py restore` into a fresh database (`onegate_drill_restored`) and an empty folder,
   with the KEK handed over separately, as it would come from the secret store.
4. Compares, independently of the restore's own check, every table's row count between the
   two live databases and every file's SHA-256 between the two folders, and runs Django's
   database checks on the restored copy (they refuse a KEK that does not open its seal keys).

    make drill-backup        # or: python bench/drill_backup.py

The last line is `backup drill: <T> tables, <R> rows, <F> files restored, <D> differences`.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parents[1]
SERVER_URL = os.environ.get("DRILL_DATABASE_URL", "postgres://onegate:onegate@127.0.0.1:5432/postgres")
SOURCE, RESTORED = "onegate_drill_source", "onegate_drill_restored"


def database_url(name: str) -> str:
    return SERVER_URL.rsplit("/", 1)[0] + "/" + name


def recreate(name: str) -> None:
    conn = psycopg2.connect(database_url("postgres"))
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn.close()


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout.strip()


def environment(name: str, var_dir: Path, kek_file: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env.update(
        DEBUG="1",
        DEMO_MODE="1",
        HTTPS="0",
        DATABASE_URL=database_url(name),
        VAR_DIR=str(var_dir),
        SEAL_KEK_FILE=str(kek_file),
    )
    return env


WRITE_MORE = """
from django.core.files.uploadedfile import SimpleUploadedFile
from approvals import services as approvals
from approvals.models import Application
from portal.models import User
from services.models import ItemVersion

user = User.objects.get(email="citizen@demo.onegate")
code = (
    ItemVersion.objects.snapshots().filter(materials__isnull=False, audience__in=["person", "both"],
                                           online_level="full_online")
    .values_list("item__code", flat=True).first()
)
app = approvals.application_start(actor=user, item_code=code, person=user.person)
pdf = b"%PDF-1.4\\n1 0 obj<<>>endobj\\ntrailer<<>>\\n%%EOF\\n"
for material in app.item_version.materials.all():
    approvals.attachment_add(actor=user, application=app, material=material,
                             upload=SimpleUploadedFile("drill.pdf", pdf, content_type="application/pdf"))
print(Application.objects.count(), "applications")
"""


def count_rows(url: str) -> dict[str, int]:
    conn = psycopg2.connect(url)
    with conn.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        tables = sorted(row[0] for row in cursor.fetchall())
        counts = {}
        for table in tables:
            cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
            counts[table] = cursor.fetchone()[0]
    conn.close()
    return counts


def checksums(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in folder.rglob("*")
        if path.is_file()
    }


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="onegate-drill-"))
    try:
        secrets = work / "secret-store"
        secrets.mkdir(mode=0o700)
        kek = secrets / "seal_kek"
        kek.write_text(os.urandom(32).hex())
        kek.chmod(0o600)

        recreate(SOURCE)
        source = environment(SOURCE, work / "source", kek)
        manage(source, "migrate", "--noinput", "-v", "0")
        manage(source, "seed_demo")
        try:
            print("wrote:", manage(source, "shell", "-c", WRITE_MORE))
        except SystemExit as exc:  # the extra writes are a bonus; the demo already has files
            print(f"extra writes skipped: {str(exc).splitlines()[-1]}")

        backup_dir = work / "backup"
        print(manage(source, "backup", str(backup_dir)))
        if any(backup_dir.rglob("*kek*")):
            sys.exit("the backup holds a KEK file")

        recreate(RESTORED)
        restored = environment(RESTORED, work / "restored", kek)
        print(manage(restored, "restore", str(backup_dir)))
        manage(restored, "check", "--database", "default")

        before, after = count_rows(database_url(SOURCE)), count_rows(database_url(RESTORED))
        files_before = checksums(work / "source" / "private")
        files_after = checksums(work / "restored" / "private")
        differences = [t for t in sorted(set(before) | set(after)) if before.get(t) != after.get(t)]
        differences += [f for f in sorted(set(files_before) | set(files_after)) if files_before.get(f) != files_after.get(f)]
        for difference in differences:
            print("differs:", difference)
        print(
            f"backup drill: {len(after)} tables, {sum(after.values())} rows, {len(files_after)} files restored, "
            f"{len(differences)} differences"
        )
        sys.exit(1 if differences or not files_after else 0)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        for name in (SOURCE, RESTORED):
            try:
                conn = psycopg2.connect(database_url("postgres"))
                conn.autocommit = True
                with conn.cursor() as cursor:
                    cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
                conn.close()
            except psycopg2.Error:
                pass


if __name__ == "__main__":
    main()
