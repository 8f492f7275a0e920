"""The archive of half-monthly reports: listed and downloaded by supervisors and department heads."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from supervision.countdown.models import MetricCode
from supervision.reports import selectors

LIST_LIMIT = 48  # two years of reports, every revision


@login_required
@require_GET
def report_list(request):
    if not selectors.can_read_reports(request.user):
        raise PermissionDenied
    return render(
        request,
        "supervision/reports/list.html",
        {"reports": list(selectors.reports_for(request.user)[:LIST_LIMIT])},
    )


@login_required
@require_GET
def report_detail(request, pk: int):
    """The archived figures of one report, as the sealed PDF states them, in the reader's language."""
    if not selectors.can_read_reports(request.user):
        raise PermissionDenied
    report = selectors.report_for(request.user, pk)
    if report is None:
        raise Http404
    english = get_language() == "en"
    figures = report.figures
    rows = [{**row, "name": row["name_en"] if english else row["name_zh"]} for row in figures.get("departments", [])]
    targets = [
        {
            **target,
            "metric_label": MetricCode(target["metric"]).label if target["metric"] in MetricCode.values else target["metric"],
            "scope": (target["department_en"] if english else target["department"]) if target["department"] else None,
        }
        for target in figures.get("countdown", [])
    ]
    return render(
        request,
        "supervision/reports/detail.html",
        {"report": report, "rows": rows, "city": figures.get("city", {}), "targets": targets},
    )


@login_required
@require_GET
def report_download(request, pk: int):
    if not selectors.can_read_reports(request.user):
        raise PermissionDenied
    report = selectors.report_for(request.user, pk)
    if report is None:
        raise Http404
    try:
        handle = default_storage.open(report.file, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="application/pdf")
    filename = f"半月报-{report.first:%Y%m%d}-{report.last:%Y%m%d}-r{report.revision}.pdf"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
