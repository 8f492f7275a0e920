"""pyHanko's own validator, run as a separate process, judges our seals.

The seal certificates name our CRL (/verify/crl.crl), so the validator fetches
it from the live server, exactly as a relying party's software would.
"""

import pytest

from seals import services
from tests.factories import DepartmentFactory
from tests.seals.conftest import pyhanko_validate

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def published_seal(settings, live_server):
    settings.SITE_URL = live_server.url
    services.root_create()
    department = DepartmentFactory(code="market", name_zh="市场监督管理局", name_en="Market Supervision Administration")
    return services.seal_issue(department=department)


def test_it_passes_pyhankos_validator(published_seal, one_page_pdf, tmp_path):
    signed = services.seal_pdf(one_page_pdf, seal=published_seal, reason="核发营业执照", task="test")

    root_pem = services._root().certificate_pem
    result = pyhanko_validate(signed, root_pem, tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "INTACT:TRUSTED,TIMESTAMP_TOKEN<INTACT:TRUSTED>,EXTENDED_WITH_LTA_UPDATES" in result.stdout


def test_it_fails_pyhankos_validator_when_tampered(published_seal, one_page_pdf, tmp_path):
    signed = bytearray(services.seal_pdf(one_page_pdf, seal=published_seal, reason="核发营业执照", task="test"))
    signed[200] ^= 0x01

    result = pyhanko_validate(bytes(signed), services._root().certificate_pem, tmp_path)

    assert result.returncode != 0


def test_it_fails_pyhankos_validator_once_the_crl_lists_the_seal(published_seal, one_page_pdf, tmp_path):
    signed = services.seal_pdf(one_page_pdf, seal=published_seal, reason="核发营业执照", task="test")
    services.seal_revoke(seal=published_seal, reason="key_compromise", note="密钥泄露")

    result = pyhanko_validate(signed, services._root().certificate_pem, tmp_path)
    print(result.stdout, result.stderr)

    assert result.returncode != 0
    assert "REVOKED" in result.stdout
