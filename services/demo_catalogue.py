"""The demo approval list: a Huludao-like city's items, in Chinese and English.

Plain data; services/demo.py loads it through the list services. Legal bases
name real Chinese laws and regulations; limits and materials are typical of
published lists, not copied from any one of them.
"""

from dataclasses import dataclass, field

EVENTS = [
    # code, Chinese, English, audience
    ("start-business", "开办企业", "Starting a business", "enterprise"),
    ("run-business", "企业经营", "Running a business", "enterprise"),
    ("close-business", "企业注销", "Closing a business", "enterprise"),
    ("building", "工程建设", "Building and construction", "enterprise"),
    ("environment", "环境保护", "Protecting the environment", "enterprise"),
    ("baby", "生育", "Having a baby", "person"),
    ("marriage", "结婚", "Getting married", "person"),
    ("moving", "搬家落户", "Moving house", "person"),
    ("property", "买房卖房", "Buying or selling a home", "person"),
    ("jobs", "就业创业", "Work and jobs", "person"),
    ("retirement", "退休养老", "Retirement and old age", "person"),
    ("social-aid", "社会救助", "Help when times are hard", "person"),
    ("transport", "交通运输", "Transport and vehicles", "both"),
]

LICENSE_TYPES = [
    # code, Chinese, English, number prefix, validity in months (None: no expiry)
    ("business-license", "营业执照", "business license", "YYZZ", None),
    ("construction-permit", "建筑工程施工许可证", "construction permit", "SGXK", None),
    ("approval-letter", "批复", "approval letter", "PF", 24),
    ("food-license", "食品经营许可证", "food business license", "JY", 60),
    ("land-planning-permit", "建设用地规划许可证", "land-use planning permit", "YDGH", None),
    ("works-planning-permit", "建设工程规划许可证", "construction-works planning permit", "GCGH", None),
    ("real-estate-certificate", "不动产权证书", "real estate title certificate", "BDC", None),
    ("presale-permit", "商品房预售许可证", "commercial housing pre-sale permit", "YSXK", None),
    ("special-equipment", "特种设备使用登记证", "special equipment use certificate", "TSSB", None),
    ("residence-permit", "居住证", "residence permit", "JZZ", 12),
    ("no-criminal-record", "无犯罪记录证明", "certificate of no criminal record", "WFZ", 6),
    ("social-security-card", "社会保障卡", "social security card", "SBK", 120),
    ("employment-card", "就业创业证", "employment and entrepreneurship certificate", "JYCY", None),
    ("birth-certificate", "出生医学证明", "medical birth certificate", "CSZM", None),
    ("medical-institution", "医疗机构执业许可证", "medical institution practising license", "YLJG", 60),
    ("hygiene-license", "公共场所卫生许可证", "public venue hygiene license", "WSXK", 48),
    ("road-transport", "道路运输经营许可证", "road transport operating license", "DLYS", 48),
    ("taxi-driver", "出租汽车驾驶员从业资格证", "taxi driver qualification certificate", "CZCJ", 72),
    ("oversize-permit", "超限运输车辆通行证", "oversize vehicle road permit", "CXYS", 3),
    ("pollutant-permit", "排污许可证", "pollutant discharge permit", "PWXK", 60),
    ("hazardous-waste", "危险废物经营许可证", "hazardous waste operating license", "WFJY", 60),
    ("marriage-certificate", "结婚证", "marriage certificate", "JHZ", None),
    ("social-org-certificate", "民办非企业单位登记证书", "social service organisation certificate", "MFQY", 60),
    ("senior-card", "老年人优待证", "senior citizen card", "LNYD", None),
]


def _f(key, type_, zh, en, *, required=True, **rules) -> dict:
    return {"key": key, "type": type_, "label_zh": zh, "label_en": en, "required": required, **rules}


PERSON = [
    _f("applicant_name", "text", "申请人姓名", "Applicant's full name", max_length=60),
    _f("applicant_id", "resident_id", "申请人身份证号码", "Applicant's resident ID number"),
    _f("phone", "phone", "联系电话", "Phone number"),
    _f("address", "address", "联系地址", "Postal address"),
]
ENTERPRISE = [
    _f("enterprise_name", "text", "企业名称", "Enterprise name", max_length=100),
    _f("credit_code", "credit_code", "统一社会信用代码", "Unified social credit code"),
    _f("contact_name", "text", "联系人", "Contact person", max_length=60),
    _f("phone", "phone", "联系电话", "Phone number"),
]
PROJECT = [
    _f("project_name", "text", "项目名称", "Project name", max_length=150),
    _f("project_address", "address", "建设地点", "Project location"),
    _f("total_investment", "number", "总投资（万元）", "Total investment (10,000 yuan)", min_value="0", max_value="10000000"),
]

# Materials used by many items: (Chinese, English, required, license types that stand in)
APPLICATION = ("申请表", "Application form", True, [])
ID_PROOF = ("申请人身份证明", "Applicant's proof of identity", True, [])
POWER_OF_ATTORNEY = ("授权委托书（委托他人办理时提供）", "Power of attorney (if someone applies for you)", False, [])
BUSINESS_LICENSE = ("营业执照", "Business license", True, ["business-license"])
PREMISES = ("经营场所使用证明", "Proof of the right to use the premises", True, ["real-estate-certificate"])


@dataclass
class DemoItem:
    code: str
    department: str
    name_zh: str
    name_en: str
    audience: str
    kind: str
    statutory: int
    promised: int
    online: str
    license: str | None
    events: list[str]
    basis_zh: str
    basis_en: str
    description_zh: str
    description_en: str
    materials: list[tuple] = field(default_factory=list)
    fields: list[dict] = field(default_factory=list)
    fee: str = "0"
    keywords: str = ""


ITEMS = [
    # Business Environment Bureau: the "one application" packages across departments
    DemoItem(
        "BIZ-001", "business", "企业开办（一般企业设立登记）", "Setting up an enterprise (general establishment)",
        "enterprise", "promised", 3, 2, "full_online", "business-license", ["start-business"],
        "《中华人民共和国市场主体登记管理条例》第十九条；《优化营商环境条例》第十九条",
        "Regulations on the Registration of Market Entities, art. 19; Regulations on Optimising the Business Environment, art. 19",
        "一次申请，同步办理营业执照、公章刻制备案、涉税事项、社保登记和银行开户预约，2个工作日内办结，电子营业执照当天可用。",
        "One application covers the business license, company seal filing, tax, social insurance registration and a bank account appointment. Done within 2 working days, with an electronic business license.",
        [
            ("公司登记（备案）申请书", "Company registration (filing) application form", True, []),
            ("公司章程", "Articles of association", True, []),
            ("股东的主体资格证明", "Proof of each shareholder's legal status", True, ["business-license"]),
            ("法定代表人、董事、监事和经理的任职文件及身份证明", "Appointment papers and IDs of the legal representative, directors, supervisors and manager", True, []),
            ("住所使用证明", "Proof of the right to use the registered address", True, ["real-estate-certificate"]),
        ],
        [
            _f("proposed_name", "text", "拟设立企业名称", "Proposed enterprise name", max_length=100),
            _f("enterprise_type", "choice", "企业类型", "Type of enterprise",
               choices="llc | 有限责任公司 | Limited liability company\nsole | 个人独资企业 | Sole proprietorship\npartnership | 合伙企业 | Partnership"),
            _f("registered_capital", "number", "注册资本（万元）", "Registered capital (10,000 yuan)", min_value="0", max_value="1000000"),
            _f("business_scope", "textarea", "经营范围", "Business scope", max_length=1000),
            _f("address", "address", "住所", "Registered address"),
            _f("representative_id", "resident_id", "法定代表人身份证号码", "Legal representative's resident ID number"),
            _f("phone", "phone", "联系电话", "Phone number"),
        ],
        keywords="开公司 注册公司 办执照 设立登记 company registration start a company incorporate",
    ),
    DemoItem(
        "BIZ-002", "business", "市政公用基础设施项目审批", "Approval of municipal public-facilities projects",
        "enterprise", "promised", 20, 5, "one_visit", "approval-letter", ["building"],
        "《政府投资条例》第九条、第十一条；《国务院办公厅关于全面开展工程建设项目审批制度改革的实施意见》（国办发〔2019〕11号）",
        "Regulations on Government Investment, arts. 9 and 11; State Council General Office opinions on reforming construction project approval (2019, No. 11)",
        "道路、供水、排水、燃气、供热等市政公用设施项目，由营商环境建设局牵头并联审批，5个工作日内出具批复。",
        "Roads, water supply, drainage, gas and heating projects: the departments review in parallel, led by the Business Environment Bureau, and the approval letter is issued within 5 working days.",
        [
            ("项目申请报告", "Project application report", True, []),
            ("项目建议书或可行性研究报告", "Project proposal or feasibility study report", True, []),
            ("用地预审与选址意见书", "Land pre-examination and site selection opinion", True, []),
            ("建设单位营业执照或法人证书", "Developer's business license or legal-person certificate", True, ["business-license"]),
        ],
        ENTERPRISE + PROJECT,
        keywords="市政 基础设施 道路 管网 municipal infrastructure public facilities",
    ),
    DemoItem(
        "BIZ-003", "business", "开办餐饮店“一件事”", "Opening a restaurant (one application)",
        "both", "promised", 20, 5, "one_visit", "food-license", ["start-business"],
        "《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》",
        "Food Safety Law, art. 35; Measures for Food Business Licensing and Filing",
        "一次申请办理营业执照变更、食品经营许可和公共场所卫生许可，现场核查一次。",
        "One application for the business license change, the food business license and the hygiene license, with one on-site check.",
        [
            ("食品经营许可申请书", "Food business license application", True, []),
            BUSINESS_LICENSE,
            ("经营场所平面图和设备布局图", "Floor plan and equipment layout of the premises", True, []),
            ("食品安全管理制度", "Food safety management rules", True, []),
        ],
        ENTERPRISE + [_f("premises_address", "address", "经营场所", "Premises address"),
                      _f("seats", "number", "就餐座位数", "Number of seats", min_value="0", max_value="5000")],
        keywords="饭店 餐馆 小吃店 restaurant cafe catering",
    ),
    DemoItem(
        "BIZ-004", "business", "企业简易注销", "Simplified deregistration of an enterprise",
        "enterprise", "promised", 3, 1, "full_online", None, ["close-business"],
        "《中华人民共和国市场主体登记管理条例》第三十三条",
        "Regulations on the Registration of Market Entities, art. 33",
        "未发生债权债务或已清偿完毕的企业，公示20日无异议后1个工作日内办结注销，税务、社保同步办理。公示期不计入时限。",
        "For enterprises without outstanding debts: after a 20-day public notice without objection, deregistration is done within 1 working day, with tax and social insurance handled at the same time. The notice period does not count.",
        [
            ("简易注销登记申请书", "Simplified deregistration application", True, []),
            ("全体投资人承诺书", "Undertaking signed by all investors", True, []),
            BUSINESS_LICENSE,
        ],
        ENTERPRISE,
        keywords="注销公司 关闭企业 close a company deregister",
    ),
    # Market Supervision Administration
    DemoItem(
        "MKT-001", "market", "个体工商户设立登记", "Registering an individual business",
        "person", "instant", 3, 0, "full_online", "business-license", ["start-business", "jobs"],
        "《促进个体工商户发展条例》；《中华人民共和国市场主体登记管理条例》第十九条",
        "Regulations on Promoting the Development of Individual Businesses; Regulations on the Registration of Market Entities, art. 19",
        "材料齐全即当场登记，发放电子营业执照。",
        "Registered at once when the documents are complete, with an electronic business license.",
        [("个体工商户登记申请书", "Individual business registration application", True, []), ID_PROOF, PREMISES],
        PERSON + [_f("business_name", "text", "字号名称", "Trade name", required=False, max_length=60),
                  _f("business_scope", "textarea", "经营范围", "Business scope", max_length=500)],
        keywords="个体户 小店 摆摊 self-employed small shop",
    ),
    DemoItem(
        "MKT-002", "market", "企业变更登记", "Changing an enterprise's registration",
        "enterprise", "promised", 3, 1, "full_online", "business-license", ["run-business"],
        "《中华人民共和国市场主体登记管理条例》第二十四条",
        "Regulations on the Registration of Market Entities, art. 24",
        "名称、住所、注册资本、经营范围、法定代表人等事项变更，换发营业执照。",
        "Changes of name, address, registered capital, business scope or legal representative; a new business license is issued.",
        [("变更登记申请书", "Change of registration application", True, []),
         ("变更决议或决定", "Resolution or decision on the change", True, []), BUSINESS_LICENSE],
        ENTERPRISE + [
            _f("change_type", "choice", "变更事项", "What changes",
               choices="name | 名称 | Name\naddress | 住所 | Address\ncapital | 注册资本 | Registered capital\nscope | 经营范围 | Business scope\nrepresentative | 法定代表人 | Legal representative"),
            _f("change_detail", "textarea", "变更内容", "The change in detail", max_length=1000),
        ],
    ),
    DemoItem(
        "MKT-003", "market", "企业注销登记（一般程序）", "Deregistering an enterprise (general procedure)",
        "enterprise", "promised", 3, 2, "full_online", None, ["close-business"],
        "《中华人民共和国市场主体登记管理条例》第三十一条、第三十二条",
        "Regulations on the Registration of Market Entities, arts. 31 and 32",
        "清算完成后申请注销登记，营业执照收回作废。",
        "After liquidation, apply to deregister; the business license is withdrawn.",
        [("注销登记申请书", "Deregistration application", True, []), ("清算报告", "Liquidation report", True, []), BUSINESS_LICENSE],
        ENTERPRISE,
    ),
    DemoItem(
        "MKT-004", "market", "食品经营许可证核发", "Issuing a food business license",
        "both", "promised", 20, 10, "one_visit", "food-license", ["start-business", "run-business"],
        "《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》",
        "Food Safety Law, art. 35; Measures for Food Business Licensing and Filing",
        "从事食品销售和餐饮服务须取得食品经营许可；需要现场核查的，核查一次。",
        "Selling food or serving meals needs a food business license; where an on-site check is needed, there is one.",
        [("食品经营许可申请书", "Food business license application", True, []), BUSINESS_LICENSE,
         ("经营场所平面图和设备布局图", "Floor plan and equipment layout of the premises", True, []),
         ("食品安全管理制度", "Food safety management rules", True, [])],
        ENTERPRISE + [_f("premises_address", "address", "经营场所", "Premises address")],
        keywords="食品许可 餐饮许可 food license",
    ),
    DemoItem(
        "MKT-005", "market", "特种设备使用登记", "Registering the use of special equipment",
        "enterprise", "promised", 15, 5, "full_online", "special-equipment", ["run-business"],
        "《中华人民共和国特种设备安全法》第三十三条",
        "Special Equipment Safety Law, art. 33",
        "锅炉、压力容器、电梯、起重机械等特种设备投入使用前或投入使用后30日内办理使用登记。",
        "Boilers, pressure vessels, lifts and cranes are registered before use or within 30 days of entering service.",
        [("特种设备使用登记表", "Special equipment use registration form", True, []), BUSINESS_LICENSE,
         ("产品合格证和监督检验证明", "Product certificate and inspection certificate", True, [])],
        ENTERPRISE + [_f("equipment_type", "choice", "设备类别", "Kind of equipment",
                         choices="boiler | 锅炉 | Boiler\nvessel | 压力容器 | Pressure vessel\nlift | 电梯 | Lift\ncrane | 起重机械 | Crane")],
        keywords="电梯 锅炉 elevator lift boiler",
    ),
    DemoItem(
        "MKT-006", "market", "食品小作坊登记", "Registering a small food workshop",
        "both", "promised", 20, 7, "one_visit", None, ["start-business"],
        "《中华人民共和国食品安全法》第三十六条",
        "Food Safety Law, art. 36",
        "从事食品生产加工的小作坊，经现场核查后登记。",
        "Small workshops that make or process food are registered after one on-site check.",
        [APPLICATION, ID_PROOF, PREMISES, ("生产工艺流程说明", "Description of the production process", True, [])],
        PERSON + [_f("products", "textarea", "生产品种", "Products made", max_length=500)],
    ),
    # Housing and Urban-Rural Development Bureau
    DemoItem(
        "HOU-001", "housing", "社会投资小型低风险建设项目施工许可", "Building permit for small low-risk construction projects",
        "enterprise", "promised", 45, 30, "one_visit", "construction-permit", ["building"],
        "《中华人民共和国建筑法》第七条、第八条；《建筑工程施工许可管理办法》",
        "Construction Law, arts. 7 and 8; Measures for the Administration of Construction Permits",
        "建筑面积不超过2000平方米、高度不超过24米的社会投资仓库和厂房等项目，从立项到施工许可全流程30个工作日内办结。",
        "Privately funded warehouses and workshops of up to 2,000 m² and 24 m high: the whole process from project filing to construction permit takes at most 30 working days.",
        [("建筑工程施工许可申请表", "Construction permit application form", True, []),
         ("建设工程规划许可证", "Construction-works planning permit", True, ["works-planning-permit"]),
         ("施工合同", "Construction contract", True, []),
         ("施工图审查承诺书", "Written commitment on the design review", True, []),
         ("建设单位营业执照", "Developer's business license", True, ["business-license"])],
        ENTERPRISE + PROJECT[:2] + [
            _f("floor_area", "number", "建筑面积（平方米）", "Floor area (m²)", min_value="1", max_value="2000"),
            _f("building_height", "number", "建筑高度（米）", "Building height (m)", min_value="1", max_value="24"),
        ],
        keywords="低风险 小型项目 仓库 厂房 施工许可 warehouse workshop building permit",
    ),
    DemoItem(
        "HOU-002", "housing", "建筑工程施工许可证核发", "Issuing a construction permit",
        "enterprise", "promised", 7, 3, "one_visit", "construction-permit", ["building"],
        "《中华人民共和国建筑法》第七条、第八条；《建筑工程施工许可管理办法》",
        "Construction Law, arts. 7 and 8; Measures for the Administration of Construction Permits",
        "工程投资额在30万元以上或建筑面积在300平方米以上的建筑工程，开工前申领施工许可证。",
        "Construction works of over 300,000 yuan or over 300 m² need a construction permit before work starts.",
        [("建筑工程施工许可申请表", "Construction permit application form", True, []),
         ("建设工程规划许可证", "Construction-works planning permit", True, ["works-planning-permit"]),
         ("施工合同", "Construction contract", True, []),
         ("建设资金落实承诺书", "Commitment that the funds are in place", True, [])],
        ENTERPRISE + PROJECT,
        keywords="施工许可证 开工 construction permit",
    ),
    DemoItem(
        "HOU-003", "housing", "商品房预售许可", "Pre-sale permit for commercial housing",
        "enterprise", "promised", 10, 5, "one_visit", "presale-permit", ["building", "run-business"],
        "《中华人民共和国城市房地产管理法》第四十五条；《城市商品房预售管理办法》第七条",
        "Urban Real Estate Administration Law, art. 45; Measures for the Pre-sale of Urban Commercial Housing, art. 7",
        "房地产开发企业预售商品房前申领预售许可证。",
        "Developers apply before selling homes that are not yet built.",
        [("商品房预售许可申请表", "Pre-sale permit application", True, []), BUSINESS_LICENSE,
         ("不动产权证书（土地）", "Real estate title certificate (land)", True, ["real-estate-certificate"]),
         ("建设工程规划许可证", "Construction-works planning permit", True, ["works-planning-permit"]),
         ("建筑工程施工许可证", "Construction permit", True, ["construction-permit"]),
         ("商品房预售方案", "Pre-sale plan", True, [])],
        ENTERPRISE + [_f("project_name", "text", "项目名称", "Project name", max_length=150),
                      _f("presale_area", "number", "预售面积（平方米）", "Pre-sale floor area (m²)", min_value="1", max_value="1000000")],
        keywords="预售证 楼盘 pre-sale housing",
    ),
    DemoItem(
        "HOU-004", "housing", "住房租赁合同登记备案", "Registering a housing lease",
        "person", "instant", 3, 0, "full_online", None, ["moving"],
        "《商品房屋租赁管理办法》第十四条、第十九条",
        "Measures for the Administration of Commercial Housing Leases, arts. 14 and 19",
        "出租人和承租人在线签约备案，当场办结，可用于办理居住证。",
        "Landlord and tenant file the lease online and it is done at once; the filing counts for a residence permit.",
        [("房屋租赁合同", "Lease contract", True, []), ID_PROOF,
         ("房屋权属证明", "Proof of ownership of the home", True, ["real-estate-certificate"])],
        PERSON + [_f("rental_address", "address", "房屋地址", "Address of the home"),
                  _f("monthly_rent", "number", "月租金（元）", "Monthly rent (yuan)", min_value="0", max_value="1000000"),
                  _f("lease_start", "date", "租期开始日期", "Lease start date")],
        keywords="租房 备案 rent lease tenancy",
    ),
    DemoItem(
        "HOU-005", "housing", "建筑业企业资质核准", "Approving a construction enterprise's qualification",
        "enterprise", "promised", 20, 10, "one_visit", None, ["run-business"],
        "《中华人民共和国建筑法》第十三条；《建筑业企业资质管理规定》",
        "Construction Law, art. 13; Provisions on Construction Enterprise Qualifications",
        "施工总承包、专业承包三级资质等的核准。",
        "Approval of third-grade general and specialised contracting qualifications.",
        [("建筑业企业资质申请表", "Qualification application form", True, []), BUSINESS_LICENSE,
         ("技术负责人和注册人员证明", "Proof of the technical lead and registered staff", True, [])],
        ENTERPRISE + [_f("qualification", "text", "申请资质类别和等级", "Qualification and grade applied for", max_length=100)],
    ),
    # Natural Resources Bureau
    DemoItem(
        "NRS-001", "natres", "建设用地规划许可证核发", "Issuing a land-use planning permit",
        "enterprise", "promised", 20, 5, "one_visit", "land-planning-permit", ["building"],
        "《中华人民共和国城乡规划法》第三十七条、第三十八条",
        "Urban and Rural Planning Law, arts. 37 and 38",
        "以出让或划拨方式取得国有土地使用权的建设项目，申领建设用地规划许可证。",
        "Projects on state-owned land, whether granted or allocated, need a land-use planning permit.",
        [APPLICATION, BUSINESS_LICENSE, ("国有建设用地使用权出让合同或划拨决定书", "Land grant contract or allocation decision", True, []),
         ("宗地图", "Parcel map", True, [])],
        ENTERPRISE + PROJECT[:2],
        keywords="用地规划 land planning",
    ),
    DemoItem(
        "NRS-002", "natres", "建设工程规划许可证核发", "Issuing a construction-works planning permit",
        "enterprise", "promised", 20, 5, "full_online", "works-planning-permit", ["building"],
        "《中华人民共和国城乡规划法》第四十条",
        "Urban and Rural Planning Law, art. 40",
        "建筑物、构筑物、道路、管线等工程建设前，申领建设工程规划许可证。",
        "Buildings, structures, roads and pipelines need a construction-works planning permit before construction.",
        [APPLICATION, BUSINESS_LICENSE,
         ("建设用地规划许可证", "Land-use planning permit", True, ["land-planning-permit"]),
         ("建设工程设计方案", "Design scheme of the works", True, [])],
        ENTERPRISE + PROJECT[:2] + [_f("floor_area", "number", "总建筑面积（平方米）", "Total floor area (m²)", min_value="1", max_value="10000000")],
        keywords="工程规划 规划许可 planning permit",
    ),
    DemoItem(
        "NRS-003", "natres", "二手房转移登记", "Registering the transfer of a second-hand home",
        "both", "promised", 30, 5, "one_visit", "real-estate-certificate", ["property", "moving"],
        "《不动产登记暂行条例》第十四条、第二十条",
        "Interim Regulations on Real Estate Registration, arts. 14 and 20",
        "买卖双方一次到场签字确认，税费同步缴纳，5个工作日内发放不动产权证书。",
        "Buyer and seller sign once in person, taxes are paid at the same time, and the title certificate is issued within 5 working days.",
        [("不动产登记申请书", "Real estate registration application", True, []), ID_PROOF,
         ("不动产权证书", "Real estate title certificate", True, ["real-estate-certificate"]),
         ("房屋买卖合同", "Sale contract", True, []), ("完税凭证", "Tax payment receipt", True, [])],
        PERSON + [_f("property_address", "address", "房屋坐落", "Address of the property"),
                  _f("price", "number", "成交价格（元）", "Sale price (yuan)", min_value="1", max_value="1000000000")],
        fee="80",
        keywords="过户 房产证 买房 卖房 home transfer title deed",
    ),
    DemoItem(
        "NRS-004", "natres", "不动产登记资料查询", "Searching real estate registration records",
        "both", "instant", 5, 0, "full_online", None, ["property"],
        "《不动产登记暂行条例》第二十七条；《不动产登记资料查询暂行办法》",
        "Interim Regulations on Real Estate Registration, art. 27; Interim Measures on Searching Real Estate Registration Records",
        "权利人和利害关系人在线查询不动产登记结果，当场出具查询结果。",
        "Owners and interested parties search the register online and get the result at once.",
        [ID_PROOF],
        PERSON + [_f("property_address", "address", "不动产坐落", "Address of the property")],
        keywords="查档 房产查询 property search",
    ),
    DemoItem(
        "NRS-005", "natres", "国有建设用地使用权首次登记", "First registration of state-owned construction land rights",
        "enterprise", "promised", 30, 5, "one_visit", "real-estate-certificate", ["building"],
        "《不动产登记暂行条例》第十四条；《不动产登记暂行条例实施细则》",
        "Interim Regulations on Real Estate Registration, art. 14, and their implementing rules",
        "取得国有建设用地使用权后办理首次登记，发放不动产权证书。",
        "After obtaining state-owned land rights, register them for the first time and receive the title certificate.",
        [("不动产登记申请书", "Real estate registration application", True, []), BUSINESS_LICENSE,
         ("土地出让合同及价款缴清证明", "Land grant contract and proof of full payment", True, [])],
        ENTERPRISE + [_f("parcel_address", "address", "宗地坐落", "Location of the land parcel")],
        fee="550",
    ),
    # Development and Reform Commission
    DemoItem(
        "DRC-001", "devreform", "企业投资项目备案", "Filing an enterprise investment project",
        "enterprise", "instant", 1, 0, "full_online", None, ["building", "start-business"],
        "《企业投资项目核准和备案管理条例》第十三条、第十四条",
        "Regulations on the Approval and Filing of Enterprise Investment Projects, arts. 13 and 14",
        "在线平台填报项目信息即完成备案，当场生成项目代码。",
        "Enter the project's details online and the filing is done, with a project code at once.",
        [],
        ENTERPRISE + PROJECT + [_f("construction_scale", "textarea", "建设规模和内容", "Scale and content of the works", max_length=1000)],
        keywords="项目备案 立项 project filing",
    ),
    DemoItem(
        "DRC-002", "devreform", "企业投资项目核准", "Approving an enterprise investment project",
        "enterprise", "promised", 20, 10, "one_visit", "approval-letter", ["building"],
        "《企业投资项目核准和备案管理条例》第六条、第十条",
        "Regulations on the Approval and Filing of Enterprise Investment Projects, arts. 6 and 10",
        "列入政府核准的投资项目目录的企业投资项目，报送项目申请书核准。",
        "Enterprise projects listed in the government's catalogue of projects for approval submit an application report.",
        [("项目申请书", "Project application report", True, []), BUSINESS_LICENSE,
         ("用地预审与选址意见书", "Land pre-examination and site selection opinion", True, [])],
        ENTERPRISE + PROJECT,
        keywords="项目核准 project approval",
    ),
    DemoItem(
        "DRC-003", "devreform", "政府投资项目可行性研究报告审批", "Approving the feasibility study of a government-funded project",
        "enterprise", "promised", 20, 10, "one_visit", "approval-letter", ["building"],
        "《政府投资条例》第九条、第十一条",
        "Regulations on Government Investment, arts. 9 and 11",
        "政府投资项目的项目单位报送可行性研究报告审批。",
        "Units running government-funded projects submit the feasibility study for approval.",
        [("可行性研究报告", "Feasibility study report", True, []), ("项目建议书批复", "Approval of the project proposal", True, ["approval-letter"])],
        ENTERPRISE + PROJECT,
        keywords="可研 可研批复 feasibility study",
    ),
    DemoItem(
        "DRC-004", "devreform", "固定资产投资项目节能审查", "Energy-saving review of a fixed-asset investment project",
        "enterprise", "promised", 20, 10, "full_online", "approval-letter", ["building", "environment"],
        "《固定资产投资项目节能审查办法》",
        "Measures for the Energy-Saving Review of Fixed-Asset Investment Projects",
        "年综合能源消费量达到规定标准的项目，开工前取得节能审查意见。",
        "Projects above the energy-use threshold need the energy-saving review opinion before work starts.",
        [("节能报告", "Energy-saving report", True, []), BUSINESS_LICENSE],
        ENTERPRISE + PROJECT[:2] + [_f("energy_use", "number", "年综合能源消费量（吨标准煤）", "Yearly energy use (tonnes of standard coal)", min_value="0", max_value="10000000")],
    ),
    # Public Security Bureau
    DemoItem(
        "PSB-001", "police", "居住证申领", "Applying for a residence permit",
        "person", "promised", 15, 7, "one_visit", "residence-permit", ["moving", "jobs"],
        "《居住证暂行条例》第二条、第九条、第十条",
        "Interim Regulations on Residence Permits, arts. 2, 9 and 10",
        "在本市居住半年以上、有合法稳定就业、住所或连续就读的，可以申领居住证；首次申领需到场采集照片和指纹一次。",
        "People who have lived in the city for six months with a job, a home or a school place may apply; the first application needs one visit for a photo and fingerprints.",
        [ID_PROOF, ("居住证明（房屋租赁备案、房产证明等）", "Proof of residence (registered lease, property papers, etc.)", True, ["real-estate-certificate"]),
         ("就业或就读证明", "Proof of work or study", False, [])],
        PERSON,
        keywords="暂住证 居住证 residence permit hukou",
    ),
    DemoItem(
        "PSB-002", "police", "居民身份证换领", "Renewing a resident identity card",
        "person", "promised", 40, 15, "one_visit", None, ["moving"],
        "《中华人民共和国居民身份证法》第十条、第十一条",
        "Resident Identity Card Law, arts. 10 and 11",
        "有效期满或证件损坏的换领新证；到场采集照片和指纹一次，新证可邮寄到家。",
        "Renew a card that has expired or is damaged; one visit for the photo and fingerprints, and the new card can be posted to you.",
        [ID_PROOF, ("原居民身份证", "The old identity card", True, [])],
        PERSON,
        fee="20",
        keywords="身份证 换证 ID card renewal",
    ),
    DemoItem(
        "PSB-003", "police", "户口市内迁移", "Moving a household registration within the city",
        "person", "instant", 5, 0, "one_visit", None, ["moving", "property"],
        "《中华人民共和国户口登记条例》第十条、第十八条",
        "Regulations on Household Registration, arts. 10 and 18",
        "在市内购房或投靠亲属的，迁入地派出所当场办理，无需回原籍开具迁出证明。",
        "Moving within the city to a home you bought or to relatives: done at once at the new police station, with no trip back for a move-out certificate.",
        [ID_PROOF, ("居民户口簿", "Household register booklet", True, []),
         ("合法稳定住所证明", "Proof of a lawful, stable home", True, ["real-estate-certificate"])],
        PERSON,
        keywords="迁户口 落户 hukou transfer",
    ),
    DemoItem(
        "PSB-004", "police", "无犯罪记录证明开具", "Certificate of no criminal record",
        "person", "promised", 3, 1, "full_online", "no-criminal-record", ["jobs"],
        "《公安机关办理犯罪记录查询工作规定》（公通字〔2021〕19号）",
        "Rules on Criminal Record Checks by Public Security Organs (2021, No. 19)",
        "在线申请，1个工作日内出具电子证明。",
        "Apply online and receive the electronic certificate within 1 working day.",
        [ID_PROOF],
        PERSON + [_f("purpose", "choice", "用途", "What it is for",
                     choices="job | 就业 | A job\nstudy | 入学 | Study\nvisa | 出国 | Travel abroad\nother | 其他 | Other")],
        keywords="无犯罪证明 良民证 police clearance criminal record",
    ),
    DemoItem(
        "PSB-005", "police", "公章刻制备案", "Filing a company seal engraving",
        "enterprise", "instant", 1, 0, "full_online", None, ["start-business"],
        "《国务院关于第三批取消中央指定地方实施行政许可事项的决定》（国发〔2017〕7号）",
        "State Council decision cancelling the third batch of centrally designated local licensing items (2017, No. 7)",
        "企业开办时同步完成，刻制单位在线备案，当场办结。",
        "Done together with setting up an enterprise: the engraver files online and it is complete at once.",
        [BUSINESS_LICENSE],
        ENTERPRISE,
        keywords="刻章 公章 印章 company seal chop",
    ),
    # Human Resources and Social Security Bureau
    DemoItem(
        "HRS-001", "hrss", "社会保障卡申领", "Applying for a social security card",
        "person", "promised", 20, 5, "full_online", "social-security-card", ["jobs"],
        "《中华人民共和国社会保险法》第五十八条",
        "Social Insurance Law, art. 58",
        "在线申领，实体卡邮寄到家，电子社保卡即时可用。",
        "Apply online; the card is posted to you and the electronic card works at once.",
        [ID_PROOF, ("近期免冠照片", "A recent photo", True, [])],
        PERSON,
        keywords="社保卡 医保卡 social security card",
    ),
    DemoItem(
        "HRS-002", "hrss", "失业保险金申领", "Claiming unemployment insurance benefit",
        "person", "promised", 10, 3, "full_online", None, ["jobs"],
        "《失业保险条例》第十四条、第十六条",
        "Regulations on Unemployment Insurance, arts. 14 and 16",
        "非因本人意愿中断就业且已参保缴费满1年的，在线申领失业保险金。",
        "People who lost their job through no choice of their own, after at least a year of contributions, claim online.",
        [ID_PROOF, ("解除或终止劳动关系证明", "Proof that the employment ended", True, [])],
        PERSON + [_f("bank_account", "text", "社会保障卡金融账户", "Bank account of your social security card", max_length=30, regex=r"^\d{12,30}$")],
        keywords="失业金 unemployment benefit",
    ),
    DemoItem(
        "HRS-003", "hrss", "就业创业证申领", "Applying for an employment and entrepreneurship certificate",
        "person", "instant", 5, 0, "full_online", "employment-card", ["jobs", "start-business"],
        "《就业服务与就业管理规定》第六十三条",
        "Provisions on Employment Services and Employment Management, art. 63",
        "用于享受就业创业扶持政策，在线申领，当场发放电子证。",
        "Needed for employment and start-up support; apply online and receive the electronic certificate at once.",
        [ID_PROOF],
        PERSON,
        keywords="就业登记 失业登记 employment certificate",
    ),
    DemoItem(
        "HRS-004", "hrss", "企业职工基本养老保险待遇申领", "Claiming a basic pension on retirement",
        "person", "promised", 20, 10, "one_visit", None, ["retirement"],
        "《中华人民共和国社会保险法》第十六条",
        "Social Insurance Law, art. 16",
        "达到法定退休年龄且累计缴费满15年的，申领按月领取的基本养老金。",
        "People of retirement age with at least 15 years of contributions claim their monthly basic pension.",
        [ID_PROOF, ("职工档案", "Personnel file", True, [])],
        PERSON,
        keywords="退休 养老金 pension retire",
    ),
    DemoItem(
        "HRS-005", "hrss", "职业技能培训补贴申领", "Claiming a vocational training subsidy",
        "both", "promised", 20, 10, "full_online", None, ["jobs"],
        "《国务院关于推行终身职业技能培训制度的意见》（国发〔2018〕11号）",
        "State Council opinions on lifelong vocational skills training (2018, No. 11)",
        "参加培训并取得职业资格证书或职业技能等级证书的，申领培训补贴。",
        "After training and a vocational certificate, claim the training subsidy.",
        [ID_PROOF, ("职业技能等级证书", "Vocational skill certificate", True, [])],
        PERSON,
        keywords="培训补贴 技能补贴 training subsidy",
    ),
    # Health Commission
    DemoItem(
        "HLT-001", "health", "生育登记", "Registering a birth",
        "person", "instant", 1, 0, "full_online", None, ["baby"],
        "《辽宁省人口与计划生育条例》",
        "Liaoning Provincial Regulations on Population and Family Planning",
        "在线登记，当场办结，用于孕产期保健和生育保险待遇。",
        "Register online; done at once. It gives access to pregnancy care and maternity insurance benefits.",
        [ID_PROOF],
        PERSON + [_f("due_date", "date", "预产期", "Expected date of birth")],
        keywords="生孩子 准生证 生育服务 maternity pregnancy",
    ),
    DemoItem(
        "HLT-002", "health", "出生医学证明首次签发", "First issue of a medical birth certificate",
        "person", "instant", 1, 0, "offline", "birth-certificate", ["baby"],
        "《中华人民共和国母婴保健法》第二十三条",
        "Maternal and Infant Health Care Law, art. 23",
        "由助产医院在新生儿出院前当场签发，父母在医院办理。",
        "The hospital where the baby was born issues it before the baby goes home; parents apply at the hospital.",
        [("父母双方身份证明", "Both parents' proof of identity", True, []), ("新生儿出生信息", "The baby's birth details", True, [])],
        PERSON,
        keywords="出生证 birth certificate newborn",
    ),
    DemoItem(
        "HLT-003", "health", "医疗机构执业登记", "Practising registration of a medical institution",
        "enterprise", "promised", 45, 20, "one_visit", "medical-institution", ["start-business"],
        "《医疗机构管理条例》第十五条、第十六条",
        "Regulations on the Administration of Medical Institutions, arts. 15 and 16",
        "诊所、门诊部等医疗机构执业前办理登记，现场审核一次。",
        "Clinics and outpatient departments register before opening, with one on-site review.",
        [("医疗机构执业登记申请书", "Practising registration application", True, []), BUSINESS_LICENSE,
         ("医疗机构用房产权证明或使用证明", "Proof of ownership or use of the building", True, ["real-estate-certificate"]),
         ("医务人员资格证书", "Medical staff qualifications", True, [])],
        ENTERPRISE + [_f("institution_type", "choice", "机构类别", "Kind of institution",
                         choices="clinic | 诊所 | Clinic\noutpatient | 门诊部 | Outpatient department\nhospital | 医院 | Hospital")],
        keywords="诊所 开诊所 clinic",
    ),
    DemoItem(
        "HLT-004", "health", "公共场所卫生许可", "Hygiene license for a public venue",
        "enterprise", "promised", 20, 5, "one_visit", "hygiene-license", ["start-business", "run-business"],
        "《公共场所卫生管理条例》第八条",
        "Regulations on Hygiene in Public Places, art. 8",
        "宾馆、浴室、美容美发、游泳场所等开业前取得卫生许可证。",
        "Hotels, bathhouses, beauty salons and swimming pools need a hygiene license before they open.",
        [("卫生许可申请表", "Hygiene license application", True, []), BUSINESS_LICENSE,
         ("卫生管理制度", "Hygiene management rules", True, []), ("场所平面布局图", "Floor plan of the venue", True, [])],
        ENTERPRISE + [_f("venue_type", "choice", "场所类别", "Kind of venue",
                         choices="hotel | 住宿 | Hotel\nbath | 沐浴 | Bathhouse\nbeauty | 美容美发 | Beauty salon\npool | 游泳 | Swimming pool")],
        keywords="卫生许可证 宾馆 美容 hotel salon hygiene",
    ),
    DemoItem(
        "HLT-005", "health", "母婴保健技术服务执业许可", "License for maternal and infant health services",
        "enterprise", "promised", 20, 15, "offline", None, ["baby"],
        "《中华人民共和国母婴保健法》第三十二条；《母婴保健法实施办法》",
        "Maternal and Infant Health Care Law, art. 32, and its implementing measures",
        "医疗机构开展婚前医学检查、助产技术等服务的许可，需现场提交原件并接受评审。",
        "License for hospitals offering premarital check-ups and midwifery; originals are checked at the window and the service is assessed.",
        [APPLICATION, ("医疗机构执业许可证", "Medical institution practising license", True, ["medical-institution"]),
         ("技术人员资格证明", "Staff qualifications", True, [])],
        ENTERPRISE,
    ),
    # Transport Bureau
    DemoItem(
        "TRN-001", "transport", "道路货物运输经营许可", "License for road freight transport",
        "both", "promised", 20, 5, "full_online", "road-transport", ["start-business", "transport"],
        "《中华人民共和国道路运输条例》第二十一条、第二十四条",
        "Regulations on Road Transport, arts. 21 and 24",
        "使用总质量4500千克以上普通货运车辆从事经营的，申领道路运输经营许可证。",
        "Operating freight vehicles of more than 4,500 kg needs a road transport operating license.",
        [APPLICATION, BUSINESS_LICENSE, ("车辆行驶证", "Vehicle registration certificates", True, []),
         ("驾驶员从业资格证", "Drivers' qualification certificates", True, [])],
        ENTERPRISE + [_f("vehicles", "number", "车辆数", "Number of vehicles", min_value="1", max_value="10000")],
        keywords="货运 运输许可 trucking freight haulage",
    ),
    DemoItem(
        "TRN-002", "transport", "出租汽车驾驶员从业资格证核发", "Taxi driver qualification certificate",
        "person", "promised", 10, 5, "one_visit", "taxi-driver", ["jobs", "transport"],
        "《出租汽车驾驶员从业资格管理规定》",
        "Provisions on the Qualification of Taxi Drivers",
        "考试合格后核发从业资格证，到考点参加考试一次。",
        "Issued after passing the exam; one visit to the exam centre.",
        [ID_PROOF, ("机动车驾驶证", "Driving license", True, []), ("无犯罪记录证明", "Certificate of no criminal record", True, ["no-criminal-record"])],
        PERSON,
        keywords="网约车 出租车 taxi ride-hailing driver",
    ),
    DemoItem(
        "TRN-003", "transport", "超限运输车辆行驶公路许可", "Permit for oversize vehicles on public roads",
        "both", "promised", 5, 2, "full_online", "oversize-permit", ["transport"],
        "《公路安全保护条例》第三十五条、第三十六条；《超限运输车辆行驶公路管理规定》",
        "Regulations on Highway Safety Protection, arts. 35 and 36; Provisions on Oversize Vehicles on Public Roads",
        "运载不可解体物品的超限车辆上路前在线申请通行证。",
        "Oversize vehicles carrying indivisible loads apply online for a permit before driving on public roads.",
        [APPLICATION, ("车辆行驶证", "Vehicle registration certificate", True, []), ("货物说明和运输路线", "Load description and route", True, [])],
        PERSON + [_f("route", "textarea", "行驶路线", "Route", max_length=500),
                  _f("travel_date", "date", "通行日期", "Date of travel")],
        keywords="大件运输 超限 oversize load",
    ),
    DemoItem(
        "TRN-004", "transport", "道路旅客运输经营许可", "License for road passenger transport",
        "enterprise", "promised", 20, 10, "one_visit", "road-transport", ["transport", "start-business"],
        "《中华人民共和国道路运输条例》第八条、第十条",
        "Regulations on Road Transport, arts. 8 and 10",
        "从事班车、包车客运经营的企业申领许可。",
        "Companies running scheduled or charter coach services apply for the license.",
        [APPLICATION, BUSINESS_LICENSE, ("客运车辆和驾驶员情况", "Details of coaches and drivers", True, []),
         ("安全生产管理制度", "Safety management rules", True, [])],
        ENTERPRISE,
        keywords="客运 班车 包车 coach bus",
    ),
    # Ecology and Environment Bureau
    DemoItem(
        "ECO-001", "ecology", "建设项目环境影响报告表审批", "Approving the environmental impact form of a construction project",
        "enterprise", "promised", 30, 10, "full_online", "approval-letter", ["building", "environment"],
        "《中华人民共和国环境影响评价法》第二十二条",
        "Environmental Impact Assessment Law, art. 22",
        "编制环境影响报告表的建设项目，开工前取得审批意见。",
        "Construction projects that need an environmental impact form get the approval before work starts.",
        [("环境影响报告表", "Environmental impact form", True, []), BUSINESS_LICENSE],
        ENTERPRISE + PROJECT[:2],
        keywords="环评 环境影响评价 EIA environmental impact",
    ),
    DemoItem(
        "ECO-002", "ecology", "排污许可证核发", "Issuing a pollutant discharge permit",
        "enterprise", "promised", 20, 10, "full_online", "pollutant-permit", ["environment", "run-business"],
        "《排污许可管理条例》第八条、第十三条",
        "Regulations on the Administration of Pollutant Discharge Permits, arts. 8 and 13",
        "实行排污许可重点管理和简化管理的排污单位，在线申领排污许可证。",
        "Units under key or simplified permit management apply online for a discharge permit.",
        [("排污许可证申请表", "Discharge permit application", True, []), BUSINESS_LICENSE,
         ("环境影响评价审批文件", "Environmental impact approval", True, ["approval-letter"])],
        ENTERPRISE,
        keywords="排污 废水 废气 discharge emissions",
    ),
    DemoItem(
        "ECO-003", "ecology", "危险废物经营许可证核发", "License for hazardous waste operations",
        "enterprise", "promised", 20, 20, "offline", "hazardous-waste", ["environment"],
        "《中华人民共和国固体废物污染环境防治法》第八十条；《危险废物经营许可证管理办法》",
        "Law on the Prevention of Environmental Pollution by Solid Waste, art. 80; Measures for Hazardous Waste Operating Licenses",
        "从事危险废物收集、贮存、利用、处置的单位申领；需现场核查设施并组织专家评审。",
        "For units that collect, store, reuse or dispose of hazardous waste; the facilities are inspected on site and reviewed by experts.",
        [APPLICATION, BUSINESS_LICENSE, ("设施设备和技术人员证明", "Proof of facilities and technical staff", True, []),
         ("污染防治和事故应急预案", "Pollution control and emergency plans", True, [])],
        ENTERPRISE,
        keywords="危废 hazardous waste",
    ),
    # Civil Affairs Bureau
    DemoItem(
        "CIV-001", "civil", "内地居民结婚登记", "Marriage registration",
        "person", "instant", 1, 0, "offline", "marriage-certificate", ["marriage"],
        "《婚姻登记条例》第五条、第七条",
        "Regulations on Marriage Registration, arts. 5 and 7",
        "双方本人共同到婚姻登记处当场办理，可在线预约。",
        "Both of you come in person to the marriage registry and it is done at once; book online.",
        [("双方居民身份证", "Both partners' identity cards", True, []), ("双方户口簿", "Both partners' household register booklets", True, []),
         ("双方近期合影照片", "A recent photo of you together", True, [])],
        PERSON,
        keywords="结婚 领证 结婚证 marry wedding",
    ),
    DemoItem(
        "CIV-002", "civil", "社会服务机构成立登记", "Registering a social service organisation",
        "enterprise", "promised", 60, 20, "one_visit", "social-org-certificate", ["start-business"],
        "《民办非企业单位登记管理暂行条例》第九条、第十一条",
        "Interim Regulations on the Registration of Private Non-Enterprise Units, arts. 9 and 11",
        "民办学校、养老机构等社会服务机构（民办非企业单位）成立登记。",
        "Registration of social service organisations such as private schools and care homes.",
        [APPLICATION, ("章程草案", "Draft charter", True, []), ("业务主管单位批准文件", "Approval of the supervising unit", True, ["approval-letter"]),
         PREMISES],
        ENTERPRISE[:1] + ENTERPRISE[2:],
        keywords="民非 民办非企业 养老院 NGO non-profit",
    ),
    DemoItem(
        "CIV-003", "civil", "最低生活保障申请", "Applying for the minimum living allowance",
        "person", "promised", 30, 20, "full_online", None, ["social-aid"],
        "《社会救助暂行办法》第九条、第十一条",
        "Interim Measures on Social Assistance, arts. 9 and 11",
        "家庭人均收入低于当地最低生活保障标准且财产符合规定的，在线申请。",
        "Households whose income per person is below the local minimum and whose assets qualify apply online.",
        [ID_PROOF, ("家庭成员收入和财产情况声明", "Declaration of household income and assets", True, [])],
        PERSON + [_f("household_size", "number", "家庭人口数", "People in the household", min_value="1", max_value="20")],
        keywords="低保 救助 welfare allowance",
    ),
    DemoItem(
        "CIV-004", "civil", "老年人优待证办理", "Senior citizen card",
        "person", "instant", 3, 0, "full_online", "senior-card", ["retirement"],
        "《中华人民共和国老年人权益保障法》第五十七条",
        "Law on the Protection of the Rights and Interests of Older People, art. 57",
        "60周岁以上老年人在线办理，当场发放电子优待证。",
        "People aged 60 or over apply online and receive the electronic card at once.",
        [ID_PROOF],
        PERSON,
        keywords="老年证 优待证 senior card elderly",
    ),
    DemoItem(
        "CIV-005", "civil", "困难残疾人生活补贴和重度残疾人护理补贴申请", "Disability living and care allowances",
        "person", "promised", 30, 15, "full_online", None, ["social-aid"],
        "《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》（国发〔2015〕52号）",
        "State Council opinions on living allowances for disabled people in hardship and care allowances for the severely disabled (2015, No. 52)",
        "持有残疾人证的困难残疾人和重度残疾人在线申请补贴。",
        "Holders of a disability card in hardship or with severe disabilities apply online.",
        [ID_PROOF, ("残疾人证", "Disability card", True, [])],
        PERSON,
        keywords="残疾补贴 两项补贴 disability allowance",
    ),
    # The members of the "get one thing done" bundles (BUNDLES below), each in its own department
    DemoItem(
        "MKT-007", "market", "企业设立登记（企业开办一件事）", "Company registration (opening a business)",
        "both", "promised", 3, 2, "full_online", "business-license", ["start-business"],
        "《中华人民共和国市场主体登记管理条例》第十九条",
        "Regulations on the Registration of Market Entities, art. 19",
        "企业开办一件事的第一步：设立登记，核发营业执照。",
        "The first step of opening a business: registration and the business license.",
        [("公司章程", "Articles of association", True, []), ("住所使用证明", "Proof of the right to use the registered address", True, [])],
        [
            _f("company_name", "text", "企业名称", "Company name", max_length=100),
            _f("address", "address", "住所", "Registered address"),
            _f("business_scope", "textarea", "经营范围", "Business scope", max_length=1000),
            _f("representative_id", "resident_id", "法定代表人身份证号码", "Legal representative's resident ID number"),
            _f("hire_staff", "checkbox", "是否招用员工", "Will the company hire staff?", required=False),
        ],
        keywords="开公司 注册公司 企业开办 start a company",
    ),
    DemoItem(
        "PSB-006", "police", "新办企业公章刻制", "Engraving a new company's seal",
        "both", "instant", 1, 0, "full_online", None, ["start-business"],
        "《国务院关于第三批取消中央指定地方实施行政许可事项的决定》（国发〔2017〕7号）",
        "State Council decision cancelling the third batch of centrally designated local licensing items (2017, No. 7)",
        "营业执照核发后自动办理，免费刻制首套公章。",
        "Done once the business license is issued; the first set of seals is free.",
        [],
        [_f("company_name", "text", "企业名称", "Company name", max_length=100)],
        keywords="刻章 公章 company seal",
    ),
    DemoItem(
        "TAX-001", "tax", "新办纳税人涉税事项", "Tax matters of a new taxpayer",
        "both", "promised", 2, 1, "full_online", None, ["start-business"],
        "《中华人民共和国税收征收管理法》第十五条",
        "Law on the Administration of Tax Collection, art. 15",
        "信息确认、税种认定和发票领用，一次办好。",
        "Registration details, tax types and invoices, at once.",
        [],
        [
            _f("company_name", "text", "企业名称", "Company name", max_length=100),
            _f("address", "address", "住所", "Registered address"),
            _f("representative_id", "resident_id", "法定代表人身份证号码", "Legal representative's resident ID number"),
        ],
        keywords="税务登记 发票 tax invoice",
    ),
    DemoItem(
        "HRS-006", "hrss", "企业社会保险登记", "Registering a company for social insurance",
        "both", "promised", 5, 1, "full_online", None, ["start-business"],
        "《中华人民共和国社会保险法》第五十七条",
        "Social Insurance Law, art. 57",
        "招用员工的新办企业办理社会保险登记。",
        "A new company that hires staff registers for social insurance.",
        [],
        [
            _f("company_name", "text", "企业名称", "Company name", max_length=100),
            _f("staff_count", "number", "员工人数", "Number of staff", required=False, min_value="0", max_value="100000"),
        ],
        keywords="社保登记 social insurance",
    ),
    DemoItem(
        "BNK-001", "pboc", "企业银行账户开立", "Opening a company bank account",
        "both", "promised", 2, 1, "full_online", None, ["start-business"],
        "《人民币银行结算账户管理办法》第十七条",
        "Measures on RMB Bank Settlement Accounts, art. 17",
        "营业执照核发后即可开立基本存款账户。",
        "The basic deposit account can be opened once the business license is issued.",
        [("公司章程", "Articles of association", True, [])],
        [
            _f("company_name", "text", "企业名称", "Company name", max_length=100),
            _f("address", "address", "住所", "Registered address"),
        ],
        keywords="银行开户 bank account",
    ),
    DemoItem(
        "HLT-006", "health", "出生医学证明签发（出生一件事）", "Medical birth certificate (having a baby)",
        "person", "promised", 2, 1, "one_visit", "birth-certificate", ["baby"],
        "《中华人民共和国母婴保健法》第二十三条",
        "Maternal and Infant Health Care Law, art. 23",
        "出生一件事的第一步：签发出生医学证明。",
        "The first step of having a baby: the medical birth certificate.",
        [("住院分娩记录", "Hospital delivery record", True, [])],
        [
            _f("baby_name", "text", "新生儿姓名", "Baby's name", max_length=60),
            _f("birth_date", "date", "出生日期", "Date of birth"),
            _f("mother_id", "resident_id", "母亲身份证号码", "Mother's resident ID number"),
        ],
        keywords="出生证 出生一件事 birth certificate",
    ),
    DemoItem(
        "PSB-007", "police", "新生儿出生户口登记", "Registering a newborn's household registration",
        "person", "promised", 5, 1, "full_online", None, ["baby"],
        "《中华人民共和国户口登记条例》第七条",
        "Regulations on Household Registration, art. 7",
        "凭出生医学证明为新生儿申报户口。",
        "The newborn is registered with the medical birth certificate.",
        [("住院分娩记录", "Hospital delivery record", True, [])],
        [
            _f("baby_name", "text", "新生儿姓名", "Baby's name", max_length=60),
            _f("birth_date", "date", "出生日期", "Date of birth"),
            _f("mother_id", "resident_id", "母亲身份证号码", "Mother's resident ID number"),
            _f("address", "address", "户籍地址", "Household address"),
        ],
        keywords="上户口 报户口 newborn hukou",
    ),
    DemoItem(
        "HRS-007", "hrss", "新生儿城乡居民医保参保登记", "Enrolling a newborn in residents' medical insurance",
        "person", "promised", 5, 1, "full_online", None, ["baby"],
        "《中华人民共和国社会保险法》第二十五条",
        "Social Insurance Law, art. 25",
        "新生儿参加城乡居民基本医疗保险。",
        "The newborn joins the residents' basic medical insurance.",
        [],
        [
            _f("baby_name", "text", "新生儿姓名", "Baby's name", max_length=60),
            _f("mother_id", "resident_id", "母亲身份证号码", "Mother's resident ID number"),
        ],
        keywords="医保 参保 medical insurance",
    ),
]

# The "get one thing done" bundles (高效办成一件事): code, lead department, Chinese and English names,
# the event, the promised working days, and the members as (item, required, condition key, after item).
BUNDLES = [
    ("BDL-001", "business", "企业开办一件事", "Opening a business", "start-business", 2, [
        ("MKT-007", True, "", ""),
        ("PSB-006", True, "", "MKT-007"),
        ("TAX-001", True, "", ""),
        ("HRS-006", False, "hire_staff", ""),
        ("BNK-001", True, "", ""),
    ]),
    ("BDL-002", "health", "出生一件事", "Having a baby", "baby", 2, [
        ("HLT-006", True, "", ""),
        ("PSB-007", True, "", "HLT-006"),
        ("HRS-007", True, "", ""),
    ]),
    ("BDL-003", "housing", "小型低风险建设项目一件事", "Building a small low-risk project", "building", 30, [
        ("NRS-002", True, "", ""),
        ("HOU-001", True, "", "NRS-002"),
    ]),
]


# The service guide (办事指南) of a few items: conditions, steps (one per line), a fee note and
# questions people ask. `forms` gives a material (by its position, from 0) a blank form and a
# filled sample, printed at seed time from the rows (label in Chinese, in English, sample answer).

OFFICE_HOURS = (
    "周一至周五 9:00–12:00，13:30–17:00（法定节假日休息，调休上班日照常办公）",
    "Monday to Friday, 9:00–12:00 and 13:30–17:00 (closed on public holidays, open on adjusted working weekends)",
)


@dataclass
class DemoForm:
    title_zh: str
    title_en: str
    rows: list[tuple[str, str, str]]


@dataclass
class DemoGuide:
    conditions_zh: str
    conditions_en: str
    steps_zh: str
    steps_en: str
    fee_note_zh: str
    fee_note_en: str
    faq: list[tuple[str, str, str, str]] = field(default_factory=list)  # question and answer, Chinese then English
    forms: dict[int, DemoForm] = field(default_factory=dict)


GUIDES = {
    "MKT-001": DemoGuide(
        "年满18周岁、具有经营能力的自然人；家庭经营的，以一名家庭成员为经营者。\n"
        "有固定的经营场所，并有权使用该场所。\n"
        "经营范围不属于法律、行政法规禁止个人经营的项目。",
        "You are 18 or older and able to run a business; a family business registers one family member as its operator.\n"
        "You have a fixed place of business that you have the right to use.\n"
        "The business does nothing that the law forbids individuals to do.",
        "登录一网通办，选择“个体工商户设立登记”，在线填写申请\n"
        "上传申请书、身份证明和经营场所使用证明（本市已有不动产权证书的无需上传）\n"
        "系统核验身份和材料，材料齐全的当场登记\n"
        "在“我的证照”中领取电子营业执照；需要纸质执照的，可选择免费邮寄",
        "Sign in to OneGate, choose \"Registering an individual business\" and fill in the application online\n"
        "Upload the application form, your proof of identity and proof of the premises (not needed if the city already holds your title certificate)\n"
        "Your identity and documents are checked, and a complete application is registered at once\n"
        "Collect the electronic business license under \"My licenses\"; a paper copy is posted free on request",
        "个体工商户设立登记不收取任何费用，营业执照（含电子营业执照）免费发放。",
        "Registration is free, and so is the business license, electronic or on paper.",
        [
            ("个体工商户必须起字号名称吗？",
             "不必。字号名称可以使用，也可以不使用；不使用的，营业执照上不载明名称。",
             "Do I need a trade name?",
             "No. A trade name is optional; without one, the license shows no name."),
            ("经营场所是租来的，需要提交什么？",
             "提交租赁合同和出租方的房屋产权证明。该房屋的不动产权证书已在本市电子证照库中的，无需再提交产权证明。",
             "I rent my premises. What do I submit?",
             "The lease and the landlord's proof of ownership. If the title certificate is already among the city's electronic licenses, you need not submit it."),
            ("电子营业执照和纸质营业执照效力一样吗？",
             "一样。电子营业执照与纸质营业执照具有同等法律效力，可以在手机上出示，也可以下载打印。",
             "Is the electronic license as valid as the paper one?",
             "Yes. The electronic business license has the same legal force; show it on your phone or print it."),
        ],
        {
            0: DemoForm(
                "个体工商户登记申请书",
                "Individual business registration application",
                [
                    ("经营者姓名", "Operator's name", "张明"),
                    ("居民身份证号码", "Resident ID number", "211402********1234"),
                    ("联系电话", "Phone number", "138 0429 0000"),
                    ("字号名称", "Trade name", "葫芦岛市连山区明记小吃店"),
                    ("组成形式", "Form", "个人经营 Individual"),
                    ("经营范围", "Business scope", "小餐饮；预包装食品销售"),
                    ("经营场所", "Premises", "辽宁省葫芦岛市连山区龙湾大街88号"),
                    ("从业人数", "Number of workers", "3"),
                ],
            )
        },
    ),
    "BIZ-001": DemoGuide(
        "拟设立有限责任公司、个人独资企业或合伙企业的投资人。\n"
        "企业名称符合名称登记规定，住所真实、可用。\n"
        "股东、法定代表人等人员已完成实名认证。",
        "Investors setting up a limited liability company, a sole proprietorship or a partnership.\n"
        "The enterprise name meets the naming rules, and the registered address is real and usable.\n"
        "The shareholders, the legal representative and the other officers have verified their identity.",
        "在线自主申报企业名称\n"
        "一次填写设立登记、公章刻制、涉税事项、社保登记和银行开户预约信息\n"
        "全体股东和法定代表人在线实名认证并电子签名\n"
        "各部门并联审核，2个工作日内办结\n"
        "领取电子营业执照，公章和税控设备可免费邮寄到家",
        "Choose and declare the enterprise name online\n"
        "Fill in one application for registration, the company seal, tax, social insurance and a bank account appointment\n"
        "All shareholders and the legal representative verify their identity and sign electronically\n"
        "The departments review in parallel and finish within 2 working days\n"
        "Collect the electronic business license; the seal and tax device can be posted to you free",
        "企业登记不收费；首套公章刻制费用由市财政承担，申请人无需付费。",
        "Registration is free; the city pays for the first set of company seals.",
        [
            ("注册资本需要实缴吗？",
             "有限责任公司股东认缴的出资额，应按照公司章程规定自公司成立之日起五年内缴足，设立登记时无需验资。",
             "Must the registered capital be paid in at once?",
             "No. Shareholders of a limited liability company pay in the capital they subscribed within five years of incorporation, as the articles say; no capital check is needed to register."),
            ("可以用住宅作为公司住所吗？",
             "可以按本市住所登记规定申报，并提交住所使用证明；从事餐饮等影响邻里的经营活动的除外。",
             "Can a flat be the company's registered address?",
             "Yes, under the city's address rules and with proof of the right to use it, except for businesses that disturb the neighbours, such as restaurants."),
        ],
    ),
    "MKT-004": DemoGuide(
        "已取得营业执照等合法主体资格。\n"
        "有与经营的食品品种、数量相适应的经营场所、设备设施和食品安全管理人员。\n"
        "有保证食品安全的规章制度。",
        "You hold a business license or another legal status.\n"
        "You have premises, equipment and a food safety manager that suit the food you sell and how much.\n"
        "You have written rules that keep food safe.",
        "在线提交申请和材料\n"
        "受理后，需要现场核查的，预约一次现场核查\n"
        "审查通过后作出准予许可决定\n"
        "领取电子食品经营许可证",
        "Submit the application and documents online\n"
        "Once it is accepted, book the one on-site check if one is needed\n"
        "A decision to grant the license follows the review\n"
        "Collect the electronic food business license",
        "食品经营许可不收费。",
        "The food business license is free.",
        [
            ("只卖预包装食品也要办许可证吗？",
             "仅销售预包装食品的，办理备案即可，不需要取得食品经营许可证。",
             "Do I need the license if I only sell pre-packed food?",
             "No. Selling only pre-packed food needs a filing, not a food business license."),
        ],
    ),
}
