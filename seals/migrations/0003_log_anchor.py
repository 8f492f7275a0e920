from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("seals", "0002_pki_hierarchy"),
    ]

    operations = [
        migrations.CreateModel(
            name="SealLogAnchor",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField(unique=True, verbose_name="day")),
                ("seq", models.PositiveBigIntegerField(verbose_name="entries")),
                ("head_hash", models.CharField(max_length=64, verbose_name="hash of the newest entry")),
                ("token", models.BinaryField(verbose_name="timestamp token (DER)")),
                ("anchored_at", models.DateTimeField(verbose_name="anchored at")),
            ],
            options={
                "verbose_name": "seal-usage log anchor",
                "verbose_name_plural": "seal-usage log anchors",
                "ordering": ["day"],
            },
        ),
    ]
