"""License pages: the wallet (/me/licenses/), public verification
(/verify/<number>/), reuse as a material, and the issuing department's pages
under /staff/licenses/. Views call services and selectors; they change nothing themselves."""


from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from portal import ratelimit
from licenses import documents, numbers, selectors, services
from licenses.forms import NoteForm, NumberForm, ReasonForm, ReissueForm
from licenses.models import License
from portal.pdf import qr_svg

OFFICE_LIMIT = 5


def _today():
    return timezone.localdate()


def _over_rate_limit(request) -> bool:
    """At most LICENSE_VERIFY_PER_MINUTE look-ups per minute from one address."""
    return ratelimit.hit("license-verify", request, window=60) > getattr(settings, "LICENSE_VERIFY_PER_MINUTE", 30)


def _pdf_response(license: License) -> FileResponse:
    if not license.file:
        raise Http404
    try:
        handle = license.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"{license.license_type.name_zh}-{license.number}.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# -- my office and the wallet ------------------------------------------------------------------


def office_section(request) -> dict:
    licenses = list(selectors.wallet(request.user)[: OFFICE_LIMIT + 1])
    return {
        "template": "licenses/_office_section.html",
        "licenses": licenses[:OFFICE_LIMIT],
        "more": len(licenses) > OFFICE_LIMIT,
        "today": _today(),
    }


@login_required
@require_GET
def wallet(request):
    return render(request, "licenses/wallet.html", {"licenses": selectors.wallet(request.user), "today": _today()})


@login_required
@require_GET
def wallet_license(request, number):
    license = selectors.wallet_license(request.user, number)
    if license is None:
        raise Http404
    url = documents.verify_url(license.number)
    return render(
        request,
        "licenses/wallet_license.html",
        {"license": license, "today": _today(), "verify_url": url, "qr": qr_svg(url, scale=8, border=2)},
    )


@login_required
@require_GET
def wallet_license_pdf(request, number):
    license = selectors.wallet_license(request.user, number)
    if license is None:
        raise Http404
    return _pdf_response(license)


# -- public verification -------------------------------------------------------------------------


@never_cache
@require_GET
def verify_license(request, number):
    if _over_rate_limit(request):
        return render(request, "licenses/verify_limited.html", status=429)
    license = selectors.license_by_number(number)
    if license is None:
        return render(request, "licenses/verify_unknown.html", {"number": number[:40], "form": NumberForm()}, status=404)
    today = _today()
    return render(
        request,
        "licenses/verify.html",
        {
            "license": license,
            "status": license.status_on(today),
            "status_label": license.status_label_on(today),
            "holder": selectors.mask_name(license.holder_name, enterprise=license.holder_enterprise_id is not None),
            "checked_at": timezone.localtime(),
        },
    )


@require_GET
def verify_lookup(request):
    """The number form on /verify/: to /verify/<number>/ (the check happens there)."""
    form = NumberForm(request.GET)
    if not form.is_valid():
        return render(request, "licenses/verify_unknown.html", {"number": "", "form": form}, status=400)
    return redirect("license_verify", numbers.normalise(form.cleaned_data["number"]))


def verify_upload_panel(request, report) -> str | None:
    """A section of the seals page /verify/: is the uploaded file a license we issued, exactly?"""
    context = {"report": report, "form": NumberForm(), "today": _today()}
    if report is not None:
        document = selectors.document_for_sha256(report.document_sha256)
        claimed = None
        if document is None:
            usage = report.signature.usage if report.signature else None
            if usage is not None and usage.related_type == "licenses.license":
                claimed = License.objects.select_related("license_type").filter(pk=usage.related_id).first()
            elif usage is not None and usage.related_type:
                # Sealed by the portal for something else (a decision, a report): its own panel speaks.
                context["report"] = None
        context.update(document=document, claimed=claimed)
        if document is not None:
            license = document.license
            context.update(
                license=license,
                status=license.status_on(context["today"]),
                status_label=license.status_label_on(context["today"]),
                superseded=document.revision < license.revision,
            )
    return render_to_string("licenses/_verify_panel.html", context, request=request)


# -- reuse as a material (免提交) ----------------------------------------------------------------------


@login_required
@require_POST
def material_license(request, uid, material_id):
    from approvals.models import Application
    from approvals.services import can_view
    from services.models import Material

    application = Application.objects.select_related("item_version", "applicant_enterprise").filter(uid=uid).first()
    if application is None or not can_view(request.user, application):
        raise Http404
    material = get_object_or_404(Material, pk=material_id, item_version_id=application.item_version_id)
    try:
        if request.POST.get("stop"):
            services.stop_using_license_for_material(application=application, actor=request.user, material=material)
            messages.success(request, _("“%(material)s” will be uploaded instead.") % {"material": material.name})
        else:
            chosen = request.POST.get("license", "")
            license = License.objects.filter(pk=chosen).first() if chosen.isdigit() else None
            if license is None:
                raise ValidationError(_("Choose one of your licenses."))
            services.use_license_for_material(
                application=application, actor=request.user, material=material, license=license
            )
            messages.success(
                request,
                _("Your license %(number)s stands in for “%(material)s”: nothing to upload.")
                % {"number": license.number, "material": material.name},
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        next_url = reverse("apply_materials", args=[application.uid])
    return redirect(next_url)


# -- staff ---------------------------------------------------------------------------------------


def _require_manager(user) -> list[int]:
    departments = selectors.manager_departments(user)
    if not departments:
        raise PermissionDenied(_("Only approvers and heads of a department see its licenses."))
    return departments


STATUS_FILTERS = [License.Status.PENDING, License.Status.VALID, License.Status.SUSPENDED, License.Status.REVOKED, License.Status.EXPIRED]
# The filter names a license's state; "suspended" alone also names a paused application.
STATUS_FILTER_LABELS = {License.Status.SUSPENDED: pgettext_lazy("license status", "suspended")}


@login_required
@require_GET
def staff_licenses(request):
    _require_manager(request.user)
    licenses = selectors.staff_licenses(request.user)
    status = request.GET.get("status", "")
    if status in STATUS_FILTERS:
        licenses = licenses.filter(status=status)
    query = request.GET.get("q", "").strip()
    if query:
        licenses = licenses.filter(
            Q(number__icontains=query) | Q(holder_name__icontains=query) | Q(application__tracking_number__icontains=query)
        )
    page = Paginator(licenses.order_by("-created_at", "-id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "licenses/staff/list.html",
        {
            "page": page,
            "status": status,
            "query": query,
            "statuses": [(value, STATUS_FILTER_LABELS.get(value, License.Status(value).label)) for value in STATUS_FILTERS],
            "failing": list(selectors.failing_issuances(request.user)[:20]),
            "today": _today(),
        },
    )


def _staff_license_or_404(request, number) -> License:
    _require_manager(request.user)
    license = selectors.staff_license(request.user, number)
    if license is None:
        raise Http404
    return license


ACTIONS = {
    "suspend": (ReasonForm, lambda license, actor, reason: services.license_suspend(license=license, actor=actor, reason=reason)),
    "revoke": (ReasonForm, lambda license, actor, reason: services.license_revoke(license=license, actor=actor, reason=reason)),
    "reinstate": (NoteForm, lambda license, actor, reason: services.license_reinstate(license=license, actor=actor, note=reason)),
}


def _staff_detail(request, license, *, bound=None, status=200):
    forms = {}
    if license.status == License.Status.VALID:
        forms["suspend"] = ReasonForm(prefix="suspend")
    if license.status in (License.Status.VALID, License.Status.SUSPENDED, License.Status.EXPIRED):
        forms["revoke"] = ReasonForm(prefix="revoke")
    if license.status == License.Status.SUSPENDED:
        forms["reinstate"] = NoteForm(prefix="reinstate")
    if bound:
        forms[bound[0]] = bound[1]
    return render(
        request,
        "licenses/staff/detail.html",
        {
            "license": license,
            "forms": forms,
            "events": license.events.select_related("actor").order_by("-at", "-id"),
            "documents": license.documents.order_by("-revision"),
            "uses": license.material_uses.select_related("application", "material"),
            "today": _today(),
            "waiting": license.revision < license.wanted_revision,
        },
        status=status,
    )


@login_required
@require_GET
def staff_license(request, number):
    return _staff_detail(request, _staff_license_or_404(request, number))


@login_required
@require_GET
def staff_license_pdf(request, number):
    return _pdf_response(_staff_license_or_404(request, number))


@login_required
@require_POST
def staff_license_action(request, number, action):
    license = _staff_license_or_404(request, number)
    if action == "retry":
        try:
            services.license_retry(license=license, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Issuing %(number)s will be tried again now.") % {"number": license.number})
        return redirect("staff_license", license.number)
    if action not in ACTIONS:
        raise Http404
    form_class, run = ACTIONS[action]
    form = form_class(request.POST, prefix=action)
    if form.is_valid():
        try:
            run(license, request.user, form.cleaned_data["reason"])
        except ValidationError as exc:
            for field, errors in exc.error_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]:
                for error in errors:
                    form.add_error("reason" if field == "reason" else None, error)
        else:
            labels = {
                "suspend": _("License %(number)s is suspended. The holder has been told."),
                "revoke": _("License %(number)s is revoked. The holder has been told."),
                "reinstate": _("License %(number)s is reinstated. The holder has been told."),
            }
            messages.success(request, labels[action] % {"number": license.number})
            return redirect("staff_license", license.number)
    return _staff_detail(request, license, bound=(action, form), status=400)


@login_required
def staff_reissue(request):
    departments = _require_manager(request.user)
    form = ReissueForm(request.POST or None, department_ids=departments)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.reissue_start(
                actor=request.user,
                license_type=form.cleaned_data["license_type"],
                department=form.cleaned_data["department"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            for field, errors in exc.error_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]:
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("Re-issuing %(count)d licenses.") % {"count": job.total})
            return redirect("staff_reissue_job", job.pk)
    return render(
        request,
        "licenses/staff/reissue.html",
        {"form": form, "jobs": selectors.reissue_jobs(request.user)[:20]},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def staff_reissue_job(request, pk):
    _require_manager(request.user)
    progress = selectors.reissue_progress(request.user, pk)
    if progress is None:
        raise Http404
    template = "licenses/staff/_reissue_progress.html" if request.headers.get("HX-Request") else "licenses/staff/reissue_job.html"
    return render(request, template, {"progress": progress, "job": progress.job})


def old_spelling(request, area: str, rest: str):
    """The first release's /me/licences/… and /staff/licences/…: the same page under /…/licenses/, for good."""
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"/{area}/licenses/{rest}" + (f"?{query}" if query else ""))
