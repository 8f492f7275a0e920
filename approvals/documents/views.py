"""Decision documents on the web: the sealed PDF for those who may fetch it
(/documents/<uid>/), the public check page its QR code leads to
(/verify/document/<number>/), the desk's delivery records, and the list
admin's review of each document's wording."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from approvals.documents import selectors, services
from approvals.documents.forms import DeliveredForm, DispatchForm
from approvals.forms import service_errors
from approvals.models import DecisionDocument
from portal.permissions import has_role, needs_mfa_enrolment


def decision_document(request, uid):
    """The sealed PDF, streamed from private storage to the applicant, the department and supervision;
    or to whoever holds the signed link sent by SMS to an applicant without an account."""
    linked = services.document_for_token(request.GET.get("t", ""), uid) if request.GET.get("t") else False
    if not linked and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    document = selectors.document_by_uid(uid)
    if document is None or not document.is_produced or not (linked or services.can_fetch(request.user, document)):
        raise Http404
    if not linked and not services.is_applicant(request.user, document.application) and needs_mfa_enrolment(request.user):
        return redirect(reverse("mfa_activate_totp") + "?" + urlencode({"next": request.path}))
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"{document.number}.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_GET
def decision_verify(request, number):
    """Public: is this a document we issued? Its kind, number, department, date and file hash;
    the applicant's name is masked. Uploading the file on /verify/ checks the seal itself."""
    document = selectors.document_by_number(number)
    if document is None or not document.is_produced:
        return render(request, "approvals/documents/verify_unknown.html", {"number": number[:40]}, status=404)
    return render(
        request,
        "approvals/documents/verify.html",
        {"document": document, "applicant": selectors.masked_applicant(document)},
    )


def verify_upload_panel(request, report) -> str | None:
    """A section of /verify/: is the uploaded file a decision document we issued, exactly?"""
    if report is None:
        return None
    document = selectors.document_for_sha256(report.document_sha256)
    claimed = None
    if document is None:
        usage = report.signature.usage if report.signature else None
        if usage is not None and usage.related_type == "approvals.decisiondocument":
            claimed = DecisionDocument.objects.filter(pk=usage.related_id).first()
        if claimed is None:
            return None
    return render_to_string(
        "approvals/documents/_verify_panel.html",
        {"document": document, "claimed": claimed, "report": report},
        request=request,
    )


# -- the desk records delivery ---------------------------------------------------------------


def _desk_document(request, tracking_number, uid) -> DecisionDocument:
    document = selectors.document_by_uid(uid)
    if (
        document is None
        or document.application.tracking_number != tracking_number
        or not has_role(request.user, ("approver", "head"), department=document.department)
    ):
        raise Http404
    return document


def _record_delivery(request, tracking_number, uid, form_class, perform, done: str):
    """Post one delivery record from the desk (a dispatch, a delivery) and go back to the documents."""
    document = _desk_document(request, tracking_number, uid)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            perform(document=document, actor=request.user, **form.cleaned_data)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            messages.error(request, service_errors(exc))
        else:
            messages.success(request, done % {"number": document.number})
    else:
        messages.error(request, service_errors(ValidationError(form.errors)))
    return redirect(reverse("desk_application", args=[tracking_number]) + "#documents")


@login_required
@require_POST
def document_dispatch(request, tracking_number, uid):
    return _record_delivery(
        request, tracking_number, uid, DispatchForm, services.document_dispatch,
        _("The dispatch of %(number)s is recorded."),
    )


@login_required
@require_POST
def document_delivered(request, tracking_number, uid):
    return _record_delivery(
        request, tracking_number, uid, DeliveredForm, services.document_delivered,
        _("The delivery of %(number)s is recorded."),
    )


# -- the list admin reviews the wording ------------------------------------------------------------


def _require_reviewer(user) -> None:
    if not has_role(user, ("list_admin", "supervisor")):
        raise PermissionDenied


@login_required
def document_wording(request):
    """Each document's wording, with the legal article it rests on and a sample PDF as its template
    prints it for a made-up application: for the list admin (and supervision) to review."""
    _require_reviewer(request.user)
    return render(request, "approvals/documents/wording.html", {"samples": selectors.wording_samples()})


@login_required
def document_sample(request, kind):
    """A sample of one kind of document (not sealed, marked as a sample)."""
    _require_reviewer(request.user)
    if kind not in DecisionDocument.Kind.values:
        raise Http404
    pdf = services.sample_pdf(kind, today=timezone.localdate())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"sample-{kind}.pdf")
    patch_cache_control(response, private=True, no_store=True)
    return response
