from django.db import migrations

from services import dbtriggers


def forwards(apps, schema_editor):
    dbtriggers.install(schema_editor)


def backwards(apps, schema_editor):
    dbtriggers.uninstall(schema_editor)


class Migration(migrations.Migration):
    """Published rows refuse UPDATE in the database; PostgreSQL indexes search (see services/dbtriggers.py)."""

    dependencies = [("services", "0002_approval_list")]

    operations = [migrations.RunPython(forwards, backwards)]
