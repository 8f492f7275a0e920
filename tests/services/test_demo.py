"""The demo catalogue: realistic, bilingual, published as version 1, and idempotent."""

import io
from datetime import timedelta

import pytest

from services import demo
from services.models import Department, ItemVersion, ListChange, ListVersion
from services.selectors import list_metrics
from tests.demo_world import world

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _catalogue(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo catalogue, seeded once for the module on the suite's day (see tests/demo_world.py)."""
    with world(django_db_blocker, tmp_path_factory.mktemp("catalogue"), lambda: demo.seed(stdout=io.StringIO())):
        yield


@pytest.fixture
def seeded(_catalogue, db):
    return ListVersion.objects.get(number=1)


def test_it_publishes_at_least_40_items_across_at_least_8_departments(seeded):
    items = ItemVersion.objects.on_list(seeded).with_terms()
    assert items.count() >= 40
    assert Department.objects.filter(items__entries__list_version=seeded).distinct().count() >= 8
    for version in items:
        assert version.name_zh and version.name_en and version.legal_basis_zh and version.legal_basis_en
        assert version.description_zh and version.description_en
        for material in version.materials.all():
            assert material.name_zh and material.name_en


def test_it_has_the_reforms_headline_items(seeded):
    on_list = {v.item.code: v for v in ItemVersion.objects.on_list(seeded).with_terms()}
    by_name = {v.name_zh: v for v in on_list.values()}
    establishment = by_name["企业开办（一般企业设立登记）"]
    assert (establishment.promised_limit_days, establishment.license_type.name_zh) == (2, "营业执照")
    municipal = by_name["市政公用基础设施项目审批"]
    assert (municipal.promised_limit_days, municipal.license_type.name_zh) == (5, "批复")
    low_risk = by_name["社会投资小型低风险建设项目施工许可"]
    assert (low_risk.promised_limit_days, low_risk.license_type.name_zh) == (30, "建筑工程施工许可证")
    assert sum(v.kind == "instant" for v in on_list.values()) >= 3
    assert 2 <= sum(v.online_level == "offline" for v in on_list.values()) <= 6


def test_it_is_idempotent(seeded):
    counts = (ItemVersion.objects.count(), ListVersion.objects.count(), ListChange.objects.count())
    demo.seed(stdout=io.StringIO())
    assert (ItemVersion.objects.count(), ListVersion.objects.count(), ListChange.objects.count()) == counts


def test_the_demo_list_is_mostly_online(seeded):
    city, _departments = list_metrics(list_version=seeded)
    assert city.online_rate > 90 and city.full_online_rate >= 40


def test_version_1_is_dated_well_before_the_demo_s_history(seeded, frozen_time):
    # Seeded at frozen_time: the module's catalogue is seeded on the suite's day.
    version = ListVersion.objects.get(number=1)
    assert version.published_at == frozen_time - timedelta(days=demo.PUBLISHED_DAYS_AGO)
    assert ListChange.objects.filter(at__gt=version.published_at).count() == 0
