"""Every page of every role, as its users see it: at 1280×800 and 375×812, in Chinese and
English, on the seeded demo.

For each page and each of the four views:
- the page never scrolls sideways (a table may scroll inside its own region);
- no element holding more than 8 characters of text is narrower than 4 characters
  (the "one character per line" columns of a squeezed table or card);
- axe-core finds no serious or critical violation;
- on an English page, no Chinese text is shown apart from what people typed or are
  called (names, addresses, answers, file names, the reasons staff wrote) and the
  language switch's "中文";
- a screenshot is kept in test-artifacts/pages/ to be looked at.

Problems are collected over all pages and reported together, so that one run shows
all of them, in test-artifacts/pages/problems-desktop.txt and problems-phone.txt: one test a
size, and with parallel workers the two sizes run side by side. It runs with `make
test-pages`, outside `make test` until every page passes.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests import mfa
from tests.browser.conftest import ARTIFACTS, axe_violations

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.pages]

VIEWS = [("desktop", {"width": 1280, "height": 800}), ("phone", {"width": 375, "height": 812})]
LANGUAGES = ["zh-hans", "en"]
SHOTS = ARTIFACTS / "pages"

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
# Shown on English pages on purpose: the switch to Chinese, and the catalogue search's example
# of a query in either language (also the query the test searches for).
ALWAYS_ALLOWED = ["中文", "营业执照"]

MEASURE = """() => {
  const problems = [];
  const width = document.documentElement.clientWidth;
  const overflow = document.documentElement.scrollWidth - width;
  for (const el of document.querySelectorAll('main *, header *, nav *')) {
    const own = Array.from(el.childNodes).filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
    if (own.length <= 8) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const size = parseFloat(style.fontSize) || 16;
    if (box.width < 4 * size && box.height > 2.5 * size) {
      problems.push(`${el.tagName.toLowerCase()} "${own.slice(0, 20)}" is ${Math.round(box.width)}px wide`);
    }
  }
  return {overflow, narrow: problems.slice(0, 5)};
}"""

TEXT_NODES = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!el || el.closest('script, style, [hidden], [aria-hidden="true"], .visually-hidden, template')) continue;
    const text = node.textContent.trim();
    if (text) out.push(text);
  }
  for (const el of document.querySelectorAll('[placeholder], [aria-label], [title], img[alt]')) {
    for (const attr of ['placeholder', 'aria-label', 'title', 'alt']) {
      const value = el.getAttribute(attr);
      if (value) out.push(value);
    }
  }
  out.push(document.title);
  return out;
}"""


def _typed_or_named() -> list[str]:
    """What people typed or are called: shown as it was written, in either language."""
    from approvals.models import ApplicationEvent, Attachment, CorrectionNotice
    from licenses.models import License
    from portal.models import Enterprise, Person
    from supervision.accountability.models import AccountabilityCase
    from supervision.ratings.models import Case, Complaint, Rating

    allowed = set(ALWAYS_ALLOWED)
    from portal.identifiers import mask_name
    from portal.models import Message
    from services.models import ListVersion

    names = set(Person.objects.values_list("real_name", flat=True))
    allowed |= names | {mask_name(name, enterprise=False) for name in names}
    allowed |= {mask_name(name, enterprise=True) for name in Enterprise.objects.values_list("name", flat=True)}
    # Messages are written once, in the language the recipient had then; list notes as the admin wrote them.
    for subject, body in Message.objects.values_list("subject", "body"):
        allowed |= {subject, body}
    allowed |= set(ListVersion.objects.values_list("note", flat=True))
    # A seal's inscription is Chinese (its image says so), and so is the reason written into each
    # signature, which the usage log quotes as signed.
    from seals.models import Seal, SealUsage

    allowed |= set(Seal.objects.values_list("name_zh", flat=True))
    allowed |= set(SealUsage.objects.values_list("purpose", flat=True))
    # The list's own data is bilingual by design; its editing and change pages show both languages.
    from services.models import FormField, FrequentQuestion, ItemVersion, Material
    from supervision.accountability.models import FeedbackMeeting

    guide = ("conditions_zh", "steps_zh", "fee_note_zh")
    for model, names in ((ItemVersion, ("name_zh", "description_zh", "legal_basis_zh", "keywords", *guide)),
                         (FormField, ("label_zh", "choices", "help_zh")), (Material, ("name_zh",)),
                         (FrequentQuestion, ("question_zh", "answer_zh"))):
        present = [name for name in names if any(f.name == name for f in model._meta.get_fields())]
        for row in model.objects.values_list(*present):
            allowed |= {str(value) for value in row if value}
            allowed |= {line.strip() for value in row if value for line in str(value).splitlines()}  # the steps
    for field in FeedbackMeeting._meta.get_fields():
        if getattr(field, "get_internal_type", lambda: "")() in ("TextField", "CharField") and not field.choices:
            allowed |= {str(v) for v in FeedbackMeeting.objects.values_list(field.name, flat=True) if v}
    allowed |= set(Enterprise.objects.values_list("name", flat=True))
    from approvals.models import BundleApplication, BundleNotice
    from services.models import BundleVersion

    allowed |= set(BundleVersion.objects.values_list("name_zh", flat=True))
    for data in BundleApplication.objects.values_list("form_data", flat=True):
        allowed |= {str(value) for value in (data or {}).values() if isinstance(value, str)}
    for items in BundleNotice.objects.values_list("items", flat=True):
        for entry in items:
            allowed |= {str(entry.get(key) or "") for key in ("item_zh", "department")}
            for line in entry.get("lines") or []:
                allowed |= {str(line.get(key) or "") for key in ("name", "problem", "remedy")}
    allowed |= set(Attachment.objects.values_list("original_name", flat=True))
    allowed |= set(License.objects.values_list("holder_name", flat=True))
    allowed |= {note for note in ApplicationEvent.objects.values_list("note", flat=True) if note}
    for items in CorrectionNotice.objects.values_list("items", flat=True):
        for item in items:
            allowed |= {str(item.get(key) or "") for key in ("name", "problem", "remedy")}
    from approvals.models import Application

    for data, address in Application.objects.values_list("form_data", "delivery_address"):
        allowed |= {str(value) for value in (data or {}).values() if isinstance(value, str)}
        allowed.add(address)
    for model in (AccountabilityCase, Rating, Complaint, Case):
        for field in model._meta.get_fields():
            if getattr(field, "get_internal_type", lambda: "")() in ("TextField", "CharField") and not field.choices:
                allowed |= {str(v) for v in model.objects.values_list(field.name, flat=True) if v}
    return sorted((a for a in allowed if a and CJK.search(a)), key=len, reverse=True)


def _chinese_left(texts: list[str], allowed: list[str]) -> list[str]:
    found = []
    for text in texts:
        rest = text
        for phrase in allowed:
            if phrase in rest:
                rest = rest.replace(phrase, " ")
        if CJK.search(rest):
            found.append(text[:60])
    return sorted(set(found))[:8]


def _pages() -> dict[str, list[str]]:
    """Each role's pages on the demo (the demo's accounts and objects, found by what they are)."""
    from approvals.models import Application, DecisionDocument, Visit
    from licenses.models import License
    from portal.models import Enterprise
    from supervision.reports.models import HalfMonthReport

    citizen_apps = Application.objects.filter(applicant_person__user__email="citizen@demo.onegate").exclude(state="draft")
    approved = citizen_apps.filter(state="approved").first()
    in_correction = Application.objects.filter(state="correction_requested").exclude(applicant_person__user=None).first()
    market = Application.objects.filter(department__code="market").exclude(state="draft")
    submitted = market.filter(state="submitted").first() or market.first()
    license = License.objects.filter(holder_person__user__email="citizen@demo.onegate").first() or License.objects.first()
    walk_in_visit = Visit.objects.select_related("person", "application").first()
    enterprise = Enterprise.objects.filter(memberships__user__email="agent@demo.onegate").first()
    document = DecisionDocument.objects.exclude(file="").first()
    report = HalfMonthReport.objects.first()
    pages = {
        "": [
            reverse("home"), reverse("catalogue"), reverse("catalogue") + "?q=营业执照", reverse("catalogue_item", args=["MKT-001"]),
            reverse("catalogue_metrics"), reverse("catalogue_versions"), reverse("calendar_year", args=[2026]),
            reverse("track"), reverse("verify"), reverse("license_verify", args=[license.number]),
            reverse("accountability_notices"), reverse("complaints_new"), reverse("track_complaint"), reverse("performance"),
            reverse("account_login"), reverse("account_signup"),
            reverse("decision_verify", args=[document.number]) if document else None,
        ],
        "citizen@demo.onegate": [
            reverse("me"), reverse("my_applications"), reverse("my_application", args=[approved.uid]),
            reverse("wallet"), reverse("wallet_license", args=[license.number]), reverse("messages"), reverse("profile"),
            reverse("ratings_mine"), reverse("data_access_mine"),
        ],
        "agent@demo.onegate": [reverse("me"), reverse("enterprise_list"), reverse("enterprise_detail", args=[enterprise.pk])],
        "clerk@demo.onegate": [reverse("window"), reverse("window_person_new")],
        "approver@demo.onegate": [
            reverse("desk"), reverse("desk_application", args=[submitted.tracking_number]), reverse("staff_licenses"),
            reverse("staff_license", args=[license.number]), reverse("ratings_cases"),
        ],
        "head@demo.onegate": [reverse("desk_team"), reverse("seal_list"), reverse("seal_usage")],
        "listadmin@demo.onegate": [
            reverse("list_admin"), reverse("list_admin_changes"), reverse("list_admin_import"),
            reverse("decision_document_wording"),
        ],
        "supervisor@demo.onegate": [
            reverse("supervision_overdue"), reverse("supervision_visits"), reverse("supervision_reports"),
            reverse("accountability_cases"), reverse("accountability_meetings"), reverse("countdown"),
            reverse("staff_calendar"),
            reverse("supervision_report", args=[report.pk]) if report else None,
        ],
    }
    if in_correction is not None and in_correction.applicant_person.user is not None:
        pages.setdefault(in_correction.applicant_person.user.email, []).append(
            reverse("my_application", args=[in_correction.uid])
        )
    if walk_in_visit is not None:
        pages["clerk@demo.onegate"].append(reverse("window_person", args=[walk_in_visit.person_id]))
        if walk_in_visit.application_id:
            pages["clerk@demo.onegate"].append(reverse("window_application", args=[walk_in_visit.application.uid]))
    from services.models import ServiceItem

    # "Get one thing done": the bundles' guides, the one form, a bundle's page for its applicant and
    # the clerk, the list admin's editor and supervision's clocks.
    from approvals.models import BundleApplication
    from services.models import Bundle

    pages[""] += [reverse("catalogue_bundles"), reverse("catalogue_bundle", args=["BDL-001"])]
    pages["citizen@demo.onegate"].append(reverse("bundle_apply", args=["BDL-002"]))
    for bundle in BundleApplication.objects.exclude(applicant_person__user=None).select_related("applicant_person__user"):
        if bundle.channel == "window":
            pages["clerk@demo.onegate"].append(reverse("window_bundle", args=[bundle.uid]))
        pages.setdefault(bundle.applicant_person.user.email, []).append(reverse("my_bundle", args=[bundle.uid]))
    pages["listadmin@demo.onegate"].append(reverse("list_admin_bundles"))
    led = Bundle.objects.filter(department__staff_roles__user__email="listadmin@demo.onegate").first()
    if led is not None:
        pages["listadmin@demo.onegate"].append(reverse("list_admin_bundle", args=[led.code]))
    pages["supervisor@demo.onegate"].append(reverse("supervision_bundles"))

    business_item = ServiceItem.objects.filter(department__code="business").first()
    if business_item is not None:
        pages["listadmin@demo.onegate"].append(reverse("list_admin_item", args=[business_item.code]))
    return {who: [url for url in urls if url] for who, urls in pages.items()}


def _session(email: str) -> str:
    from portal.models import User

    client = Client()
    mfa.sign_in(client, User.objects.get(email=email))
    return client.cookies["sessionid"].value


@pytest.mark.parametrize("view, size", VIEWS, ids=[view for view, _size in VIEWS])
def test_every_page_of_every_role_reads_well_in_both_languages(view, size, browser, live_server, settings, tmp_path):
    from django.core.management import call_command

    settings.SEAL_KEK_FILE = str(tmp_path / "seal-kek.key")
    settings.SEAL_TSA_URL = ""
    settings.SITE_URL = live_server.url
    settings.DEMO_MODE = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    call_command("seed_demo_bundles", stdout=open("/dev/null", "w"))
    from portal.models import User
    from tests.factories import enrol_totp

    for user in User.objects.filter(staff_roles__isnull=False).distinct():
        enrol_totp(user)
    pages = _pages()
    allowed = _typed_or_named()
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for who, urls in pages.items():
        cookie = _session(who) if who else None
        for language in LANGUAGES:
            context = browser.new_context(viewport=size, base_url=live_server.url)
            cookies = [{"name": "django_language", "value": language, "url": live_server.url}]
            if cookie:
                cookies.append({"name": "sessionid", "value": cookie, "url": live_server.url})
            context.add_cookies(cookies)
            page = context.new_page()
            page.set_default_timeout(20000)
            for url in urls:
                label = f"{who or 'anonymous'} {view} {language} {url}"
                response = page.goto(url)
                if response is None or response.status >= 400:
                    problems.append(f"{label}: answered {response.status if response else 'nothing'}")
                    continue
                found = page.evaluate(MEASURE)
                if found["overflow"] > 1:
                    problems.append(f"{label}: scrolls sideways by {found['overflow']}px")
                for narrow in found["narrow"]:
                    problems.append(f"{label}: {narrow}")
                bad = [v["id"] for v in axe_violations(page)]
                if bad:
                    problems.append(f"{label}: axe {bad}")
                if language == "en":
                    chinese = _chinese_left(page.evaluate(TEXT_NODES), allowed)
                    if chinese:
                        problems.append(f"{label}: Chinese on an English page: {chinese}")
                name = re.sub(r"[^a-z0-9]+", "-", f"{who.split('@')[0] or 'anonymous'}-{url}".lower()).strip("-")
                page.screenshot(path=str(SHOTS / f"{name}-{view}-{language}.png"), full_page=True)
            context.close()
    report = "\n".join(problems)
    listed = SHOTS / f"problems-{view}.txt"
    listed.write_text(report + "\n", encoding="utf-8")
    assert not problems, f"{len(problems)} problems (also in {listed}):\n{report}"
