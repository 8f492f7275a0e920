"""The public catalogue: search in both languages, browse, item pages, fixed query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from services import services
from services.selectors import CatalogueFilters, catalogue_items, current_list
from services.services import MaterialInput
from tests.services.factories import LicenseTypeFactory, LifeEventFactory, make_item, publish, published_items

pytestmark = pytest.mark.django_db

EN = {"HTTP_COOKIE": "django_language=en"}


@pytest.fixture
def catalogue(department, other_department):
    license = LicenseTypeFactory(code="business-license", name_zh="营业执照", name_en="business license")
    starting = LifeEventFactory(code="start-business", name_zh="开办企业", name_en="Starting a business")
    make_item(
        department, code="MKT-001", name_zh="企业开办", name_en="Setting up an enterprise",
        description_zh="两个工作日内领取电子营业执照。", description_en="Get an electronic business license in 2 working days.",
        promised_limit_days=2, statutory_limit_days=3, license_type=license, events=[starting],
        materials=[MaterialInput("住所使用证明", "Proof of address", True, []),
                   MaterialInput("股东主体资格证明", "Shareholders' status", True, [license])],
    )
    make_item(
        department, code="MKT-002", name_zh="营业执照变更登记", name_en="Changing a business license",
        audience="enterprise",
    )
    make_item(
        other_department, code="HOU-001", name_zh="住房租赁备案", name_en="Registering a lease",
        audience="person", kind="instant", promised_limit_days=0, online_level="offline", max_visits=1,
        keywords="租房 rent tenancy",
    )
    make_item(department, code="MKT-003", name_zh="营业执照遗失补领", name_en="Replacing a lost business license")
    publish("v1", departments=None)
    services.item_retire(actor=None, item=make_item(department, code="MKT-004", name_zh="营业执照旧事项"))
    return current_list(at=timezone.now())


def codes(list_version, **filters):
    return [v.item.code for v in catalogue_items(list_version=list_version, filters=CatalogueFilters(**filters))]


@pytest.mark.parametrize(
    "query, expected",
    [
        ("营业执照", ["MKT-001", "MKT-002", "MKT-003"]),
        ("business license", ["MKT-001", "MKT-002", "MKT-003"]),
        ("Business License", ["MKT-001", "MKT-002", "MKT-003"]),
        ("license business", ["MKT-001", "MKT-002", "MKT-003"]),
        ("租房", ["HOU-001"]),
        ("tenancy", ["HOU-001"]),
        ("hou-001", ["HOU-001"]),
        ("营业执照 变更", ["MKT-002"]),
        ("不存在的东西", []),
    ],
)
def test_search_finds_items_in_chinese_and_english(catalogue, query, expected):
    assert codes(catalogue, q=query) == expected


def test_search_only_finds_published_items(catalogue, department):
    make_item(department, code="MKT-009", name_zh="草稿营业执照事项")
    assert "MKT-009" not in codes(catalogue, q="营业执照")


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({"department": "housing"}, ["HOU-001"]),
        ({"audience": "person"}, ["HOU-001"]),
        ({"audience": "enterprise"}, ["MKT-001", "MKT-002", "MKT-003"]),
        ({"event": "start-business"}, ["MKT-001"]),
        ({"online": "offline"}, ["HOU-001"]),
        ({"online": "full_online", "department": "market", "q": "变更"}, ["MKT-002"]),
    ],
)
def test_it_browses_by_department_audience_event_and_online_level(catalogue, filters, expected):
    assert codes(catalogue, **filters) == expected


def test_the_catalogue_page_lists_and_searches(client, catalogue):
    response = client.get(reverse("catalogue"), {"q": "business license"}, **EN)
    body = response.content.decode()
    assert response.status_code == 200
    assert "3 services" in body and "Setting up an enterprise" in body and "Registering a lease" not in body


def test_the_item_page_shows_what_a_citizen_needs(client, catalogue):
    body = client.get(reverse("catalogue_item", args=["MKT-001"]), **EN).content.decode()
    for expected in [
        "Setting up an enterprise", "2 working days", "3 working days", "Free", "Test Regulations, art. 1",
        "fully online, no visit", "None: everything happens online", "Market Supervision Administration",
        "市民中心一楼", "Proof of address", "Not needed if you hold an electronic license issued by the city",
        "business license", "Apply online",
    ]:
        assert expected in body, expected


def test_the_window_is_named_in_the_reader_s_language(client, catalogue, department):
    department.window_en = "Citizen Centre, floor 1, comprehensive windows 1–12"
    department.save()
    english = client.get(reverse("catalogue_item", args=["MKT-001"]), **EN).content.decode()
    assert "Citizen Centre, floor 1, comprehensive windows 1–12" in english and "市民中心一楼" not in english
    chinese = client.get(reverse("catalogue_item", args=["MKT-001"])).content.decode()
    assert "市民中心一楼" in chinese


def test_an_offline_item_says_where_to_go(client, catalogue):
    body = client.get(reverse("catalogue_item", args=["HOU-001"]), **EN).content.decode()
    assert "handled at the window only" in body and "Apply online" not in body


def test_the_public_export_lists_the_published_list(client, catalogue):
    response = client.get(reverse("catalogue_export", args=["csv"]))
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "MKT-001" in text and "HOU-001" in text
    assert "MKT-004" not in text  # a draft, never published
    assert client.get(reverse("catalogue_export", args=["pdf"])).status_code == 404


@pytest.mark.parametrize("url_name", ["catalogue", "catalogue_metrics", "catalogue_versions"])
def test_public_pages_work_before_any_list_is_published(client, url_name, department):
    assert client.get(reverse(url_name)).status_code == 200


# Fixed query counts, whatever the number of items.


def _count(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries.captured_queries)


@pytest.mark.parametrize("size", [10, 500])
def test_the_catalogue_runs_a_fixed_number_of_queries(client, department, size, django_assert_max_num_queries):
    LifeEventFactory.create_batch(3)
    version = published_items(size, department=department)
    item = version.entries.order_by("item__code").first().item
    with django_assert_max_num_queries(6):
        client.get(reverse("catalogue"))
    with django_assert_max_num_queries(6):
        client.get(reverse("catalogue"), {"q": "bulk", "department": department.code, "page": 2})
    with django_assert_max_num_queries(8):
        client.get(reverse("catalogue_item", args=[item.code]))


def test_the_query_counts_are_the_same_for_10_and_500_items(client, department, other_department):
    published_items(10, department=department)
    small = published_items(10, department=department)
    counts_small = (
        _count(client, reverse("catalogue")),
        _count(client, reverse("catalogue_item", args=[small.entries.first().item.code])),
        _count(client, reverse("catalogue_metrics")),
        _count(client, reverse("catalogue_version", args=[small.number])),
    )
    large = published_items(490, department=other_department)
    counts_large = (
        _count(client, reverse("catalogue")),
        _count(client, reverse("catalogue_item", args=[large.entries.first().item.code])),
        _count(client, reverse("catalogue_metrics")),
        _count(client, reverse("catalogue_version", args=[large.number])),
    )
    assert counts_small == counts_large
