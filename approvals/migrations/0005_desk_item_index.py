# The desk filtered by an item reads its counts and pages from this index
# alone (bench/bench_desk.py: the filtered page).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0004_desk_order_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="application",
            index=models.Index(fields=["department", "item_version", "state", "due_on"], name="app_desk_item_idx"),
        ),
    ]
