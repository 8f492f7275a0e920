"""The list administrators' pages of bundles under /list-admin/bundles/: drafts, retire, restore.

The service (`services.bundles`) checks the role for the bundle's lead
department and every rule of the members; a bundle of another department
looks like no bundle at all (404).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.views import apply_service_errors
from services import bundles, selectors
from services.bundle_forms import BundleForm, MemberFormSet, member_initial, member_inputs
from services.models import Bundle, BundleVersion, Department
from services.views_list_admin import _departments


def _own_bundle(request, code) -> Bundle:
    departments = _departments(request)
    bundle = Bundle.objects.filter(code=code, department__in=departments).select_related("department").first()
    if bundle is None:
        raise Http404
    return bundle


def _members_errors(exc: ValidationError) -> list[str]:
    return exc.message_dict.get("members", []) if hasattr(exc, "error_dict") else []


def _without_members(exc: ValidationError) -> ValidationError:
    if hasattr(exc, "error_dict"):
        return ValidationError({k: v for k, v in exc.error_dict.items() if k != "members"})
    return exc


@login_required
def bundle_list(request):
    departments = _departments(request)
    ids = [d.pk for d in departments]
    list_version = selectors.current_list(at=timezone.now())
    pending = {c.bundle.pk: c.kind for c in bundles.bundle_pending_changes(department_ids=ids, list_version=list_version)}
    listed = set(BundleVersion.objects.on_list(list_version).values_list("bundle_id", flat=True))
    drafts = BundleVersion.objects.drafts().filter(bundle__department_id__in=ids).with_members().order_by("bundle__code")
    rows = [(draft, pending.get(draft.bundle_id, ""), draft.bundle_id in listed) for draft in drafts]
    return render(request, "services/list_admin/bundles.html", {"rows": rows, "pending": len(pending)})


def _save(request, form, members, bundle: Bundle | None):
    try:
        if bundle is None:
            bundle = bundles.bundle_create(
                actor=request.user,
                code=form.cleaned_data["code"],
                department=form.cleaned_data["department"],
                terms=form.terms(),
                members=member_inputs(members),
            )
        else:
            revision = request.POST.get("revision", "")
            bundles.bundle_update(
                actor=request.user,
                bundle=bundle,
                terms=form.terms(),
                members=member_inputs(members),
                revision=int(revision) if revision.isdigit() else None,
            )
    except ValidationError as exc:
        apply_service_errors(form, _without_members(exc))
        return None, _members_errors(exc)
    return bundle, []


@login_required
def bundle_create(request):
    departments = _departments(request)
    form = BundleForm(request.POST or None, departments=Department.objects.filter(pk__in=[d.pk for d in departments]))
    members = MemberFormSet(request.POST or None, prefix="members", initial=None)
    member_errors = []
    if request.method == "POST" and all([form.is_valid(), members.is_valid()]):
        bundle, member_errors = _save(request, form, members, None)
        if bundle is not None:
            messages.success(request, _("The bundle %(code)s is in the draft list. Publish it to make it public.") % {"code": bundle.code})
            return redirect("list_admin_bundle", code=bundle.code)
    return render(
        request,
        "services/list_admin/bundle_form.html",
        {"form": form, "members": members, "member_errors": member_errors, "bundle": None},
        status=400 if (form.errors or member_errors) else 200,
    )


@login_required
def bundle_edit(request, code):
    bundle = _own_bundle(request, code)
    draft = BundleVersion.objects.drafts().with_members().get(bundle=bundle)
    form = BundleForm(request.POST or None, departments=Department.objects.none(), editing=True, initial=BundleForm.initial_of(draft))
    # Bound rows are read as sent: compared with initial values, an unchanged row would count as empty.
    members = MemberFormSet(request.POST or None, prefix="members", initial=None if request.method == "POST" else member_initial(draft))
    member_errors = []
    if request.method == "POST" and all([form.is_valid(), members.is_valid()]):
        saved, member_errors = _save(request, form, members, bundle)
        if saved is not None:
            messages.success(request, _("The draft of %(code)s is saved.") % {"code": bundle.code})
            return redirect("list_admin_bundle", code=bundle.code)
    history = bundle.changes.select_related("actor").order_by("-at", "-id")[:10]
    return render(
        request,
        "services/list_admin/bundle_form.html",
        {"form": form, "members": members, "member_errors": member_errors, "bundle": bundle, "draft": draft, "history": history},
        status=400 if (form.errors or member_errors) else 200,
    )


@login_required
@require_POST
def bundle_retire(request, code):
    bundle = _own_bundle(request, code)
    bundles.bundle_retire(actor=request.user, bundle=bundle)
    messages.success(request, _("%(code)s is marked retired. It leaves the list when you publish.") % {"code": bundle.code})
    return redirect("list_admin_bundles")


@login_required
@require_POST
def bundle_restore(request, code):
    bundle = _own_bundle(request, code)
    bundles.bundle_restore(actor=request.user, bundle=bundle)
    messages.success(request, _("%(code)s is active again in the draft.") % {"code": bundle.code})
    return redirect("list_admin_bundles")
