"""Purposes of use: seeded with the common ones, bilingual, maintained by administrators."""

from django.utils import translation

from api.access.models import AccessPurpose


def test_the_common_purposes_are_there_from_the_start(db):
    seeded = {p.code: p for p in AccessPurpose.objects.active()}

    assert {"license-examination", "license-verification", "enforcement-inspection", "service-handling"} <= set(seeded)
    assert seeded["license-examination"].name_zh == "行政许可审查"
    assert seeded["license-verification"].name_zh == "证照核验"
    assert seeded["enforcement-inspection"].name_zh == "执法检查"
    assert seeded["service-handling"].name_zh == "政务服务办理"
    for purpose in seeded.values():
        assert purpose.name_en and purpose.legal_basis_zh and purpose.legal_basis_en


def test_a_purpose_reads_in_the_active_language(db):
    purpose = AccessPurpose.objects.get(code="license-examination")

    with translation.override("en"):
        assert (purpose.name, purpose.legal_basis) == ("License examination", purpose.legal_basis_en)
    with translation.override("zh-hans"):
        assert (purpose.name, purpose.legal_basis) == ("行政许可审查", purpose.legal_basis_zh)
