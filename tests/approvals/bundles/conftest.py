"""Opening a business (企业开办一件事) as a bundle, for the bundle-application tests.

Five items in five departments: company registration (market supervision,
1 working day), seal engraving (public security, 1, after registration),
tax registration (2), social insurance (2, only when the company hires
staff) and a bank account (2). The bundle promises 2 working days: its
longest chain (registration, then the seal) is 1 + 1. The cast is
tests/conftest.py's; time is frozen as in tests/approvals/conftest.py.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from services.bundles import MemberInput, bundle_create
from services.services import MaterialInput
from tests.approvals.conftest import PDF
from tests.factories import DepartmentFactory, staff
from tests.services.factories import LifeEventFactory, make_item, publish

ARTICLES = "公司章程"
PREMISES = "住所使用证明"

COMPANY = {"key": "company_name", "type": "text", "label_zh": "企业名称", "label_en": "Company name"}
ADDRESS = {"key": "address", "type": "address", "label_zh": "住所", "label_en": "Registered address"}
FOUNDER = {"key": "resident_id", "type": "resident_id", "label_zh": "法定代表人身份证号", "label_en": "Representative's resident ID"}
SCOPE = {"key": "scope", "type": "textarea", "label_zh": "经营范围", "label_en": "Business scope"}
HIRE = {"key": "hire_staff", "type": "checkbox", "label_zh": "是否招用员工", "label_en": "Will you hire staff?", "required": False}
STAFF = {"key": "staff_count", "type": "number", "label_zh": "员工人数", "label_en": "Number of staff", "required": False}


def pdf(name="scan.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


class Business:
    """The departments, items, staff and bundle of the opening-a-business world."""

    def __init__(self, market):
        self.departments = {
            "REG": market,
            "SEAL": DepartmentFactory(code="police", name_zh="公安局", name_en="Public Security Bureau"),
            "TAX": DepartmentFactory(code="tax", name_zh="税务局", name_en="Tax Bureau"),
            "SOC": DepartmentFactory(code="hrss", name_zh="人力资源和社会保障局", name_en="Human Resources and Social Security Bureau"),
            "BANK": DepartmentFactory(code="pboc", name_zh="人民银行", name_en="People's Bank"),
        }
        articles = MaterialInput(name_zh=ARTICLES, name_en="Articles of association")
        premises = MaterialInput(name_zh=PREMISES, name_en="Proof of premises")
        specs = {
            "REG": ("MKT-REG", "企业设立登记", 1, [COMPANY, ADDRESS, FOUNDER, SCOPE, HIRE], [articles, premises]),
            "SEAL": ("PSB-SEAL", "公章刻制备案", 1, [COMPANY], []),
            "TAX": ("TAX-REG", "新办纳税人涉税事项", 2, [COMPANY, ADDRESS, FOUNDER], []),
            "SOC": ("HRS-SOC", "企业社会保险登记", 2, [COMPANY, STAFF], []),
            "BANK": ("BNK-ACC", "银行开户", 2, [COMPANY, ADDRESS], [articles]),
        }
        self.event = LifeEventFactory(code="open-business", name_zh="企业开办", name_en="Opening a business")
        self.items = {}
        for key, (code, name, days, fields, materials) in specs.items():
            self.items[key] = make_item(
                self.departments[key],
                code=code,
                name_zh=name,
                name_en=f"{name} (en)",
                audience="person",
                promised_limit_days=days,
                statutory_limit_days=10,
                # Online, or at most one visit to the window.
                online_level="one_visit",
                max_visits=1,
                fields=fields,
                materials=materials,
            )
        self.bundle = bundle_create(
            actor=None,
            code="BDL-BIZ",
            department=market,
            terms={"name_zh": "企业开办一件事", "name_en": "Opening a business", "event": self.event, "promised_limit_days": 2},
            members=[
                MemberInput("MKT-REG"),
                MemberInput("PSB-SEAL", after_code="MKT-REG"),
                MemberInput("TAX-REG"),
                MemberInput("HRS-SOC", required=False, condition_key="hire_staff"),
                MemberInput("BNK-ACC"),
            ],
        )
        publish()
        self.approvers = {key: staff("approver", department) for key, department in self.departments.items()}

    def code(self, key):
        return self.items[key].code

    def answers(self, applicant, **overrides):
        values = {
            "company_name": "葫芦岛海滨食品有限公司",
            "address": "辽宁省葫芦岛市龙港区海滨路1号",
            "resident_id": applicant.person.resident_id,
            "scope": "食品销售",
            "hire_staff": True,
            "staff_count": "5",
        }
        values.update(overrides)
        return values

    @staticmethod
    def uploads():
        return {ARTICLES: [pdf("articles.pdf")], PREMISES: [pdf("premises.pdf", PDF + b"%premises\n")]}

    def member(self, bundle_application, key):
        return bundle_application.members.get(item_version__item__code=self.code(key))


@pytest.fixture
def business(department):
    return Business(department)
