"""Demo bundle applications ("get one thing done"), one at each stage, made through the services.

- 王小明 (citizen@demo.onegate) opened a business (BDL-001) four working days ago: complete,
  every member approved, the seal engraved once the registration was approved;
- 王小明 is having a baby (BDL-002), submitted yesterday: the birth certificate is accepted and
  the household registration waits for it;
- 李娜 (agent@demo.onegate), for her enterprise, builds a small low-risk project (BDL-003): the
  planning permit is approved, the building permit asked for corrections, told in one notice;
- a walk-in at the window (the clerk took in BDL-002 today): just submitted, one visit.

`manage.py seed_demo_bundles` runs this after `seed_demo`, when the list, the accounts, the
calendar and the seals exist. It is a command of its own rather than a step of `seed_demo`,
whose demo cases (licenses/demo_cases.py) are pinned by their tests: these applications would
add to the demo citizen's, the market desk's and the half-month's counts. Steps nobody in the demo's cast may take (the departments without a demo
approver) are taken by OneGate itself, which the workflow allows for acceptance and approval.

Idempotent: a bundle application is found again by its applicant and its bundle.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from approvals import services as workflow
from approvals.bundles import BUNDLE_NOTICE_QUIET, bundle_corrections_tell, bundle_submit
from approvals.models import BundleApplication
from approvals.window.services import window_bundle_intake
from deadlines.selectors import is_working_day, stored_calendar
from portal import demo as accounts
from portal import services as identity
from portal.identifiers import credit_code_check_char, resident_id_check_char
from portal.models import Enterprise, Person, User
from services.bundles import BundleNotOnList

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ADDRESS = "辽宁省葫芦岛市连山区龙湾大街18号"
WALK_IN_NAME = "赵晓燕"
WALK_IN_ID17 = "21140219950618" + "262"


def _pdf(name: str, marker: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF + f"%{marker}\n".encode(), content_type="application/pdf")


def _working_days_before(today: datetime.date, count: int) -> list[datetime.date]:
    """The `count` working days before `today`, latest first."""
    calendar = stored_calendar(today=today)
    days, day = [], today
    while len(days) < count:
        day -= datetime.timedelta(days=1)
        if is_working_day(day, calendar=calendar):
            days.append(day)
    return days


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _member(bundle: BundleApplication, code: str):
    return bundle.members.get(item_version__item__code=code)


def _existing(code: str, person: Person, enterprise=None) -> BundleApplication | None:
    return BundleApplication.objects.filter(
        bundle_version__bundle__code=code, applicant_person=person, applicant_enterprise=enterprise
    ).first()


def _business(citizen: User, days: list[datetime.date]) -> BundleApplication:
    found = _existing("BDL-001", citizen.person)
    if found is not None:
        return found
    d4, d3 = days[3], days[2]
    bundle = bundle_submit(
        actor=citizen,
        bundle_code="BDL-001",
        answers={
            "company_name": "葫芦岛小明海鲜餐饮有限公司",
            "address": ADDRESS,
            "business_scope": "餐饮服务；食品销售",
            "representative_id": citizen.person.resident_id,
            "hire_staff": True,
            "staff_count": "6",
        },
        uploads={"公司章程": [_pdf("章程.pdf", "articles")], "住所使用证明": [_pdf("租赁合同.pdf", "premises")]},
        declaration=True,
        at=_at(d4, 9),
    )
    for code in ("MKT-007", "TAX-001", "HRS-006", "BNK-001"):
        workflow.application_accept(application=_member(bundle, code), actor=None, at=_at(d4, 10))
    # The registration is approved; the seal engraving (an instant item) starts and is done at once.
    workflow.application_approve(application=_member(bundle, "MKT-007"), actor=None, at=_at(d3, 10))
    for code in ("TAX-001", "HRS-006", "BNK-001"):
        workflow.application_approve(application=_member(bundle, code), actor=None, at=_at(d3, 15))
    return bundle


def _baby(citizen: User, days: list[datetime.date]) -> BundleApplication:
    found = _existing("BDL-002", citizen.person)
    if found is not None:
        return found
    d1 = days[0]
    bundle = bundle_submit(
        actor=citizen,
        bundle_code="BDL-002",
        answers={
            "baby_name": "王小雨",
            "birth_date": (d1 - datetime.timedelta(days=3)).isoformat(),
            "mother_id": citizen.person.resident_id,
            "address": ADDRESS,
        },
        uploads={"住院分娩记录": [_pdf("分娩记录.pdf", "delivery")]},
        declaration=True,
        at=_at(d1, 9, 30),
    )
    workflow.application_accept(application=_member(bundle, "HLT-006"), actor=None, at=_at(d1, 11))
    return bundle


def _building(agent: User, enterprise: Enterprise, housing_approver: User, days: list[datetime.date]) -> BundleApplication:
    found = _existing("BDL-003", agent.person, enterprise)
    if found is not None:
        return found
    d4, d3, d2 = days[3], days[2], days[1]
    files = {
        name: [_pdf(f"{name}.pdf", name)]
        for name in (
            "申请表",
            "营业执照",
            "建设用地规划许可证",
            "建设工程设计方案",
            "建筑工程施工许可申请表",
            "建设工程规划许可证",
            "施工合同",
            "施工图审查承诺书",
            "建设单位营业执照",
        )
    }
    bundle = bundle_submit(
        actor=agent,
        bundle_code="BDL-003",
        enterprise=enterprise,
        answers={
            "enterprise_name": enterprise.name,
            "credit_code": enterprise.credit_code,
            "contact_name": agent.person.real_name,
            "phone": "13941901234",
            "project_name": "龙港区冷链仓库",
            "project_address": "辽宁省葫芦岛市龙港区北港工业区6号",
            "floor_area": "1800",
            "building_height": "12",
        },
        uploads=files,
        declaration=True,
        at=_at(d4, 9),
    )
    planning = workflow.application_accept(application=_member(bundle, "NRS-002"), actor=None, at=_at(d4, 10))
    workflow.application_approve(application=planning, actor=None, at=_at(d3, 10))
    workflow.application_request_correction(
        application=_member(bundle, "HOU-001"),
        actor=housing_approver,
        items=[{"name": "施工合同", "problem": "缺少施工单位盖章页", "remedy": "上传双方盖章的完整合同"}],
        at=_at(d2, 10),
    )
    bundle_corrections_tell(at=_at(d2, 10) + BUNDLE_NOTICE_QUIET)
    return bundle


def _walk_in(clerk: User, now: datetime.datetime) -> BundleApplication:
    person = identity.person_register(
        real_name=WALK_IN_NAME, resident_id=WALK_IN_ID17 + resident_id_check_char(WALK_IN_ID17)
    )
    found = _existing("BDL-002", person)
    if found is not None:
        return found
    return window_bundle_intake(
        clerk=clerk,
        person=person,
        bundle_code="BDL-002",
        answers={
            "baby_name": "李安",
            "birth_date": (timezone.localdate(now) - datetime.timedelta(days=5)).isoformat(),
            "mother_id": person.resident_id,
            "address": ADDRESS,
        },
        uploads={"住院分娩记录": [_pdf("分娩记录.pdf", "walk-in")]},
        declaration=True,
        at=now,
    )


def seed(*, stdout) -> None:
    now = timezone.now()
    days = _working_days_before(timezone.localdate(now), 4)
    users = {u.email: u for u in User.objects.filter(email__in=[e for e, *_rest in accounts.ACCOUNTS])}
    code = accounts.ENTERPRISE_CODE + credit_code_check_char(accounts.ENTERPRISE_CODE)
    enterprise = Enterprise.objects.get(credit_code=code)
    made = []
    for label, make in (
        ("opening a business, complete", lambda: _business(users["citizen@demo.onegate"], days)),
        ("having a baby, in progress", lambda: _baby(users["citizen@demo.onegate"], days)),
        (
            "a small low-risk project, corrections asked",
            lambda: _building(
                users["agent@demo.onegate"], enterprise, users["housing-approver@demo.onegate"], days
            ),
        ),
        ("having a baby at the window, submitted", lambda: _walk_in(users["clerk@demo.onegate"], now)),
    ):
        try:
            bundle = make()
        except BundleNotOnList as exc:  # an existing demo whose list has no bundles yet
            stdout.write(f"bundle applications: {label} skipped: {exc.messages[0]}")
            continue
        except ValidationError as exc:
            stdout.write(f"bundle applications: {label} refused: {'; '.join(exc.messages)}")
            continue
        made.append(f"{bundle.tracking_number} ({label})")
    stdout.write("bundle applications: " + (", ".join(made) or "none"))
