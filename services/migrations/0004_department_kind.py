from django.db import migrations, models

# The supervision office that seals the half-monthly reports (supervision.reports.selectors.OFFICE_CODE).
OFFICE_CODE = "supervision"


def mark_office(apps, schema_editor):
    """A supervision office made before departments had a kind is not a service department."""
    apps.get_model("services", "Department").objects.filter(code=OFFICE_CODE).update(kind="supervision")


class Migration(migrations.Migration):

    dependencies = [
        ("services", "0003_list_guards"),
    ]

    operations = [
        migrations.AddField(
            model_name="department",
            name="kind",
            field=models.CharField(
                choices=[("service", "Service department"), ("supervision", "Supervision office")],
                default="service",
                max_length=20,
                verbose_name="kind",
            ),
        ),
        migrations.RunPython(mark_office, migrations.RunPython.noop),
    ]
