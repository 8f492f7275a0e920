"""The rating QR code on the receipt a window clerk prints: it rates the
application's latest visit once, without signing in. The applicant's own copy
from "my office" carries none, and neither does the receipt of a visit that
was rated already or is too old to rate.

The QR code is vector art in the PDF, so the tests read what was encoded into
it where the receipt draws it (`approvals.window.services.qr_svg`)."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from approvals.models import Visit
from approvals.window import services as window_services
from supervision.ratings.models import Rating, WindowRatingToken
from tests.approvals.window.conftest import NOW
from tests.approvals.window.test_documents import contains, page_count, text_of
from tests.mfa import sign_in

pytestmark = pytest.mark.django_db
RATING_LINE = ("扫码评价本次服务", "Scan to rate this visit")


@pytest.fixture
def encoded(monkeypatch):
    """Every text the receipt puts into a QR code, in order."""
    texts = []
    real = window_services.qr_svg

    def spy(data, **kwargs):
        texts.append(data)
        return real(data, **kwargs)

    monkeypatch.setattr(window_services, "qr_svg", spy)
    return texts


def _rating_urls(texts):
    return [text for text in texts if "/rate/" in text]


def _clerks_receipt(client, clerk, application, tmp_path) -> str:
    sign_in(client, clerk)
    response = client.get(reverse("window_receipt", args=[application.uid]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert page_count(response.content, tmp_path) == 1  # the code sits in the header, beside the tracking one
    return text_of(response.content, tmp_path, "clerk-receipt")


def test_the_clerks_receipt_carries_a_rating_qr_that_works_once(client, clerk, submitted, encoded, frozen_time, tmp_path):
    text = _clerks_receipt(client, clerk, submitted, tmp_path)
    assert all(contains(text, line) for line in RATING_LINE)
    [url] = _rating_urls(encoded)
    assert url.startswith(settings.SITE_URL + "/rate/")
    path = urlsplit(url).path

    phone = Client()  # the person's phone: nobody signed in
    assert phone.get(path).status_code == 200
    assert phone.post(path, {"level": 5, "tags": ["fast"]}).status_code == 200
    rating = Rating.objects.get()
    assert rating.visit == submitted.visits.get() and rating.rater is None and rating.staff == clerk
    assert phone.get(path).status_code == 404
    assert phone.post(path, {"level": 1}).status_code == 404
    assert Rating.objects.count() == 1


def test_printing_again_replaces_the_earlier_code(client, clerk, submitted, encoded, frozen_time, tmp_path):
    _clerks_receipt(client, clerk, submitted, tmp_path)
    _clerks_receipt(client, clerk, submitted, tmp_path)
    first, second = _rating_urls(encoded)
    assert first != second and WindowRatingToken.objects.count() == 1
    phone = Client()
    assert phone.get(urlsplit(first).path).status_code == 404
    assert phone.get(urlsplit(second).path).status_code == 200


def test_the_code_rates_the_latest_visit(client, clerk, submitted, encoded, frozen_time, tmp_path):
    later = window_services.visit_record(
        clerk=clerk, person=submitted.applicant_person, application=submitted, purpose=Visit.Purpose.CONSULT,
        reason="came back to ask", at=NOW + timedelta(hours=1),
    )
    _clerks_receipt(client, clerk, submitted, tmp_path)
    assert WindowRatingToken.objects.get().visit == later


def test_the_applicants_own_copy_has_no_rating_qr(client, clerk, submitted, walk_in, encoded, frozen_time, tmp_path):
    from portal.services import person_complete_profile
    from tests.factories import UserFactory

    user = UserFactory()
    person_complete_profile(user=user, real_name=walk_in.real_name, resident_id=walk_in.resident_id)
    sign_in(client, user)
    response = client.get(reverse("application_receipt", args=[submitted.uid]))
    assert response.status_code == 200
    text = text_of(response.content, tmp_path, "own-receipt")
    assert contains(text, submitted.tracking_number)
    assert not any(contains(text, line) for line in RATING_LINE)
    assert _rating_urls(encoded) == [] and not WindowRatingToken.objects.exists()


def test_a_rated_visits_receipt_has_no_rating_qr(client, clerk, submitted, encoded, frozen_time, tmp_path):
    from supervision.ratings import services as ratings

    token = ratings.window_token_issue(visit=submitted.visits.get(), actor=clerk, at=NOW)
    ratings.rating_by_token(token=token, level=4, at=NOW)
    text = _clerks_receipt(client, clerk, submitted, tmp_path)
    assert contains(text, submitted.tracking_number)
    assert not any(contains(text, line) for line in RATING_LINE)
    assert _rating_urls(encoded) == []


def test_a_visit_too_old_to_rate_gets_no_rating_qr(client, clerk, submitted, encoded, frozen_time, tmp_path):
    with time_machine.travel(NOW + timedelta(days=31), tick=False):
        text = _clerks_receipt(client, clerk, submitted, tmp_path)
    assert not any(contains(text, line) for line in RATING_LINE)
    assert _rating_urls(encoded) == [] and not WindowRatingToken.objects.exists()


def test_the_receipt_service_alone_prints_no_rating_qr(submitted, encoded, frozen_time, tmp_path):
    text = text_of(window_services.receipt_pdf(submitted), tmp_path)
    assert not any(contains(text, line) for line in RATING_LINE)
    assert _rating_urls(encoded) == []


def test_the_window_learns_the_rating_link_through_its_hook_and_imports_nothing_from_supervision():
    from approvals.window.hooks import _rating_links
    from supervision.ratings.services import receipt_rating_link
    from tests.test_architecture import all_imports

    assert receipt_rating_link in _rating_links  # registered by SupervisionConfig.ready()
    found = [str(i) for i in all_imports() if i.app == "approvals" and i.target_app == "supervision"]
    assert found == []
