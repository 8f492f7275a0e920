"""Each recipient reads a message in their own language, whatever language the sender's request is in."""

import pytest
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from portal.notifications import notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("sender_language", ["zh-hans", "en"])
def test_it_writes_each_message_in_the_recipients_language(sender_language):
    chinese_reader = UserFactory(language="zh-hans")
    english_reader = UserFactory(language="en")
    with translation.override(sender_language):
        messages = notify(
            recipients=[chinese_reader, english_reader],
            subject=format_lazy("{}: {}", "A-1", gettext_lazy("Sign in")),
            body=gettext_lazy("Sign out"),
            email=False,
        )
    by_reader = {message.recipient_id: message for message in messages}
    assert (by_reader[chinese_reader.pk].subject, by_reader[chinese_reader.pk].body) == ("A-1: 登录", "退出")
    assert (by_reader[english_reader.pk].subject, by_reader[english_reader.pk].body) == ("A-1: Sign in", "Sign out")


def test_a_reader_without_a_language_reads_chinese():
    reader = UserFactory(language="")
    with translation.override("en"):
        [message] = notify(recipients=[reader], subject=gettext_lazy("Sign in"), body="", email=False)
    assert message.subject == "登录"


def test_it_leaves_the_senders_language_as_it_was():
    with translation.override("en"):
        notify(recipients=[UserFactory(language="zh-hans")], subject=gettext_lazy("Sign in"), body="", email=False)
        assert translation.get_language() == "en"
