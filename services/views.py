"""The public catalogue: browse, search, item pages, history, metrics, export."""

import dataclasses
import hashlib

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_safe

from services import selectors, transfer
from services.bundles import BundleNotOnList, bundle_for_new_application, bundle_terms, critical_path_days
from services.public_cache import public_page
from services.forms import CatalogueFilterForm
from services.models import Department, ItemVersion, LifeEvent, ListVersion
from services.services import ItemNotOnList, item_for_new_application
from services.terms import terms_dict

PAGE_SIZE = 20
# How long the public metrics page is cached: its numbers may move between list versions.
METRICS_SECONDS = 60


def _page_number(request) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() and int(value) > 0 else 1


@require_GET
@public_page
def catalogue(request):
    at = timezone.now()
    list_version = selectors.current_list(at=at)
    departments = list(Department.objects.serving())
    events = list(LifeEvent.objects.all())
    form = CatalogueFilterForm(request.GET or None, departments=departments, events=events)
    filters = selectors.CatalogueFilters(**form.cleaned_data) if form.is_valid() else selectors.CatalogueFilters()
    items = selectors.catalogue_items(list_version=list_version, filters=filters)
    page = Paginator(items, PAGE_SIZE).get_page(_page_number(request))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "services/catalogue/list.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "list_version": list_version,
            # The key of the cached results: what was asked, in a stable order.
            "cache_query": hashlib.sha256(repr((dataclasses.astuple(filters), page.number)).encode()).hexdigest(),
            "events": events,
            # Lazy: read only when the cached results are rendered anew.
            "event_bundles": selectors.listed_bundles(list_version=list_version).filter(event__code=filters.event)
            if filters.event
            else None,
            "query": query.urlencode(),
            "online_levels": ItemVersion.OnlineLevel,
        },
    )


@require_GET
@public_page
def catalogue_bundles(request):
    """The published bundles ("get one thing done"), by life or business event."""
    versions = selectors.listed_bundles(list_version=selectors.current_list(at=timezone.now()))
    events: dict = {}
    for version in versions:
        events.setdefault(version.event, []).append(version)
    return render(request, "services/catalogue/bundles.html", {"events": list(events.items())})


@require_GET
@public_page
def catalogue_bundle(request, code):
    """A bundle's guide: its members and how they take part, its promise, the materials asked for once."""
    try:
        version = bundle_for_new_application(code=code, at=timezone.now())
        terms = bundle_terms(bundle_version=version)
    except BundleNotOnList as exc:
        return _refusal(request, exc)
    promised = {m.member.item_id: m.item_version.promised_limit_days for m in terms.members}
    return render(
        request,
        "services/catalogue/bundle.html",
        {
            "version": version,
            "terms": terms,
            "rows": terms.with_predecessors(),
            "groups": terms.materials,
            "longest": critical_path_days([m.member for m in terms.members], promised),
            "separate": sum(promised.values()),
        },
    )


def _refusal(request, exc: ItemNotOnList):
    """The page for an item that is not on the list: 410 when retired, 404 otherwise."""
    status = 410 if exc.reason in (ItemNotOnList.RETIRED, BundleNotOnList.RETIRED) else 404
    return render(request, "services/catalogue/not_on_list.html", {"message": exc.messages[0]}, status=status)


@require_GET
@public_page
def catalogue_item(request, code):
    try:
        version = item_for_new_application(code=code, at=timezone.now())
    except ItemNotOnList as exc:
        return _refusal(request, exc)
    return render(
        request,
        "services/catalogue/item.html",
        {
            "version": version,
            "item": version.item,
            "department": version.item.department,
            "needs": selectors.material_needs(version),
            "online_levels": ItemVersion.OnlineLevel,
        },
    )


@require_safe
def catalogue_material_file(request, code, material, which):
    """A material's blank form or filled sample (PDF): public for a published version, and for
    a draft only to its department's list administrators; anyone else gets a 404."""
    found = selectors.guide_file(code=code, material_id=material, which=which, user=request.user)
    if found is None:
        raise Http404
    row, stored = found
    try:
        handle = stored.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"{code}-{row.position}-{which}.pdf")
    response["X-Content-Type-Options"] = "nosniff"
    if row.item_version.is_draft:
        patch_cache_control(response, private=True, no_store=True)
    else:  # a published material's file never changes: its content is its name
        patch_cache_control(response, public=True, max_age=86400)
    return response


@require_GET
def catalogue_apply(request, code):
    """The catalogue's "Apply online": the list guard, then the application's start page.

    The start page (approvals) runs the same guard again when the draft is
    created, so nothing reaches an application without passing it.
    """
    try:
        version = item_for_new_application(code=code, at=timezone.now())
    except ItemNotOnList as exc:
        return _refusal(request, exc)
    return redirect("apply_start", code=version.item.code)


@require_GET
def api_item(request, code):
    """The terms of a published item as JSON, for departmental systems; refusals as the guard words them."""
    try:
        version = item_for_new_application(code=code, at=timezone.now())
    except ItemNotOnList as exc:
        status = 410 if exc.reason in (ItemNotOnList.RETIRED, BundleNotOnList.RETIRED) else 404
        return JsonResponse({"error": exc.reason, "message": exc.messages[0]}, status=status)
    return JsonResponse(
        {"terms_first_published_in": version.published_in.number, "item": terms_dict(version)},
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
@public_page(ttl=METRICS_SECONDS)
def catalogue_metrics(request):
    list_version = selectors.current_list(at=timezone.now())
    city, departments = selectors.list_metrics(list_version=list_version)
    return render(
        request,
        "services/catalogue/metrics.html",
        {"list_version": list_version, "city": city, "rows": [city, *departments]},
    )


@require_GET
def catalogue_versions(request):
    page = Paginator(ListVersion.objects.all(), 50).get_page(_page_number(request))
    return render(request, "services/catalogue/versions.html", {"page": page})


@require_GET
def catalogue_version(request, number):
    list_version = ListVersion.objects.filter(number=number).first()
    if list_version is None:
        raise Http404
    changes = selectors.version_changes(list_version, selectors.reference_names())
    return render(
        request, "services/catalogue/version.html", {"list_version": list_version, "changes": changes}
    )


@require_GET
def catalogue_export(request, file_format):
    list_version = selectors.current_list(at=timezone.now())
    rows = [
        transfer.export_row(terms_dict(version))
        for version in ItemVersion.objects.on_list(list_version).with_terms().order_by("item__code")
    ]
    number = list_version.number if list_version else 0
    return export_response(rows, file_format, f"onegate-list-v{number}")


def export_response(rows, file_format, stem) -> HttpResponse:
    if file_format == "xlsx":
        response = HttpResponse(
            transfer.export_xlsx(rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    elif file_format == "csv":
        response = HttpResponse(transfer.export_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        raise Http404(_("Unknown format."))
    response["Content-Disposition"] = f'attachment; filename="{stem}.{file_format}"'
    return response
