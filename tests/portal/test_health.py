"""/healthz, /readyz, the 503 page and the request id."""

import json
import logging
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import override_settings

UNREACHABLE_REDIS = {
    "default": {"BACKEND": "portal.cache.SharedCache", "LOCATION": "redis://127.0.0.1:1/0"},
    "counters": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"},
}


def _database_down():
    return mock.patch.object(connection, "ensure_connection", side_effect=OperationalError("connection refused"))


@pytest.mark.django_db
def test_it_is_ready_when_everything_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True, "cache": True, "storage": True,
    }


@pytest.mark.django_db
def test_it_is_not_ready_without_the_database_and_says_which(client):
    connection.close()
    with _database_down():
        response = client.get("/readyz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["checks"]["database"] == {"ok": False, "error": "OperationalError", "ms": body["checks"]["database"]["ms"]}
    assert body["checks"]["cache"]["ok"] and body["checks"]["storage"]["ok"]


@pytest.mark.django_db
def test_it_is_not_ready_without_redis(client):
    with override_settings(CACHES=UNREACHABLE_REDIS):
        response = client.get("/readyz")
    assert response.status_code == 503 and not json.loads(response.content)["checks"]["cache"]["ok"]


@pytest.mark.django_db
def test_it_is_alive_without_the_database(client):
    connection.close()
    with _database_down():
        response = client.get("/healthz")
    assert response.status_code == 200 and json.loads(response.content) == {"status": "ok"}


@pytest.mark.django_db
def test_the_probes_skip_the_https_redirect_and_the_host_check(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz", HTTP_HOST="10.0.0.7").status_code == 200
    assert client.get("/readyz", HTTP_HOST="10.0.0.7").status_code == 200
    assert client.get("/", HTTP_HOST="testserver").status_code == 301  # everything else is redirected


@pytest.mark.django_db
def test_a_page_shows_the_503_page_when_the_database_is_down(client):
    connection.close()
    with _database_down():
        response = client.get("/verify/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Traceback" not in response.content.decode()
    assert "<h1>" in response.content.decode()


@pytest.mark.django_db
def test_it_gives_every_response_a_request_id(client):
    first, second = client.get("/healthz")["X-Request-ID"], client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32 and first != second


@pytest.mark.django_db
def test_it_keeps_the_proxy_s_request_id(client):
    response = client.get("/verify/", HTTP_X_REQUEST_ID="lb-7f3a.42:1")
    assert response["X-Request-ID"] == "lb-7f3a.42:1"


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["x" * 65, "bad id", "<script>", "a\nb", "-leading"])
def test_it_replaces_an_invalid_request_id(client, bad):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=bad)
    assert response["X-Request-ID"] != bad and len(response["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_the_request_id_is_in_the_logs_as_json(client, caplog):
    from portal.requestid import JsonFormatter, RequestIdFilter

    with override_settings(CACHES=UNREACHABLE_REDIS), caplog.at_level(logging.WARNING, logger="portal.health"):
        client.get("/readyz", HTTP_X_REQUEST_ID="probe-1")
    [record] = [r for r in caplog.records if r.name == "portal.health"]
    RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "probe-1" and line["level"] == "WARNING" and "cache" in line["message"]


def test_a_task_carries_the_enqueuing_request_s_id():
    from portal import requestid

    token = requestid.request_id_var.set("req-9")
    try:
        headers = {}
        requestid.add_request_id_to_headers(headers=headers)
    finally:
        requestid.request_id_var.reset(token)
    assert headers == {requestid.TASK_HEADER: "req-9"}
    task = mock.Mock()
    task.request = mock.Mock(**{requestid.TASK_HEADER: "req-9"})
    requestid.enter_task(task_id="t-1", task=task)
    assert requestid.current_request_id() == "req-9"
    requestid.leave_task(task_id="t-1")
    assert requestid.current_request_id() == requestid.NONE
