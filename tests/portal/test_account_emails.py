"""The account emails allauth sends name the portal, in the reader's language, and never the host."""

import pytest
from allauth.account.adapter import get_adapter
from allauth.core import context
from django.core import mail
from django.test import RequestFactory, override_settings
from django.utils import translation

from portal.models import User

pytestmark = pytest.mark.django_db

HOST = "127.0.0.1:8123"
SITE_URL = "https://onegate.example.gov.cn"

# Each email the portal's account settings make allauth send, with the context allauth gives it.
EMAILS = {
    "account/email/email_confirmation_signup": {"activate_url": f"http://{HOST}/accounts/confirm-email/KEY/", "key": "KEY"},
    "account/email/email_confirmation": {"activate_url": f"http://{HOST}/accounts/confirm-email/KEY/", "key": "KEY"},
    "account/email/password_reset_key": {"password_reset_url": f"http://{HOST}/accounts/password/reset/key/x-y/"},
    "account/email/unknown_account": {"signup_url": f"http://{HOST}/accounts/signup/"},
    "account/email/account_already_exists": {"password_reset_url": f"http://{HOST}/accounts/password/reset/"},
    "account/email/login_code": {"code": "123456"},
}

SITE_NAME = {"zh-hans": "一网通办", "en": "OneGate"}


def send(template_prefix, language, extra):
    request = RequestFactory().get("/", HTTP_HOST=HOST)
    user = User(email="someone@example.org")
    with translation.override(language), context.request_context(request):
        get_adapter(request).send_mail(template_prefix, user.email, {"user": user, **extra})
    return mail.outbox[-1]


@override_settings(SITE_URL=SITE_URL, ALLOWED_HOSTS=["*"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("template_prefix", list(EMAILS))
def test_it_names_the_portal_in_the_readers_language(template_prefix, language):
    message = send(template_prefix, language, EMAILS[template_prefix])
    assert message.subject.startswith(f"[{SITE_NAME[language]}] ")
    assert SITE_NAME[language] in message.body


@override_settings(SITE_URL=SITE_URL, ALLOWED_HOSTS=["*"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("template_prefix", list(EMAILS))
def test_it_says_no_hello_from_a_host(template_prefix, language):
    message = send(template_prefix, language, EMAILS[template_prefix])
    links = [value for value in EMAILS[template_prefix].values() if value.startswith("http")]
    text = message.body
    for link in links:
        assert link in text  # the link itself is the one place the host may appear
        text = text.replace(link, "")
    assert "Hello" not in text and "来自" not in text
    assert HOST not in text and HOST not in message.subject
    assert "Thank you for using" not in text


@override_settings(SITE_URL=SITE_URL, ALLOWED_HOSTS=["*"])
def test_the_code_and_the_links_reach_the_reader():
    assert "123456" in send("account/email/login_code", "en", EMAILS["account/email/login_code"]).body
    body = send("account/email/email_confirmation", "en", EMAILS["account/email/email_confirmation"]).body
    assert "someone@example.org" in body


@override_settings(SITE_URL=SITE_URL, ALLOWED_HOSTS=["*"])
def test_a_real_sign_up_mails_a_confirmation_that_names_the_portal(client):
    client.cookies["django_language"] = "en"
    response = client.post(
        "/accounts/signup/",
        {"email": "new@example.org", "password1": "A-long-enough-pass-2026", "password2": "A-long-enough-pass-2026"},
    )
    assert response.status_code == 302
    message = mail.outbox[-1]
    assert message.subject == "[OneGate] Confirm your email address"
    assert "new@example.org" in message.body
    assert "Hello from" not in message.body
