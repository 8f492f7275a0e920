"""Demo license templates: each license-producing demo item gets its layout and printed answers.

Business license (BIZ-001 and other market registrations), construction permit
(HOU-001) and approval letter (BIZ-002) have layouts of their own; every other
type prints with the generic one. Idempotent: it sets the same values each run.
"""

from licenses.models import LicenseType

# code: (template, printed answers as [{"key", optional "label_zh"/"label_en"}])
TEMPLATES = {
    "business-license": (
        LicenseType.Template.BUSINESS_LICENSE,
        [
            {"key": "proposed_name", "label_zh": "登记名称", "label_en": "Registered name"},
            {"key": "enterprise_type", "label_zh": "类型", "label_en": "Type"},
            {"key": "representative_id", "label_zh": "法定代表人身份证号码", "label_en": "Legal representative's ID"},
            {"key": "registered_capital", "label_zh": "注册资本（万元）", "label_en": "Registered capital (10,000 yuan)"},
            {"key": "address", "label_zh": "住所", "label_en": "Registered address"},
            {"key": "business_scope", "label_zh": "经营范围", "label_en": "Business scope"},
        ],
    ),
    "construction-permit": (
        LicenseType.Template.CONSTRUCTION_PERMIT,
        [
            {"key": "project_name", "label_zh": "工程名称", "label_en": "Project"},
            {"key": "project_address", "label_zh": "建设地址", "label_en": "Location"},
            {"key": "floor_area", "label_zh": "建筑面积（平方米）", "label_en": "Floor area (m²)"},
            {"key": "building_height", "label_zh": "建筑高度（米）", "label_en": "Building height (m)"},
            {"key": "contact_name", "label_zh": "联系人", "label_en": "Contact"},
        ],
    ),
    "approval-letter": (
        LicenseType.Template.APPROVAL_LETTER,
        [
            {"key": "project_name", "label_zh": "项目名称", "label_en": "Project"},
            {"key": "project_address", "label_zh": "建设地点", "label_en": "Location"},
            {"key": "total_investment", "label_zh": "总投资（万元）", "label_en": "Total investment (10,000 yuan)"},
        ],
    ),
}


def seed(*, stdout) -> None:
    configured = 0
    for code, (template, printed) in TEMPLATES.items():
        configured += LicenseType.objects.filter(code=code).update(template=template, printed_fields=printed)
    generic = LicenseType.objects.exclude(code__in=TEMPLATES).count()
    stdout.write(f"licenses: {configured} license types with their own layout, {generic} with the generic one")
