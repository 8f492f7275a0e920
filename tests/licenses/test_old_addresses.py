"""Addresses of the first release, which spelled it "licence", still lead to the same pages."""

import pytest


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/me/licences/", "/me/licenses/"),
        ("/me/licences/YYZZ-2026-000001-7UHSD/pdf/", "/me/licenses/YYZZ-2026-000001-7UHSD/pdf/"),
        ("/staff/licences/?status=valid", "/staff/licenses/?status=valid"),
    ],
)
def test_it_redirects_the_wallet_and_staff_pages_for_good(client, old, new):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == new


def test_it_sends_the_old_lookup_form_to_the_new_one_with_its_number(client):
    response = client.get("/verify/licence/?number=yyzz-2026-000001-7uhsd")
    assert response.status_code == 302
    assert response["Location"] == "/verify/license/?number=yyzz-2026-000001-7uhsd"


def test_the_verification_page_printed_in_qr_codes_keeps_its_address(client):
    from django.urls import reverse

    assert reverse("license_verify", args=["YYZZ-2026-000001-7UHSD"]) == "/verify/YYZZ-2026-000001-7UHSD/"
