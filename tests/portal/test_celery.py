"""Background jobs run for real: a Celery worker process takes a task from the
broker and changes the database. Without REDIS_URL (the embedded default) the
broker is a folder of files; in CI the same test also runs on Redis."""

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from portal.celery import app

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))


def test_a_fresh_worker_knows_every_task_of_the_project_and_of_the_beat_schedule():
    """What a worker process registers on start-up, read in a process of its own (in this one,
    other tests have imported task modules that a worker might never import).

    Any process that has only started Django (the web, a command) knows them too: the services
    queue tasks by name, and a name the process does not know is sent to the broker even where
    CELERY_EAGER asks for tasks to run in-process."""
    listing = subprocess.run(
        [sys.executable, "-c",
         "import django; django.setup(); from portal.celery import app; "
         "print('\\n'.join(sorted(app.tasks))); print('--'); "
         "app.loader.import_default_modules(); print('\\n'.join(sorted(app.tasks)))"],
        cwd=ROOT, env={**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings"},
        capture_output=True, text=True, check=True, timeout=120,
    )
    started, _, worker = listing.stdout.partition("--\n")
    known = set(worker.split())
    assert known - set(started.split()) == set(), "tasks that only a worker registers (import them in AppConfig.ready)"
    for name, entry in app.conf.beat_schedule.items():
        assert entry["task"] in known, f"beat entry {name} names a task a worker does not know: {entry['task']}"
    defined = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for path in ROOT.glob("*/**/tasks.py")
        if ".venv" not in path.parts and "node_modules" not in path.parts
    }
    modules = {task.rsplit(".", 1)[0] for task in known}
    assert defined - modules == set(), "task modules a worker never imports"


def test_it_serialises_as_json_and_acknowledges_late():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True
    assert app.conf.task_time_limit and app.conf.task_soft_time_limit


BROKERS = ["files"] + (["redis"] if os.environ.get("REDIS_URL") else [])


def _environment(db: Path, var: Path) -> dict:
    """The portal's own processes on the embedded default: a SQLite file and a folder."""
    env = {k: v for k, v in os.environ.items() if k not in ("CELERY_EAGER", "DATABASE_URL", "REDIS_URL")}
    env.update(DJANGO_SETTINGS_MODULE="portal.settings", DATABASE_URL=f"sqlite:///{db}", VAR_DIR=str(var), CELERY_EAGER="0")
    return env


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory) -> Path:
    """A database migrated from empty by `manage.py migrate`, once; each test works on a copy."""
    folder = tmp_path_factory.mktemp("migrated")
    db = folder / "onegate.sqlite3"
    env = _environment(db, folder / "var")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True, timeout=180)
    return db


@pytest.mark.celery_worker
@pytest.mark.parametrize("broker", BROKERS)
def test_a_real_worker_runs_a_queued_task(tmp_path, broker, migrated_database):
    db = tmp_path / "onegate.sqlite3"
    shutil.copyfile(migrated_database, db)
    env = _environment(db, tmp_path / "var")
    if broker == "redis":
        env["REDIS_URL"] = os.environ["REDIS_URL"]
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO django_session (session_key, session_data, expire_date) VALUES (?, ?, ?)",
            ("expired-session-key", "e30", "2001-01-01 00:00:00"),
        )
    worker = subprocess.Popen(
        [CELERY, "-A", "portal", "worker", "--pool=solo", "--without-gossip", "--without-mingle",
         "--without-heartbeat", "--loglevel=INFO", "-n", f"test-{broker}@%h"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c",
             "from portal.tasks import clear_expired_sessions; clear_expired_sessions.delay()"],
            cwd=ROOT, env=env, check=True, timeout=60,
        )
        deadline = time.monotonic() + 60
        remaining = 1
        while time.monotonic() < deadline:
            with sqlite3.connect(db) as conn:
                remaining = conn.execute("SELECT COUNT(*) FROM django_session").fetchone()[0]
            if remaining == 0:
                break
            time.sleep(0.5)
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0]
    assert remaining == 0, f"the worker did not run the task:\n{output[-3000:]}"
    assert "clear_expired_sessions" in output
