"""Demo cases: applications, licenses and a window visit, so that the demo's desks,
wallets and "my office" pages are not empty.

Everything goes through the services that the web pages and the window counter
call (approvals.services, approvals.window.services, licenses.services and the
issuing task), so the demo obeys every rule the real system does: the list
guard, form validation, upload checks, the workflow table, the deadline clock,
the seals. `seed_demo` runs this last, when the list, the accounts, the
calendar and the seals are in place. It lives here, in the app that builds on
applications, so that approvals need not know about licenses.

The cases have a short history (`schedule`): the two approved ones were
submitted and decided in the last half month that ended, so that the
half-monthly report supervision archives for it and the countdown's daily
figures count them; the open ones were submitted in the working days before
today, so their due dates lie ahead. Every step is dated through the services'
`at`, on working days of the stored calendar. Licenses are sealed when the
seed runs (the seals are only issued then); they are valid from the decision.

Idempotent: a case is found again by its applicant, its item and one answer
of its own (`Case.key`). A case that exists is left where the demo has taken
it since; a missing one is made again.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from approvals import services as workflow
from approvals.window import services as window
from approvals.models import Application
from approvals.workflow import State
from deadlines.periods import previous_half_month
from deadlines.selectors import is_working_day, stored_calendar
from deadlines.workdays import WorkingCalendar
from licenses.models import License
from licenses.services import use_license_for_material
from licenses.tasks import issue_license
from portal import demo as accounts
from portal import services as identity
from portal.identifiers import credit_code_check_char, resident_id_check_char
from portal.models import Enterprise, Person, User
from services.services import item_for_new_application

CITIZEN = "citizen@demo.onegate"
AGENT = "agent@demo.onegate"
CLERK = "clerk@demo.onegate"
APPROVER = "approver@demo.onegate"
HOUSING_APPROVER = "housing-approver@demo.onegate"

# A person who came to the window without a portal account.
WALK_IN_NAME = "孙桂兰"
WALK_IN_ID17 = "21140219580412" + "082"

PHONE = "13941901234"
ADDRESS = "辽宁省葫芦岛市连山区龙湾大街18号"


@dataclass(frozen=True)
class When:
    """The moments of a case's steps: started and filled in, submitted, then sent back for
    correction or accepted and taken into review, then decided."""

    started: datetime.datetime
    submitted: datetime.datetime | None = None
    acted: datetime.datetime | None = None
    decided: datetime.datetime | None = None


@dataclass
class Case:
    """One application to bring to `stage`. `key` names the answer that identifies it."""

    item_code: str
    stage: str  # draft | submitted | correction | in_review | approved
    answers: dict
    key: str
    when: When
    # Materials (by English name) not given yet: what a draft still lacks.
    leave_out: tuple[str, ...] = ()
    # Materials (by English name) given by the applicant's license instead of a copy (免提交).
    by_license: tuple[str, ...] = ()
    corrections: list[dict] = field(default_factory=list)


# -- PDFs standing for scanned materials --------------------------------------------


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def material_pdf(*lines: str) -> bytes:
    """A real one-page A4 PDF with a few lines of Latin text (Helvetica needs no embedding)."""
    content = b"BT /F1 16 Tf 56 780 Td 22 TL"
    for number, line in enumerate(lines):
        if number == 1:
            content += b" /F1 11 Tf 16 TL"
        content += b" " + _pdf_string(line) + b" Tj T*"
    content += b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _scan(material, application: Application) -> SimpleUploadedFile:
    data = material_pdf(
        material.name_en,
        f"Demo copy for an application for item {application.item_version.item.code}.",
        "Not a real document: made by manage.py seed_demo.",
    )
    return SimpleUploadedFile(f"{material.name_zh}.pdf", data, content_type="application/pdf")


# -- when the cases happened ---------------------------------------------------------


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@dataclass(frozen=True)
class Schedule:
    """When each demo case happened: see `schedule`."""

    instant: When  # the citizen's instant registration, approved on submission
    late: When  # the agent's change of registration, decided one working day after its due date
    in_review: When
    housing: When  # the building permit in review, which uses the agent's new business license
    correction: When
    waiting: When  # submitted online, waiting for acceptance
    window: When  # the walk-in's submission at the window
    draft: When
    agent_draft: When


def schedule(now: datetime.datetime, *, calendar: WorkingCalendar | None = None) -> Schedule:
    """The demo's history, on working days before today.

    The two approvals fall in the last half month that ended: the instant one on its
    second working day, the change of registration (promised in 1 working day) accepted
    on its third-last and decided on its last, a working day late. The open cases were
    submitted in the four working days before today, after that decision (the building
    permit uses its license): in review since three working days ago (MKT-006 is due in
    7, HOU-001 in 30), sent back for correction two working days ago, waiting for
    acceptance since the last working day. Each step's hour keeps the order of the
    steps when days coincide.
    """
    today = timezone.localdate(now)
    calendar = calendar or stored_calendar(today=today)
    first, last = previous_half_month(today)  # the period of the latest half-monthly report
    period = [
        day
        for day in (first + datetime.timedelta(days=n) for n in range((last - first).days + 1))
        if is_working_day(day, calendar=calendar)
    ]
    early, accepted, decided = period[min(1, len(period) - 1)], period[max(len(period) - 3, 0)], period[-1]
    recent, day = [], today  # the working days before today, latest first, none before `decided`
    while len(recent) < 4:
        day -= datetime.timedelta(days=1)
        if day <= decided:
            recent += [decided] * (4 - len(recent))
        elif is_working_day(day, calendar=calendar):
            recent.append(day)
    d1, d2, d3, d4 = recent
    return Schedule(
        instant=When(started=_at(early, 9, 10), submitted=_at(early, 9, 40)),
        late=When(
            started=_at(accepted, 8, 50), submitted=_at(accepted, 9, 15), acted=_at(accepted, 9, 50),
            decided=_at(decided, 10, 30),
        ),
        in_review=When(started=_at(d4, 11, 0), submitted=_at(d4, 11, 20), acted=_at(d3, 14, 0)),
        housing=When(started=_at(d4, 13, 30), submitted=_at(d4, 14, 10), acted=_at(d3, 15, 0)),
        correction=When(started=_at(d3, 11, 40), submitted=_at(d3, 12, 0), acted=_at(d2, 16, 0)),
        waiting=When(started=_at(d1, 11, 10), submitted=_at(d1, 11, 30)),
        window=When(started=_at(d1, 14, 30), submitted=_at(d1, 14, 50)),
        draft=When(started=_at(d1, 20, 15)),
        agent_draft=When(started=_at(d2, 17, 10)),
    )


# -- the cast ------------------------------------------------------------------------


@dataclass
class Cast:
    citizen: User
    agent: User
    clerk: User
    approver: User
    housing_approver: User
    enterprise: Enterprise


def _cast() -> Cast:
    users = {u.email: u for u in User.objects.filter(email__in=[CITIZEN, AGENT, CLERK, APPROVER, HOUSING_APPROVER])}
    code = accounts.ENTERPRISE_CODE + credit_code_check_char(accounts.ENTERPRISE_CODE)
    return Cast(
        citizen=users[CITIZEN],
        agent=users[AGENT],
        clerk=users[CLERK],
        approver=users[APPROVER],
        housing_approver=users[HOUSING_APPROVER],
        enterprise=Enterprise.objects.get(credit_code=code),
    )


def _person_answers(person: Person, **more) -> dict:
    return {
        "applicant_name": person.real_name,
        "applicant_id": person.resident_id,
        "phone": PHONE,
        "address": ADDRESS,
        **more,
    }


def _enterprise_answers(enterprise: Enterprise, **more) -> dict:
    return {
        "enterprise_name": enterprise.name,
        "credit_code": enterprise.credit_code,
        "contact_name": "李娜",
        "phone": "13904291234",
        **more,
    }


def citizen_cases(person: Person, when: Schedule) -> list[Case]:
    return [
        Case(
            "MKT-001",
            "draft",
            _person_answers(person, address="", business_name="小明便利店", business_scope=""),  # half done
            key="business_name",
            when=when.draft,
            leave_out=("Applicant's proof of identity", "Proof of the right to use the premises"),
        ),
        Case(
            "MKT-006",
            "submitted",
            _person_answers(person, products="手工煎饼、杂粮煎饼"),
            key="products",
            when=when.waiting,
        ),
        Case(
            "MKT-006",
            "correction",
            _person_answers(person, products="海米、虾皮等海产品干制"),
            key="products",
            when=when.correction,
            corrections=[
                {
                    "material": "Description of the production process",
                    "problem": "未写明晾晒、烘干工序的温度和时间。",
                    "remedy": "在工艺流程说明中补充每道工序的温度和时间，签字后重新上传。",
                },
                {
                    "material": "Proof of the right to use the premises",
                    "problem": "租赁合同已于上月到期。",
                    "remedy": "上传续签后的租赁合同，或不动产权证书。",
                },
            ],
        ),
        Case(
            "MKT-006",
            "in_review",
            _person_answers(person, products="手工豆腐、豆腐皮"),
            key="products",
            when=when.in_review,
        ),
        Case(
            "MKT-001",
            "approved",
            _person_answers(person, business_name="王记海鲜烧烤", business_scope="烧烤；海鲜加工及销售；预包装食品零售。"),
            key="business_name",
            when=when.instant,
        ),
    ]


def agent_cases(enterprise: Enterprise, when: Schedule) -> list[Case]:
    return [
        Case(
            "MKT-002",
            "approved",
            _enterprise_answers(
                enterprise,
                change_type="scope",
                change_detail="经营范围增加：餐饮服务；预包装食品销售；食品互联网销售。",
            ),
            key="change_detail",
            when=when.late,
        ),
        Case(
            "HOU-001",
            "in_review",
            _enterprise_answers(
                enterprise,
                project_name="海滨食品冷链仓库",
                project_address="辽宁省葫芦岛市龙港区北港工业园3号",
                floor_area="1800",
                building_height="12",
            ),
            key="project_name",
            when=when.housing,
            by_license=("Developer's business license",),
        ),
        Case(
            "MKT-004",
            "draft",
            _enterprise_answers(enterprise, premises_address="辽宁省葫芦岛市龙港区海滨路1号"),
            key="premises_address",
            when=when.agent_draft,
            leave_out=("Business license",),  # left for the 免提交 offer: "use my license"
        ),
    ]


def window_case(person: Person, when: Schedule) -> Case:
    answers = _person_answers(
        person, phone="13804295678", address="辽宁省葫芦岛市南票区沙锅屯乡1组", products="手工粘豆包、年糕"
    )
    return Case("MKT-006", "submitted", answers, key="products", when=when.window)


# -- making a case -------------------------------------------------------------------


def _existing(case: Case, *, person: Person, enterprise: Enterprise | None) -> Application | None:
    return (
        Application.objects.filter(
            applicant_person=person,
            applicant_enterprise=enterprise,
            item_version__item__code=case.item_code,
            **{f"form_data__{case.key}": case.answers[case.key]},
        )
        .order_by("pk")
        .first()
    )


def _fill(case: Case, application: Application, *, actor: User, license: License | None, at) -> None:
    workflow.application_save(application=application, actor=actor, data=case.answers, at=at)
    for material in application.item_version.materials.all():
        if material.name_en in case.by_license and license is not None:
            use_license_for_material(application=application, actor=actor, material=material, license=license, at=at)
        elif material.name_en not in case.leave_out:
            workflow.attachment_add(
                application=application, actor=actor, material=material, upload=_scan(material, application), at=at
            )


def _correction_items(case: Case, application: Application) -> list[dict]:
    materials = {m.name_en: m for m in application.item_version.materials.all()}
    return [
        {
            "material": materials[entry["material"]].pk,
            "name": materials[entry["material"]].name_zh,
            "problem": entry["problem"],
            "remedy": entry["remedy"],
        }
        for entry in case.corrections
    ]


def _advance(case: Case, application: Application, *, applicant: User, approver: User) -> Application:
    """Take a filled draft to the case's stage, as the applicant and the department would, at the case's times."""
    when = case.when
    if case.stage == "draft":
        return application
    application = workflow.application_submit(
        application=application, actor=applicant, declaration=True, at=when.submitted
    )
    if case.stage == "submitted" or application.state == State.APPROVED:  # an instant item is approved at once
        return application
    if case.stage == "correction":
        return workflow.application_request_correction(
            application=application,
            actor=approver,
            items=_correction_items(case, application),
            note="请一次性补齐以下材料后重新提交。",
            at=when.acted,
        )
    application = workflow.application_accept(application=application, actor=approver, at=when.acted)
    application = workflow.application_start_review(
        application=application, actor=approver, at=when.acted + datetime.timedelta(minutes=5)
    )
    if case.stage == "approved":
        application = workflow.application_approve(application=application, actor=approver, at=when.decided)
    return application


def _issue(application: Application) -> License | None:
    """Issue the approved application's license now, in this process (not through the broker)."""
    if application.state != State.APPROVED or application.item_version.license_type_id is None:
        return None
    issue_license(application.pk)  # does nothing when it is already issued
    return License.objects.filter(application=application).first()


@dataclass
class Outcome:
    case: Case
    application: Application | None = None
    new: bool = False
    license: License | None = None
    refused: str = ""


def _still_on_the_list(case: Case) -> None:
    """A case made again is dated in the past, under the list in force then; the item must also be on
    today's list (the demo list may have been changed at /list-admin/: an item retired since)."""
    item_for_new_application(code=case.item_code, at=timezone.now())


def _make(
    case: Case, *, applicant: User, person: Person, enterprise: Enterprise | None, approver: User,
    license: License | None,
) -> Outcome:
    found = _existing(case, person=person, enterprise=enterprise)
    if found is not None:
        return Outcome(case, found, new=False, license=_issue(found))
    try:
        _still_on_the_list(case)
        with transaction.atomic():
            application = workflow.application_start(
                actor=applicant, item_code=case.item_code, enterprise=enterprise, at=case.when.started
            )
            _fill(case, application, actor=applicant, license=license, at=case.when.started)
            application = _advance(case, application, applicant=applicant, approver=approver)
    except ValidationError as exc:
        # The demo list may have been changed at /list-admin/ (an item retired, a question added).
        return Outcome(case, refused="; ".join(exc.messages))
    return Outcome(case, application, new=True, license=_issue(application))


def _window_case(case: Case, *, walk_in: Person, clerk: User) -> Outcome:
    found = _existing(case, person=walk_in, enterprise=None)
    if found is not None:
        return Outcome(case, found)
    try:
        _still_on_the_list(case)
        with transaction.atomic():
            application = workflow.application_start(
                actor=clerk, item_code=case.item_code, person=walk_in, channel=Application.Channel.WINDOW,
                at=case.when.started,
            )
            _fill(case, application, actor=clerk, license=None, at=case.when.started)
            application = window.window_submit(
                application=application, clerk=clerk, declaration=True, at=case.when.submitted
            )
    except ValidationError as exc:
        return Outcome(case, refused="; ".join(exc.messages))
    return Outcome(case, application, new=True)


# -- the step ------------------------------------------------------------------------


def _summary(outcomes: list[Outcome]) -> str:
    parts = []
    for outcome in outcomes:
        if outcome.refused:
            parts.append(f"{outcome.case.stage} {outcome.case.item_code} skipped ({outcome.refused})")
            continue
        # The state it is in now: the demo may have taken a case further since it was made.
        text = f"{outcome.application.state.replace('_', ' ')} {outcome.case.item_code}"
        if outcome.application.tracking_number:
            text += f" {outcome.application.tracking_number}"
        if outcome.license is not None:
            text += f" → license {outcome.license.number}"
        parts.append(text)
    made = [outcome for outcome in outcomes if not outcome.refused]
    new = sum(outcome.new for outcome in made)
    return f"{len(made)} case{'' if len(made) == 1 else 's'} ({new} new): " + ", ".join(parts)


def seed(*, stdout) -> None:
    when = schedule(timezone.now())
    cast = _cast()
    citizen, agent = cast.citizen.person, cast.agent.person
    walk_in = identity.person_register(
        real_name=WALK_IN_NAME, resident_id=WALK_IN_ID17 + resident_id_check_char(WALK_IN_ID17)
    )
    held: list[License] = []  # the enterprise's business license, once its approved case has it

    def as_citizen(case: Case) -> Outcome:
        return _make(
            case, applicant=cast.citizen, person=citizen, enterprise=None, approver=cast.approver, license=None
        )

    def as_agent(case: Case) -> Outcome:
        approver = cast.housing_approver if case.item_code.startswith("HOU-") else cast.approver
        outcome = _make(
            case, applicant=cast.agent, person=agent, enterprise=cast.enterprise, approver=approver,
            license=held[0] if held else None,
        )
        if outcome.license is not None and not held:
            held.append(outcome.license)
        return outcome

    def at_the_window(case: Case) -> Outcome:
        return _window_case(case, walk_in=walk_in, clerk=cast.clerk)

    groups = [
        (f"{CITIZEN} ({citizen.real_name})", as_citizen, citizen_cases(citizen, when)),
        (f"{AGENT} for {cast.enterprise.name}", as_agent, agent_cases(cast.enterprise, when)),
        (f"window ({CLERK}) for walk-in {WALK_IN_NAME}", at_the_window, [window_case(walk_in, when)]),
    ]
    # Made in the order they happened, so that tracking and license numbers follow the dates
    # (and the building permit finds the business license it uses).
    steps = sorted(
        ((case, make) for _label, make, cases in groups for case in cases),
        key=lambda step: step[0].when.submitted or step[0].when.started,
    )
    outcomes = {id(case): make(case) for case, make in steps}
    for label, make, cases in groups:
        made = [outcomes[id(case)] for case in cases]
        line = f"demo cases, {label}: {_summary(made)}"
        if make is at_the_window:
            visits = sum(outcome.application.visits.count() for outcome in made if outcome.application)
            line += f"; {visits} visit recorded"
        stdout.write(line)
