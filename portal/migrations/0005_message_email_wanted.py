from django.db import migrations, models


class Migration(migrations.Migration):
    """Messages already there count as handled: the outbox never mails the history."""

    dependencies = [
        ("portal", "0004_person_mobile"),
    ]

    operations = [
        migrations.AddField(
            model_name="message",
            name="email_wanted",
            field=models.BooleanField(default=False),
        ),
        migrations.AddIndex(
            model_name="message",
            index=models.Index(
                fields=["created_at"],
                name="portal_message_email_unsent",
                condition=models.Q(email_wanted=True, emailed_at__isnull=True),
            ),
        ),
    ]
