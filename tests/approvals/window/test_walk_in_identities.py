"""Walk-ins are registered with the same validation as online, and claim
their records later with the same identifier."""

import pytest
from django.core.exceptions import ValidationError

from approvals.models import Application
from portal import services as identity
from portal.identifiers import credit_code_check_char
from tests.factories import UserFactory, citizen, make_credit_code
from tests.approvals.window.conftest import NOW, fill, window_draft

pytestmark = pytest.mark.django_db


def test_it_finds_or_creates_an_enterprise_without_an_account():
    code = make_credit_code()
    enterprise = identity.enterprise_register_walk_in(name=" 葫芦岛  海风餐饮有限公司 ", credit_code=code.lower())
    assert (enterprise.name, enterprise.credit_code) == ("葫芦岛 海风餐饮有限公司", code)
    assert identity.enterprise_register_walk_in(name="葫芦岛 海风餐饮有限公司", credit_code=code) == enterprise
    assert not enterprise.memberships.exists()


def test_it_refuses_a_bad_credit_code_as_online_does():
    code = make_credit_code()
    bad = code[:17] + ("0" if credit_code_check_char(code[:17]) != "0" else "1")
    with pytest.raises(ValidationError) as at_window:
        identity.enterprise_register_walk_in(name="某公司", credit_code=bad)
    with pytest.raises(ValidationError) as online:
        identity.enterprise_register(user=citizen(), name="某公司", credit_code=bad)
    assert set(at_window.value.message_dict) == {"credit_code"}
    assert at_window.value.message_dict == online.value.message_dict


def test_it_refuses_a_different_name_for_a_known_code():
    code = make_credit_code()
    identity.enterprise_register_walk_in(name="甲公司", credit_code=code)
    with pytest.raises(ValidationError) as refused:
        identity.enterprise_register_walk_in(name="乙公司", credit_code=code)
    assert set(refused.value.message_dict) == {"name"}


def test_the_enterprise_claims_its_window_applications_online(clerk, walk_in, enterprise_item):
    from approvals.window.services import window_submit

    enterprise = identity.enterprise_register_walk_in(name="葫芦岛海风餐饮有限公司", credit_code=make_credit_code())
    application = window_submit(
        application=fill(window_draft(clerk, walk_in, code="MKT-002", enterprise=enterprise), clerk),
        clerk=clerk,
        declaration=True,
        at=NOW,
    )
    agent = citizen()
    identity.enterprise_register(user=agent, name="葫芦岛海风餐饮有限公司", credit_code=enterprise.credit_code)
    assert list(Application.objects.visible_to_applicant(agent)) == [application]


def test_the_person_claims_their_window_applications_online(submitted, walk_in):
    user = UserFactory()
    identity.person_complete_profile(user=user, real_name=walk_in.real_name, resident_id=walk_in.resident_id)
    assert list(Application.objects.visible_to_applicant(user)) == [submitted]
