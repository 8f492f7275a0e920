"""The service guide (办事指南) of an item: conditions, steps, forms and samples, hours, fee note, FAQ.

Every part is optional and versioned with the item's terms; the public page
shows only what is filled, and a published snapshot's files never change.
"""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from services import services, transfer
from services.models import GuideFile, ItemVersion, ListChange, step_lines
from services.terms import differences, terms_dict
from tests.factories import citizen
from tests.mfa import sign_in
from tests.services.factories import make_item, publish, terms

pytestmark = pytest.mark.django_db

BLANK = b"%PDF-1.4\n% blank form\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SAMPLE = b"%PDF-1.4\n% filled sample, first edition\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SAMPLE_2 = b"%PDF-1.4\n% filled sample, second edition\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

GUIDE = {
    "conditions_zh": "年满18周岁的自然人。",
    "conditions_en": "People aged 18 or over.",
    "steps_zh": "1. 在线填写申请\n2. 上传材料\n3. 领取电子营业执照",
    "steps_en": "Fill in the application online\nUpload the documents\nCollect the electronic business license",
    "fee_note_zh": "依照规定免收登记费。",
    "fee_note_en": "Registration is free by law.",
}
FAQ = [
    {
        "question_zh": "必须起字号吗？",
        "answer_zh": "不必，字号可有可无。",
        "question_en": "Do I need a trade name?",
        "answer_en": "No, a trade name is optional.",
    }
]


def pdf(content: bytes, name: str = "form.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture(autouse=True)
def office_hours(department):
    department.office_hours = "周一至周五 9:00–17:00"
    department.office_hours_en = "Monday to Friday, 9:00–17:00"
    department.save()


@pytest.fixture
def guided(department, list_admin):
    """An item whose guide is complete, published as version 1."""
    item = services.item_create(
        actor=list_admin,
        code="MKT-001",
        department=department,
        terms=terms(**GUIDE),
        materials=[
            services.MaterialInput(
                "个体工商户登记申请书", "Registration application", blank_form=pdf(BLANK), sample=pdf(SAMPLE)
            )
        ],
        faq=FAQ,
    )
    publish("v1")
    return item


def page(code: str, language: str) -> str:
    client = Client()
    client.cookies["django_language"] = language
    response = client.get(reverse("catalogue_item", args=[code]))
    assert response.status_code == 200
    return response.content.decode()


def file_url(item, which: str, *, draft: bool = False) -> str:
    versions = ItemVersion.objects.filter(item=item)
    version = versions.drafts().get() if draft else versions.snapshots().order_by("-pk").first()
    return reverse("catalogue_material_file", args=[item.code, version.materials.get().pk, which])


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_it_shows_every_part_of_a_full_guide_in_both_languages(guided):
    chinese = page("MKT-001", "zh-hans")
    for text in [
        "年满18周岁的自然人。",
        "<li>在线填写申请</li>",  # typed numbers give way to the list's own
        "<li>领取电子营业执照</li>",
        "依照规定免收登记费。",
        "不收费",
        "周一至周五 9:00–17:00",
        "必须起字号吗？",
        "不必，字号可有可无。",
        file_url(guided, "blank-form"),
        file_url(guided, "sample"),
    ]:
        assert text in chinese, text
    english = page("MKT-001", "en")
    for text in [
        "Who can apply: the conditions",
        "People aged 18 or over.",
        "How it works, step by step",
        '<ol class="guide-steps"><li>Fill in the application online</li>',
        "Registration is free by law.",
        ">Free<",
        "Office hours",
        "Monday to Friday, 9:00–17:00",
        "Frequently asked questions",
        "Do I need a trade name?",
        "No, a trade name is optional.",
        "Blank form",
        "Filled sample",
    ]:
        assert text in english, text


def test_it_shows_no_guide_headings_when_nothing_is_filled(department):
    department.office_hours = department.office_hours_en = ""
    department.save()
    make_item(department, code="MKT-002", materials=[services.MaterialInput("申请书", "Application")])
    publish("v1")
    english = page("MKT-002", "en")
    for heading in [
        "Who can apply: the conditions",
        "How it works, step by step",
        "Frequently asked questions",
        "Office hours",
        "Blank form",
        "Filled sample",
        "guide-note",
        "guide-steps",
    ]:
        assert heading not in english, heading
    assert "Legal basis" in english and ">Free<" in english


def test_publishing_snapshots_the_guide_and_a_later_draft_edit_changes_nothing_published(guided, list_admin):
    published_url = file_url(guided, "sample")
    before_page = page("MKT-001", "en")
    before_file = body(Client().get(published_url))
    assert before_file == SAMPLE

    draft = ItemVersion.objects.drafts().with_terms().get(item=guided)
    material = draft.materials.get()
    services.item_update(
        actor=list_admin,
        item=guided,
        terms=terms(**{**GUIDE, "steps_en": "Apply\nWait\nCollect", "conditions_en": "Anyone."}),
        materials=[
            services.MaterialInput(
                material.name_zh, material.name_en, blank_form=material.blank_form, sample=pdf(SAMPLE_2)
            )
        ],
        faq=[{**FAQ[0], "answer_en": "Changed answer."}],
    )
    assert page("MKT-001", "en") == before_page
    assert body(Client().get(published_url)) == SAMPLE
    staff = Client()
    sign_in(staff, list_admin)
    assert body(staff.get(file_url(guided, "sample", draft=True))) == SAMPLE_2
    assert GuideFile.objects.count() == 3  # the blank form is shared, the sample replaced by a new row

    publish("v2")
    assert "Changed answer." in page("MKT-001", "en")
    assert body(Client().get(file_url(guided, "sample"))) == SAMPLE_2
    assert body(Client().get(published_url)) == SAMPLE  # version 1's file is still version 1's


def test_it_refuses_a_renamed_file_that_is_not_a_pdf(department):
    with pytest.raises(ValidationError) as refused:
        make_item(
            department,
            materials=[services.MaterialInput("申请书", "Form", blank_form=pdf(b"\x89PNG\r\n\x1a\n" + b"0" * 64))],
        )
    message = " ".join(refused.value.messages)
    assert "Material 1: blank form: This file is not a real PDF file" in message
    assert not GuideFile.objects.exists()


def test_it_refuses_an_oversized_file(department):
    big = pdf(b"%PDF-1.4\n" + b"0" * services.GUIDE_FILE_MAX_BYTES)
    with pytest.raises(ValidationError) as refused:
        make_item(department, materials=[services.MaterialInput("申请书", "Form", sample=big)])
    message = " ".join(refused.value.messages)
    assert "Material 1: filled sample: The file is 5.0" in message and "the largest allowed is 5.0" in message


def _edit_post(draft, **overrides) -> dict:
    data = {name: "" if value is None else value for name, value in terms_dict(draft).items() if not isinstance(value, list)}
    data.pop("code")
    data.pop("department")
    data.pop("status")
    data.update(
        {
            "revision": str(draft.revision),
            "materials-TOTAL_FORMS": "1",
            "materials-INITIAL_FORMS": "1",
            "materials-MIN_NUM_FORMS": "0",
            "materials-MAX_NUM_FORMS": "1000",
            "materials-0-name_zh": "申请书",
            "materials-0-name_en": "Application",
            "materials-0-required": "on",
            "fields-TOTAL_FORMS": "0",
            "fields-INITIAL_FORMS": "0",
            "fields-MIN_NUM_FORMS": "0",
            "fields-MAX_NUM_FORMS": "1000",
            "faq-TOTAL_FORMS": "1",
            "faq-INITIAL_FORMS": "0",
            "faq-MIN_NUM_FORMS": "0",
            "faq-MAX_NUM_FORMS": "1000",
        }
    )
    data.update(overrides)
    return data


def test_the_edit_page_says_what_is_wrong_with_a_file(client, department, list_admin):
    item = make_item(department, code="MKT-003", materials=[services.MaterialInput("申请书", "Application")])
    draft = ItemVersion.objects.drafts().with_terms().get(item=item)
    client.cookies["django_language"] = "en"
    sign_in(client, list_admin)
    url = reverse("list_admin_item", args=[item.code])
    form = client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in form and '<details class="guide-editor"' in form and "Service guide" in form
    fake = SimpleUploadedFile("form.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    response = client.post(url, _edit_post(draft, **{"materials-0-blank_form": fake}))
    assert response.status_code == 200
    assert "Material 1: blank form: This file is not a real PDF file" in response.content.decode()
    assert ItemVersion.objects.drafts().get(item=item).revision == draft.revision


def test_the_edit_page_saves_the_guide_and_keeps_a_file_nobody_touched(client, department, list_admin):
    item = make_item(department, code="MKT-004", materials=[services.MaterialInput("申请书", "Application", sample=pdf(SAMPLE))])
    draft = ItemVersion.objects.drafts().with_terms().get(item=item)
    sign_in(client, list_admin)
    response = client.post(
        reverse("list_admin_item", args=[item.code]),
        _edit_post(
            draft,
            steps_zh="网上申请\n领取结果",
            steps_en="Apply online\nCollect the result",
            **{"faq-0-question_zh": "多久办完？", "faq-0-answer_zh": "当场办结。"},
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = ItemVersion.objects.drafts().with_terms().get(item=item)
    assert saved.steps_en == "Apply online\nCollect the result"
    assert [q.question_zh for q in saved.faq.all()] == ["多久办完？"]
    assert saved.materials.get().sample.sha256 == draft.materials.get().sample.sha256


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"steps_zh": "申请\n\n领取"}, "steps_zh", "Step 2 is empty"),
        ({"steps_zh": "申请\n领取", "steps_en": "Apply"}, "steps_en", "The English process has 1 steps and the Chinese one 2"),
        ({"conditions_en": "Adults."}, "conditions_zh", "Write the Chinese text too"),
    ],
)
def test_it_refuses_guide_texts_that_do_not_add_up(department, changes, field, message):
    item = make_item(department)
    with pytest.raises(ValidationError) as refused:
        services.item_update(actor=None, item=item, terms=terms(**changes))
    assert message in " ".join(refused.value.message_dict[field])


def test_it_refuses_a_faq_pair_with_half_of_it_missing(department):
    item = make_item(department)
    with pytest.raises(ValidationError) as refused:
        services.item_update(
            actor=None, item=item, terms=terms(), faq=[{**FAQ[0], "answer_en": ""}]
        )
    assert "FAQ 1: Give the English question and its answer together, or neither." in refused.value.message_dict["faq"]


def test_step_lines_drop_typed_numbers_but_not_the_steps_own_words():
    assert step_lines("1. 申请\n2、审核\n（3）领取\n第4步：评价\n- Done") == ["申请", "审核", "领取", "评价", "Done"]
    assert step_lines("30日内领取\n9:00 前提交\n1.5倍计算") == ["30日内领取", "9:00 前提交", "1.5倍计算"]


def test_a_drafts_file_is_only_for_its_own_list_admins(department, list_admin, other_list_admin):
    item = make_item(department, code="MKT-005", materials=[services.MaterialInput("申请书", "Form", sample=pdf(SAMPLE))])
    url = file_url(item, "sample", draft=True)
    assert Client().get(url).status_code == 404
    for outsider in (other_list_admin, citizen()):
        client = Client()
        sign_in(client, outsider)
        assert client.get(url).status_code == 404
    staff_without_second_factor = Client()
    staff_without_second_factor.force_login(list_admin)
    assert staff_without_second_factor.get(url).status_code == 404
    owner = Client()
    sign_in(owner, list_admin)
    response = owner.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]

    publish("v1")
    published = Client().get(file_url(item, "sample"))
    assert published.status_code == 200 and body(published) == SAMPLE
    assert Client().get(file_url(item, "blank-form")).status_code == 404  # it has no blank form
    assert Client().get(file_url(item, "sample").replace("MKT-005", "MKT-999")).status_code == 404


def test_export_and_import_round_trip_the_guide_texts_and_keep_the_files(guided, list_admin):
    draft = ItemVersion.objects.drafts().with_terms().get(item=guided)
    before = terms_dict(draft)
    exported = transfer.export_csv([transfer.export_row(before)]).encode("utf-8")
    services.item_update(
        actor=list_admin, item=guided, terms=terms(**{name: "" for name in GUIDE}),
        materials=[services.MaterialInput("个体工商户登记申请书", "Registration application")],
    )
    job = services.import_start(actor=list_admin, file_name="list.csv", data=exported)
    assert job.status == "done", job.errors
    after = terms_dict(ItemVersion.objects.drafts().with_terms().get(item=guided))
    for name in [*GUIDE, "faq"]:
        assert after[name] == before[name], name


def test_an_import_keeps_the_files_of_materials_it_names(guided, list_admin):
    draft = ItemVersion.objects.drafts().with_terms().get(item=guided)
    row = transfer.export_row(terms_dict(draft))
    row["conditions_en"] = "Changed by import."
    job = services.import_start(actor=list_admin, file_name="list.csv", data=transfer.export_csv([row]).encode())
    assert job.status == "done", job.errors
    material = ItemVersion.objects.drafts().with_terms().get(item=guided).materials.get()
    assert (material.blank_form.sha256, material.sample.sha256) == (
        draft.materials.get().blank_form.sha256,
        draft.materials.get().sample.sha256,
    )


def test_the_change_log_and_the_version_diff_show_a_changed_faq(client, guided, list_admin):
    services.item_update(
        actor=list_admin,
        item=guided,
        terms=terms(**GUIDE),
        materials=[services.MaterialInput("个体工商户登记申请书", "Registration application")],
        faq=[{**FAQ[0], "question_en": "Is a trade name required?"}],
    )
    change = ListChange.objects.filter(action="update").latest("at")
    faq = [d for d in differences(change.before, change.after) if d.key == "faq"]
    assert faq and faq[0].label == "Frequently asked questions"
    assert any("Do I need a trade name?" in line.text and line.changed for line in faq[0].before)
    assert any("Is a trade name required?" in line.text and line.changed for line in faq[0].after)
    client.cookies["django_language"] = "en"
    sign_in(client, list_admin)
    log = client.get(reverse("list_admin_changes")).content.decode()
    assert "Frequently asked questions" in log and "Is a trade name required?" in log
    version = publish("v2")
    public = Client()
    public.cookies["django_language"] = "en"
    diff = public.get(reverse("catalogue_version", args=[version.number])).content.decode()
    assert "Frequently asked questions" in diff and "Is a trade name required?" in diff
