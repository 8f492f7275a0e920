"""Webhooks: a department's system subscribes (scope applications:read), and each state change of
its department's applications is POSTed to it, signed, retried with backoff, every attempt logged."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.test import override_settings

import api.webhooks.tasks  # noqa: F401  (eager runs find the task by name, as a worker would)
from api.webhooks.models import Delivery, Subscription
from api.webhooks.signing import signature_header, verify_signature
from approvals.models import Application
from tests.api.conftest import bearer, token
from tests.api.test_submissions import body_for, item, post  # noqa: F401 (the item fixture)
from tests.services.factories import make_item, publish

URL = "/api/v1/webhooks"


class Receiver:
    """A real HTTP server on 127.0.0.1 that answers the given statuses in turn (then 200)."""

    def __init__(self, statuses):
        self.statuses, self.requests = list(statuses), []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/onegate-hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def system(register):
    return register(["applications:write", "applications:read"])


@pytest.fixture
def auth(api_client, system):
    return bearer(token(api_client, system))


@pytest.fixture(autouse=True)
def _local_http():
    with override_settings(WEBHOOK_ALLOW_LOCAL_HTTP=True):
        yield


@pytest.fixture(autouse=True)
def _eager_retries(monkeypatch):
    """Tasks run in-process (CELERY_EAGER=1), where a retry runs again at once (the backoff's
    countdown is a worker's); with errors propagated, the first retry would end the task instead."""
    from portal.celery import app

    monkeypatch.setitem(app.conf, "task_eager_propagates", False)


def subscribe(api_client, auth, url):
    response = api_client.post(URL, {"url": url}, content_type="application/json", **auth)
    assert response.status_code == 201, response.content
    return response.json()


def test_a_delivery_survives_a_receiver_that_fails_twice(
    api_client, auth, item, applicant, django_capture_on_commit_callbacks
):
    with Receiver([500, 500]) as receiver:
        secret = subscribe(api_client, auth, receiver.url)["secret"]
        with django_capture_on_commit_callbacks(execute=True):
            response = post(api_client, body_for(applicant), auth)
        assert response.status_code == 201, response.content
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.State.DELIVERED and delivery.attempts == 3
    assert [(a.number, a.status_code) for a in delivery.log.all()] == [(1, 500), (2, 500), (3, 200)]
    assert [a.error for a in delivery.log.all()] == ["HTTP 500", "HTTP 500", ""]
    headers, body = receiver.requests[-1]
    assert len(receiver.requests) == 3
    event = json.loads(body)
    application = Application.objects.get()
    assert event["tracking_number"] == application.tracking_number
    assert (event["type"], event["from"], event["to"]) == ("application.state_changed", "draft", "submitted")
    assert event["id"] == str(delivery.event_id) == headers["OneGate-Event-Id"]
    assert verify_signature(secret, headers["OneGate-Signature"], body)
    assert not verify_signature(secret, headers["OneGate-Signature"], body.replace(b"submitted", b"approved"))
    assert not verify_signature("whsec_another", headers["OneGate-Signature"], body)
    # The client reads the log of its deliveries.
    detail = api_client.get(f"{URL}/{Subscription.objects.get().pk}", **auth).json()
    assert [a["status_code"] for a in detail["deliveries"][0]["attempts"]] == [500, 500, 200]


@override_settings(WEBHOOK_MAX_RETRIES=1)
def test_a_delivery_that_never_gets_through_is_marked_failed(
    api_client, auth, item, applicant, django_capture_on_commit_callbacks
):
    from api.webhooks import tasks

    tasks.deliver.max_retries = 1  # the setting is read when the task is defined
    try:
        with Receiver([503] * 5) as receiver:
            subscribe(api_client, auth, receiver.url)
            with django_capture_on_commit_callbacks(execute=True):
                post(api_client, body_for(applicant), auth)
    finally:
        tasks.deliver.max_retries = 8
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.State.FAILED and delivery.log.count() == 2


def test_the_signature_check(settings):
    body = b'{"id":"1"}'
    header = signature_header("whsec_x", body, timestamp=1_800_000_000)
    assert verify_signature("whsec_x", header, body, now=1_800_000_100)
    assert not verify_signature("whsec_x", header, body, tolerance=60, now=1_800_000_100)
    assert not verify_signature("whsec_x", header, body + b" ", now=1_800_000_000)
    assert not verify_signature("whsec_x", "t=1800000000", body, now=1_800_000_000)
    assert not verify_signature("whsec_x", "", body)


def test_other_departments_applications_are_not_sent(
    api_client, auth, applicant, other_department, django_capture_on_commit_callbacks
):
    from approvals import services as workflow

    subscribe(api_client, auth, "https://hooks.example.org/onegate")
    make_item(other_department, code="HOU-001", name_zh="住房事项", name_en="Housing item", audience="person")
    publish()
    with django_capture_on_commit_callbacks(execute=False):
        draft = workflow.application_start(actor=applicant, item_code="HOU-001")
        workflow.application_submit(application=draft, actor=applicant, declaration=True)
    assert not Delivery.objects.exists()


def test_subscribing_lists_and_deleting(api_client, auth, register):
    created = subscribe(api_client, auth, "https://hooks.example.org/onegate")
    assert created["secret"].startswith("whsec_")
    listed = api_client.get(URL, **auth).json()
    assert listed == [{"id": created["id"], "url": created["url"], "created_at": created["created_at"]}]
    other = bearer(token(api_client, register(["applications:read"], name="另一个系统")))
    assert api_client.get(f"{URL}/{created['id']}", **other).status_code == 404
    assert api_client.delete(f"{URL}/{created['id']}", **other).status_code == 404
    assert api_client.delete(f"{URL}/{created['id']}", **auth).status_code == 204
    assert api_client.get(URL, **auth).json() == []


@override_settings(WEBHOOK_ALLOW_LOCAL_HTTP=False)
@pytest.mark.parametrize("url", ["http://127.0.0.1:9/hook", "http://hooks.example.org/x", "ftp://x.org/", "not a url"])
def test_it_refuses_urls_that_are_not_https(api_client, auth, url):
    response = api_client.post(URL, {"url": url}, content_type="application/json", **auth)
    assert response.status_code == 422
    assert response.json()["type"] == "urn:onegate:problem:invalid-webhook"
    assert not Subscription.objects.exists()


def test_it_needs_the_read_scope(api_client, register):
    assert api_client.get(URL).status_code == 401
    writer_only = bearer(token(api_client, register(["applications:write"])))
    response = api_client.post(URL, {"url": "https://hooks.example.org/x"}, content_type="application/json", **writer_only)
    assert response.status_code == 403
    assert not Subscription.objects.exists()


@override_settings(WEBHOOK_ALLOW_LOCAL_HTTP=False)
@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",  # this machine
        "https://localhost/hook",
        "https://10.1.2.3/hook",  # a private network
        "https://169.254.169.254/latest/meta-data/",  # a cloud's metadata service
        "https://[::1]/hook",
    ],
)
def test_it_refuses_urls_that_lead_to_the_portal_s_neighbours(api_client, auth, url):
    response = api_client.post(URL, {"url": url}, content_type="application/json", **auth)
    assert response.status_code == 422, response.content
    assert not Subscription.objects.exists()


@override_settings(WEBHOOK_ALLOW_LOCAL_HTTP=False, WEBHOOK_ALLOWED_NETWORKS=["10.20.0.0/16"])
def test_a_network_the_portal_is_set_to_reach_may_be_subscribed(api_client, auth):
    subscribe(api_client, auth, "https://10.20.3.4/onegate")
    response = api_client.post(URL, {"url": "https://10.21.3.4/onegate"}, content_type="application/json", **auth)
    assert response.status_code == 422


def test_a_name_that_has_come_to_lead_to_this_machine_is_not_called(
    api_client, auth, item, applicant, django_capture_on_commit_callbacks
):
    with Receiver([]) as receiver:
        subscribe(api_client, auth, receiver.url.replace("127.0.0.1", "localhost"))
        with override_settings(WEBHOOK_ALLOW_LOCAL_HTTP=False), django_capture_on_commit_callbacks(execute=True):
            post(api_client, body_for(applicant), auth)
    assert receiver.requests == []
    attempts = list(Delivery.objects.get().log.all())
    assert attempts and all("does not call" in attempt.error for attempt in attempts)
