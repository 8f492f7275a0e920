"""A production-like OneGate stack on this machine, for load tests and fault drills.

`Stack(folder)` runs, each in its own session (process group) and all on 127.0.0.1:

- a private PostgreSQL (`initdb` into `<folder>/postgres` on first use, fsync on, its own free
  port), run as the `postgres` user when we are root, since PostgreSQL refuses to run as root;
- a private Redis without persistence (cache, rate limits and the Celery broker);
- gunicorn (sync workers, one per core, as the Dockerfile runs it) with DEBUG=0, a throwaway
  SECRET_KEY kept in `<folder>/secret_key`, HTTPS=0 and DEMO_MODE=1, on the settings of
  `bench/load_settings.py` (the portal's, plus /bench/bare/);
- a Celery worker (concurrency = cores) and Celery beat.

The machine's own PostgreSQL (5432) and Redis (6379) are never used. Each process can be
started, stopped, killed (SIGKILL, as a crash) and restarted on its own:

    stack = Stack(Path("var/bench-load"))
    try:
        stack.start()                 # or stack.start_data() first, then stack.start_app()
        stack.service("gunicorn").kill()
        stack.service("gunicorn").restart()
    finally:
        stack.stop()

`stack.env` is the environment the portal's processes get (for `manage.py` commands).
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_VERSIONS = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
SHARED_PORTS = (5432, 6379)  # the machine's own PostgreSQL and Redis: never ours


class StackError(RuntimeError):
    pass


def free_port(preferred: int) -> int:
    """`preferred` if nobody listens on it on 127.0.0.1, else the next free one."""
    for port in range(preferred, preferred + 200):
        if port in SHARED_PORTS:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            # As the servers do: a port left in TIME_WAIT by the last run is free to listen on.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise StackError(f"no free port from {preferred}")


def wait_for_port(port: int, *, timeout: float, process: subprocess.Popen | None = None, name: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise StackError(f"{name} exited with {process.returncode} while starting (see its log)")
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.settimeout(0.5)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise StackError(f"{name or 'port'} {port} did not open within {timeout:.0f} s")


def need(binary: str, hint: str) -> str:
    path = shutil.which(binary) if "/" not in binary else (binary if Path(binary).exists() else None)
    if not path:
        raise StackError(f"{binary} is missing: {hint}")
    return path


@dataclass
class Service:
    """One long-running process of the stack, started in its own session."""

    name: str
    argv: list[str]
    env: dict
    log: Path
    port: int | None = None
    user: str | None = None  # run as this user (PostgreSQL when we are root)
    stop_signal: int = signal.SIGTERM
    ready_timeout: float = 60
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.running else None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        if self.running:
            return
        if self.port is not None:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    raise StackError(f"{self.name}: port {self.port} is already taken")
        self.log.parent.mkdir(parents=True, exist_ok=True)
        out = open(self.log, "ab")
        kwargs = {}
        if self.user:
            entry = pwd.getpwnam(self.user)
            kwargs = {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
        try:
            self.process = subprocess.Popen(
                self.argv, cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True, **kwargs,
            )
        finally:
            out.close()
        if self.port is not None:
            wait_for_port(self.port, timeout=self.ready_timeout, process=self.process, name=self.name)

    def signal(self, sig: int) -> None:
        if self.running:
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                pass

    def stop(self, timeout: float = 20) -> None:
        """The stop signal to the leader (it stops its own children), SIGKILL to the group after `timeout`."""
        if self.process is None:
            return
        family = descendants(self.process.pid) if self.running else []
        if self.running:
            self.process.send_signal(self.stop_signal)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL)
            self.process.wait(5)
        self._kill_leftovers(family)

    def kill(self) -> None:
        """SIGKILL to the process group: a crash, for fault drills."""
        if self.process is None:
            return
        self.signal(signal.SIGKILL)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            pass

    def restart(self) -> None:
        self.stop()
        self.start()

    @staticmethod
    def _kill_leftovers(family: list[int]) -> None:
        """Children that left the group (PostgreSQL's backends call setsid) and outlived the leader."""
        time.sleep(0.2)
        for pid in family:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def _proc_table() -> dict[int, int]:
    """pid -> parent pid, from /proc."""
    table = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            table[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return table


def descendants(root: int) -> list[int]:
    table = _proc_table()
    found, frontier = [], [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in table.items() if ppid == parent]
        found += children
        frontier += children
    return found


def cpu_seconds(root: int) -> float:
    """CPU seconds used so far by `root` and its live descendants (and children they reaped)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in [root, *descendants(root)]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(v) for v in fields[11:15])  # utime, stime, cutime, cstime
    return total / tick


class Stack:
    def __init__(self, folder: Path, *, cores: int | None = None, pg_port: int = 55432, redis_port: int = 56379,
                 web_port: int = 58000):
        self.folder = folder.resolve()
        self.cores = cores or os.cpu_count() or 2
        self.logs = self.folder / "logs"
        self.pg_data = self.folder / "postgres"
        self.pg_socket = self.folder / "pg-socket"
        self.pg_user = "postgres" if os.geteuid() == 0 else None
        self.pg_port = free_port(pg_port)
        self.redis_port = free_port(redis_port)
        self.web_port = free_port(web_port)
        self.base_url = f"http://127.0.0.1:{self.web_port}"
        self.env = self._app_env()
        self.services: dict[str, Service] = {}
        self._define()

    # -- configuration ------------------------------------------------------------------

    def _secret_key(self) -> Path:
        path = self.folder / "secret_key"
        if not path.exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            path.write_text(os.urandom(32).hex())
            path.chmod(0o600)
        return path

    def _app_env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "CELERY_", "DJANGO_"))}
        var = self.folder / "app"
        (var / "static").mkdir(parents=True, exist_ok=True)  # WhiteNoise warns without it
        env.update(
            DJANGO_SETTINGS_MODULE="load_settings",
            PYTHONPATH=os.pathsep.join([str(ROOT / "bench"), str(ROOT)]),
            DATABASE_URL=f"postgres://onegate@127.0.0.1:{self.pg_port}/onegate",
            REDIS_URL=f"redis://127.0.0.1:{self.redis_port}/0",
            DEBUG="0",
            SECRET_KEY_FILE=str(self._secret_key()),
            HTTPS="0",
            DEMO_MODE="1",
            STATIC_MANIFEST="0",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SITE_URL=f"http://127.0.0.1:{self.web_port}",
            VAR_DIR=str(var),
            SEAL_KEK_FILE=str(var / "seal-kek.key"),
            # Behind one reverse proxy, as in production: the load users' addresses come in
            # X-Forwarded-For, so per-address limits (sign-in, /verify/) count each user apart.
            TRUSTED_PROXY_COUNT="1",
            # No mail server here: messages are recorded in the outbox and dropped by the worker.
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
            CELERY_EAGER="0",
        )
        return env

    def _define(self) -> None:
        venv = Path(sys.executable).parent
        pg_bin = self.pg_bin()
        self.services["postgres"] = Service(
            "postgres",
            [str(pg_bin / "postgres"), "-D", str(self.pg_data), "-p", str(self.pg_port),
             "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={self.pg_socket}",
             "-c", "fsync=on", "-c", "shared_buffers=512MB", "-c", "max_connections=200",
             "-c", "log_min_messages=warning"],
            {"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8"},
            self.logs / "postgres.log", port=self.pg_port, user=self.pg_user,
            stop_signal=signal.SIGINT,  # PostgreSQL's fast shutdown
        )
        self.services["redis"] = Service(
            "redis",
            [need("redis-server", "apt-get install redis-server"), "--bind", "127.0.0.1", "--port", str(self.redis_port),
             "--save", "", "--appendonly", "no", "--protected-mode", "yes", "--dir", str(self.folder),
             "--loglevel", "warning"],
            {"PATH": os.environ.get("PATH", "")}, self.logs / "redis.log", port=self.redis_port,
        )
        self.services["gunicorn"] = Service(
            "gunicorn",
            [str(venv / "gunicorn"), "portal.wsgi:application", "--bind", f"127.0.0.1:{self.web_port}",
             "--workers", str(self.cores), "--access-logfile", "-", "--timeout", "60"],
            self.env, self.logs / "gunicorn.log", port=self.web_port,
        )
        self.services["celery-worker"] = Service(
            "celery-worker",
            [str(venv / "celery"), "-A", "portal", "worker", "--concurrency", str(self.cores), "--loglevel=WARNING"],
            self.env, self.logs / "celery-worker.log",
        )
        self.services["celery-beat"] = Service(
            "celery-beat",
            [str(venv / "celery"), "-A", "portal", "beat", "--loglevel=WARNING",
             f"--schedule={self.folder / 'celerybeat-schedule'}"],
            self.env, self.logs / "celery-beat.log",
        )

    @staticmethod
    def pg_bin() -> Path:
        if not PG_VERSIONS:
            raise StackError("PostgreSQL's server binaries are missing: apt-get install postgresql")
        return PG_VERSIONS[0].parent

    def service(self, name: str) -> Service:
        return self.services[name]

    # -- PostgreSQL's data folder ------------------------------------------------------------

    def _as_pg(self, argv: list[str]) -> None:
        kwargs = {}
        if self.pg_user:
            entry = pwd.getpwnam(self.pg_user)
            kwargs = {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
        result = subprocess.run(argv, capture_output=True, text=True, cwd="/", **kwargs)
        if result.returncode:
            raise StackError(f"{' '.join(argv[:2])} failed:\n{result.stdout}\n{result.stderr}")

    def init_postgres(self) -> None:
        """initdb on first use; the folder is kept, so the seeded data survives between runs."""
        self.pg_socket.mkdir(parents=True, exist_ok=True)
        if self.pg_user:
            entry = pwd.getpwnam(self.pg_user)
            os.chown(self.pg_socket, entry.pw_uid, entry.pw_gid)
        if (self.pg_data / "PG_VERSION").exists():
            return
        self.pg_data.mkdir(parents=True, exist_ok=True)
        if self.pg_user:
            os.chown(self.pg_data, entry.pw_uid, entry.pw_gid)
        print(f"initdb {self.pg_data}", flush=True)
        self._as_pg([str(self.pg_bin() / "initdb"), "-D", str(self.pg_data), "-U", "onegate", "--auth=trust",
                     "-E", "UTF8", "--locale=C.UTF-8"])
        self.services["postgres"].start()
        try:
            self._as_pg([str(self.pg_bin() / "createdb"), "-h", "127.0.0.1", "-p", str(self.pg_port), "-U", "onegate",
                         "onegate"])
        finally:
            self.services["postgres"].stop()

    # -- the whole stack ------------------------------------------------------------------------

    def start_data(self) -> None:
        """PostgreSQL and Redis."""
        self.logs.mkdir(parents=True, exist_ok=True)
        self.init_postgres()
        self.services["postgres"].start()
        self.services["redis"].start()

    def start_app(self) -> None:
        """gunicorn, the Celery worker and beat."""
        for name in ("gunicorn", "celery-worker", "celery-beat"):
            self.services[name].start()

    def start(self) -> None:
        self.start_data()
        self.start_app()

    @contextmanager
    def session(self):
        """A command's run against the stack: the stack is stopped on the way out, and Ctrl-C (or
        SIGTERM turned into it) or a stack that cannot start ends the command with one line."""
        try:
            yield self
        except KeyboardInterrupt:
            print("interrupted: stopping the stack", file=sys.stderr)
            raise SystemExit(130) from None
        except StackError as exc:
            print(f"error: {exc}", file=sys.stderr)
            raise SystemExit(1) from None
        finally:
            self.stop()

    def stop(self) -> None:
        """Everything, the portal's processes first; safe to call twice or after a failed start."""
        for name in ("celery-beat", "celery-worker", "gunicorn", "redis", "postgres"):
            try:
                self.services[name].stop()
            except Exception as exc:  # keep stopping the others
                print(f"stopping {name}: {exc}", file=sys.stderr)

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, text=True,
                                capture_output=True)
        if check and result.returncode:
            raise StackError(f"manage.py {' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
        return result
