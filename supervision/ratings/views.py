"""Pages of 好差评. Citizens: /me/ratings/ (their ratings, complaints and cases),
rating an application or a visit; anyone: the window QR's /rate/<token>/, a
complaint at /complaints/new/ and its status at /track/complaint/. Staff:
/supervision/ratings/ (the cases of their department; supervisors all) and a
case page (callback, fix, appeal); window clerks: a visit's rating QR."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from approvals.forms import service_errors
from approvals.models import Application, Visit
from portal.models import StaffRole
from portal.pdf import qr_svg
from portal.uploads import DOCUMENTS
from portal.permissions import has_role
from services.models import ServiceItem
from supervision.ratings import forms, selectors, services
from supervision.ratings.models import Appeal, Complaint
from supervision.selectors import share_percentage


# -- citizens -------------------------------------------------------------------------------


@login_required
def mine(request):
    return render(
        request,
        "supervision/ratings/mine.html",
        {
            "ratings": selectors.ratings_of(request.user),
            "complaints": selectors.complaints_of(request.user),
            "to_rate": selectors.awaiting_rating(request.user, today=timezone.localdate()),
        },
    )


def _rate(request, *, rate, template_context):
    form = forms.SignedInRatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rate(
                user=request.user, level=form.cleaned_data["level"], tags=form.cleaned_data["tags"],
                comment=form.cleaned_data["comment"], real_name=not form.cleaned_data["anonymous"],
                at=timezone.now(),
            )
        except ValidationError as exc:
            service_errors(exc, form)
        else:
            return redirect("ratings_mine")
    return render(request, "supervision/ratings/rate.html", {"form": form, **template_context})


@login_required
@require_http_methods(["GET", "POST"])
def rate_application(request, uid):
    application = get_object_or_404(
        Application.objects.visible_to_applicant(request.user).select_related("item_version", "department"), uid=uid
    )
    refusal = services.application_rating_refusal(user=request.user, application=application, today=timezone.localdate())
    if refusal and request.method == "GET":
        return render(request, "supervision/ratings/rate.html", {"refusal": refusal, "application": application})

    def rate(**kwargs):
        return services.rating_for_application(application=application, **kwargs)

    return _rate(request, rate=rate, template_context={"application": application})


@login_required
@require_http_methods(["GET", "POST"])
def rate_visit(request, pk):
    visit = get_object_or_404(
        Visit.objects.select_related("department", "item_version", "person"), pk=pk, person__user=request.user
    )

    def rate(**kwargs):
        return services.rating_for_visit(visit=visit, **kwargs)

    return _rate(request, rate=rate, template_context={"visit": visit})


@login_required
@require_http_methods(["GET", "POST"])
def my_case(request, pk):
    case = get_object_or_404(selectors.cases_of_rater(request.user), pk=pk)
    form = forms.FixRatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_rate_fix(case=case, user=request.user, level=form.cleaned_data["level"], at=timezone.now())
        except ValidationError as exc:
            service_errors(exc, form)
        else:
            return redirect("ratings_mine_case", pk=case.pk)
    return render(
        request,
        "supervision/ratings/my_case.html",
        {"case": case, "form": form, "can_rate_fix": services.can_rate_fix(request.user, case)},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def rate_by_token(request, token):
    """The window QR's page: no sign-in; the one-time token stands for the visit."""
    visit = services.visit_for_token(token)
    if visit is None:
        return render(request, "supervision/ratings/token_used.html", status=404)
    form = forms.RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rating_by_token(
                token=token, level=form.cleaned_data["level"], tags=form.cleaned_data["tags"],
                comment=form.cleaned_data["comment"], at=timezone.now(),
            )
        except PermissionDenied:
            return render(request, "supervision/ratings/token_used.html", status=404)
        except ValidationError as exc:
            service_errors(exc, form)
        else:
            return render(request, "supervision/ratings/thanks.html")
    return render(request, "supervision/ratings/rate.html", {"form": form, "visit": visit, "public": True})


# -- complaints ---------------------------------------------------------------------------------

# The complaints found on /track/complaint/ in this session (their uids), whose files it may download.
TRACKED_COMPLAINTS = "tracked_complaints"
TRACKED_COMPLAINTS_KEPT = 10
KINDS = {kind.name: kind for kind in DOCUMENTS}


@never_cache
@require_http_methods(["GET", "POST"])
def complaint_new(request):
    form = forms.ComplaintForm(
        request.POST or None, request.FILES or None, user=request.user, initial=forms.complaint_initial(request.GET)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        application = item = None
        if data["about"] == Complaint.About.APPLICATION and data["tracking_number"]:
            application = selectors.application_for_complaint(
                request.user, tracking_number=data["tracking_number"], query_code=data["query_code"]
            )
        if data["about"] == Complaint.About.ITEM and data["item_code"]:
            item = ServiceItem.objects.filter(code=data["item_code"].strip().upper()).first()
        try:
            complaint = services.complaint_file(
                about=data["about"], text=data["text"], filer=request.user if request.user.is_authenticated else None,
                name=data["name"], contact=data["contact"], application=application, department=data["department"],
                visit=data["visit"] if data["about"] == Complaint.About.VISIT else None,
                item=item, uploads=data["attachments"], at=timezone.now(),
            )
        except ValidationError as exc:
            service_errors(exc, form)
        else:
            # Shown once, here: the query code never goes into a URL.
            return render(request, "supervision/ratings/complaint_filed.html", {"complaint": complaint})
    # A browser keeps the text of a refused form but never its files: say so.
    files_dropped = request.method == "POST" and bool(request.FILES)
    return render(request, "supervision/ratings/complaint_new.html", {"form": form, "files_dropped": files_dropped})


@never_cache
@require_http_methods(["GET", "POST"])
def track_complaint(request):
    form = forms.TrackComplaintForm(request.POST or None)
    complaint = None
    if request.method == "POST" and form.is_valid():
        complaint = selectors.tracked_complaint(form.cleaned_data["number"].strip(), form.cleaned_data["code"])
        if complaint is None:
            form.add_error(None, _("We could not find a complaint with this number and query code."))
        else:
            # The query code stays out of URLs: this session may now download the complaint's files.
            tracked = [uid for uid in request.session.get(TRACKED_COMPLAINTS, []) if uid != str(complaint.uid)]
            request.session[TRACKED_COMPLAINTS] = [*tracked, str(complaint.uid)][-TRACKED_COMPLAINTS_KEPT:]
    return render(request, "supervision/ratings/track_complaint.html", {"form": form, "complaint": complaint})


@never_cache
def complaint_attachment(request, uid, pk):
    """A complaint's file, streamed from private storage to whoever may read the complaint."""
    attachment = selectors.complaint_attachment(uid, pk)
    tracked = request.session.get(TRACKED_COMPLAINTS, [])
    if attachment is None or not selectors.may_read_complaint(request.user, attachment.complaint, tracked=tracked):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404
    kind = KINDS.get(attachment.kind)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=kind.mime if kind else "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, attachment.name)
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_store=True)
    return response


# -- staff ---------------------------------------------------------------------------------------


@login_required
def cases(request):
    if not (has_role(request.user, StaffRole.Role.SUPERVISOR) or has_role(request.user, services.CASE_ROLES)):
        raise PermissionDenied
    supervisor = has_role(request.user, StaffRole.Role.SUPERVISOR)
    today = timezone.localdate()
    since = today - timedelta(days=selectors.RATES_PERIOD_DAYS - 1)
    satisfaction = selectors.satisfaction_by_department(since=since, until=today)
    callbacks = selectors.callback_rate_by_department(since=since, until=today)
    key = None if supervisor else (services.departments_for(request.user, services.CASE_ROLES) or [None])[0]
    return render(
        request,
        "supervision/ratings/cases.html",
        {
            "cases": list(selectors.cases_for(request.user)[: selectors.LIST_LIMIT]),
            "appeals": list(selectors.pending_appeals()) if supervisor else [],
            "supervisor": supervisor,
            "since": since,
            "satisfaction": share_percentage(satisfaction.get(key)),
            "callback_rate": share_percentage(callbacks.get(key)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case(request, pk):
    case = get_object_or_404(selectors.cases_for(request.user), pk=pk)
    forms_ = {
        "callback": forms.CallbackForm(request.POST if request.POST.get("action") == "callback" else None),
        "fix": forms.FixForm(request.POST if request.POST.get("action") == "fix" else None),
        "appeal": forms.AppealForm(request.POST if request.POST.get("action") == "appeal" else None),
        "decide": forms.AppealDecisionForm(request.POST if request.POST.get("action") == "decide" else None),
    }
    action = request.POST.get("action")
    if request.method == "POST" and action in forms_ and forms_[action].is_valid():
        data, now = forms_[action].cleaned_data, timezone.now()
        try:
            if action == "callback":
                services.case_callback(case=case, actor=request.user, result=data["result"], at=now)
            elif action == "fix":
                services.case_fix(case=case, actor=request.user, text=data["text"], at=now)
            elif action == "appeal" and case.rating_id:
                services.appeal_file(rating=case.rating, actor=request.user, reason=data["reason"])
            elif action == "decide" and case.rating_id:
                services.appeal_decide(
                    rating=case.rating, actor=request.user, upheld=data["outcome"] == "uphold",
                    decision=data["decision"],
                )
        except ValidationError as exc:
            service_errors(exc, forms_[action])
        else:
            return redirect("ratings_case", pk=case.pk)
    supervisor = has_role(request.user, StaffRole.Role.SUPERVISOR)
    return render(
        request,
        "supervision/ratings/case.html",
        {
            "case": case,
            "forms": forms_,
            "supervisor": supervisor,
            "department_staff": case.department_id in services.departments_for(request.user, services.CASE_ROLES),
            "Appeal": Appeal,
        },
    )


@login_required
@require_POST
def window_qr(request, pk):
    """A window clerk shows the person served a QR code that rates this visit once."""
    if not has_role(request.user, StaffRole.Role.CLERK):
        raise PermissionDenied
    visit = get_object_or_404(Visit.objects.select_related("department", "person"), pk=pk)
    try:
        token = services.window_token_issue(visit=visit, actor=request.user, at=timezone.now())
    except ValidationError as exc:
        return render(request, "supervision/ratings/window_qr.html", {"visit": visit, "error": " ".join(exc.messages)})
    url = request.build_absolute_uri(reverse("ratings_rate_token", args=[token]))
    return render(request, "supervision/ratings/window_qr.html", {"visit": visit, "qr": qr_svg(url, scale=5), "url": url})
