from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("supervision", "0002_accountability")]

    operations = []
