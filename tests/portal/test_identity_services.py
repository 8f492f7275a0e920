import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portal import services
from portal.models import Enterprise, Membership, Person
from tests.factories import EnterpriseFactory, MembershipFactory, UserFactory, citizen, make_credit_code, make_resident_id

pytestmark = pytest.mark.django_db


def test_it_completes_a_profile_with_a_normalised_id():
    user = UserFactory()
    rid = make_resident_id(birth="19880808")
    person = services.person_complete_profile(user=user, real_name=" 王  小明 ", resident_id=rid.lower())
    assert person.user == user
    assert person.resident_id == rid.upper()
    assert person.real_name == "王 小明"


def test_it_refuses_a_bad_resident_id_keyed_by_field():
    with pytest.raises(ValidationError) as info:
        services.person_complete_profile(user=UserFactory(), real_name="王小明", resident_id="110105194912310021")
    assert "resident_id" in info.value.error_dict
    assert not Person.objects.exists()


def test_it_keeps_one_account_per_resident_id():
    taken = citizen()
    with pytest.raises(ValidationError) as info:
        services.person_complete_profile(
            user=UserFactory(), real_name=taken.person.real_name, resident_id=taken.person.resident_id
        )
    assert "resident_id" in info.value.error_dict
    assert Person.objects.get(resident_id=taken.person.resident_id).user == taken


def test_it_lets_a_walk_in_person_claim_their_record_with_the_same_id():
    walk_in = services.person_register(real_name="张三", resident_id=make_resident_id())
    user = UserFactory()
    claimed = services.person_complete_profile(user=user, real_name="张三", resident_id=walk_in.resident_id)
    assert claimed.pk == walk_in.pk
    assert claimed.user == user


def test_it_refuses_a_claim_under_another_name():
    walk_in = services.person_register(real_name="张三", resident_id=make_resident_id())
    with pytest.raises(ValidationError) as info:
        services.person_complete_profile(user=UserFactory(), real_name="李四", resident_id=walk_in.resident_id)
    assert "real_name" in info.value.error_dict
    walk_in.refresh_from_db()
    assert walk_in.user is None


def test_it_registers_an_enterprise_with_its_first_admin():
    user = citizen()
    code = make_credit_code()
    enterprise = services.enterprise_register(user=user, name="葫芦岛测试有限公司", credit_code=code.lower())
    assert enterprise.credit_code == code
    assert Membership.objects.get(enterprise=enterprise).role == Membership.Role.ADMIN


def test_it_keeps_one_enterprise_per_credit_code():
    existing = MembershipFactory().enterprise
    with pytest.raises(ValidationError) as info:
        services.enterprise_register(user=citizen(), name="冒名企业", credit_code=existing.credit_code)
    assert "credit_code" in info.value.error_dict
    assert Enterprise.objects.filter(credit_code=existing.credit_code).count() == 1


def test_it_refuses_an_invalid_credit_code():
    with pytest.raises(ValidationError) as info:
        services.enterprise_register(user=citizen(), name="某公司", credit_code="91350100M000100I43")
    assert "credit_code" in info.value.error_dict


def test_it_lets_an_admin_add_and_only_an_admin():
    admin = MembershipFactory(user=citizen())
    newcomer = citizen()
    membership = services.membership_add(
        actor=admin.user, enterprise=admin.enterprise, email=newcomer.email, role="agent"
    )
    assert membership.role == "agent"
    with pytest.raises(PermissionDenied):
        services.membership_add(actor=newcomer, enterprise=admin.enterprise, email=citizen().email, role="agent")
    with pytest.raises(PermissionDenied):
        services.membership_add(
            actor=citizen(), enterprise=EnterpriseFactory(), email=newcomer.email, role="agent"
        )


def test_it_keeps_the_last_admin():
    admin = MembershipFactory(user=citizen())
    with pytest.raises(ValidationError):
        services.membership_remove(actor=admin.user, membership=admin)
    assert Membership.objects.filter(pk=admin.pk).exists()
