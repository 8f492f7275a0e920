"""A complaint holds up to five files, each a ComplaintAttachment row. The file a
complaint held before becomes its first attachment (the stored file stays where it is)."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

import supervision.ratings.models


def files_to_attachments(apps, schema_editor):
    Complaint = apps.get_model("supervision", "Complaint")
    ComplaintAttachment = apps.get_model("supervision", "ComplaintAttachment")
    ComplaintAttachment.objects.bulk_create(
        [
            ComplaintAttachment(
                complaint_id=complaint.pk, file=complaint.attachment.name,
                name=(complaint.attachment_name or complaint.attachment.name.rsplit("/", 1)[-1])[:200],
                kind=complaint.attachment_kind, at=complaint.at,
            )
            for complaint in Complaint.objects.exclude(attachment="").exclude(attachment__isnull=True).iterator()
        ],
        batch_size=500,
    )


def attachments_to_files(apps, schema_editor):
    """Back to one file per complaint: the first one is kept on the complaint."""
    Complaint = apps.get_model("supervision", "Complaint")
    ComplaintAttachment = apps.get_model("supervision", "ComplaintAttachment")
    seen = set()
    for attachment in ComplaintAttachment.objects.order_by("complaint_id", "id").iterator():
        if attachment.complaint_id in seen:
            continue
        seen.add(attachment.complaint_id)
        Complaint.objects.filter(pk=attachment.complaint_id).update(
            attachment=attachment.file.name, attachment_name=attachment.name, attachment_kind=attachment.kind
        )


class Migration(migrations.Migration):

    dependencies = [
        ("supervision", "0004_reports"),
    ]

    operations = [
        migrations.CreateModel(
            name="ComplaintAttachment",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("file", models.FileField(upload_to=supervision.ratings.models.complaint_attachment_upload_to)),
                ("name", models.CharField(max_length=200, verbose_name="file name")),
                ("kind", models.CharField(max_length=10)),
                ("at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="time")),
                (
                    "complaint",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="attachments",
                        to="supervision.complaint",
                    ),
                ),
            ],
            options={
                "verbose_name": "file of a complaint",
                "verbose_name_plural": "files of complaints",
                "ordering": ["id"],
            },
        ),
        migrations.RunPython(files_to_attachments, attachments_to_files),
        migrations.RemoveField(model_name="complaint", name="attachment"),
        migrations.RemoveField(model_name="complaint", name="attachment_kind"),
        migrations.RemoveField(model_name="complaint", name="attachment_name"),
    ]
