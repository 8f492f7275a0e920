import io

from seals import demo
from seals.models import RootAuthority, Seal
from supervision.reports.services import supervision_office
from tests.factories import DepartmentFactory


def test_it_seeds_a_root_and_a_license_and_an_approval_seal_per_department_once(db, settings):
    settings.DEMO_MODE = True
    DepartmentFactory(code="market", name_zh="市场监督管理局", name_en="Market")
    DepartmentFactory(code="civil", name_zh="民政局", name_en="Civil Affairs")
    supervision_office()  # not a service department: it gets no license or approval seal

    demo.seed(stdout=io.StringIO())
    demo.seed(stdout=io.StringIO())

    assert RootAuthority.objects.count() == 1
    assert sorted(Seal.objects.active().values_list("department__code", "purpose")) == [
        ("civil", "approval"), ("civil", "license"), ("market", "approval"), ("market", "license"),
    ]
    assert Seal.objects.count() == 4


def test_it_does_nothing_outside_demo_mode(db, settings):
    settings.DEMO_MODE = False

    demo.seed(stdout=io.StringIO())

    assert not RootAuthority.objects.exists()
