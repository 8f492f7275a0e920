"""The sign-in and sign-up pages: labels above the fields, the portal's words, no inline "Label:"."""

import re

import pytest
from django.conf import settings

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGES = ["/accounts/login/", "/accounts/signup/", "/accounts/login/code/", "/accounts/password/reset/"]


def page(client, path, language="en"):
    client.cookies["django_language"] = language
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_field_has_its_label_above_it_in_a_field_block(client, path, language):
    html = page(client, path, language)
    main = html[html.index("<main") : html.index("</main>")]
    assert "<p><label" not in main  # Django's form.as_p, which puts the label beside the field
    inputs = re.findall(r'<input[^>]+type="(?:text|email|password|tel)"[^>]*>', main)
    assert inputs
    for field in inputs:
        field_id = re.search(r'id="([^"]+)"', field).group(1)
        assert f'<label for="{field_id}">' in main
        assert main.index(f'<label for="{field_id}">') < main.index(field)


@pytest.mark.parametrize("path", PAGES)
def test_chinese_pages_have_no_ascii_colon_after_a_label_nor_space_around_links(client, path):
    main = page(client, path, "zh-hans")
    assert not re.search(r"[\u4e00-\u9fff]:\s*</label>", main)
    assert not re.search(r"[\u4e00-\u9fff]\.\s*<", main)
    assert not re.search(r"\s</a>\s*。", main)
    assert "你" not in main


def test_sign_in_offers_sign_up_the_reset_and_the_code(client):
    html = page(client, "/accounts/login/")
    assert 'No account yet? <a href="/accounts/signup/">Create an account</a> first.' in html
    assert '<label for="id_login">Email or mobile number</label>' in html
    assert 'href="/accounts/password/reset/">Forgot your password?</a>' in html
    assert 'href="/accounts/login/code/">Sign in with a code</a>' in html


def test_sign_up_states_the_password_rules_the_validators_enforce(client):
    html = page(client, "/accounts/signup/")
    length = next(
        v["OPTIONS"]["min_length"] for v in settings.AUTH_PASSWORD_VALIDATORS if "MinimumLength" in v["NAME"]
    )
    assert f"At least {length} characters" in html
    assert 'Already have an account? <a href="/accounts/login/">Sign in</a>.' in html


def test_a_wrong_password_is_summed_up_above_the_form(client):
    client.cookies["django_language"] = "en"
    html = client.post("/accounts/login/", {"login": "nobody@example.org", "password": "wrong-password"}).content.decode()
    assert 'class="error-summary"' in html
    assert html.index('class="error-summary"') < html.index('<form method="post" action="/accounts/login/">')


@pytest.mark.parametrize(
    "path, heading",
    [
        ("/accounts/logout/", "Sign out"),
        ("/accounts/email/", "Email addresses"),
        ("/accounts/password/change/", "Change your password"),
        ("/accounts/reauthenticate/", "Confirm it is you"),
    ],
)
def test_the_account_pages_of_a_signed_in_citizen_speak_the_portals_words(client, path, heading):
    client.force_login(UserFactory())
    html = page(client, path)
    assert f"<h1>{heading}</h1>" in html
    main = html[html.index("<main") : html.index("</main>")]
    assert "<p><label" not in main


def test_the_email_page_says_which_address_is_confirmed_and_main(client):
    user = UserFactory()
    client.force_login(user)
    assert f"{user.email} (confirmed, main address)</label>" in page(client, "/accounts/email/")
