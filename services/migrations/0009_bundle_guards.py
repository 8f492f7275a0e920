from django.db import migrations

from services import dbtriggers


def forwards(apps, schema_editor):
    dbtriggers.install(schema_editor)


def backwards(apps, schema_editor):
    dbtriggers.uninstall_bundles(schema_editor)


class Migration(migrations.Migration):
    """Published bundles, their members and their list entries refuse UPDATE too (services/dbtriggers.py)."""

    dependencies = [("services", "0008_bundles")]

    operations = [migrations.RunPython(forwards, backwards)]
