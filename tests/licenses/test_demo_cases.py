"""`seed_demo` shows a living city: applications at every stage, sealed licenses in
wallets, 免提交 in use and on offer, and a window visit, all made through the services,
with a short history: the approvals in the last half month that ended, the open
cases in the working days before today.

Time is frozen on Thursday 26 November 2026, 10:00 Shanghai time; the demo's own
approvals step seeds the calendar for it. The last half month that ended is 1 to 15
November (working days: 2–6 and 9–13); the working days before today are 25, 24, 23
and 20 November.
"""

import hashlib
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse

from deadlines.periods import previous_half_month
from deadlines.selectors import is_working_day
from licenses.demo_cases import material_pdf
from approvals.models import Application, ApplicationEvent, Attachment, CorrectionNotice, Visit
from approvals.workflow import State
from licenses.models import License, LicenseDocument, MaterialLicense
from portal.models import Message, Person, User
from portal.uploads import PDF, check_upload
from seals.models import SealUsage
from supervision.reports.models import HalfMonthReport
from tests.demo_world import demo_world  # noqa: F401 (a fixture)
from tests.factories import enrol_totp
from tests.mfa import sign_in

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def seeded(demo_world):
    """The demo, seeded once for the modules that read it (tests/demo_world.py); the value is what `seed_demo` printed."""
    return demo_world


@pytest.fixture
def client(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def user(email):
    return User.objects.get(email=email)


def applications_of(email):
    return Application.objects.filter(applicant_person__user__email=email, applicant_enterprise__isnull=True)


def test_it_takes_the_demo_citizen_s_applications_to_every_stage(seeded):
    states = sorted(applications_of("citizen@demo.onegate").values_list("state", flat=True))
    assert states == sorted(
        [State.DRAFT, State.SUBMITTED, State.CORRECTION, State.IN_REVIEW, State.APPROVED]
    )
    mine = applications_of("citizen@demo.onegate")
    assert {a.department.code for a in mine} == {"market"}
    in_review = mine.get(state=State.IN_REVIEW)
    assert in_review.due_on is not None and in_review.assignee == user("approver@demo.onegate")
    notice = CorrectionNotice.objects.get(application__in=mine, resolved_at__isnull=True)
    assert len(notice.items) == 2 and all(entry["material"] and entry["remedy"] for entry in notice.items)
    draft = mine.get(state=State.DRAFT)
    assert draft.form_data["business_name"] == "小明便利店" and draft.attachments.count() == 1
    assert "skipped" not in seeded


def test_his_approved_application_produced_a_sealed_license_in_his_wallet(seeded, client):
    approved = applications_of("citizen@demo.onegate").get(state=State.APPROVED)
    license = License.objects.get(application=approved)
    assert license.status == License.Status.VALID
    assert license.holder_person.user == user("citizen@demo.onegate") and license.holder_enterprise is None
    stored = default_storage.open(license.file.name).read()
    assert stored.startswith(b"%PDF-") and hashlib.sha256(stored).hexdigest() == license.sha256
    assert LicenseDocument.objects.filter(license=license, sha256=license.sha256).exists()
    assert SealUsage.objects.filter(related_type="licenses.license", related_id=str(license.pk)).count() == 1
    assert license.documents.get().seal_usage.related_id == str(license.pk)
    assert license.number in seeded

    sign_in(client, user("citizen@demo.onegate"))
    assert license.number in client.get(reverse("wallet")).content.decode()
    verify = client.get(reverse("license_verify", args=[license.number]))
    assert verify.status_code == 200 and "王*明" in verify.content.decode()


def test_the_market_desk_lists_the_market_applications_and_the_housing_desk_its_own(seeded, client):
    market = Application.objects.filter(department__code="market").exclude(state=State.DRAFT)
    housing = Application.objects.get(department__code="housing")
    assert market.count() == 6  # the citizen's four, the agent's approved change, the walk-in's

    approver = user("approver@demo.onegate")
    enrol_totp(approver)
    sign_in(client, approver)
    page = client.get(reverse("desk"))
    assert page.status_code == 200
    body = page.content.decode()
    open_ones = market.exclude(state=State.APPROVED)
    assert open_ones.count() == 4  # waiting for acceptance (online and window), correction, in review
    assert all(application.tracking_number in body for application in open_ones)
    assert housing.tracking_number not in body
    decided = client.get(reverse("desk") + "?state=decided").content.decode()
    assert all(a.tracking_number in decided for a in market.filter(state=State.APPROVED))

    housing_approver = user("housing-approver@demo.onegate")
    enrol_totp(housing_approver)
    sign_in(client, housing_approver)
    body = client.get(reverse("desk")).content.decode()
    assert housing.tracking_number in body and housing.state == State.IN_REVIEW
    assert not any(application.tracking_number in body for application in market)


def test_the_agent_s_enterprise_holds_a_business_license_used_and_offered_instead_of_a_copy(seeded, client):
    from licenses.selectors import offers_for

    agent = user("agent@demo.onegate")
    enterprise = agent.memberships.get().enterprise
    license = License.objects.get(holder_enterprise=enterprise)
    assert (license.status, license.license_type.code, license.department.code) == (
        License.Status.VALID, "business-license", "market"
    )
    used = MaterialLicense.objects.get(license=license)
    assert (used.application.item_version.item.code, used.application.state) == ("HOU-001", State.IN_REVIEW)

    draft = Application.objects.get(applicant_enterprise=enterprise, state=State.DRAFT)
    assert draft.item_version.item.code == "MKT-004"
    offered = [offer for offer in offers_for(draft).values() if offer.licenses]
    assert [o.licenses for o in offered] == [[license]] and offered[0].current is None

    sign_in(client, agent)
    assert license.number in client.get(reverse("wallet")).content.decode()
    materials = client.get(reverse("apply_materials", args=[draft.uid]))
    assert materials.status_code == 200 and license.number in materials.content.decode()


def test_the_clerk_took_a_walk_in_s_application_at_the_window_with_its_visit(seeded):
    walk_in = Person.objects.get(real_name="孙桂兰")
    assert walk_in.user is None
    application = Application.objects.get(applicant_person=walk_in)
    assert (application.channel, application.state, application.clerk) == (
        Application.Channel.WINDOW, State.SUBMITTED, user("clerk@demo.onegate")
    )
    visit = Visit.objects.get(application=application)
    assert (visit.number, visit.allowed, visit.violation, visit.purpose) == (1, 1, False, Visit.Purpose.SUBMIT)


def test_the_materials_are_real_pdfs_that_pass_the_upload_check(seeded):
    from pyhanko.pdf_utils.reader import PdfFileReader

    data = material_pdf("Application form (see overleaf)", "Not a real document \\ demo")
    assert PdfFileReader(io.BytesIO(data), strict=True).root["/Pages"]["/Count"] == 1
    attachment = Attachment.objects.filter(application__applicant_person__user__email="citizen@demo.onegate").first()
    with default_storage.open(attachment.file.name) as stored:
        data = stored.read()
        assert check_upload(stored) == PDF
    assert hashlib.sha256(data).hexdigest() == attachment.sha256
    assert PdfFileReader(io.BytesIO(data), strict=True).root["/Pages"]["/Count"] == 1


def local(moment):
    return moment.astimezone(ZoneInfo("Asia/Shanghai"))


def test_the_approvals_were_submitted_and_decided_in_the_last_half_month_one_of_them_late(seeded):
    first, last = previous_half_month(NOW.date())
    approved = Application.objects.filter(state=State.APPROVED).order_by("decided_at")
    assert [a.item_version.item.code for a in approved] == ["MKT-001", "MKT-002"]
    for application in approved:
        assert first <= local(application.submitted_at).date() <= local(application.decided_at).date() <= last
    instant, change = approved
    assert local(instant.decided_at).date() == instant.due_on == date(2026, 11, 3)  # on time, at once
    # Promised in 1 working day: accepted on Wednesday 11, due Thursday 12, decided Friday 13 November.
    assert (local(change.accepted_at).date(), change.due_on) == (date(2026, 11, 11), date(2026, 11, 12))
    assert local(change.decided_at).date() == date(2026, 11, 13)
    # Licenses are sealed when the demo is seeded, valid from the decision.
    assert [License.objects.get(application=a).valid_from for a in approved] == [date(2026, 11, 3), date(2026, 11, 13)]


def test_the_open_cases_are_a_few_working_days_old_and_not_overdue(seeded):
    today = NOW.date()
    open_ones = Application.objects.exclude(state__in=[State.DRAFT, State.APPROVED])
    assert open_ones.count() == 5
    for application in open_ones:
        assert date(2026, 11, 20) <= local(application.submitted_at).date() < today
    for application in open_ones.filter(state=State.IN_REVIEW):
        assert application.due_on > today + timedelta(days=1) and application.sla == "on_time"
    in_review = open_ones.get(state=State.IN_REVIEW, department__code="market")
    assert (local(in_review.accepted_at).date(), in_review.due_on) == (date(2026, 11, 23), date(2026, 12, 2))
    assert {local(a.submitted_at).date() for a in open_ones.filter(state=State.SUBMITTED)} == {date(2026, 11, 25)}
    notice = CorrectionNotice.objects.get(resolved_at__isnull=True)
    assert local(notice.requested_at).date() == date(2026, 11, 24)


def test_every_step_is_taken_on_a_working_day_in_order(seeded):
    events = ApplicationEvent.objects.exclude(application__state=State.DRAFT)
    assert events.exists()
    assert all(is_working_day(local(event.at).date()) and event.at < NOW for event in events)
    for application in Application.objects.exclude(state=State.DRAFT):
        moments = list(application.events.order_by("id").values_list("at", flat=True))
        assert moments == sorted(moments)
    numbers = list(Application.objects.exclude(state=State.DRAFT).order_by("submitted_at").values_list(
        "tracking_number", flat=True
    ))
    assert numbers == sorted(numbers)  # numbered in the order they were submitted


def test_the_archived_report_of_the_last_half_month_counts_the_market_s_work(seeded):
    report = HalfMonthReport.objects.get()
    assert (report.first, report.last) == (date(2026, 11, 1), date(2026, 11, 15))
    market = next(row for row in report.figures["departments"] if row["code"] == "market")
    assert (market["received"], market["decided"], market["on_time"], market["on_time_rate"]) == (2, 2, 1, "50.0")
    assert (market["ratings"], market["bad_ratings"], market["satisfaction"]) == (2, 1, "50.0")
    assert (market["rating_cases"], market["callback_rate"], market["accountability_opened"]) == (1, "100.0", 1)
    housing = next(row for row in report.figures["departments"] if row["code"] == "housing")
    assert (housing["complaints"], housing["accountability_opened"]) == (1, 1)


def test_seeding_again_creates_nothing(seeded):
    models = (Application, ApplicationEvent, Attachment, CorrectionNotice, Visit, License, LicenseDocument,
              MaterialLicense, SealUsage, Message, Person, HalfMonthReport)  # fmt: skip
    before = [model.objects.count() for model in models]
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert [model.objects.count() for model in models] == before
    assert "(0 new)" in out.getvalue() and "(5 new)" in seeded
    assert HalfMonthReport.objects.count() == 1 and "archived (1 new)" in seeded and "archived (0 new)" in out.getvalue()


def test_it_reports_a_case_whose_item_has_left_the_list_and_seeds_the_rest(seeded):
    """A list administrator may retire a demo item; seeding again skips that case instead of failing."""
    from approvals import services as workflow
    from services import services as list_services
    from services.models import ServiceItem

    agent = user("agent@demo.onegate")
    draft = Application.objects.get(applicant_enterprise__memberships__user=agent, state=State.DRAFT)
    workflow.application_discard_draft(application=draft, actor=agent)
    list_services.item_retire(actor=None, item=ServiceItem.objects.get(code="MKT-004"))
    list_services.list_publish(actor=None, note="MKT-004 retired")
    before = Application.objects.count()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "draft MKT-004 skipped (" in out.getvalue()
    assert "2 cases (0 new)" in out.getvalue() and "demo data ready" in out.getvalue()
    assert Application.objects.count() == before
