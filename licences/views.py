"""Licence pages: the wallet (/me/licences/), public verification
(/verify/<number>/), reuse as a material, and the issuing department's pages
under /staff/licences/. Views call services and selectors; they change nothing themselves."""


from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from portal import ratelimit
from licences import documents, numbers, selectors, services
from licences.forms import NoteForm, NumberForm, ReasonForm, ReissueForm
from licences.models import Licence
from portal.pdf import qr_svg

OFFICE_LIMIT = 5


def _today():
    return timezone.localdate()


def _over_rate_limit(request) -> bool:
    """At most LICENCE_VERIFY_PER_MINUTE look-ups per minute from one address."""
    return ratelimit.hit("licence-verify", request, window=60) > getattr(settings, "LICENCE_VERIFY_PER_MINUTE", 30)


def _pdf_response(licence: Licence) -> FileResponse:
    if not licence.file:
        raise Http404
    try:
        handle = licence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"{licence.licence_type.name_zh}-{licence.number}.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# -- my office and the wallet ------------------------------------------------------------------


def office_section(request) -> dict:
    licences = list(selectors.wallet(request.user)[: OFFICE_LIMIT + 1])
    return {
        "template": "licences/_office_section.html",
        "licences": licences[:OFFICE_LIMIT],
        "more": len(licences) > OFFICE_LIMIT,
        "today": _today(),
    }


@login_required
@require_GET
def wallet(request):
    return render(request, "licences/wallet.html", {"licences": selectors.wallet(request.user), "today": _today()})


@login_required
@require_GET
def wallet_licence(request, number):
    licence = selectors.wallet_licence(request.user, number)
    if licence is None:
        raise Http404
    url = documents.verify_url(licence.number)
    return render(
        request,
        "licences/wallet_licence.html",
        {"licence": licence, "today": _today(), "verify_url": url, "qr": qr_svg(url, scale=8, border=2)},
    )


@login_required
@require_GET
def wallet_licence_pdf(request, number):
    licence = selectors.wallet_licence(request.user, number)
    if licence is None:
        raise Http404
    return _pdf_response(licence)


# -- public verification -------------------------------------------------------------------------


@never_cache
@require_GET
def verify_licence(request, number):
    if _over_rate_limit(request):
        return render(request, "licences/verify_limited.html", status=429)
    licence = selectors.licence_by_number(number)
    if licence is None:
        return render(request, "licences/verify_unknown.html", {"number": number[:40], "form": NumberForm()}, status=404)
    today = _today()
    return render(
        request,
        "licences/verify.html",
        {
            "licence": licence,
            "status": licence.status_on(today),
            "status_label": licence.status_label_on(today),
            "holder": selectors.mask_name(licence.holder_name, enterprise=licence.holder_enterprise_id is not None),
            "checked_at": timezone.localtime(),
        },
    )


@require_GET
def verify_lookup(request):
    """The number form on /verify/: to /verify/<number>/ (the check happens there)."""
    form = NumberForm(request.GET)
    if not form.is_valid():
        return render(request, "licences/verify_unknown.html", {"number": "", "form": form}, status=400)
    return redirect("licence_verify", numbers.normalise(form.cleaned_data["number"]))


def verify_upload_panel(request, report) -> str | None:
    """A section of the seals page /verify/: is the uploaded file a licence we issued, exactly?"""
    context = {"report": report, "form": NumberForm(), "today": _today()}
    if report is not None:
        document = selectors.document_for_sha256(report.document_sha256)
        claimed = None
        if document is None:
            usage = report.signature.usage if report.signature else None
            if usage is not None and usage.related_type == "licences.licence":
                claimed = Licence.objects.select_related("licence_type").filter(pk=usage.related_id).first()
        context.update(document=document, claimed=claimed)
        if document is not None:
            licence = document.licence
            context.update(
                licence=licence,
                status=licence.status_on(context["today"]),
                status_label=licence.status_label_on(context["today"]),
                superseded=document.revision < licence.revision,
            )
    return render_to_string("licences/_verify_panel.html", context, request=request)


# -- reuse as a material (免提交) ----------------------------------------------------------------------


@login_required
@require_POST
def material_licence(request, uid, material_id):
    from approvals.models import Application
    from approvals.services import can_view
    from services.models import Material

    application = Application.objects.select_related("item_version", "applicant_enterprise").filter(uid=uid).first()
    if application is None or not can_view(request.user, application):
        raise Http404
    material = get_object_or_404(Material, pk=material_id, item_version_id=application.item_version_id)
    try:
        if request.POST.get("stop"):
            services.stop_using_licence_for_material(application=application, actor=request.user, material=material)
            messages.success(request, _("“%(material)s” will be uploaded instead.") % {"material": material.name})
        else:
            chosen = request.POST.get("licence", "")
            licence = Licence.objects.filter(pk=chosen).first() if chosen.isdigit() else None
            if licence is None:
                raise ValidationError(_("Choose one of your licences."))
            services.use_licence_for_material(
                application=application, actor=request.user, material=material, licence=licence
            )
            messages.success(
                request,
                _("Your licence %(number)s stands in for “%(material)s”: nothing to upload.")
                % {"number": licence.number, "material": material.name},
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
        raise PermissionDenied(_("Only approvers and heads of a department see its licences."))
    return departments


STATUS_FILTERS = [Licence.Status.PENDING, Licence.Status.VALID, Licence.Status.SUSPENDED, Licence.Status.REVOKED, Licence.Status.EXPIRED]


@login_required
@require_GET
def staff_licences(request):
    _require_manager(request.user)
    licences = selectors.staff_licences(request.user)
    status = request.GET.get("status", "")
    if status in STATUS_FILTERS:
        licences = licences.filter(status=status)
    query = request.GET.get("q", "").strip()
    if query:
        licences = licences.filter(
            Q(number__icontains=query) | Q(holder_name__icontains=query) | Q(application__tracking_number__icontains=query)
        )
    page = Paginator(licences.order_by("-created_at", "-id"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "licences/staff/list.html",
        {
            "page": page,
            "status": status,
            "query": query,
            "statuses": [(value, Licence.Status(value).label) for value in STATUS_FILTERS],
            "failing": list(selectors.failing_issuances(request.user)[:20]),
            "today": _today(),
        },
    )


def _staff_licence_or_404(request, number) -> Licence:
    _require_manager(request.user)
    licence = selectors.staff_licence(request.user, number)
    if licence is None:
        raise Http404
    return licence


ACTIONS = {
    "suspend": (ReasonForm, lambda licence, actor, reason: services.licence_suspend(licence=licence, actor=actor, reason=reason)),
    "revoke": (ReasonForm, lambda licence, actor, reason: services.licence_revoke(licence=licence, actor=actor, reason=reason)),
    "reinstate": (NoteForm, lambda licence, actor, reason: services.licence_reinstate(licence=licence, actor=actor, note=reason)),
}


def _staff_detail(request, licence, *, bound=None, status=200):
    forms = {}
    if licence.status == Licence.Status.VALID:
        forms["suspend"] = ReasonForm(prefix="suspend")
    if licence.status in (Licence.Status.VALID, Licence.Status.SUSPENDED, Licence.Status.EXPIRED):
        forms["revoke"] = ReasonForm(prefix="revoke")
    if licence.status == Licence.Status.SUSPENDED:
        forms["reinstate"] = NoteForm(prefix="reinstate")
    if bound:
        forms[bound[0]] = bound[1]
    return render(
        request,
        "licences/staff/detail.html",
        {
            "licence": licence,
            "forms": forms,
            "events": licence.events.select_related("actor").order_by("-at", "-id"),
            "documents": licence.documents.order_by("-revision"),
            "uses": licence.material_uses.select_related("application", "material"),
            "today": _today(),
            "waiting": licence.revision < licence.wanted_revision,
        },
        status=status,
    )


@login_required
@require_GET
def staff_licence(request, number):
    return _staff_detail(request, _staff_licence_or_404(request, number))


@login_required
@require_GET
def staff_licence_pdf(request, number):
    return _pdf_response(_staff_licence_or_404(request, number))


@login_required
@require_POST
def staff_licence_action(request, number, action):
    licence = _staff_licence_or_404(request, number)
    if action == "retry":
        try:
            services.licence_retry(licence=licence, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Issuing %(number)s will be tried again now.") % {"number": licence.number})
        return redirect("staff_licence", licence.number)
    if action not in ACTIONS:
        raise Http404
    form_class, run = ACTIONS[action]
    form = form_class(request.POST, prefix=action)
    if form.is_valid():
        try:
            run(licence, request.user, form.cleaned_data["reason"])
        except ValidationError as exc:
            for field, errors in exc.error_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]:
                for error in errors:
                    form.add_error("reason" if field == "reason" else None, error)
        else:
            labels = {
                "suspend": _("Licence %(number)s is suspended. The holder has been told."),
                "revoke": _("Licence %(number)s is revoked. The holder has been told."),
                "reinstate": _("Licence %(number)s is reinstated. The holder has been told."),
            }
            messages.success(request, labels[action] % {"number": licence.number})
            return redirect("staff_licence", licence.number)
    return _staff_detail(request, licence, bound=(action, form), status=400)


@login_required
def staff_reissue(request):
    departments = _require_manager(request.user)
    form = ReissueForm(request.POST or None, department_ids=departments)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.reissue_start(
                actor=request.user,
                licence_type=form.cleaned_data["licence_type"],
                department=form.cleaned_data["department"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            for field, errors in exc.error_dict.items() if hasattr(exc, "error_dict") else [(None, exc.messages)]:
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("Re-issuing %(count)d licences.") % {"count": job.total})
            return redirect("staff_reissue_job", job.pk)
    return render(
        request,
        "licences/staff/reissue.html",
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
    template = "licences/staff/_reissue_progress.html" if request.headers.get("HX-Request") else "licences/staff/reissue_job.html"
    return render(request, template, {"progress": progress, "job": progress.job})
