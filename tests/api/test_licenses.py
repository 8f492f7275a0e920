"""GET /api/v1/licenses/{number}/status: public verification, the same facts as /verify/<number>/."""

import pytest

from licenses import services
from licenses.models import License
from licenses.tasks import issue_license
from tests.licenses.conftest import REPRESENTATIVE_ID, approved, business_license, item  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def _on_the_suite_day(frozen_time, seal_settings):
    pass


@pytest.fixture
def license(approved):  # noqa: F811
    issue_license.delay(approved.pk)
    return License.objects.get(application=approved)


def status_url(number):
    return f"/api/v1/licenses/{number}/status"


def test_it_verifies_a_license_without_a_token(api_client, license):
    response = api_client.get(status_url(license.number), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.json()
    assert body["number"] == license.number
    assert body["status"] == "valid" and body["status_label"] == "valid"
    assert body["license_type"]["code"] == "business-license"
    assert body["issued_by"] == {"code": "market", "name_zh": "市场监督管理局", "name_en": "Market Supervision Administration"}
    assert body["holder"] == "王*明"
    assert body["verify_url"].endswith(f"/verify/{license.number}/")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_it_returns_no_personal_data(api_client, license, applicant):
    response = api_client.get(status_url(license.number))
    assert response.status_code == 200
    text = response.content.decode()
    person = applicant.person
    for private in [person.real_name, person.resident_id, license.holder_id_masked, applicant.email, REPRESENTATIVE_ID,
                    str(license.application.uid), "葫芦岛海滨小吃有限公司"]:
        assert private not in text


def test_it_shows_a_revocation_at_once(api_client, license, head):
    services.license_revoke(license=license, actor=head, reason="以欺骗手段取得许可")
    body = api_client.get(status_url(license.number)).json()
    assert body["status"] == "revoked"
    assert body["status_changed_at"]
    assert "欺骗" not in str(body)  # the reason is not public


def test_an_unknown_number_is_a_404_problem(api_client, db):
    response = api_client.get(status_url("YYZZ-2026-0000-00"))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_it_limits_each_address_with_retry_after(api_client, db, settings):
    settings.API_VERIFY_PER_MINUTE = 2
    assert [api_client.get(status_url("X-1")).status_code for _ in range(2)] == [404, 404]
    response = api_client.get(status_url("X-1"))
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    other = api_client.get(status_url("X-1"), REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 404
