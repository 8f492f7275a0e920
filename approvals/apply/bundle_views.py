"""Applying for a bundle online ("get one thing done"): one form, one check, one submission, one page.

Thin views: `approvals.bundles.bundle_submit` checks the list, the answers of
every member, the materials and the permissions, and makes everything at
once. Until then what the applicant gives is kept in their session
(`approvals.bundle_drafts`), so that nothing is lost on an error. An
outsider gets a 404 for a bundle application that is not theirs.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from approvals.apply.views import applicant_redirect, not_on_list
from approvals.bundle_drafts import draft_close, draft_discard, draft_load, draft_save, draft_uploads
from approvals.bundle_forms import bundle_context, bundle_page, bundle_problems, bundle_take, check_rows, submit_errors
from approvals.bundles import bundle_for_applicant, bundle_initial, bundle_submit
from portal.selectors import acting_as
from services.bundles import BundleNotOnList, bundle_for_new_application, bundle_terms


def _scope(request, enterprise) -> str:
    return f"online:{request.user.pk}:{enterprise.pk if enterprise else 'self'}"


def _open_form(request, code):
    """(None, (the bundle version on the list, its terms, the enterprise acted for, the draft so far)),
    or (the page to show instead, None): the bundle is not on the list, or the applicant must sign in
    or complete their profile first."""
    try:
        version = bundle_for_new_application(code=code, at=timezone.now())
        terms = bundle_terms(bundle_version=version)
    except BundleNotOnList as exc:
        return not_on_list(request, exc), None
    leave = applicant_redirect(request)
    if leave:
        return leave, None
    enterprise = acting_as(request)
    draft = draft_load(request.session, scope=_scope(request, enterprise), code=version.bundle.code)
    return None, (version, terms, enterprise, draft)


def bundle_apply(request, code):
    """The one form: every member's questions once, the optional members, one upload per material."""
    leave, opened = _open_form(request, code)
    if leave:
        return leave
    version, terms, enterprise, draft = opened
    initial = bundle_initial(terms, person=request.user.person, enterprise=enterprise)
    if request.method == "POST":
        refused = bundle_take(terms, draft, request.POST, request.FILES)
        draft_save(request.session, draft)
        if request.POST.get("remove"):
            messages.success(request, _("The file is removed."))
            return redirect("bundle_apply", code=version.bundle.code)
        page = bundle_page(terms, draft, initial=initial, bound=True)
        page.errors = bundle_problems(page, refused)
        if not page.errors:
            return redirect("bundle_apply_check", code=version.bundle.code)
    else:
        page = bundle_page(terms, draft, initial=initial, bound=False)
    return render(
        request,
        "approvals/apply/bundle_form.html",
        {
            "version": version,
            "page": page,
            "enterprise": enterprise,
            "person": request.user.person,
            "holder_person": request.user.person,
            "holder_enterprise": enterprise,
            "max_bytes": settings.UPLOAD_MAX_BYTES,
        },
        status=400 if page.errors else 200,
    )


def bundle_apply_check(request, code):
    """Check the answers, accept the declaration and submit the whole bundle."""
    leave, opened = _open_form(request, code)
    if leave:
        return leave
    version, terms, enterprise, draft = opened
    page = bundle_page(terms, draft, initial={}, bound=True)
    if not draft.started or bundle_problems(page, {}):
        messages.info(request, _("Answer the questions and upload the materials first."))
        return redirect("bundle_apply", code=version.bundle.code)
    included = terms.included(page.form.cleaned_data, draft.chosen)
    declaration_error, problems = "", []
    if request.method == "POST":
        uploads = draft_uploads(draft)
        try:
            bundle = bundle_submit(
                actor=request.user,
                bundle_code=version.bundle.code,
                answers=page.form.cleaned_data,
                uploads=uploads,
                declaration=request.POST.get("declaration") == "yes",
                chosen=draft.chosen,
                stand_ins=draft.stand_ins,
                enterprise=enterprise,
            )
        except BundleNotOnList as exc:
            return not_on_list(request, exc)
        except ValidationError as exc:
            declaration_error, problems = submit_errors(exc)
        except PermissionDenied as exc:
            problems = [str(exc) or _("You cannot apply for this on behalf of this enterprise.")]
        else:
            draft_discard(request.session, draft)
            messages.success(request, _("Your application is submitted. Each department has its part."))
            return redirect("my_bundle", uid=bundle.uid)
        finally:
            draft_close(uploads)
    return render(
        request,
        "approvals/apply/bundle_check.html",
        {
            "version": version,
            "page": page,
            "rows": check_rows(page.form),
            "included": terms.with_predecessors(included),
            "enterprise": enterprise,
            "declaration_error": declaration_error,
            "problems": problems,
        },
        status=400 if (declaration_error or problems) else 200,
    )


@login_required
def my_bundle(request, uid):
    """The bundle's page: its numbers, each member's state, the combined notices and, when complete, one summary."""
    bundle = bundle_for_applicant(request.user, uid)
    if bundle is None:
        raise Http404
    return render(request, "approvals/apply/bundle.html", bundle_context(bundle))
