"""The list administrators' pages under /list-admin/: drafts, diff, publish, audit, import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.views import apply_service_errors
from services import bundles, selectors, services, transfer
from services.forms import (
    CurrentGuideFile,
    FaqFormSet,
    FormFieldFormSet,
    ImportForm,
    ItemForm,
    MaterialFormSet,
    PublishForm,
    guide_file_value,
    kept_rows,
)
from services.models import ImportJob, ItemVersion, ServiceItem
from services.terms import FAQ_FIELDS, FORM_FIELD_FIELDS, MATERIAL_FILES, differences, terms_dict
from services.views import _page_number, export_response


def _departments(request) -> list:
    """The departments the signed-in list administrator looks after; 403 for anyone else."""
    departments = selectors.list_admin_departments(request.user)
    if not departments:
        raise PermissionDenied(_("Only list administrators can see this page."))
    return departments


def _own_item(request, code) -> tuple[ServiceItem, list]:
    departments = _departments(request)
    item = ServiceItem.objects.filter(code=code, department__in=departments).select_related("department").first()
    if item is None:  # another department's item looks like no item at all
        raise Http404
    return item, departments


@login_required
def home(request):
    departments = _departments(request)
    list_version = selectors.current_list(at=timezone.now())
    rows = selectors.draft_rows(department_ids=[d.pk for d in departments], list_version=list_version)
    pending = sum(1 for row in rows if row.state in ("new", "changed", "retiring"))
    return render(
        request,
        "services/list_admin/home.html",
        {"departments": departments, "rows": rows, "pending": pending, "list_version": list_version},
    )


def _current_files(draft: ItemVersion, material) -> dict:
    """A draft material's stored files, as the initial values of its row's file inputs."""
    return {
        name: CurrentGuideFile(
            getattr(material, name),
            reverse("catalogue_material_file", args=[draft.item.code, material.pk, name.replace("_", "-")]),
        )
        for name in MATERIAL_FILES
        if getattr(material, f"{name}_id")
    }


def _formsets(request, draft: ItemVersion | None):
    data = request.POST if request.method == "POST" else None
    files = request.FILES if request.method == "POST" else None
    materials_initial = fields_initial = faq_initial = None
    if draft is not None:
        # The stored files come from the initial values, never from the form: a row can keep
        # or remove its own files but cannot name another one.
        materials_initial = [
            {
                "name_zh": m.name_zh,
                "name_en": m.name_en,
                "required": m.required,
                "stand_ins": list(m.stand_ins.all()),
                **_current_files(draft, m),
            }
            for m in draft.materials.all()
        ]
        fields_initial = [{name: getattr(f, name) for name in FORM_FIELD_FIELDS} for f in draft.fields.all()]
        faq_initial = [{name: getattr(q, name) for name in FAQ_FIELDS} for q in draft.faq.all()]
    return (
        MaterialFormSet(data, files, prefix="materials", initial=materials_initial),
        FormFieldFormSet(data, prefix="fields", initial=fields_initial),
        # A form sent without its FAQ part (a page loaded before the part existed) keeps the FAQ as it is.
        FaqFormSet(data if data is not None and "faq-TOTAL_FORMS" in data else None, prefix="faq", initial=faq_initial),
    )


def _material_inputs(formset) -> list:
    return [
        services.MaterialInput(
            row["name_zh"],
            row["name_en"],
            row["required"],
            list(row["stand_ins"]),
            blank_form=guide_file_value(row.get("blank_form")),
            sample=guide_file_value(row.get("sample")),
        )
        for row in kept_rows(formset)
    ]


def _faq_inputs(formset) -> list[dict]:
    if not formset.is_bound:
        return [{name: row[name] for name in FAQ_FIELDS} for row in formset.initial or []]
    return [{name: row[name] for name in FAQ_FIELDS} for row in kept_rows(formset)]


def _valid(*forms) -> bool:
    """Whether every bound form is valid (all of them are checked, so that each shows its errors)."""
    return all([form.is_valid() for form in forms if form.is_bound])


def _field_inputs(formset) -> list[dict]:
    return [{name: row[name] for name in FORM_FIELD_FIELDS} for row in kept_rows(formset)]


@login_required
def item_create(request):
    departments = _departments(request)
    form = ItemForm(request.POST or None, departments=departments, initial={"max_visits": 0})
    materials, fields, faq = _formsets(request, None)
    if request.method == "POST" and _valid(form, materials, fields, faq):
        try:
            item = services.item_create(
                actor=request.user,
                code=form.cleaned_data["code"],
                department=form.cleaned_data["department"],
                terms=form.terms(),
                events=form.cleaned_data["events"],
                materials=_material_inputs(materials),
                fields=_field_inputs(fields),
                faq=_faq_inputs(faq),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The item %(code)s is in the draft list. Publish it to make it public.") % {"code": item.code})
            return redirect("list_admin_item", code=item.code)
    return render(
        request,
        "services/list_admin/item_form.html",
        {"form": form, "materials": materials, "fields": fields, "faq": faq, "item": None},
    )


@login_required
def item_edit(request, code):
    item, _departments_held = _own_item(request, code)
    draft = ItemVersion.objects.drafts().with_terms().get(item=item)
    form = ItemForm(request.POST or None, instance=draft)
    materials, fields, faq = _formsets(request, draft)
    if request.method == "POST" and _valid(form, materials, fields, faq):
        revision = request.POST.get("revision", "")
        try:
            services.item_update(
                actor=request.user,
                item=item,
                terms=form.terms(),
                events=form.cleaned_data["events"],
                materials=_material_inputs(materials),
                fields=_field_inputs(fields),
                faq=_faq_inputs(faq),
                revision=int(revision) if revision.isdigit() else None,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The draft of %(code)s is saved.") % {"code": item.code})
            return redirect("list_admin_item", code=item.code)
    history = item.changes.select_related("actor").order_by("-at", "-id")[:10]
    return render(
        request,
        "services/list_admin/item_form.html",
        {
            "form": form,
            "materials": materials,
            "fields": fields,
            "faq": faq,
            "item": item,
            "draft": draft,
            "history": history,
        },
    )


@login_required
def item_retire(request, code):
    item, _held = _own_item(request, code)
    draft = ItemVersion.objects.drafts().get(item=item)
    if request.method == "POST":
        services.item_retire(actor=request.user, item=item)
        messages.success(
            request, _("%(code)s is marked retired. It leaves the list when you publish.") % {"code": item.code}
        )
        return redirect("list_admin")
    return render(request, "services/list_admin/retire.html", {"item": item, "draft": draft})


@login_required
@require_POST
def item_restore(request, code):
    item, _held = _own_item(request, code)
    services.item_restore(actor=request.user, item=item)
    messages.success(request, _("%(code)s is active again in the draft.") % {"code": item.code})
    return redirect("list_admin")


@login_required
def publish(request):
    departments = _departments(request)
    list_version = selectors.current_list(at=timezone.now())
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.list_publish(actor=request.user, note=form.cleaned_data["note"], departments=departments)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Version %(number)s of the list is published.") % {"number": version.number})
            return redirect("catalogue_version", number=version.number)
    changes = selectors.pending_changes(
        department_ids=[d.pk for d in departments], list_version=list_version, names=selectors.reference_names()
    )
    bundle_changes = bundles.bundle_pending_changes(department_ids=[d.pk for d in departments], list_version=list_version)
    return render(
        request,
        "services/list_admin/publish.html",
        {
            "form": form,
            "changes": changes,
            "bundle_changes": bundle_changes,
            "list_version": list_version,
            "next_number": (list_version.number if list_version else 0) + 1,
            "departments": departments,
        },
    )


@login_required
def changes(request):
    departments = _departments(request)
    page = Paginator(selectors.recent_changes(department_ids=[d.pk for d in departments]), 25).get_page(
        _page_number(request)
    )
    names = selectors.reference_names()
    entries = [
        (change, differences(change.before, change.after, names) if change.item_id else [])
        for change in page.object_list
    ]
    return render(request, "services/list_admin/changes.html", {"page": page, "entries": entries})


@login_required
def export(request, file_format):
    departments = _departments(request)
    drafts = ItemVersion.objects.drafts().for_departments([d.pk for d in departments]).with_terms()
    rows = [transfer.export_row(terms_dict(draft)) for draft in drafts.order_by("item__code")]
    return export_response(rows, file_format, "onegate-list-draft")


@login_required
def import_upload(request):
    _departments(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.import_start(actor=request.user, file_name=upload.name, data=upload.read())
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("list_admin_import_job", pk=job.pk)
    jobs = ImportJob.objects.filter(actor=request.user)[:10]
    return render(request, "services/list_admin/import.html", {"form": form, "jobs": jobs})


@login_required
def import_job(request, pk):
    _departments(request)
    job = get_object_or_404(ImportJob, pk=pk, actor=request.user)
    template = "services/list_admin/_import_progress.html" if request.htmx else "services/list_admin/import_job.html"
    return render(request, template, {"job": job, "self_url": reverse("list_admin_import_job", args=[job.pk])})
