"""Fault drills: the production stack on this machine under load, with its parts failing on purpose.

Starts the stack of bench/stack.py afresh under var/drill/ (a private PostgreSQL and Redis,
gunicorn with one sync worker per core, a Celery worker and beat, all on 127.0.0.1), migrates
and seeds the demo, then runs five drills, each while a threaded load runs against the web
(citizens applying online through every page with a small PDF, an approver on the desk,
anonymous visitors on the catalogue, /track/ and /verify/<number>/):

1. kill -9 worker: N applications for an instant item (approved at submission, so N licenses
   are queued) are submitted; once a third are issued and one is being produced, the whole
   worker gets SIGKILL and is started again. Every application must end with one license, one
   sealed document (pointing at its seal-usage entry), one stored PDF, no file beside it and
   one "your license is ready" message, within a bounded wait (the claim's lease plus two
   runs of the minute sweep).
2. PostgreSQL restart: fast shutdown under load, 5 s down, started again. No answer may be a
   500 or no answer at all (the 503 page is the clean one), a signed-in page must answer 200
   within 10 s of PostgreSQL being back, and every submission that got a 2xx must be in the
   database, submitted, with its answers.
3. Redis restart: N more licenses are queued, then Redis (the broker and the cache, without
   persistence, so its queue is lost) is stopped for 10 s and started again. /verify/<number>/
   must not answer 500 meanwhile; the worker must survive (or is restarted, and that is said);
   every license must still be issued, and every message of the drill emailed exactly once
   (the stack's email backend writes files; each is matched to its message).
4. Worst-moment kill: a switch in the drill's storage (bench/faulty_storage.py) kills the
   worker's whole process group right after the first license PDF is stored and before it is
   recorded. The file must be gone once the work is taken over after the lease, the license
   issued once, and no file left in private storage that no document names.
5. Storage failure: while the storage's failure switch is on, a citizen uploads a material to
   a draft with saved answers. The answer must be a page with an error message (not a 500);
   the draft and its answers must survive, and the upload must work once storage is back.

Bench-only configuration, none of it in the portal's code: a settings module written into
var/drill/conf/ (the load stack's settings plus LICENSE_CLAIM_SECONDS, the claim's lease,
DRILL_LEASE_SECONDS, default 60 instead of 360, so that takeovers happen within the drill, and
the folder of the file email backend), STORAGE_BACKEND/STORAGE_OPTIONS naming
bench/faulty_storage.py, and EMAIL_BACKEND the file backend. Everything started is stopped at
the end, on an error or on Ctrl-C; logs stay in var/drill/logs/, sent emails in var/drill/mail/.

    make drill        # or: python bench/drill.py  (about 8 minutes on 2 cores)

DRILL_LICENSES (default 30) and DRILL_REDIS_LICENSES (20) set how many licenses drills 1 and 3
queue; DRILLS=2,5 runs only those drills (n then counts the drills run). A drill survives when
all its checks pass. Prints one line per drill with its figures and verdict, then as its last
line `drill: <k>/<n> faults survived, <L> lost, <D> duplicated`: L counts licenses,
submissions, drafts and emails missing after the drills, D licenses, documents, stored files,
messages and emails made twice. The command exits 0 whenever the drills ran (a benchmark,
not a test: the verdicts are in the output), 1 when the stack could not be set up.
"""

from __future__ import annotations

import email
import email.policy
import html
import json
import os
import random
import re
import shutil
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_load import sign_in  # noqa: E402
from stack import ROOT, Stack  # noqa: E402

FOLDER = ROOT / "var" / "drill"
LEASE = int(os.environ.get("DRILL_LEASE_SECONDS", 60))
# Longest wait for work a dead worker left: its lease, then the sweep (every minute, from beat)
# queues it again and a worker produces it.
TAKEOVER = LEASE + 150
# Longest wait for an email whose task was lost: the outbox takes messages 2 minutes old, every minute.
OUTBOX_WAIT = 240
LICENSES = int(os.environ.get("DRILL_LICENSES", 30))
REDIS_LICENSES = int(os.environ.get("DRILL_REDIS_LICENSES", 20))
WORST_LICENSES = 4
PASSWORD = "drill-Password-2026"
LOAD_CITIZENS = 3  # plus one more account, kept for drill 5's own flow
LICENSE_ITEM = "MKT-001"  # an instant item: submission approves it and queues its license
SUBMIT_ITEM = "PSB-004"  # the load's item: one material, a few questions, decided later
UID_RE = re.compile(r"/me/applications/([0-9a-f-]{36})/")
MATERIAL_RE = re.compile(r'name="material" value="(\d+)"')
LOAD_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"%" + b"x" * 2000 + b"\n"


# -- Django code run in the stack's environment (manage.py shell) --------------------------------

SETUP = r"""
from seeding import TOTP_SECRET, bench_user
from licenses.models import License
from portal.models import StaffRole
from services.models import Department

market = Department.objects.get(code="market")
citizens = [bench_user(f"drill-citizen-{i}@example.org", person_name=f"演练市民{i}", password=P["password"])
            for i in range(P["citizens"])]
approver = bench_user("drill-approver@example.org", role=StaffRole.Role.APPROVER, department=market,
                      person_name="演练审批员", password=P["password"])
OUT = {
    "citizens": [{"email": u.email, "resident_id": u.person.resident_id, "name": u.person.real_name} for u in citizens],
    "approver": approver.email,
    "totp_secret": TOTP_SECRET,
    "licenses": list(License.objects.exclude(status="pending").values_list("number", flat=True)),
}
"""

# Drafts of the instant item for the demo citizen, answers and every material given: submitting
# one approves it at once, and the commit queues its license.
DRAFTS = r"""
from django.core.files.uploadedfile import SimpleUploadedFile
from approvals import services as workflow
from licenses.demo_cases import material_pdf
from portal.models import User

citizen = User.objects.get(email="citizen@demo.onegate")
person = citizen.person
OUT = {}
for tag, n in P["batches"].items():
    OUT[tag] = []
    for i in range(n):
        app = workflow.application_start(actor=citizen, item_code=P["item"])
        result = workflow.application_save(application=app, actor=citizen, data={
            "applicant_name": person.real_name, "applicant_id": person.resident_id, "phone": "13941901234",
            "address": "辽宁省葫芦岛市连山区龙湾大街18号", "business_name": f"演练{tag}{i:03d}号店",
            "business_scope": "预包装食品零售。"})
        assert not result.errors, result.errors
        for material in app.item_version.materials.all():
            pdf = material_pdf(material.name_en, f"Drill copy {tag} {i}.")
            workflow.attachment_add(application=app, actor=citizen, material=material,
                                    upload=SimpleUploadedFile("scan.pdf", pdf, content_type="application/pdf"))
        OUT[tag].append(app.pk)
"""

SUBMIT = r"""
from approvals import services as workflow
from approvals.models import Application
from portal.models import User

citizen = User.objects.get(email="citizen@demo.onegate")
OUT = []
for pk in P["ids"]:
    app = workflow.application_submit(application=Application.objects.get(pk=pk), actor=citizen, declaration=True)
    OUT.append(app.state)
"""


def django(stack: Stack, code: str, **params):
    """Run `code` in `manage.py shell` with the stack's settings; P holds `params`, OUT comes back."""
    script = f"import json\nP = json.loads({json.dumps(json.dumps(params))})\n{code}\nprint(json.dumps(OUT))\n"
    result = stack.manage("shell", "-c", script)
    return json.loads(result.stdout.strip().splitlines()[-1])


# -- the stack ----------------------------------------------------------------------------------


def configure(stack: Stack) -> dict:
    """Point the stack at the drill's settings module, storage and email folder (every service
    shares `stack.env`); returns the switches' paths."""
    conf = FOLDER / "conf"
    conf.mkdir(parents=True, exist_ok=True)
    mail = FOLDER / "mail"
    mail.mkdir(exist_ok=True)
    (conf / "drill_settings.py").write_text(
        '"""Written by bench/drill.py: the load stack\'s settings with a short license lease and a file outbox."""\n\n'
        "from load_settings import *  # noqa: F401,F403\n\n"
        f"LICENSE_CLAIM_SECONDS = {LEASE}\n"
        f"EMAIL_FILE_PATH = {str(mail)!r}\n"
    )
    switches = {"fail": FOLDER / "switches" / "storage-fails", "kill": FOLDER / "switches" / "kill-after-store"}
    switches["fail"].parent.mkdir(exist_ok=True)
    private = Path(stack.env["VAR_DIR"]) / "private"
    stack.env.update(
        DJANGO_SETTINGS_MODULE="drill_settings",
        PYTHONPATH=os.pathsep.join([str(conf), stack.env["PYTHONPATH"]]),
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        STORAGE_BACKEND="faulty_storage.FaultyStorage",
        STORAGE_OPTIONS=json.dumps(
            {"location": str(private), "fail_flag": str(switches["fail"]), "kill_flag": str(switches["kill"])}
        ),
    )
    return {**switches, "private": private, "mail": mail}


class Database:
    """Short-lived connections to the stack's PostgreSQL, for the checks (one per query: PostgreSQL restarts)."""

    def __init__(self, url: str):
        self.url = url

    def rows(self, query: str, params=()) -> list[tuple]:
        conn = psycopg2.connect(self.url, connect_timeout=5)
        try:
            with conn, conn.cursor() as cursor:
                cursor.execute(query, params)
                return cursor.fetchall() if cursor.description else []
        finally:
            conn.close()

    def value(self, query: str, params=()):
        return self.rows(query, params)[0][0]


# -- the load --------------------------------------------------------------------------------------


def answer_is_clean(response: requests.Response | None) -> bool:
    """A clean answer: anything below 500, or the 503 page (with its Retry-After); never a traceback."""
    if response is None:
        return False
    if "Traceback (most recent call last)" in response.text:
        return False
    return response.status_code < 500 or (response.status_code == 503 and "Retry-After" in response.headers)


def session_of(signed_in: dict) -> requests.Session:
    s = requests.Session()
    for name, value in signed_in["cookies"].items():
        s.cookies.set(name, value, domain=signed_in["domain"], path="/")
    s.headers["X-Forwarded-For"] = signed_in["address"]
    return s


def new_address() -> str:
    return f"10.{random.randrange(1, 250)}.{random.randrange(256)}.{random.randrange(1, 255)}"


@dataclass
class Flow:
    uid: str = ""
    answers_saved: bool = False
    uploaded: bool = False
    submitted: bool = False


class Load:
    """Threads against the web: citizens applying online, an approver on the desk, anonymous visitors.

    Every answer is noted (time, page, status, clean or not); every citizen's flow says which of
    its steps got a 2xx, so that the drill can check the database kept them."""

    def __init__(self, base: str, *, citizens: list[tuple[dict, dict]], approver: dict | None, licenses: list[str]):
        self.base = base
        self.citizens = citizens
        self.approver = approver
        self.licenses = licenses or ["NONE"]
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.answers: list[tuple[float, str, int | None, bool, float]] = []  # sent, page, status, clean, answered
        self.flows: list[Flow] = []
        self.threads: list[threading.Thread] = []

    def start(self) -> Load:
        targets = [(self.citizen, c) for c in self.citizens] + [(self.visitor, None), (self.visitor, None)]
        if self.approver:
            targets.append((self.desk, self.approver))
        for target, arg in targets:
            thread = threading.Thread(target=self._run, args=(target, arg), daemon=True)
            thread.start()
            self.threads.append(thread)
        return self

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(60)

    def _run(self, target, arg) -> None:
        while not self.stopping.is_set():
            try:
                target(arg) if arg is not None else target()
            except Exception as exc:  # the load must not die of one odd answer
                self.note("load error " + type(exc).__name__, None, False)
                time.sleep(0.5)

    def note(self, name: str, status: int | None, clean: bool, *, at: float | None = None) -> None:
        """An answer (now) to a request sent `at` (default: now)."""
        done = time.monotonic()
        with self.lock:
            self.answers.append((at or done, name, status, clean, done))

    def call(self, s: requests.Session, method: str, path: str, name: str, **kwargs) -> requests.Response | None:
        sent = time.monotonic()
        try:
            r = s.request(method, self.base + path, timeout=30, **kwargs)
        except requests.RequestException:
            self.note(name, None, False, at=sent)
            return None
        self.note(name, r.status_code, answer_is_clean(r), at=sent)
        return r

    def unclean(self, since: float = 0) -> list[tuple]:
        with self.lock:
            return [a for a in self.answers if a[0] >= since and not a[3]]

    def count(self, since: float = 0, status: int | None = None) -> int:
        with self.lock:
            return sum(1 for a in self.answers if a[0] >= since and (status is None or a[2] == status))

    # The users

    def citizen(self, args) -> None:
        signed_in, person = args
        s = session_of(signed_in)
        while not self.stopping.is_set():
            self.apply(s, person)
            time.sleep(0.2)

    def apply(self, s: requests.Session, person: dict) -> None:
        """One application for SUBMIT_ITEM through every page, as the load of bench/locustfile.py does."""
        flow = Flow()
        with self.lock:
            self.flows.append(flow)

        def ok(r, part):
            return r is not None and r.status_code < 300 and part in r.url

        def csrf():
            return s.cookies.get("csrftoken", "")

        r = self.call(s, "POST", f"/apply/{SUBMIT_ITEM}/", "apply start", data={"csrfmiddlewaretoken": csrf()},
                      headers={"Referer": f"{self.base}/apply/{SUBMIT_ITEM}/"})
        match = UID_RE.search(r.url) if r is not None and r.status_code < 300 else None
        if not match:
            return
        flow.uid = match[1]
        base = f"/me/applications/{flow.uid}/"
        r = self.call(s, "POST", base + "answers/", "answers", data={
            "csrfmiddlewaretoken": csrf(), "applicant_name": person["name"], "applicant_id": person["resident_id"],
            "phone": "13800138000", "address": "辽宁省葫芦岛市龙港区滨海路1号", "purpose": "job", "continue": ""})
        if not ok(r, "/materials/"):
            return
        flow.answers_saved = True
        material = MATERIAL_RE.search(r.text)
        if not material:
            return
        r = self.call(s, "POST", base + "materials/", "upload", data={"csrfmiddlewaretoken": csrf(), "material": material[1]},
                      files={"files": ("identity.pdf", LOAD_PDF, "application/pdf")})
        if not ok(r, "/materials/") or "identity.pdf" not in r.text:
            return
        flow.uploaded = True
        r = self.call(s, "POST", base + "delivery/", "delivery",
                      data={"csrfmiddlewaretoken": csrf(), "delivery": "electronic", "delivery_address": ""})
        if not ok(r, "/check/"):
            return
        r = self.call(s, "POST", base + "check/", "submit", data={"csrfmiddlewaretoken": csrf(), "declaration": "yes"})
        flow.submitted = ok(r, "/submitted/")

    def visitor(self) -> None:
        s = requests.Session()
        s.headers["X-Forwarded-For"] = new_address()
        path = random.choice(["/catalogue/", "/track/", f"/verify/{random.choice(self.licenses)}/", "/"])
        self.call(s, "GET", path, "verify" if path.startswith("/verify/") else path)
        time.sleep(0.05)

    def desk(self, signed_in) -> None:
        s = session_of(signed_in)
        while not self.stopping.is_set():
            self.call(s, "GET", "/desk/", "/desk/")
            time.sleep(0.3)


# -- the drills --------------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    figures: str = ""
    lost: int = 0
    duplicated: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def survived(self) -> bool:
        return not self.problems

    def line(self) -> str:
        verdict = "survived" if self.survived else "NOT survived: " + "; ".join(self.problems)
        return f"{self.name}: {self.figures} [{verdict}]"


@dataclass
class LicenseState:
    application_id: int
    license_id: int | None
    number: str | None
    status: str | None
    revision: int
    file: str
    pending_file: str
    documents: int
    documents_without_usage: int
    usages: int
    attempts: int
    messages: int
    files_on_disk: list[str]

    @property
    def issued(self) -> bool:
        return self.status == "valid" and self.documents >= 1 and bool(self.file) and self.file in self.files_on_disk

    @property
    def duplicated(self) -> bool:
        return self.documents > 1 or len(self.files_on_disk) > 1 or self.messages > 1

    @property
    def orphans(self) -> list[str]:
        return [f for f in self.files_on_disk if f != self.file]

    @property
    def extra_signatures(self) -> int:
        return max(0, self.usages - self.documents)


class Drills:
    def __init__(self, stack: Stack, paths: dict, fixtures: dict, drafts: dict):
        self.stack = stack
        self.paths = paths
        self.fixtures = fixtures
        self.drafts = drafts
        self.db = Database(stack.env["DATABASE_URL"])
        self.worker = stack.service("celery-worker")

    # helpers

    def load(self) -> Load:
        return Load(self.stack.base_url, citizens=list(zip(self.fixtures["sessions"], self.fixtures["citizens"])),
                    approver=self.fixtures["approver_session"], licenses=self.fixtures["licenses"]).start()

    def submit(self, ids: list[int]) -> list[str]:
        return django(self.stack, SUBMIT, ids=ids)

    def licenses(self, application_ids: list[int]) -> list[LicenseState]:
        rows = self.db.rows(
            """
            SELECT a.id, l.id, l.number, l.status, coalesce(l.revision, 0), coalesce(l.file, ''),
                   coalesce(l.pending_file, ''), coalesce(l.attempts, 0),
                   (SELECT count(*) FROM licenses_licensedocument d WHERE d.license_id = l.id),
                   (SELECT count(*) FROM licenses_licensedocument d WHERE d.license_id = l.id AND d.seal_usage_id IS NULL),
                   (SELECT count(*) FROM seals_sealusage u
                     WHERE u.related_type = 'licenses.license' AND u.related_id = l.id::text),
                   (SELECT count(*) FROM portal_message m WHERE m.link LIKE '%%/licenses/' || l.number || '/')
            FROM approvals_application a LEFT JOIN licenses_license l ON l.application_id = a.id
            WHERE a.id = ANY(%s) ORDER BY a.id
            """,
            (list(application_ids),),
        )
        states = []
        for app_id, lic_id, number, status, revision, file, pending, attempts, docs, bare, usages, messages in rows:
            folder = self.paths["private"] / "licenses" / (number or "-")
            on_disk = sorted(p.relative_to(self.paths["private"]).as_posix() for p in folder.glob("*")) if number else []
            states.append(LicenseState(app_id, lic_id, number, status, revision, file, pending, docs, bare, usages,
                                       attempts, messages, on_disk))
        return states

    def issued(self, application_ids: list[int]) -> int:
        return self.db.value(
            "SELECT count(*) FROM licenses_license WHERE application_id = ANY(%s) AND status = 'valid' AND revision >= 1",
            (list(application_ids),),
        )

    def wait_issued(self, application_ids: list[int], *, until: float) -> float | None:
        """Poll until every application's license is issued; the moment it was, or None at `until`."""
        while time.monotonic() < until:
            try:
                if self.issued(application_ids) == len(application_ids):
                    return time.monotonic()
            except psycopg2.Error:
                pass
            time.sleep(1)
        return None

    def check_licenses(self, result: Result, application_ids: list[int]) -> list[LicenseState]:
        """The exactly-once checks; adds lost and duplicated to `result`, and any problem."""
        states = self.licenses(application_ids)
        lost = [s for s in states if not s.issued]
        twice = [s for s in states if s.duplicated]
        orphans = [f for s in states for f in s.orphans]
        untold = [s for s in states if s.issued and s.messages == 0]
        unlogged = [s for s in states if s.issued and (s.documents_without_usage or s.usages == 0)]
        # The seal log records every signature made, also one whose document was never stored
        # (docs/operations.md); a second entry is only right for a license with a second attempt.
        resigned = [s for s in states if s.extra_signatures and s.attempts < 2]
        result.lost += len(lost)
        result.duplicated += len(twice)
        if lost:
            result.problems.append(f"{len(lost)} approved without an issued license ("
                                   + ", ".join(f"application {s.application_id}: {s.status or 'no license'}"
                                               for s in lost[:5]) + ")")
        if twice:
            result.problems.append(f"{len(twice)} licenses with more than one document, file or message ("
                                   + ", ".join(s.number for s in twice[:5]) + ")")
        if orphans:
            result.problems.append(f"{len(orphans)} files in private storage that no document names ({', '.join(orphans[:3])})")
        if untold:
            result.problems.append(f"{len(untold)} holders never told their license was issued ("
                                   + ", ".join(s.number for s in untold[:5]) + ")")
        if unlogged:
            result.problems.append(f"{len(unlogged)} documents without their seal-usage entry")
        if resigned:
            result.problems.append(f"{len(resigned)} licenses signed twice in one attempt")
        return states

    # 1. kill -9 the worker in the middle of issuance

    def kill_worker(self) -> Result:
        result = Result("kill -9 worker")
        ids = self.drafts["kill"]
        load = self.load()
        try:
            time.sleep(3)
            submitting = threading.Thread(target=self.submit, args=(ids,))
            began = time.monotonic()
            submitting.start()
            # Mid-way: a third issued, and (for up to 30 s more) one being produced right now.
            while self.issued(ids) < max(1, len(ids) // 3) and time.monotonic() - began < 300:
                time.sleep(0.3)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not self.db.value(
                "SELECT count(*) FROM licenses_license WHERE application_id = ANY(%s) AND revision = 0 "
                "AND claimed_until > now()", (ids,)):
                time.sleep(0.1)
            in_production = self.db.value(
                "SELECT count(*) FROM licenses_license WHERE application_id = ANY(%s) AND revision = 0 "
                "AND claimed_until > now()", (ids,))
            done_before = self.issued(ids)
            self.worker.kill()
            killed = time.monotonic()
            time.sleep(2)
            self.worker.start()
            restarted = time.monotonic()
            submitting.join()
            finished = self.wait_issued(ids, until=restarted + TAKEOVER)
        finally:
            load.stop()
        time.sleep(3)  # the last holder's message, sent after the commit
        states = self.check_licenses(result, ids)
        extra = sum(s.extra_signatures for s in states)
        last = f"last issued {finished - restarted:.1f} s after restart" if finished else \
            f"not all issued {TAKEOVER} s after restart"
        result.figures = (f"{len(ids)} approved, {sum(s.issued for s in states)} licenses, {result.lost} lost, "
                          f"{result.duplicated} duplicated, killed {killed - began:.1f} s in with {done_before} issued "
                          f"and {in_production} being produced, {last} (lease {LEASE} s); "
                          f"{extra} signatures of killed attempts in the seal log")
        result.problems += self.load_problems(load, began)
        return result

    # 2. restart PostgreSQL under load

    def restart_postgres(self) -> Result:
        result = Result("PostgreSQL restart")
        postgres = self.stack.service("postgres")
        load = self.load()
        probe = session_of(self.fixtures["probe_session"])
        began = time.monotonic()
        try:
            time.sleep(8)
            down = time.monotonic()
            postgres.stop()
            time.sleep(5)
            postgres.start()
            back = time.monotonic()
            recovered = None
            while time.monotonic() - back < 60:
                try:
                    r = probe.get(self.stack.base_url + "/me/", timeout=10)
                    if r.status_code == 200 and "/me/" in r.url:
                        recovered = time.monotonic() - back
                        break
                except requests.RequestException:
                    pass
                time.sleep(0.2)
            time.sleep(10)
        finally:
            load.stop()
        outage = load.count(down) - load.count(back + (recovered or 0))
        unavailable = sum(1 for a in load.answers if down <= a[0] and a[2] == 503)
        flows = [f for f in load.flows if f.uid]
        submitted = [f.uid for f in flows if f.submitted]
        saved = [f.uid for f in flows if f.answers_saved]
        uploaded = [f.uid for f in flows if f.uploaded]
        in_db = {uid: (state, tracking, purpose, attachments) for uid, state, tracking, purpose, attachments in self.db.rows(
            "SELECT a.uid::text, a.state, coalesce(a.tracking_number, ''), coalesce(a.form_data->>'purpose', ''), "
            "(SELECT count(*) FROM approvals_attachment t WHERE t.application_id = a.id) "
            "FROM approvals_application a WHERE a.uid::text = ANY(%s)", ([f.uid for f in flows],))}
        missing = [u for u in submitted if u not in in_db or in_db[u][0] == "draft" or not in_db[u][1]]
        missing += [u for u in saved if u not in in_db or in_db[u][2] != "job"]
        missing += [u for u in uploaded if u not in in_db or in_db[u][3] < 1]
        result.lost = len(set(missing))
        if result.lost:
            result.problems.append(f"{result.lost} applications missing a step that got a 2xx ({', '.join(missing[:3])})")
        if recovered is None:
            result.problems.append("no 200 within 60 s of PostgreSQL being back")
        elif recovered > 10:
            result.problems.append(f"200 again only {recovered:.1f} s after PostgreSQL was back (over 10 s)")
        result.problems += self.load_problems(load, began)
        result.figures = (f"{outage} answers while down or recovering ({unavailable} the 503 page, "
                          f"{len(load.unclean(began))} unclean), 200 again "
                          f"{'after ' + format(recovered, '.1f') + ' s' if recovered is not None else 'never'}, "
                          f"{len(submitted)} submissions with a 2xx, {result.lost} lost")
        return result

    # 3. restart Redis under load

    def restart_redis(self) -> Result:
        result = Result("Redis restart")
        redis = self.stack.service("redis")
        ids = self.drafts["redis"]
        since = self.db.value("SELECT now()")
        load = self.load()
        verify = []
        try:
            time.sleep(3)
            submitting = threading.Thread(target=self.submit, args=(ids,))
            began = time.monotonic()
            submitting.start()
            while self.issued(ids) < 2 and time.monotonic() - began < 120:
                time.sleep(0.3)
            queued = len(ids) - self.issued(ids)
            down = time.monotonic()
            redis.stop()
            number = self.fixtures["licenses"][0] if self.fixtures["licenses"] else "NONE"
            while time.monotonic() - down < 10:
                try:
                    r = requests.get(f"{self.stack.base_url}/verify/{number}/", timeout=10,
                                     headers={"X-Forwarded-For": new_address()})
                    verify.append(r.status_code)
                except requests.RequestException:
                    verify.append(None)
                time.sleep(0.5)
            outage_unclean = [(a[1], a[2]) for a in load.unclean() if a[4] >= down and a[1] != "verify"]
            redis.start()
            back = time.monotonic()
            submitting.join()
            time.sleep(10)
            survived = self.worker.running
            if not survived:
                self.worker.start()
            time.sleep(5)
        finally:
            load.stop()
        until = back + max(TAKEOVER, OUTBOX_WAIT)
        finished = self.wait_issued(ids, until=until)
        # Every message since the drill began emailed (the outbox catches up on lost tasks).
        while time.monotonic() < until and self.db.value(
                "SELECT count(*) FROM portal_message WHERE email_wanted AND emailed_at IS NULL AND created_at >= %s",
                (since,)):
            time.sleep(2)
        time.sleep(3)
        self.check_licenses(result, ids)
        sent, unsent, twice, unmatched = self.check_emails(since)
        result.lost += unsent + unmatched
        result.duplicated += twice
        if unsent:
            result.problems.append(f"{unsent} messages never emailed")
        if unmatched:
            result.problems.append(f"{unmatched} messages marked emailed with no email written")
        if twice:
            result.problems.append(f"{twice} emails sent twice")
        verify += [a[2] for a in load.answers if a[4] >= down and a[0] <= back and a[1] == "verify"]
        bad_verify = [s for s in verify if s is None or s >= 500]
        if bad_verify:
            result.problems.append(f"/verify/ answered {bad_verify[:5]} while Redis was down")
        # Redis is only a cache and a queue: every page answers cleanly while it is away, not only the
        # public look-ups (rate limits fail open there, the shared cache serves misses elsewhere).
        result.problems += self.load_problems(load, began)
        result.figures = (f"{len(ids)} licenses ({queued} still queued when Redis stopped), {result.lost} lost, "
                          f"{result.duplicated} duplicated, "
                          + (f"all issued {finished - back:.1f} s after Redis was back; " if finished else
                             "not all issued; ")
                          + f"{sent} messages emailed once each; /verify/ while down: "
                          f"{', '.join(f'{n}x {s}' for s, n in sorted(_tally(verify).items(), key=str))}; "
                          f"worker {'survived' if survived else 'exited and was restarted'}; "
                          f"other pages while down: {len(outage_unclean)} unclean answers"
                          + (" (" + ", ".join(f"{n}x {name} {status or 'no answer'}" for (name, status), n in
                                              sorted(_tally(outage_unclean).items(), key=str)[:6]) + ")"
                             if outage_unclean else ""))
        return result

    def check_emails(self, since) -> tuple[int, int, int, int]:
        """Messages since `since` that wanted an email: (emailed once, never emailed, emailed twice, marked
        emailed without an email written). An email is a message's when it goes to its recipient with its
        subject and links to its page (the body may link elsewhere too)."""
        written: dict[tuple, list[set]] = {}
        for path in sorted(self.paths["mail"].glob("*.log")):
            for part in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if not part.strip():
                    continue
                mail = email.message_from_bytes(part.lstrip(b"\n"), policy=email.policy.default)
                subject = html.unescape(str(mail["Subject"] or "")).split(": ", 1)[-1]  # after "OneGate: "
                body = mail.get_body(("plain",))
                text = html.unescape(body.get_content() if body else "")
                written.setdefault((str(mail["To"]), subject), []).append(set(re.findall(r"https?://\S+", text)))
        site = self.stack.env["SITE_URL"]

        def emails(key) -> int:
            address, subject, link = key
            return sum(1 for urls in written.get((address, subject), []) if not link or site + link in urls)

        expected: dict[tuple, int] = {}
        ours = set()
        unsent = 0
        for address, subject, link, emailed, recent in self.db.rows(
                "SELECT u.email, m.subject, m.link, m.emailed_at IS NOT NULL, m.created_at >= %s "
                "FROM portal_message m JOIN portal_user u ON u.id = m.recipient_id WHERE m.email_wanted", (since,)):
            key = (address, subject, link)
            if emailed:
                expected[key] = expected.get(key, 0) + 1
            if recent:
                ours.add(key)
                unsent += not emailed
        counted = {key: emails(key) for key in ours}
        twice = sum(max(0, counted[k] - expected.get(k, 0)) for k in ours)
        unmatched = sum(max(0, expected.get(k, 0) - counted[k]) for k in ours)
        sent = sum(min(counted[k], expected.get(k, 0)) for k in ours)
        return sent, unsent, twice, unmatched

    # 4. the worker dies after storing the PDF, before recording it

    def worst_moment(self) -> Result:
        result = Result("worker killed after storing, before commit")
        ids = self.drafts["worst"]
        hit = self.paths["kill"].with_name(self.paths["kill"].name + ".hit")
        hit.unlink(missing_ok=True)
        self.paths["kill"].write_text("licenses/")
        load = self.load()
        began = time.monotonic()
        try:
            time.sleep(3)
            self.submit(ids)
            while self.worker.running and time.monotonic() - began < 180:
                time.sleep(0.2)
            if self.worker.running:
                result.problems.append("the switch never fired (no license stored in 180 s)")
                self.paths["kill"].unlink(missing_ok=True)
                return result
            killed = time.monotonic()
            self.worker.process.wait(10)
            name = hit.read_text().split("\n")[0] if hit.exists() else ""
            number = name.split("/")[1] if name.count("/") >= 2 else ""
            stored = bool(name) and (self.paths["private"] / name).exists()
            noted = bool(self.db.rows("SELECT 1 FROM licenses_license WHERE number = %s AND pending_file = %s "
                                      "AND revision = 0", (number, name)))
            if not (stored and noted):
                result.problems.append(f"not the worst moment: file stored {stored}, noted as pending {noted}")
            time.sleep(1)
            self.worker.start()
            restarted = time.monotonic()
            finished = self.wait_issued(ids, until=restarted + TAKEOVER)
            taken_over = None
            while time.monotonic() < restarted + TAKEOVER:
                if self.db.rows("SELECT 1 FROM licenses_license WHERE number = %s AND revision >= 1", (number,)):
                    taken_over = time.monotonic() - killed
                    break
                time.sleep(1)
        finally:
            load.stop()
            self.paths["kill"].unlink(missing_ok=True)
        time.sleep(3)
        states = self.check_licenses(result, ids)
        still_there = bool(name) and (self.paths["private"] / name).exists()
        if still_there:
            result.problems.append(f"the dead worker's file {name} is still in private storage")
        signatures = sum(s.extra_signatures for s in states)
        everywhere = self.orphans_everywhere()
        if everywhere:
            result.problems.append(f"{len(everywhere)} license files in storage that no document names")
        result.figures = (f"{len(ids)} approved, {sum(s.issued for s in states)} licenses, {result.lost} lost, "
                          f"{result.duplicated} duplicated; the dead worker's file "
                          f"{'still there' if still_there else 'removed'}, its license taken over "
                          f"{format(taken_over, '.1f') + ' s after the kill' if taken_over else 'never'} (lease {LEASE} s), "
                          f"{len(everywhere)} orphan files in private storage; "
                          f"{signatures} signature of the killed attempt in the seal log")
        result.problems += self.load_problems(load, began)
        return result

    def orphans_everywhere(self) -> list[str]:
        recorded = {row[0] for row in self.db.rows("SELECT file FROM licenses_licensedocument")}
        pending = {row[0] for row in self.db.rows("SELECT pending_file FROM licenses_license WHERE pending_file <> ''")}
        folder = self.paths["private"] / "licenses"
        files = {p.relative_to(self.paths["private"]).as_posix() for p in folder.rglob("*") if p.is_file()}
        return sorted(files - recorded - pending)

    # 5. the private storage fails while a citizen uploads

    def storage_failure(self) -> Result:
        result = Result("storage failure during upload")
        load = self.load()
        s = session_of(self.fixtures["own_session"])
        person = self.fixtures["citizens"][LOAD_CITIZENS]
        began = time.monotonic()
        try:
            time.sleep(3)
            r = s.post(f"{self.stack.base_url}/apply/{SUBMIT_ITEM}/", {"csrfmiddlewaretoken": s.cookies.get("csrftoken", "")},
                       headers={"Referer": f"{self.stack.base_url}/apply/{SUBMIT_ITEM}/"}, timeout=30)
            uid = UID_RE.search(r.url)[1]
            base = f"{self.stack.base_url}/me/applications/{uid}/"
            answers = {"applicant_name": person["name"], "applicant_id": person["resident_id"], "phone": "13800138000",
                       "address": "辽宁省葫芦岛市兴城市古城路2号", "purpose": "study"}
            r = s.post(base + "answers/", {"csrfmiddlewaretoken": s.cookies["csrftoken"], **answers, "continue": ""},
                       timeout=30)
            material = MATERIAL_RE.search(r.text)[1]
            self.paths["fail"].write_text("on")
            failing = [time.monotonic(), float("inf")]
            try:
                time.sleep(1)
                failed = s.post(base + "materials/", {"csrfmiddlewaretoken": s.cookies["csrftoken"], "material": material},
                                files={"files": ("identity.pdf", LOAD_PDF, "application/pdf")}, timeout=30)
                failing_readyz = requests.get(self.stack.base_url + "/readyz", timeout=10).status_code
            finally:
                self.paths["fail"].unlink(missing_ok=True)
                failing[1] = time.monotonic() + 1
            row = self.db.rows("SELECT state, form_data, (SELECT count(*) FROM approvals_attachment t "
                               "WHERE t.application_id = a.id) FROM approvals_application a WHERE uid = %s", (uid,))
            retried = s.post(base + "materials/", {"csrfmiddlewaretoken": s.cookies["csrftoken"], "material": material},
                             files={"files": ("identity.pdf", LOAD_PDF, "application/pdf")}, timeout=30)
            after = self.db.value("SELECT count(*) FROM approvals_attachment t JOIN approvals_application a "
                                  "ON a.id = t.application_id WHERE a.uid = %s", (uid,))
            time.sleep(2)
        finally:
            load.stop()
        shown = 'role="alert"' in failed.text or 'class="error-message"' in failed.text
        if failed.status_code >= 500:
            result.problems.append(f"the upload answered {failed.status_code}"
                                   + (" (the 503 page)" if failed.status_code == 503 else " (the server error page)"))
        elif not shown:
            result.problems.append(f"the upload answered {failed.status_code} without an error message")
        kept = bool(row) and row[0][0] == "draft" and all(row[0][1].get(k) == v for k, v in answers.items())
        if not kept:
            result.lost += 1
            result.problems.append("the draft or its answers were lost")
        if row and row[0][2]:
            result.problems.append(f"{row[0][2]} attachments recorded for a file that was never stored")
        if retried.status_code >= 300 or "identity.pdf" not in retried.text or after != 1:
            result.problems.append(f"the upload failed again after storage was back ({retried.status_code}, "
                                   f"{after} attachments)")
        result.figures = (f"upload answered {failed.status_code}"
                          f"{' with an error message' if shown else ' with no error message'}, /readyz {failing_readyz}; "
                          f"draft and answers {'kept' if kept else 'LOST'}, {row[0][2] if row else '?'} attachments "
                          f"while failing; upload after recovery {retried.status_code}, {after} attachment")
        # The load's own uploads fail too while storage fails; those answers are this drill's subject, not noise.
        result.problems += self.load_problems(
            load, began, excused=lambda sent, done, name: done >= failing[0] and sent <= failing[1] and name == "upload")
        return result

    # the load's own answers

    @staticmethod
    def load_problems(load: Load, since: float, *, excused=None) -> list[str]:
        """The load's unclean answers since `since` (500s, tracebacks, no answer), but those
        `excused(sent, answered, name)`."""
        bad = [(name, status) for sent, name, status, _clean, done in load.unclean(since)
               if not (excused and excused(sent, done, name))]
        if not bad:
            return []
        tally = _tally(bad)
        return [f"{len(bad)} unclean answers under load (" + ", ".join(
            f"{n}x {name} {status or 'no answer'}" for (name, status), n in sorted(tally.items(), key=str)[:6]) + ")"]


def _tally(items) -> dict:
    counts: dict = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return counts


# -- the run ---------------------------------------------------------------------------------------------


def prepare(stack: Stack) -> tuple[dict, dict, dict]:
    paths = configure(stack)
    stack.start_data()
    stack.manage("migrate", "--noinput", "-v", "0")
    stack.manage("seed_demo")
    fixtures = django(stack, SETUP, password=PASSWORD, citizens=LOAD_CITIZENS + 1)
    drafts = django(stack, DRAFTS, item=LICENSE_ITEM,
                    batches={"kill": LICENSES, "redis": REDIS_LICENSES, "worst": WORST_LICENSES})
    stack.start_app()
    base = stack.base_url
    sessions = [sign_in(base, c["email"], PASSWORD, f"10.210.0.{i + 1}") for i, c in enumerate(fixtures["citizens"])]
    fixtures["sessions"] = sessions[:LOAD_CITIZENS]
    fixtures["own_session"] = sessions[LOAD_CITIZENS]
    fixtures["probe_session"] = sign_in(base, fixtures["citizens"][0]["email"], PASSWORD, "10.210.1.1")
    fixtures["approver_session"] = sign_in(base, fixtures["approver"], PASSWORD, "10.211.0.1",
                                           totp_secret=fixtures["totp_secret"])
    return paths, fixtures, drafts


def main() -> None:
    if FOLDER.exists():
        shutil.rmtree(FOLDER)
    stack = Stack(FOLDER)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    results: list[Result] = []
    with stack.session():
        print(f"stack: PostgreSQL :{stack.pg_port}, Redis :{stack.redis_port}, gunicorn {stack.base_url} "
              f"({stack.cores} workers), Celery worker and beat; logs in {FOLDER / 'logs'}", flush=True)
        began = time.monotonic()
        paths, fixtures, drafts = prepare(stack)
        print(f"ready in {time.monotonic() - began:.0f} s: demo data, {LOAD_CITIZENS} load citizens, an approver, "
              f"{sum(len(v) for v in drafts.values())} drafts of {LICENSE_ITEM}; license lease {LEASE} s", flush=True)
        drills = Drills(stack, paths, fixtures, drafts)
        runs = [drills.kill_worker, drills.restart_postgres, drills.restart_redis, drills.worst_moment,
                drills.storage_failure]
        if os.environ.get("DRILLS"):  # a subset while working on one: DRILLS=2,5
            runs = [run for n, run in enumerate(runs, 1) if str(n) in os.environ["DRILLS"].split(",")]
        for run in runs:
            started = time.monotonic()
            try:
                result = run()
            except Exception as exc:  # a drill that breaks down is reported, and the others still run
                import traceback

                traceback.print_exc(file=sys.stderr)
                result = Result(run.__name__.replace("_", " "), figures="the drill could not finish",
                                problems=[f"{type(exc).__name__}: {exc}"])
            if not drills.worker.running:  # a drill that ended early may leave it down: the next needs it
                drills.worker.start()
            results.append(result)
            print(f"{result.line()} ({time.monotonic() - started:.0f} s)", flush=True)
    survived = sum(r.survived for r in results)
    print(f"drill: {survived}/{len(results)} faults survived, {sum(r.lost for r in results)} lost, "
          f"{sum(r.duplicated for r in results)} duplicated")


if __name__ == "__main__":
    main()
