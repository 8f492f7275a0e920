"""Bundles on the approval list: drafted, published with the list version, audited and guarded like items."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from services.bundles import (
    BundleNotOnList,
    MemberInput,
    bundle_create,
    bundle_for_new_application,
    bundle_restore,
    bundle_retire,
    bundle_update,
    critical_path_days,
)
from services.models import BundleEntry, BundleVersion, ListChange, ListVersion
from services.services import item_retire
from tests.services.factories import LifeEventFactory, make_item, publish

TERMS = {"name_zh": "企业开办一件事", "name_en": "Opening a business", "promised_limit_days": 2}


@pytest.fixture
def event(db):
    return LifeEventFactory(code="open-business")


@pytest.fixture
def items(department, other_department):
    """Registration (1 day), then the seal (1 day); tax (2 days) in parallel."""
    return {
        "REG": make_item(department, code="MKT-REG", promised_limit_days=1),
        "SEAL": make_item(other_department, code="PSB-SEAL", promised_limit_days=1),
        "TAX": make_item(other_department, code="TAX-REG", promised_limit_days=2),
    }


MEMBERS = [MemberInput("MKT-REG"), MemberInput("PSB-SEAL", after_code="MKT-REG"), MemberInput("TAX-REG")]


def create(department, event, *, actor=None, members=MEMBERS, **terms):
    return bundle_create(
        actor=actor, code="BDL-BIZ", department=department, terms={**TERMS, "event": event, **terms}, members=members
    )


def test_it_publishes_a_bundle_with_the_list_version_and_audits_it(department, items, event, list_admin):
    publish()
    bundle = create(department, event, actor=list_admin)
    with pytest.raises(BundleNotOnList) as refused:
        bundle_for_new_application(code="BDL-BIZ")
    assert refused.value.reason == BundleNotOnList.DRAFT

    version = publish(actor=list_admin, departments=[department])

    listed = bundle_for_new_application(code="bdl-biz")
    assert listed.published_in == version and not listed.is_draft
    assert [m.item.code for m in listed.members.all()] == ["MKT-REG", "PSB-SEAL", "TAX-REG"]
    assert listed.members.get(item__code="PSB-SEAL").after.code == "MKT-REG"
    actions = list(ListChange.objects.filter(bundle=bundle).order_by("at", "id").values_list("action", "actor"))
    assert actions == [("create", list_admin.pk), ("publish", list_admin.pk)]
    assert ListChange.objects.get(list_version=version, bundle__isnull=True).after["bundles"] == {"BDL-BIZ": "added"}


def test_it_refuses_to_publish_a_bundle_whose_member_is_not_on_the_list(department, other_department, event):
    make_item(department, code="MKT-REG", promised_limit_days=1)
    publish()
    make_item(other_department, code="PSB-SEAL", promised_limit_days=1)  # a draft, never published
    create(department, event, members=[MemberInput("MKT-REG"), MemberInput("PSB-SEAL")], promised_limit_days=1)

    with pytest.raises(ValidationError) as refused:
        publish(departments=[department])

    assert "PSB-SEAL" in " ".join(refused.value.messages)
    assert "not on the published approval list" in " ".join(refused.value.messages)
    assert ListVersion.objects.count() == 1 and not BundleEntry.objects.exists()


def test_it_refuses_to_take_a_member_item_off_the_list_while_the_bundle_is_on_it(department, items, event):
    bundle = create(department, event)
    publish()
    item_retire(actor=None, item=items["TAX"])

    with pytest.raises(ValidationError) as refused:
        publish()
    assert "TAX-REG" in " ".join(refused.value.messages)

    bundle_retire(actor=None, bundle=bundle)
    publish()
    with pytest.raises(BundleNotOnList) as gone:
        bundle_for_new_application(code="BDL-BIZ")
    assert gone.value.reason == BundleNotOnList.RETIRED
    assert "no longer accepts applications" in gone.value.messages[0]


def test_it_refuses_a_promise_longer_than_the_longest_chain(department, items, event):
    create(department, event, promised_limit_days=3)  # registration then seal: 1 + 1; tax: 2
    with pytest.raises(ValidationError) as refused:
        publish()
    assert "longest chain" in " ".join(refused.value.messages)


def test_the_critical_path_follows_the_order(department, items, event):
    bundle = create(department, event)
    members = list(BundleVersion.objects.get(bundle=bundle).members.all())
    promised = {items["REG"].pk: 1, items["SEAL"].pk: 1, items["TAX"].pk: 2}
    assert critical_path_days(members, promised) == 2
    assert critical_path_days(members, {**promised, items["SEAL"].pk: 3}) == 4


def test_it_refuses_an_order_that_goes_round_in_a_circle(department, items, event):
    members = [MemberInput("MKT-REG", after_code="PSB-SEAL"), MemberInput("PSB-SEAL", after_code="MKT-REG")]
    with pytest.raises(ValidationError) as refused:
        create(department, event, members=members)
    assert "circle" in " ".join(refused.value.messages)


def test_it_refuses_unknown_items_and_a_required_member_with_a_condition(department, items, event):
    members = [MemberInput("MKT-REG", condition_key="hire_staff"), MemberInput("NOPE-1")]
    with pytest.raises(ValidationError) as refused:
        create(department, event, members=members)
    text = " ".join(refused.value.messages)
    assert "NOPE-1" in text and "cannot depend on an answer" in text


def test_only_the_lead_departments_list_admin_edits_it(department, items, event, other_list_admin, list_admin):
    with pytest.raises(PermissionDenied):
        create(department, event, actor=other_list_admin)
    bundle = create(department, event, actor=list_admin)
    with pytest.raises(PermissionDenied):
        bundle_update(actor=other_list_admin, bundle=bundle, terms={**TERMS, "event": event}, members=MEMBERS)
    with pytest.raises(PermissionDenied):
        bundle_retire(actor=other_list_admin, bundle=bundle)


def test_a_change_is_a_new_revision_and_a_published_snapshot_stays(department, items, event, list_admin):
    bundle = create(department, event, actor=list_admin)
    publish()
    draft = bundle_update(
        actor=list_admin, bundle=bundle, terms={**TERMS, "event": event, "name_en": "Start a business"}, members=MEMBERS
    )
    assert draft.revision == 2
    assert bundle_for_new_application(code="BDL-BIZ").name_en == "Opening a business"
    publish()
    assert bundle_for_new_application(code="BDL-BIZ").name_en == "Start a business"
    assert ListChange.objects.filter(bundle=bundle, action="update").get().before["name_en"] == "Opening a business"


def test_a_retirement_can_be_undone_before_publication(department, items, event):
    bundle = create(department, event)
    publish()
    bundle_retire(actor=None, bundle=bundle)
    bundle_restore(actor=None, bundle=bundle)
    with pytest.raises(ValidationError):
        publish()  # nothing changed
    assert bundle_for_new_application(code="BDL-BIZ").bundle == bundle


def test_the_guard_refuses_an_unknown_bundle(db):
    with pytest.raises(BundleNotOnList) as refused:
        bundle_for_new_application(code="BDL-NONE")
    assert refused.value.reason == BundleNotOnList.UNKNOWN


def test_the_demo_catalogue_publishes_its_three_bundles(db):
    import io

    from services import demo

    demo.seed(stdout=io.StringIO())

    names = {code: bundle_for_new_application(code=code).name_en for code in ("BDL-001", "BDL-002", "BDL-003")}
    assert names == {
        "BDL-001": "Opening a business",
        "BDL-002": "Having a baby",
        "BDL-003": "Building a small low-risk project",
    }
    business = bundle_for_new_application(code="BDL-001")
    assert business.promised_limit_days == 2 and business.members.count() == 5
    assert len({m.item.department_id for m in business.members.all()}) == 5
    assert bundle_for_new_application(code="BDL-003").promised_limit_days == 30


def test_the_database_refuses_to_change_a_published_bundle(department, items, event):
    from django.db import IntegrityError, transaction

    from services.models import BundleMember

    bundle = create(department, event)
    publish()
    snapshot = BundleVersion.objects.get(bundle=bundle, published_in__isnull=False)
    for change in (
        lambda: BundleVersion.objects.filter(pk=snapshot.pk).update(name_en="Changed"),
        lambda: BundleMember.objects.filter(bundle_version=snapshot).update(required=False),
        lambda: BundleEntry.objects.filter(bundle=bundle).update(bundle_version=snapshot),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            change()
    # The draft stays editable.
    assert BundleVersion.objects.filter(bundle=bundle, published_in__isnull=True).update(name_en="Draft") == 1
    assert BundleMember.objects.filter(bundle_version__published_in__isnull=True).update(required=True) == 3
