"""Migration 0005 moves the one file a complaint held into its first ComplaintAttachment,
keeps the stored file where it is, and drops the old columns."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("supervision", "0004_reports")]
AFTER = [("supervision", "0005_complaint_attachments")]


@pytest.mark.django_db(transaction=True)
def test_it_moves_a_complaints_file_into_an_attachment(department):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        Complaint = old.get_model("supervision", "Complaint")
        stored = default_storage.save("complaints/old/scan", ContentFile(b"%PDF-1.4 old"))
        with_file = Complaint.objects.create(
            tracking_number="TS-2026-00000001", query_code="ABCDEFGH", about="department", text="with a file",
            department_id=department.pk, filed_on="2026-11-20", attachment=stored, attachment_name="扫描件.pdf",
            attachment_kind="pdf",
        )
        without = Complaint.objects.create(
            tracking_number="TS-2026-00000002", query_code="ABCDEFGH", about="department", text="no file",
            department_id=department.pk, filed_on="2026-11-20",
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(AFTER)

    from supervision.ratings.models import Complaint as NewComplaint

    [attachment] = NewComplaint.objects.get(pk=with_file.pk).attachments.all()
    assert (attachment.name, attachment.kind, attachment.file.name) == ("扫描件.pdf", "pdf", stored)
    assert attachment.file.read() == b"%PDF-1.4 old"
    assert not NewComplaint.objects.get(pk=without.pk).attachments.exists()
    columns = {c.name for c in connection.introspection.get_table_description(connection.cursor(), "supervision_complaint")}
    assert not columns & {"attachment", "attachment_name", "attachment_kind"}
