"""Publishing makes an immutable version N + 1; drafts change nothing public until then."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from services import services
from services.models import ItemVersion, ListChange, ListEntry, ListVersion
from services.services import MaterialInput
from tests.services.factories import LicenseTypeFactory, LifeEventFactory, make_item, publish, terms

pytestmark = pytest.mark.django_db


def test_it_publishes_version_1_then_n_plus_1(department):
    make_item(department)
    first = publish("first")
    make_item(department)
    second = publish("second")
    assert (first.number, second.number) == (1, 2)
    assert (second.added, second.changed, second.retired, second.total) == (1, 0, 0, 2)
    assert ListEntry.objects.filter(list_version=second).count() == 2


def test_it_snapshots_every_term(department):
    license = LicenseTypeFactory()
    event = LifeEventFactory()
    item = make_item(
        department,
        license_type=license,
        events=[event],
        materials=[MaterialInput("身份证明", "Proof of identity", True, [license])],
        fields=[{"key": "company_name", "type": "text", "label_zh": "企业名称", "label_en": "Name", "max_length": 80}],
    )
    version = publish()
    snapshot = ItemVersion.objects.with_terms().get(item=item, published_in=version)
    draft = ItemVersion.objects.drafts().get(item=item)
    assert snapshot.pk != draft.pk
    assert snapshot.license_type == license
    assert list(snapshot.events.all()) == [event]
    assert [(m.name_zh, list(m.stand_ins.all())) for m in snapshot.materials.all()] == [("身份证明", [license])]
    assert [(f.key, f.max_length) for f in snapshot.fields.all()] == [("company_name", 80)]


def test_editing_a_draft_leaves_the_published_version_alone(department):
    item = make_item(department, promised_limit_days=5)
    publish()
    services.item_update(actor=None, item=item, terms=terms(promised_limit_days=3))
    assert services.item_for_new_application(code=item.code).promised_limit_days == 5
    version = publish("faster")
    assert version.changed == 1
    assert services.item_for_new_application(code=item.code).promised_limit_days == 3
    old = ItemVersion.objects.get(item=item, published_in__number=1)
    assert old.promised_limit_days == 5


def test_an_unchanged_item_shares_its_snapshot_with_the_next_version(department):
    kept = make_item(department)
    changed = make_item(department)
    publish()
    services.item_update(actor=None, item=changed, terms=terms(name_en="Renamed"))
    publish("rename")
    v1, v2 = (ListEntry.objects.get(item=kept, list_version__number=n).item_version_id for n in (1, 2))
    assert v1 == v2
    assert ItemVersion.objects.snapshots().filter(item=kept).count() == 1


def test_it_refuses_to_publish_nothing(department):
    make_item(department)
    publish()
    with pytest.raises(ValidationError, match="no changes"):
        publish("again")


def test_it_needs_a_note(department):
    make_item(department)
    with pytest.raises(ValidationError) as refused:
        publish("  ")
    assert "note" in refused.value.message_dict


def test_a_list_admin_publishes_only_their_departments_drafts(department, other_department, list_admin):
    mine = make_item(department)
    theirs = make_item(other_department)
    version = publish("mine", actor=list_admin, departments=[department])
    assert list(ListEntry.objects.filter(list_version=version).values_list("item", flat=True)) == [mine.pk]
    # the other department's draft is still a draft, and carries over later untouched
    services.item_update(actor=None, item=mine, terms=terms(name_en="Mine, renamed"))
    second = publish("mine again", actor=list_admin, departments=[department])
    assert theirs.pk not in ListEntry.objects.filter(list_version=second).values_list("item", flat=True)


def test_other_departments_items_carry_over(department, other_department, list_admin):
    theirs = make_item(other_department)
    publish("all")  # the seed/command path publishes everything
    make_item(department)
    version = publish("mine", actor=list_admin, departments=[department])
    assert set(ListEntry.objects.filter(list_version=version).values_list("item", flat=True)) >= {theirs.pk}
    assert version.total == 2


def test_a_list_admin_cannot_publish_another_department(other_department, list_admin):
    make_item(other_department)
    with pytest.raises(PermissionDenied):
        publish("not mine", actor=list_admin, departments=[other_department])
    assert not ListVersion.objects.exists()


def test_a_list_admin_cannot_change_another_departments_item(other_department, list_admin):
    item = make_item(other_department)
    with pytest.raises(PermissionDenied):
        services.item_update(actor=list_admin, item=item, terms=terms())
    with pytest.raises(PermissionDenied):
        services.item_retire(actor=list_admin, item=item)
    with pytest.raises(PermissionDenied):
        services.item_create(actor=list_admin, code="X-1", department=other_department, terms=terms())


def test_every_change_is_audited_with_before_and_after(department, list_admin):
    item = make_item(department, actor=list_admin, promised_limit_days=5)
    services.item_update(actor=list_admin, item=item, terms=terms(promised_limit_days=4))
    services.item_retire(actor=list_admin, item=item)
    services.item_restore(actor=list_admin, item=item)
    version = publish("audited", actor=list_admin, departments=[department])
    changes = list(ListChange.objects.order_by("id"))
    assert [c.action for c in changes] == ["create", "update", "retire", "restore", "publish"]
    assert all(c.actor == list_admin and c.at for c in changes)
    create, update, retire, restore, published = changes
    assert create.before is None and create.after["promised_limit_days"] == 5
    assert (update.before["promised_limit_days"], update.after["promised_limit_days"]) == (5, 4)
    assert (retire.before["status"], retire.after["status"]) == ("active", "retired")
    assert published.list_version == version and published.after["added"] == [item.code]


def test_a_new_items_audit_holds_its_terms_as_the_database_reads_them_back(department, list_admin):
    """The audit of a new item is built from the rows just written, not read back: the two must agree."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from services.terms import terms_dict

    license_type, stand_in = LicenseTypeFactory(), LicenseTypeFactory()
    events = [LifeEventFactory(code="open-business"), LifeEventFactory(code="hire-staff")]
    blank = SimpleUploadedFile("blank.pdf", b"%PDF-1.4 blank form", content_type="application/pdf")
    item = services.item_create(
        actor=list_admin,
        code="mkt-9",
        department=department,
        terms=terms(fee_yuan="12.5", license_type=license_type, keywords="  开业  "),
        events=events,
        materials=[
            MaterialInput("营业执照", "Business license", stand_ins=[stand_in]),
            MaterialInput("申请书", "Application", required=False, blank_form=blank),
        ],
        fields=[
            {"key": "capital", "type": "number", "label_zh": "注册资本", "label_en": "Capital", "min_value": "1", "max_value": "100.50"},
            {"key": "name", "type": "text", "label_zh": "名称", "label_en": "Name", "max_length": 10},
        ],
        faq=[{"question_zh": "要带原件吗？", "question_en": "Originals?", "answer_zh": "要。", "answer_en": "Yes."}],
    )
    [create] = ListChange.objects.filter(item=item, action="create")
    read_back = terms_dict(ItemVersion.objects.with_terms().drafts().get(item=item))
    assert create.after == read_back
    assert (read_back["fee_yuan"], read_back["keywords"], read_back["events"]) == ("12.50", "开业", ["hire-staff", "open-business"])
    assert [m["stand_ins"] for m in read_back["materials"]] == [[stand_in.code], []]
    assert read_back["materials"][1]["blank_form"] and read_back["fields"][0]["max_value"] == "100.50"


def test_saving_the_same_terms_again_changes_nothing(department):
    values = terms()
    item = make_item(department, **{k: v for k, v in values.items()})
    draft = ItemVersion.objects.drafts().get(item=item)
    services.item_update(actor=None, item=item, terms=values)
    assert ItemVersion.objects.drafts().get(item=item).revision == draft.revision
    assert ListChange.objects.filter(action="update").count() == 0


def test_it_refuses_a_stale_edit(department):
    item = make_item(department)
    services.item_update(actor=None, item=item, terms=terms(name_en="First edit"), revision=1)
    with pytest.raises(ValidationError, match="Someone else changed"):
        services.item_update(actor=None, item=item, terms=terms(name_en="Second edit"), revision=1)


def test_it_refuses_a_duplicate_code(department):
    make_item(department, code="MKT-001")
    with pytest.raises(ValidationError) as refused:
        make_item(department, code="mkt-001")
    assert "code" in refused.value.message_dict
