"""Starting an application online: sign-in and profile first, the list guard,
the item's audience, window-only items; a refusal creates nothing."""

import pytest
from django.urls import reverse

from approvals.models import Application
from services import services
from services.services import MaterialInput
from tests.factories import EnterpriseFactory, MembershipFactory, UserFactory
from tests.services.factories import make_item, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def en(client):
    client.cookies["django_language"] = "en"
    return client


def _act_for(client, enterprise):
    session = client.session
    session["onegate_acting_as"] = enterprise.pk
    session.save()


@pytest.fixture
def enterprise(applicant):
    enterprise = EnterpriseFactory(name="葫芦岛海滨贸易有限公司")
    MembershipFactory(user=applicant, enterprise=enterprise)
    return enterprise


@pytest.fixture
def enterprise_item(department):
    item = make_item(department, code="ENT-001", audience="enterprise", name_en="Setting up an enterprise",
                     promised_limit_days=2, materials=[MaterialInput(name_zh="章程", name_en="Articles")])
    publish()
    return item


def test_the_catalogue_item_page_links_to_the_start_page(client, item):
    page = client.get(reverse("catalogue_item", args=["MKT-001"])).content.decode()
    assert reverse("apply_start", args=["MKT-001"]) in page


def test_looking_at_the_start_page_creates_nothing(en, item, applicant):
    en.force_login(applicant)
    response = en.get(reverse("apply_start", args=["MKT-001"]))
    assert response.status_code == 200
    assert "yourself" in response.content.decode()
    assert not Application.objects.exists()


def test_it_sends_an_anonymous_visitor_to_sign_in_and_back(en, item):
    response = en.post(reverse("apply_start", args=["MKT-001"]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "next=/apply/MKT-001/" in response.url
    assert not Application.objects.exists()


def test_it_asks_for_a_completed_profile_first(en, item):
    en.force_login(UserFactory())
    response = en.post(reverse("apply_start", args=["MKT-001"]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("profile")
    assert "complete your personal profile" in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.parametrize("how", ["retired", "never published", "unknown"])
def test_it_refuses_items_not_on_the_list_and_creates_nothing(en, department, item, applicant, how):
    if how == "retired":
        services.item_retire(actor=None, item=item)
        publish()
        code, status, words = "MKT-001", 410, "removed from the approval list"
    elif how == "never published":
        make_item(department, code="MKT-009")
        code, status, words = "MKT-009", 404, "not on the published approval list yet"
    else:
        code, status, words = "NOPE-1", 404, "no item with the code"
    en.force_login(applicant)
    for method in (en.get, en.post):
        response = method(reverse("apply_start", args=[code]))
        assert response.status_code == status
        assert words in response.content.decode()
    assert not Application.objects.exists()


def test_an_item_retired_after_the_draft_began_cannot_be_submitted(en, draft, applicant):
    services.item_retire(actor=None, item=draft.item_version.item)
    publish()
    en.force_login(applicant)
    response = en.post(reverse("apply_check", args=[draft.uid]), {"declaration": "yes"})
    assert response.status_code == 200
    assert "removed from the approval list" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == "draft" and draft.tracking_number is None


def test_an_enterprise_item_needs_the_enterprise_chosen_first(en, enterprise_item, applicant, enterprise):
    en.force_login(applicant)
    response = en.post(reverse("apply_start", args=["ENT-001"]))
    assert response.status_code == 400
    page = response.content.decode()
    assert "is for enterprises" in page and "Choose the enterprise you act for" in page
    assert reverse("me") + "#acting-as" in page
    assert not Application.objects.exists()

    _act_for(en, enterprise)
    response = en.post(reverse("apply_start", args=["ENT-001"]))
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.applicant_enterprise == enterprise and application.applicant_person == applicant.person


def test_the_start_page_says_before_the_click_who_may_apply(en, enterprise_item, item, applicant, enterprise):
    en.force_login(applicant)
    page = en.get(reverse("apply_start", args=["ENT-001"])).content.decode()
    assert "You cannot start this application as you are acting now." in page and "is for enterprises" in page
    assert "Start now" not in page and reverse("me") + "#acting-as" in page
    _act_for(en, enterprise)
    page = en.get(reverse("apply_start", args=["ENT-001"])).content.decode()
    assert "Start now" in page and "You cannot start" not in page
    page = en.get(reverse("apply_start", args=["MKT-001"])).content.decode()  # a person item, acting for the enterprise
    assert "is for individuals" in page and "Start now" not in page


def test_a_person_item_refuses_someone_acting_for_an_enterprise(en, item, applicant, enterprise):
    en.force_login(applicant)
    _act_for(en, enterprise)
    response = en.post(reverse("apply_start", args=["MKT-001"]))
    assert response.status_code == 400
    assert "is for individuals" in response.content.decode()
    assert not Application.objects.exists()


def test_acting_for_an_enterprise_one_no_longer_belongs_to_falls_back_to_oneself(en, item, applicant, enterprise):
    en.force_login(applicant)
    _act_for(en, enterprise)
    enterprise.memberships.all().delete()
    response = en.post(reverse("apply_start", args=["MKT-001"]))
    assert response.status_code == 302
    assert Application.objects.get().applicant_enterprise is None


def test_a_window_only_item_cannot_be_applied_for_online(en, department, applicant):
    make_item(department, code="WIN-001", audience="person", online_level="offline", max_visits=1)
    publish()
    en.force_login(applicant)
    response = en.post(reverse("apply_start", args=["WIN-001"]))
    assert response.status_code == 400
    assert "handled at the window only" in response.content.decode()
    assert not Application.objects.exists()


def test_the_start_page_offers_to_continue_an_earlier_draft(en, item, applicant):
    en.force_login(applicant)
    en.post(reverse("apply_start", args=["MKT-001"]))
    page = en.get(reverse("apply_start", args=["MKT-001"])).content.decode()
    draft = Application.objects.get()
    assert reverse("my_application", args=[draft.uid]) in page
    assert "Start a new application" in page
