"""The load users of bench/bench_load.py (Locust, headless). Not meant to be run by hand.

LOAD_PHASE=pages: `PageVisitor`s request one anonymous page (LOAD_URL) as fast as answered.
LOAD_PHASE=mixed: citizens applying online through every page of the flow, approvers working
the desk, and anonymous /track/ and /verify/ look-ups. LOAD_FIXTURES names a JSON file with the
signed-in sessions (cookies) and what to look up, made by bench/bench_load.py.

Each user sends its own X-Forwarded-For address (the stack trusts one proxy), as people behind
a reverse proxy would arrive; /verify/ visitors change address every request, like people
scanning different licenses' QR codes. A completed submission is reported as a request of type
FLOW named "submission"; a flow that fails anywhere is a failed FLOW.
"""

import json
import os
import random
import re
import time

from locust import HttpUser, between, constant, events, task

PHASE = os.environ.get("LOAD_PHASE", "pages")
FIXTURES = json.load(open(os.environ["LOAD_FIXTURES"])) if os.environ.get("LOAD_FIXTURES") else {}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"%" + b"x" * 2000 + b"\n"
UID_RE = re.compile(r"/me/applications/([0-9a-f-]{36})/")
MATERIAL_RE = re.compile(r'name="material" value="(\d+)"')
_addresses = iter(range(1, 1 << 24))


def address() -> str:
    n = next(_addresses)
    return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


class Flow(Exception):
    pass


class Visitor(HttpUser):
    abstract = True
    wait_time = constant(0)

    def on_start(self):
        self.client.headers["X-Forwarded-For"] = address()

    def csrf(self) -> str:
        return next((c.value for c in self.client.cookies if c.name == "csrftoken"), "")


class PageVisitor(Visitor):
    """Phase A: one page, anonymous, back to back."""

    url = os.environ.get("LOAD_URL", "/bench/bare/")

    @task
    def page(self):
        self.client.get(self.url, name=self.url)


class SignedIn(Visitor):
    abstract = True
    pool: list = []

    def on_start(self):
        super().on_start()
        session = self.pool.pop() if self.pool else None
        if session is None:
            raise RuntimeError("more users than signed-in sessions")
        for name, value in session["cookies"].items():
            self.client.cookies.set(name, value, domain=session["domain"], path="/")
        self.client.headers["X-Forwarded-For"] = session["address"]


class Citizen(SignedIn):
    """Applies online for FIXTURES["submit_item"] through every page, as a browser would."""

    pool = list(FIXTURES.get("citizen_sessions", []))

    def expect(self, response, path_part: str) -> str:
        if response.status_code >= 400 or path_part not in response.url:
            raise Flow(f"{response.request.method} {response.request.path_url}: {response.status_code} at {response.url}")
        return response.text

    @task
    def apply(self):
        code = FIXTURES["submit_item"]
        began = time.perf_counter()
        try:
            self.expect(self.client.get(f"/apply/{code}/", name="/apply/[code]/"), f"/apply/{code}/")
            r = self.client.post(f"/apply/{code}/", {"csrfmiddlewaretoken": self.csrf()}, name="/apply/[code]/ start",
                                 headers={"Referer": f"{self.host}/apply/{code}/"})
            match = UID_RE.search(r.url)
            if not match:
                raise Flow(f"start: {r.status_code} at {r.url}")
            base = f"/me/applications/{match[1]}/"
            self.expect(r, base)
            self.expect(self.client.get(base + "answers/", name="/me/applications/[uid]/answers/"), "/answers/")
            r = self.client.post(
                base + "answers/",
                {"csrfmiddlewaretoken": self.csrf(), "applicant_name": "负载市民", "applicant_id": self.resident_id,
                 "phone": "13800138000", "address": "辽宁省葫芦岛市龙港区滨海路1号", "purpose": "job", "continue": ""},
                name="/me/applications/[uid]/answers/ save",
            )
            page = self.expect(r, "/materials/")
            material = MATERIAL_RE.search(page)
            if not material:
                raise Flow("materials: no material on the page")
            r = self.client.post(
                base + "materials/",
                {"csrfmiddlewaretoken": self.csrf(), "material": material[1]},
                files={"files": ("identity.pdf", PDF, "application/pdf")},
                name="/me/applications/[uid]/materials/ upload",
            )
            if "identity.pdf" not in self.expect(r, "/materials/"):
                raise Flow("materials: the upload is not listed")
            self.expect(self.client.get(base + "delivery/", name="/me/applications/[uid]/delivery/"), "/delivery/")
            r = self.client.post(base + "delivery/", {"csrfmiddlewaretoken": self.csrf(), "delivery": "electronic",
                                                      "delivery_address": ""},
                                 name="/me/applications/[uid]/delivery/ save")
            self.expect(r, "/check/")
            r = self.client.post(base + "check/", {"csrfmiddlewaretoken": self.csrf(), "declaration": "yes"},
                                 name="/me/applications/[uid]/check/ submit")
            self.expect(r, "/submitted/")
        except Flow as exc:
            self.flow(began, exc)
        else:
            self.flow(began, None)

    def flow(self, began, exc):
        events.request.fire(request_type="FLOW", name="submission", response_time=(time.perf_counter() - began) * 1000,
                            response_length=0, exception=exc, context={})

    @property
    def resident_id(self) -> str:
        return FIXTURES["resident_id"]


class Approver(SignedIn):
    """The desk: its first page, a filtered page and an application's page, like someone working it."""

    pool = list(FIXTURES.get("approver_sessions", []))
    wait_time = between(0, 0.2)

    @task(2)
    def first(self):
        self.client.get("/desk/", name="/desk/")

    @task(1)
    def filtered(self):
        self.client.get(FIXTURES["desk_filtered"], name="/desk/?item&sla")

    @task(2)
    def detail(self):
        self.client.get(random.choice(FIXTURES["desk_details"]), name="/desk/[number]/")


class Tracker(Visitor):
    """/track/: the form, then a look-up by tracking number and query code."""

    @task
    def track(self):
        self.client.get("/track/", name="/track/")
        number, code = random.choice(FIXTURES["track"])
        with self.client.post("/track/", {"csrfmiddlewaretoken": self.csrf(), "tracking_number": number,
                                          "query_code": code}, name="/track/ look-up", catch_response=True) as r:
            if r.status_code == 200 and number not in r.text:
                r.failure("not found")


class Verifier(Visitor):
    """/verify/<number>/: a license's public check, from ever new addresses."""

    @task
    def verify(self):
        self.client.headers["X-Forwarded-For"] = address()
        self.client.get(f"/verify/{random.choice(FIXTURES['licenses'])}/", name="/verify/[number]/")


if PHASE == "pages":
    del Citizen, Approver, Tracker, Verifier
else:
    del PageVisitor
    Citizen.fixed_count = int(os.environ.get("LOAD_CITIZENS", 8))
    Approver.fixed_count = int(os.environ.get("LOAD_APPROVERS", 4))
    Tracker.fixed_count = int(os.environ.get("LOAD_TRACKERS", 2))
    Verifier.fixed_count = int(os.environ.get("LOAD_VERIFIERS", 2))
