"""Load test: the portal under a production-like stack on this machine, driven by Locust.

Starts the stack of bench/stack.py under var/bench-load/ (a private PostgreSQL and Redis,
gunicorn with one sync worker per core, a Celery worker and beat, all on 127.0.0.1), seeds it
once (bench/load_seed.py: the demo, 100,000 applications in the desk benchmark's mix, the load's
citizens and approvers), then runs two phases with Locust in headless mode (bench/locustfile.py):

A. Anonymous pages, one after the other, each with the same users for the same time: the bare
   view (/bench/bare/: "ok" through the whole middleware), /catalogue/, a search and an item.
B. Mixed: citizens applying online with a small PDF through every page (start, answers,
   upload, delivery, check, submit), approvers on the desk (first page, a filtered page, an
   application's page), and /track/ and /verify/<number>/ look-ups of seeded data.

Users are signed in before phase B, outside the measured time, through /accounts/login/ (and
the TOTP step for approvers), one real sign-in each; Locust gets their session cookies.
During each phase the CPU seconds of every part (gunicorn, PostgreSQL, Redis, Celery, Locust)
are read from /proc, to say which one was the limit. Everything started is stopped at the end,
on an error or on Ctrl-C.

    make bench-load                         # or: python bench/bench_load.py
    BENCH_LOAD_SECONDS=60 make bench-load   # phase B's length (phase A: a third of it per page)

Prints a table of every endpoint (req/s, p50, p95, errors), the CPU each part used during
each phase (cores; "others" is the rest of the machine: this script and whatever else runs),
then as its last line
`load: catalogue <P>% of bare, <S> submissions/s, desk p95 <ms> ms, <E> errors`: the mean of
the three catalogue pages' req/s against the bare view's, complete submission flows per second,
the desk's 95th percentile (the largest of its three pages' p95s, as Locust keeps percentiles
per endpoint), and every non-2xx/3xx answer plus every failed flow. Locust's CSV files and the
stack's logs stay in var/bench-load/results/ and var/bench-load/logs/.

User counts, for 2 cores shared by everything: phase A 8 users per page, enough to keep both
sync workers busy (requests queue in gunicorn's listen backlog) while Locust, one process, stays
near a third of a core at ~450 req/s; phase B 16 users, each back to back: 8 citizens, 4
approvers, 2 trackers and 2 verifiers. More users only lengthen the queue in front of the two
workers and take CPU for Locust that the server needs. LOAD_USERS, LOAD_CITIZENS,
LOAD_APPROVERS, LOAD_TRACKERS and LOAD_VERIFIERS change them.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stack import ROOT, Stack, StackError, cpu_seconds  # noqa: E402

FOLDER = ROOT / "var" / "bench-load"
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", 120))
PAGE_SECONDS = max(10, SECONDS // 3)
USERS = int(os.environ.get("LOAD_USERS", 8))
PAGES = ["/bench/bare/", "/catalogue/", "/catalogue/?q=营业执照", "/catalogue/MKT-001/"]
MIXED = {k: int(os.environ.get(k, d)) for k, d in
         [("LOAD_CITIZENS", 8), ("LOAD_APPROVERS", 4), ("LOAD_TRACKERS", 2), ("LOAD_VERIFIERS", 2)]}
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


# -- signing in --------------------------------------------------------------------------------


def totp(secret: str, at: float) -> str:
    key = base64.b32decode(secret)
    digest = hmac.new(key, struct.pack(">Q", int(at // 30)), hashlib.sha1).digest()
    offset = digest[-1] & 15
    return f"{(struct.unpack('>I', digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def sign_in(base: str, email: str, password: str, address: str, *, totp_secret: str | None = None) -> dict:
    """One real sign-in through /accounts/login/ (and the TOTP step); the session's cookies."""
    s = requests.Session()
    s.headers["X-Forwarded-For"] = address
    page = s.get(f"{base}/accounts/login/", timeout=30)
    token = CSRF_RE.search(page.text)[1]
    r = s.post(f"{base}/accounts/login/", {"csrfmiddlewaretoken": token, "login": email, "password": password},
               headers={"Referer": f"{base}/accounts/login/"}, timeout=30)
    if totp_secret:
        if "/2fa/" not in r.url:
            raise StackError(f"{email}: no second-factor step after sign-in ({r.status_code} at {r.url})")
        token = CSRF_RE.search(r.text)[1]
        r = s.post(r.url, {"csrfmiddlewaretoken": token, "code": totp(totp_secret, time.time())},
                   headers={"Referer": r.url}, timeout=30)
        check = s.get(f"{base}/desk/", timeout=30)
        if check.status_code != 200 or "/desk/" not in check.url:
            raise StackError(f"{email}: the desk answers {check.status_code} at {check.url} after sign-in")
    elif "/accounts/login/" in r.url:
        raise StackError(f"{email}: sign-in refused ({r.status_code})")
    return {"cookies": s.cookies.get_dict(), "address": address, "domain": next(c.domain for c in s.cookies)}


# -- measuring ---------------------------------------------------------------------------------


class CpuSampler:
    """CPU seconds of each part of the stack (and of Locust) over a phase."""

    def __init__(self, stack: Stack):
        self.stack = stack

    def roots(self, locust_pid: int | None) -> dict[str, int]:
        roots = {name: s.pid for name, s in self.stack.services.items() if s.pid}
        if locust_pid:
            roots["locust"] = locust_pid
        return roots

    def read(self, roots: dict[str, int]) -> dict[str, float]:
        seconds = {name: cpu_seconds(pid) for name, pid in roots.items()}
        # Everything else on the machine (this script, other people's work): all busy time minus ours.
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        busy = (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")  # all but idle and iowait
        seconds["others"] = busy - sum(seconds.values())
        return seconds


def run_locust(stack: Stack, *, phase: str, seconds: int, users: int, env: dict, prefix: Path) -> dict:
    """One headless Locust run; returns its stats per endpoint and the CPU used by each part."""
    argv = [str(Path(sys.executable).parent / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
            "--host", stack.base_url, "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--csv", str(prefix),
            "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING"]
    log = open(prefix.with_suffix(".log"), "w")
    process = subprocess.Popen(argv, cwd=ROOT, env={**os.environ, **env, "LOAD_PHASE": phase}, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    sampler = CpuSampler(stack)
    try:
        time.sleep(min(3, seconds / 10))  # users spawned
        roots = sampler.roots(process.pid)
        before, began = sampler.read(roots), time.monotonic()
        time.sleep(max(1, seconds - 6))
        after, elapsed = sampler.read(roots), time.monotonic() - began
        process.wait(seconds + 60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
    stats = {}
    with open(f"{prefix}_stats.csv") as f:
        for row in csv.DictReader(f):
            if row["Name"] == "Aggregated":
                continue
            stats[(row["Type"], row["Name"])] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "p50": float(row["50%"] or 0),
                "p95": float(row["95%"] or 0),
            }
    cpu = {name: (after[name] - before[name]) / elapsed for name in after}
    return {"stats": stats, "cpu": cpu}


def limit(cpu: dict[str, float], cores: int) -> str:
    busy = sum(cpu.values())
    top = max((name for name in cpu if name != "others"), key=cpu.get)
    shares = ", ".join(f"{name} {value:.2f}" for name, value in sorted(cpu.items(), key=lambda kv: -kv[1]))
    verdict = f"CPU: {busy:.2f} of {cores} cores busy ({shares})"
    if busy >= 0.85 * cores and cpu.get("others", 0) > 0.25 * cores:
        verdict += f"; the cores are saturated, much of it by other processes on the machine ({top} uses most of ours)"
    elif busy >= 0.85 * cores:
        verdict += f"; the cores are saturated, {top} uses most"
    elif cpu.get("locust", 0) >= 0.9:
        verdict += "; Locust is at a full core: the load generator is the limit"
    else:
        verdict += "; the cores are not saturated (waiting: locks, I/O or the users' think time)"
    return verdict


def table(rows: list[tuple[str, dict]]) -> None:
    print(f"  {'endpoint':<44} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
    for name, s in rows:
        print(f"  {name:<44} {s['rps']:>8.1f} {s['p50']:>8.0f} {s['p95']:>8.0f} {s['failures']:>7}")


# -- the run ------------------------------------------------------------------------------------


def main() -> None:
    for binary in ("redis-server",):
        if not shutil.which(binary):
            sys.exit(f"{binary} is missing: apt-get install redis-server")
    if not (Path(sys.executable).parent / "locust").exists():
        sys.exit("locust is missing: .venv/bin/pip install locust (it is in the dev extras)")
    FOLDER.mkdir(parents=True, exist_ok=True)
    for old in (FOLDER / "logs").glob("*.log"):
        old.unlink()
    results = FOLDER / "results"
    shutil.rmtree(results, ignore_errors=True)
    results.mkdir()
    stack = Stack(FOLDER)
    interrupted = []
    signal.signal(signal.SIGTERM, lambda *_: interrupted.append(1) or (_ for _ in ()).throw(KeyboardInterrupt()))
    with stack.session():
        print(f"stack: PostgreSQL :{stack.pg_port}, Redis :{stack.redis_port}, gunicorn {stack.base_url} "
              f"({stack.cores} workers), Celery worker and beat; logs in {FOLDER / 'logs'}", flush=True)
        stack.start_data()
        fixtures_file = FOLDER / "fixtures.json"
        seed = subprocess.run([sys.executable, str(ROOT / "bench" / "load_seed.py"), str(fixtures_file)],
                              cwd=ROOT, env={**stack.env, "LOG_LEVEL": "WARNING"}, capture_output=True, text=True)
        if seed.returncode:
            raise StackError(f"seeding failed:\n{seed.stdout[-2000:]}\n{seed.stderr[-4000:]}")
        print(seed.stdout.strip(), flush=True)
        stack.start_app()
        fixtures = json.loads(fixtures_file.read_text())
        for url in PAGES + ["/desk/"]:
            r = requests.get(stack.base_url + url, timeout=60, allow_redirects=False)
            if r.status_code >= 400:
                raise StackError(f"{url} answers {r.status_code} before the load: see {FOLDER / 'logs'}")

        # Phase A
        print(f"phase A: {len(PAGES)} anonymous pages, {USERS} users, {PAGE_SECONDS} s each", flush=True)
        pages = {}
        for n, url in enumerate(PAGES):
            run = run_locust(stack, phase="pages", seconds=PAGE_SECONDS, users=USERS, env={"LOAD_URL": url},
                             prefix=results / f"a{n}")
            pages[url] = run
            s = run["stats"].get(("GET", url), {"rps": 0, "failures": 0, "p50": 0, "p95": 0, "requests": 0})
            print(f"  {url:<28} {s['rps']:7.1f} req/s  p95 {s['p95']:5.0f} ms  {s['failures']} errors  "
                  f"[{limit(run['cpu'], stack.cores)}]", flush=True)

        # Sign-ins, then phase B
        with ThreadPoolExecutor(4) as pool:
            citizens = list(pool.map(
                lambda i: sign_in(stack.base_url, fixtures["citizens"][i], fixtures["password"], f"10.200.0.{i + 1}"),
                range(MIXED["LOAD_CITIZENS"])))
        approvers = [
            sign_in(stack.base_url, email, fixtures["password"], f"10.201.0.{i + 1}", totp_secret=fixtures["totp_secret"])
            for i, email in enumerate(fixtures["approvers"][:MIXED["LOAD_APPROVERS"]])
        ]
        fixtures.update(citizen_sessions=citizens, approver_sessions=approvers)
        mixed_fixtures = results / "mixed-fixtures.json"
        mixed_fixtures.write_text(json.dumps(fixtures, ensure_ascii=False))
        users = sum(MIXED.values())
        print(f"phase B: mixed, {users} users ({', '.join(f'{v} {k[5:].lower()}' for k, v in MIXED.items())}), "
              f"{SECONDS} s; signed in {len(citizens)} citizens and {len(approvers)} approvers (with TOTP) "
              "through /accounts/login/ first", flush=True)
        mixed = run_locust(stack, phase="mixed", seconds=SECONDS, users=users,
                           env={"LOAD_FIXTURES": str(mixed_fixtures), **{k: str(v) for k, v in MIXED.items()}},
                           prefix=results / "b")

    # Report
    print()
    print("every endpoint:")
    rows = [(f"A {url}", run["stats"].get(("GET", url), {"rps": 0, "p50": 0, "p95": 0, "failures": 0}))
            for url, run in pages.items()]
    rows += [(f"B {kind} {name}" if kind not in ("GET", "POST") else f"B {name}", s)
             for (kind, name), s in sorted(mixed["stats"].items(), key=lambda kv: kv[0][1])]
    table(rows)
    print(f"limits: phase A (catalogue): {limit(pages['/catalogue/']['cpu'], stack.cores)}")
    print(f"        phase B: {limit(mixed['cpu'], stack.cores)}")
    bare = pages["/bench/bare/"]["stats"].get(("GET", "/bench/bare/"), {"rps": 0})["rps"]
    catalogue = [pages[url]["stats"].get(("GET", url), {"rps": 0})["rps"] for url in PAGES[1:]]
    for url, rps in zip(PAGES[1:], catalogue):
        print(f"  {url}: {100 * rps / bare if bare else 0:.1f}% of bare")
    percent = 100 * (sum(catalogue) / len(catalogue)) / bare if bare else 0
    flows = mixed["stats"].get(("FLOW", "submission"), {"rps": 0, "failures": 0, "requests": 0})
    submissions = flows["rps"] * (flows["requests"] - flows["failures"]) / flows["requests"] if flows["requests"] else 0
    desk = [s for (kind, name), s in mixed["stats"].items() if name.startswith("/desk/")]
    desk_p95 = max((s["p95"] for s in desk), default=0)  # the worst page's p95: no page of the desk is slower
    errors = sum(s["failures"] for run in pages.values() for s in run["stats"].values())
    errors += sum(s["failures"] for s in mixed["stats"].values())
    print(f"load: catalogue {percent:.0f}% of bare, {submissions:.1f} submissions/s, desk p95 {desk_p95:.0f} ms, "
          f"{errors} errors")


if __name__ == "__main__":
    main()
