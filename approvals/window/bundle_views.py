"""Taking in a bundle at the window: the same one form, the check with the declaration read to the
applicant, one submission and ONE visit in the ledger (`approvals.window.services.window_bundle_intake`)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from approvals.bundle_drafts import draft_close, draft_discard, draft_load, draft_save, draft_uploads
from approvals.bundle_forms import bundle_context, bundle_page, bundle_problems, bundle_take, check_rows, submit_errors
from approvals.bundles import bundle_for_clerk, bundle_initial
from approvals.window.services import bundle_visit_count, window_bundle_intake
from approvals.window.views import clerk_required
from portal.models import Enterprise, Person
from services.bundles import BundleNotOnList, bundle_for_new_application, bundle_terms


def _enterprise(request) -> Enterprise | None:
    """The enterprise the person came for (?enterprise=…), or None when they came for themselves."""
    value = request.GET.get("enterprise", "")
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    return get_object_or_404(Enterprise, pk=int(value))


def _load(request, pk, code):
    person = get_object_or_404(Person, pk=pk)
    enterprise = _enterprise(request)
    version = bundle_for_new_application(code=code, at=timezone.now())
    terms = bundle_terms(bundle_version=version)
    scope = f"window:{request.user.pk}:{person.pk}:{enterprise.pk if enterprise else 'self'}"
    draft = draft_load(request.session, scope=scope, code=version.bundle.code)
    return person, enterprise, version, terms, draft


def _url(name, person, version, enterprise) -> str:
    url = reverse(name, args=[person.pk, version.bundle.code])
    return f"{url}?{urlencode({'enterprise': enterprise.pk})}" if enterprise else url


def _refused(request, exc: BundleNotOnList, pk):
    messages.error(request, exc.messages[0])
    return redirect("window_person", pk=pk)


@clerk_required
def window_bundle_start(request, pk, code):
    """The bundle's one form, filled in by the clerk for the person at the counter."""
    try:
        person, enterprise, version, terms, draft = _load(request, pk, code)
    except BundleNotOnList as exc:
        return _refused(request, exc, pk)
    initial = bundle_initial(terms, person=person, enterprise=enterprise)
    if request.method == "POST":
        refused = bundle_take(terms, draft, request.POST, request.FILES)
        draft_save(request.session, draft)
        if request.POST.get("remove"):
            return redirect(_url("window_bundle_start", person, version, enterprise))
        page = bundle_page(terms, draft, initial=initial, bound=True)
        page.errors = bundle_problems(page, refused)
        if not page.errors:
            return redirect(_url("window_bundle_check", person, version, enterprise))
    else:
        page = bundle_page(terms, draft, initial=initial, bound=False)
    return render(
        request,
        "approvals/window/bundle_form.html",
        {
            "person": person,
            "version": version,
            "page": page,
            "enterprise": enterprise,
            "holder_person": person,
            "holder_enterprise": enterprise,
            "max_bytes": settings.UPLOAD_MAX_BYTES,
        },
        status=400 if page.errors else 200,
    )


@clerk_required
def window_bundle_check(request, pk, code):
    """Check with the applicant, the declaration, and submit: one visit for the whole bundle."""
    try:
        person, enterprise, version, terms, draft = _load(request, pk, code)
    except BundleNotOnList as exc:
        return _refused(request, exc, pk)
    page = bundle_page(terms, draft, initial={}, bound=True)
    if not draft.started or bundle_problems(page, {}):
        messages.info(request, _("Answer the questions and upload the materials first."))
        return redirect(_url("window_bundle_start", person, version, enterprise))
    included = terms.included(page.form.cleaned_data, draft.chosen)
    declaration_error, problems = "", []
    if request.method == "POST":
        uploads = draft_uploads(draft)
        try:
            bundle = window_bundle_intake(
                clerk=request.user,
                person=person,
                enterprise=enterprise,
                bundle_code=version.bundle.code,
                answers=page.form.cleaned_data,
                uploads=uploads,
                declaration=request.POST.get("declaration") == "yes",
                chosen=draft.chosen,
                stand_ins=draft.stand_ins,
                reason=request.POST.get("reason", ""),
                at=timezone.now(),
            )
        except BundleNotOnList as exc:
            return _refused(request, exc, pk)
        except ValidationError as exc:
            declaration_error, problems = submit_errors(exc)
        except PermissionDenied as exc:
            problems = [str(exc)]
        else:
            draft_discard(request.session, draft)
            messages.success(
                request,
                _("The bundle is submitted: %(number)s, query code %(code)s. One visit is recorded.")
                % {"number": bundle.tracking_number, "code": bundle.query_code},
            )
            return redirect("window_bundle", uid=bundle.uid)
        finally:
            draft_close(uploads)
    return render(
        request,
        "approvals/window/bundle_check.html",
        {
            "person": person,
            "enterprise": enterprise,
            "form_url": _url("window_bundle_start", person, version, enterprise),
            "version": version,
            "page": page,
            "rows": check_rows(page.form),
            "included": terms.with_predecessors(included),
            "next_visit": bundle_visit_count([member.item_version for member in included]),
            "reason": request.POST.get("reason", ""),
            "declaration_error": declaration_error,
            "problems": problems,
        },
        status=400 if (declaration_error or problems) else 200,
    )


@clerk_required
def window_bundle(request, uid):
    """A bundle taken in at the window, as the clerk sees it."""
    bundle = bundle_for_clerk(request.user, uid)
    if bundle is None:
        raise Http404
    return render(request, "approvals/window/bundle.html", {**bundle_context(bundle), "person": bundle.applicant_person})
