from celery import shared_task

from services import services
from services.models import ImportJob


@shared_task
def run_list_import(job_id: int) -> None:
    """Check and import an uploaded list. Idempotent: a job runs only from 'pending'."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is not None:
        services.import_run(job=job)
