import pytest
from django.db import transaction
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from portal.models import Message
from portal.notifications import notify
from tests.factories import citizen

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_writes_a_message_and_emails_it_once_after_commit(mailoutbox):
    user = citizen()
    with transaction.atomic():
        notify(recipients=[user, user], subject=_("My profile"), body="正文", link="/me/")
        assert mailoutbox == []  # nothing leaves before the commit
    assert Message.objects.filter(recipient=user).count() == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "一网通办: 个人信息"
    assert "/me/" in mailoutbox[0].body
    from portal.tasks import email_message

    assert email_message(Message.objects.get().pk) is False  # a retry sends nothing twice
    assert len(mailoutbox) == 1


def test_it_speaks_each_recipients_language(mailoutbox):
    chinese, english = citizen(), citizen()
    english.language = "en"
    english.save()
    notify(recipients=[chinese, english], subject=format_lazy("{}", _("My profile")), body="-")
    subjects = dict(Message.objects.values_list("recipient_id", "subject"))
    assert subjects[chinese.pk] == "个人信息"
    assert subjects[english.pk] == "My profile"


def test_it_sends_nothing_when_the_step_rolls_back(mailoutbox):
    user = citizen()
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(recipients=[user], subject="x", body="y")
        raise RuntimeError
    assert not Message.objects.exists()
    assert mailoutbox == []


def test_it_shows_my_messages_only_and_marks_them_read(client):
    me, other = citizen(), citizen()
    notify(recipients=[me], subject="给我的消息", body="a", email=False)
    notify(recipients=[other], subject="别人的消息", body="b", email=False)
    client.force_login(me)
    page = client.get(reverse("messages")).content.decode()
    assert "给我的消息" in page and "别人的消息" not in page
    assert Message.objects.get(recipient=me).read_at is not None
    assert Message.objects.get(recipient=other).read_at is None
    client.logout()
    assert client.get(reverse("messages")).status_code == 302


def test_it_remembers_the_language_choice_for_messages(client):
    user = citizen()
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"
