"""Every error is RFC 9457 problem details, in the client's language (Chinese by default)."""

import pytest

from tests.api.conftest import bearer, token

PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def _on_the_suite_day(frozen_time):
    pass


def assert_problem(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status
    assert body["title"] and body["detail"]
    return body


@pytest.mark.parametrize(
    "path, status",
    [
        ("/api/v1/catalogue/items", 401),
        ("/api/v1/no-such-endpoint", 404),
        ("/api/v1/licenses/YYZZ-0000-0000-00/status", 404),
    ],
)
def test_it_answers_errors_as_problem_details(api_client, path, status):
    assert_problem(api_client.get(path), status)


def test_it_answers_a_wrong_method_as_a_problem(api_client):
    body = assert_problem(api_client.post("/api/v1/licenses/YYZZ-0000-0000-00/status"), 405)
    assert body["type"] == "about:blank"


def test_it_lists_validation_errors(api_client, catalogue_reader):
    response = api_client.get("/api/v1/catalogue/items?limit=0", **bearer(token(api_client, catalogue_reader)))
    body = assert_problem(response, 422)
    assert body["type"] == "urn:onegate:problem:validation"
    assert body["errors"] == [{"location": ["query", "limit"], "message": body["errors"][0]["message"], "code": "greater_than_equal"}]


def test_it_speaks_chinese_by_default_and_english_on_request(api_client, register):
    access_token = token(api_client, register(["licenses:verify"]))
    chinese = api_client.get("/api/v1/catalogue/items", **bearer(access_token))
    english = api_client.get("/api/v1/catalogue/items", HTTP_ACCEPT_LANGUAGE="en", **bearer(access_token))
    explicit = api_client.get("/api/v1/catalogue/items", HTTP_ACCEPT_LANGUAGE="zh-Hans,en;q=0.5", **bearer(access_token))
    assert assert_problem(chinese, 403)["title"] == "无权访问"
    assert chinese["Content-Language"] == "zh-hans"
    assert assert_problem(english, 403)["title"] == "Not allowed"
    assert english["Content-Language"] == "en"
    assert "Accept-Language" in english["Vary"]
    assert assert_problem(explicit, 403)["title"] == "无权访问"


def test_it_ignores_the_sites_language_cookie(api_client, register, settings):
    """A machine client says its language with Accept-Language; a cookie of the site does not count."""
    access_token = token(api_client, register(["licenses:verify"]))
    api_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert api_client.get("/api/v1/catalogue/items", **bearer(access_token)).json()["title"] == "无权访问"


def test_an_unexpected_error_is_a_500_problem_without_the_traceback(api_client, catalogue_reader, monkeypatch):
    from services import selectors

    def broken(**kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(selectors, "catalogue_items", broken)
    response = api_client.get("/api/v1/catalogue/items", **bearer(token(api_client, catalogue_reader)))
    body = assert_problem(response, 500)
    assert "secret internals" not in response.content.decode()
    assert body["type"] == "about:blank"
