"""Approval-list helpers for tests: items are made through the services, as the UI makes them."""

import itertools
from decimal import Decimal

import factory
from django.utils import timezone

from licenses.models import LicenseType
from services import services
from services.models import ItemVersion, LifeEvent, ListEntry, ListVersion, ServiceItem
from services.public_cache import forget_list_stamp
from tests.factories import DepartmentFactory

_serial = itertools.count(1)


class LicenseTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LicenseType
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"license-{n}")
    name_zh = factory.Sequence(lambda n: f"测试许可证{n}")
    name_en = factory.Sequence(lambda n: f"Test license {n}")
    number_prefix = factory.Sequence(lambda n: f"T{n}")
    validity_months = 60


class LifeEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LifeEvent
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"event-{n}")
    name_zh = factory.Sequence(lambda n: f"测试事件{n}")
    name_en = factory.Sequence(lambda n: f"Test event {n}")


def terms(**overrides) -> dict:
    """Valid terms of a promised item, fully online."""
    n = next(_serial)
    values = {
        "name_zh": f"测试事项{n}",
        "name_en": f"Test item {n}",
        "description_zh": "用于测试的事项。",
        "description_en": "An item for tests.",
        "keywords": "",
        "audience": "enterprise",
        "kind": "promised",
        "statutory_limit_days": 20,
        "promised_limit_days": 5,
        "legal_basis_zh": "《测试条例》第一条",
        "legal_basis_en": "Test Regulations, art. 1",
        "fee_yuan": Decimal("0"),
        "online_level": "full_online",
        "max_visits": 0,
        "license_type": None,
    }
    values.update(overrides)
    return values


def make_item(department=None, *, code=None, actor=None, materials=(), fields=(), events=(), **overrides) -> ServiceItem:
    department = department or DepartmentFactory()
    return services.item_create(
        actor=actor,
        code=code or f"T-{next(_serial):04d}",
        department=department,
        terms=terms(**overrides),
        materials=list(materials),
        fields=list(fields),
        events=list(events),
    )


def publish(note="测试发布", *, actor=None, departments=None, at=None) -> ListVersion:
    return services.list_publish(actor=actor, note=note, departments=departments, at=at)


def published_items(count: int, *, department=None, online_levels=None) -> ListVersion:
    """`count` items on a new published list, inserted in bulk (fast enough for 500)."""
    department = department or DepartmentFactory()
    now = timezone.now()
    previous = ListVersion.objects.order_by("-number").first()
    version = ListVersion.objects.create(
        number=(previous.number + 1) if previous else 1, note="bulk", published_at=now, total=count, added=count
    )
    forget_list_stamp()  # as list_publish does
    start = next(_serial) * 1000
    items = ServiceItem.objects.bulk_create(
        [ServiceItem(code=f"B-{start + i}", department=department, created_at=now) for i in range(count)]
    )
    levels = online_levels or ["full_online"] * count
    versions = ItemVersion.objects.bulk_create(
        [
            ItemVersion(
                item=item,
                published_in=version,
                updated_at=now,
                search_text=f"b-{start + i} 批量事项{i} bulk item {i}",
                **{
                    **terms(name_zh=f"批量事项{i}", name_en=f"Bulk item {i}"),
                    "online_level": levels[i],
                    "max_visits": 0 if levels[i] == "full_online" else 1,
                },
            )
            for i, item in enumerate(items)
        ]
    )
    ListEntry.objects.bulk_create(
        [ListEntry(list_version=version, item=v.item, item_version=v) for v in versions]
    )
    return version
