# The desk reads a page of each state in (due_on, id) order; with id in the
# index that read is index-only and needs no sort (bench/bench_desk.py).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0003_visit_ledger"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="application",
            name="app_desk_idx",
        ),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(fields=["department", "state", "due_on", "id"], name="app_desk_idx"),
        ),
    ]
