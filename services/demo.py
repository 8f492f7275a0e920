"""Demo data for the list: Huludao-like departments, events, license types and
the catalogue (services/demo_catalogue.py), published as version 1.

Version 1 is dated `PUBLISHED_DAYS_AGO` days back, through the publish
service's `at`, so that the demo's applications of the last weeks were made
under it and supervision's daily figures of the last 60 days read a list.

Idempotent: existing rows are left as they are (a list administrator may have
edited them in the demo), missing items are added to the draft, and version 1
is published only when no version exists yet.
"""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from portal import fonts, pdf
from services import bundles, services
from services.demo_catalogue import BUNDLES, EVENTS, GUIDES, ITEMS, LICENSE_TYPES, OFFICE_HOURS, DemoForm
from services.models import Bundle, Department, LifeEvent, ListVersion, ServiceItem, license_types

# Version 1 was published this long before the seed, well before the 60 days of snapshots.
PUBLISHED_DAYS_AGO = 90

DEPARTMENTS = [
    # code, Chinese name, English name, window in Chinese and in English
    ("business", "营商环境建设局", "Business Environment Bureau", "市民中心一楼 综合窗口 1–12号",
     "Citizen Centre, floor 1, comprehensive windows 1–12"),
    ("market", "市场监督管理局", "Market Supervision Administration", "市民中心一楼 综合窗口 1–12号",
     "Citizen Centre, floor 1, comprehensive windows 1–12"),
    ("housing", "住房和城乡建设局", "Housing and Urban-Rural Development Bureau", "市民中心二楼 综合窗口 20–26号",
     "Citizen Centre, floor 2, comprehensive windows 20–26"),
    ("natres", "自然资源局", "Natural Resources Bureau", "市民中心二楼 综合窗口 20–26号",
     "Citizen Centre, floor 2, comprehensive windows 20–26"),
    ("devreform", "发展和改革委员会", "Development and Reform Commission", "市民中心二楼 综合窗口 27–29号",
     "Citizen Centre, floor 2, comprehensive windows 27–29"),
    ("police", "公安局", "Public Security Bureau", "市民中心三楼 综合窗口 30–35号",
     "Citizen Centre, floor 3, comprehensive windows 30–35"),
    ("hrss", "人力资源和社会保障局", "Human Resources and Social Security Bureau", "市民中心三楼 综合窗口 36–40号",
     "Citizen Centre, floor 3, comprehensive windows 36–40"),
    ("health", "卫生健康委员会", "Health Commission", "市民中心三楼 综合窗口 41–43号",
     "Citizen Centre, floor 3, comprehensive windows 41–43"),
    ("transport", "交通运输局", "Transport Bureau", "市民中心四楼 综合窗口 44–46号",
     "Citizen Centre, floor 4, comprehensive windows 44–46"),
    ("ecology", "生态环境局", "Ecology and Environment Bureau", "市民中心四楼 综合窗口 47–48号",
     "Citizen Centre, floor 4, comprehensive windows 47–48"),
    ("civil", "民政局", "Civil Affairs Bureau", "市民中心四楼 综合窗口 49–50号",
     "Citizen Centre, floor 4, comprehensive windows 49–50"),
    ("tax", "税务局", "Tax Bureau", "市民中心一楼 综合窗口 13–15号",
     "Citizen Centre, floor 1, comprehensive windows 13–15"),
    ("pboc", "人民银行葫芦岛市分行", "People's Bank of China, Huludao branch", "市民中心一楼 银行服务区",
     "Citizen Centre, floor 1, bank service area"),
]


def seed_catalogue(*, at: datetime.datetime | None = None) -> int:
    """Add the demo items that are missing, as drafts made at `at` (default: now); returns how many were added."""
    for position, (code, zh, en, audience) in enumerate(EVENTS):
        LifeEvent.objects.get_or_create(
            code=code, defaults={"name_zh": zh, "name_en": en, "audience": audience, "position": position}
        )
    for code, zh, en, prefix, months in LICENSE_TYPES:
        license_types().get_or_create(
            code=code, defaults={"name_zh": zh, "name_en": en, "number_prefix": prefix, "validity_months": months}
        )
    departments = {d.code: d for d in Department.objects.all()}
    events = {e.code: e for e in LifeEvent.objects.all()}
    licenses = {t.code: t for t in license_types()}
    existing = set(ServiceItem.objects.values_list("code", flat=True))
    added = 0
    for entry in ITEMS:
        if entry.code in existing:
            continue
        guide = GUIDES.get(entry.code)
        materials = [
            services.MaterialInput(zh, en, required, [licenses[code] for code in stand_ins])
            for zh, en, required, stand_ins in entry.materials
        ]
        for position, form in (guide.forms if guide else {}).items():
            materials[position].blank_form = _form_pdf(form, sample=False)
            materials[position].sample = _form_pdf(form, sample=True)
        services.item_create(
            actor=None,
            at=at,
            code=entry.code,
            department=departments[entry.department],
            terms={
                "name_zh": entry.name_zh,
                "name_en": entry.name_en,
                "description_zh": entry.description_zh,
                "description_en": entry.description_en,
                "keywords": entry.keywords,
                "audience": entry.audience,
                "kind": entry.kind,
                "statutory_limit_days": entry.statutory,
                "promised_limit_days": entry.promised,
                "legal_basis_zh": entry.basis_zh,
                "legal_basis_en": entry.basis_en,
                "fee_yuan": Decimal(entry.fee),
                "online_level": entry.online,
                "max_visits": 0 if entry.online == "full_online" else 1,
                "license_type": licenses[entry.license] if entry.license else None,
                **_guide_terms(guide),
            },
            events=[events[code] for code in entry.events],
            materials=materials,
            fields=[dict(definition) for definition in entry.fields],
            faq=[
                {"question_zh": qz, "answer_zh": az, "question_en": qe, "answer_en": ae}
                for qz, az, qe, ae in (guide.faq if guide else [])
            ],
        )
        added += 1
    return added


def seed_bundles(*, at: datetime.datetime | None = None) -> int:
    """Add the demo bundles that are missing, as drafts made at `at`; returns how many were added."""
    existing = set(Bundle.objects.values_list("code", flat=True))
    departments = {d.code: d for d in Department.objects.all()}
    events = {e.code: e for e in LifeEvent.objects.all()}
    added = 0
    for code, department, zh, en, event, days, members in BUNDLES:
        if code in existing:
            continue
        bundles.bundle_create(
            actor=None,
            at=at,
            code=code,
            department=departments[department],
            terms={"name_zh": zh, "name_en": en, "event": events[event], "promised_limit_days": days},
            members=[
                bundles.MemberInput(item, required=required, condition_key=condition, after_code=after)
                for item, required, condition, after in members
            ],
        )
        added += 1
    return added


def _guide_terms(guide) -> dict:
    if guide is None:
        return {}
    names = ["conditions_zh", "conditions_en", "steps_zh", "steps_en", "fee_note_zh", "fee_note_en"]
    return {name: getattr(guide, name) for name in names}


def _form_pdf(form: DemoForm, *, sample: bool) -> ContentFile:
    """A one-page bilingual form, blank or filled in as a sample, as a list admin would upload it."""
    data = pdf.render_pdf(
        "services/pdf/guide_form.html",
        {
            "form": form,
            "sample": sample,
            "font_faces": fonts.font_faces_css(),
            "font_sans": '"OneGate Sans", ' + pdf.SANS,
            "font_serif": '"OneGate Serif", ' + pdf.SERIF,
        },
    )
    return ContentFile(data, name="sample.pdf" if sample else "form.pdf")


def seed(*, stdout) -> None:
    hours, hours_en = OFFICE_HOURS
    for code, zh, en, window, window_en in DEPARTMENTS:
        Department.objects.update_or_create(
            code=code,
            defaults={
                "name_zh": zh,
                "name_en": en,
                "window": window,
                "window_en": window_en,
                "phone": "0429-12345",
                "office_hours": hours,
                "office_hours_en": hours_en,
            },
        )
    stdout.write(f"departments: {Department.objects.count()}")
    first = not ListVersion.objects.exists()
    at = timezone.now() - datetime.timedelta(days=PUBLISHED_DAYS_AGO) if first else None
    added = seed_catalogue(at=at)
    added_bundles = seed_bundles(at=at)
    if first:
        version = services.list_publish(
            actor=None, note="首次发布全市政务服务事项清单。Initial city approval list.", at=at
        )
        stdout.write(
            f"approval list: version {version.number} published on {timezone.localdate(at).isoformat()} "
            f"with {version.total} items"
        )
    else:
        stdout.write(
            f"approval list: {added} demo items and {added_bundles} bundles added to the draft "
            "(publish them at /list-admin/)"
        )
