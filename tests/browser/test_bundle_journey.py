"""Opening a business in one go, in a real browser: an enterprise agent finds the bundle under its
event, reads its guide, fills ONE form (a mistake first: nothing is lost), uploads each document
once, checks and submits; two departments' approvers (signed in with a second factor) approve at
their desks, the other members are decided too, and the agent sees every license in ONE summary,
each sealed by its own department, with the bundle's clock. Every page passes axe-core and does
not scroll sideways, on a desktop and on a 375-pixel phone."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from approvals import services as workflow
from approvals.models import BundleApplication
from deadlines.services import calendar_sync
from licenses.models import License, LicenseType
from portal.models import Membership, StaffRole
from seals import services as seal_services
from services.bundles import MemberInput, bundle_create
from services.services import MaterialInput
from tests.browser.conftest import axe_check, no_horizontal_scroll, screenshot, without_pdf_viewer
from tests.factories import PASSWORD, DepartmentFactory, EnterpriseFactory, MembershipFactory, citizen, staff, totp_code
from tests.licenses.conftest import pdf_upload
from tests.services.factories import LifeEventFactory, make_item, publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMPANY = {"key": "company_name", "type": "text", "label_zh": "企业名称", "label_en": "Company name"}
ADDRESS = {"key": "address", "type": "address", "label_zh": "住所", "label_en": "Registered address"}
SCOPE = {"key": "business_scope", "type": "textarea", "label_zh": "经营范围", "label_en": "Business scope"}
HIRE = {"key": "hire_staff", "type": "checkbox", "label_zh": "是否招用员工", "label_en": "Will you hire staff?", "required": False}
STAFF = {"key": "staff_count", "type": "number", "label_zh": "员工人数", "label_en": "Number of staff", "required": False}


def check(page, label, shot=""):
    axe_check(page, label=f"{label} ({page.viewport_name})")
    no_horizontal_scroll(page)
    if shot:
        screenshot(page, f"{shot}-{page.viewport_name}")


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()


def license_type(code, name_zh, name_en, prefix):
    return LicenseType.objects.create(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        number_prefix=prefix,
        template=LicenseType.Template.BUSINESS_LICENSE,
        printed_fields=[{"key": "company_name", "label_zh": "名称", "label_en": "Name"}, {"key": "business_scope"}],
    )


@pytest.fixture
def opening_a_business(settings, tmp_path, live_server):
    """Five items in five departments, as one bundle; registration and tax produce licenses."""
    settings.SEAL_KEK_FILE = str(tmp_path / "seal-kek.key")
    settings.SEAL_TSA_URL = ""
    settings.SITE_URL = live_server.url
    seal_services.forget_signers()
    calendar_sync(at=timezone.now())
    seal_services.root_create()
    departments = {
        "REG": DepartmentFactory(code="market", name_zh="市场监督管理局", name_en="Market Supervision Administration"),
        "SEAL": DepartmentFactory(code="police", name_zh="公安局", name_en="Public Security Bureau"),
        "TAX": DepartmentFactory(code="tax", name_zh="税务局", name_en="Tax Bureau"),
        "SOC": DepartmentFactory(code="hrss", name_zh="人力资源和社会保障局", name_en="Human Resources Bureau"),
        "BANK": DepartmentFactory(code="pboc", name_zh="人民银行", name_en="People's Bank"),
    }
    for key in ("REG", "TAX"):
        seal_services.seal_issue(department=departments[key])
    licenses = {
        "REG": license_type("business-license", "营业执照", "business license", "YYZZ"),
        "TAX": license_type("tax-registration", "税务登记证明", "tax registration", "SWDJ"),
    }
    articles = MaterialInput(name_zh="公司章程", name_en="Articles of association")
    premises = MaterialInput(name_zh="住所使用证明", name_en="Proof of premises")
    specs = {
        "REG": ("MKT-REG", "企业设立登记", "Company registration", 1, [COMPANY, ADDRESS, SCOPE, HIRE], [articles, premises]),
        "SEAL": ("PSB-SEAL", "公章刻制备案", "Seal engraving", 1, [COMPANY], []),
        "TAX": ("TAX-REG", "新办纳税人涉税事项", "Tax registration", 2, [COMPANY, ADDRESS, SCOPE], []),
        "SOC": ("HRS-SOC", "企业社会保险登记", "Social insurance", 2, [COMPANY, STAFF], []),
        "BANK": ("BNK-ACC", "银行开户", "Bank account", 2, [COMPANY, ADDRESS], [articles]),
    }
    event = LifeEventFactory(code="open-business", name_zh="企业开办", name_en="Opening a business")
    for key, (code, name_zh, name_en, days, fields, materials) in specs.items():
        make_item(
            departments[key], code=code, name_zh=name_zh, name_en=name_en, audience="enterprise",
            promised_limit_days=days, statutory_limit_days=10, fields=fields, materials=materials,
            license_type=licenses.get(key),
        )
    bundle_create(
        actor=None, code="BDL-BIZ", department=departments["REG"],
        terms={"name_zh": "企业开办一件事", "name_en": "Opening a business", "event": event, "promised_limit_days": 2},
        members=[
            MemberInput("MKT-REG"), MemberInput("PSB-SEAL", after_code="MKT-REG"), MemberInput("TAX-REG"),
            MemberInput("HRS-SOC", required=False, condition_key="hire_staff"), MemberInput("BNK-ACC"),
        ],
    )
    publish()
    agent = citizen(real_name="王小明")
    enterprise = EnterpriseFactory(name="葫芦岛海滨食品有限公司")
    MembershipFactory(user=agent, enterprise=enterprise, role=Membership.Role.ADMIN)
    approvers = {key: staff(StaffRole.Role.APPROVER, department) for key, department in departments.items()}
    yield agent, enterprise, approvers
    seal_services.forget_signers()


def approve_at_the_desk(browser, page, live_server, approver, tracking_number):
    context = browser.new_context(viewport=page.viewport_size, base_url=live_server.url, locale="zh-CN")
    without_pdf_viewer(context)
    desk = context.new_page()
    desk.set_default_timeout(15000)
    desk.viewport_name = page.viewport_name
    sign_in(desk, approver.email)
    desk.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    desk.locator("input[name=code]").fill(totp_code())
    with desk.expect_navigation():
        desk.locator("main form button[type=submit]").first.click()
    desk.goto(f"/desk/{tracking_number}/")
    action = desk.locator("#action-approve")
    action.locator("summary").press("Enter")  # keys, not clicks: see desk_action in test_apply_journey
    with desk.expect_navigation():
        action.locator("button[type=submit]").press("Enter")
    expect(desk.locator(".notices")).to_contain_text(tracking_number)
    context.close()


def test_an_agent_opens_a_business_in_one_form_and_gets_every_license_in_one_summary(
    page, browser, live_server, opening_a_business, tmp_path
):
    agent, enterprise, approvers = opening_a_business
    articles, premises = tmp_path / "articles.pdf", tmp_path / "premises.pdf"
    articles.write_bytes(pdf_upload().read())
    premises.write_bytes(pdf_upload().read() + b"%premises\n")

    # The agent acts for the enterprise.
    sign_in(page, agent.email)
    page.goto("/me/")
    page.locator(f"#acting-{enterprise.pk}").check()
    with page.expect_navigation():
        page.locator("form[action='/me/acting-as/'] button[type=submit]").click()

    # The bundle is under its event; its guide says what it includes.
    page.goto("/catalogue/bundles/")
    expect(page.locator("main")).to_contain_text("企业开办")
    check(page, "bundles by event")
    with page.expect_navigation():
        page.locator("a[href='/catalogue/bundles/BDL-BIZ/']").click()
    expect(page.locator("main table")).to_contain_text("公章刻制备案")
    check(page, "bundle guide", "bundle-guide")
    with page.expect_navigation():
        page.locator("a[href='/apply/bundles/BDL-BIZ/']").click()

    # One form: the company's name is prefilled; a question left out is shown, and nothing is lost.
    expect(page.locator("#id_company_name")).to_have_value(enterprise.name)
    assert page.locator("#id_company_name").count() == 1
    page.locator("#id_address").fill("辽宁省葫芦岛市龙港区海滨路1号")
    page.locator("#files-0").set_input_files(str(articles))
    page.locator("#files-1").set_input_files(str(premises))
    check(page, "bundle form", "bundle-form")
    with page.expect_navigation():
        page.locator("main form button[type=submit]:not([name=remove])").last.click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#id_address")).to_have_value("辽宁省葫芦岛市龙港区海滨路1号")
    expect(page.locator("main")).to_contain_text("articles.pdf")
    check(page, "bundle form (error)", "bundle-form-error")
    page.locator("#id_business_scope").fill("食品销售")
    with page.expect_navigation():
        page.locator("main form button[type=submit]:not([name=remove])").last.click()

    # Check and submit.
    expect(page.locator("main")).to_contain_text("食品销售")
    check(page, "bundle check", "bundle-check")
    page.locator("#declaration").check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    bundle = BundleApplication.objects.get()
    assert bundle.applicant_enterprise == enterprise
    expect(page.locator(".status-line")).to_contain_text(bundle.tracking_number)
    expect(page.locator(".status-line")).to_contain_text(bundle.query_code)
    check(page, "bundle page", "bundle-page")

    members = {m.item_version.item.code: m for m in bundle.members.all()}
    assert set(members) == {"MKT-REG", "PSB-SEAL", "TAX-REG", "BNK-ACC"}  # no staff hired: no social insurance

    # Two departments approve at their desks; the others decide too.
    workflow.application_accept(application=members["MKT-REG"], actor=approvers["REG"])
    approve_at_the_desk(browser, page, live_server, approvers["REG"], members["MKT-REG"].tracking_number)
    workflow.application_accept(application=members["TAX-REG"], actor=approvers["TAX"])
    approve_at_the_desk(browser, page, live_server, approvers["TAX"], members["TAX-REG"].tracking_number)
    for code, key in (("PSB-SEAL", "SEAL"), ("BNK-ACC", "BANK")):
        member = bundle.members.get(item_version__item__code=code)  # the seal started after registration
        member = workflow.application_accept(application=member, actor=approvers[key])
        workflow.application_approve(application=member, actor=approvers[key])

    # One summary: both licenses, each sealed by its own department, and the bundle's clock.
    page.reload()
    summary = page.locator("#summary-title").locator("..")
    for license in License.objects.all():
        expect(summary).to_contain_text(license.number)
    assert License.objects.count() == 2
    expect(summary).to_contain_text("市场监督管理局")
    expect(summary).to_contain_text("税务局")
    check(page, "bundle page (complete)", "bundle-complete")
    link = summary.locator("a").first
    number = next(license.number for license in License.objects.all() if license.number in link.inner_text())
    with page.expect_navigation():
        link.click()
    expect(page.locator("main")).to_contain_text(number)  # the license itself, in the wallet
