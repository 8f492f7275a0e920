"""The comprehensive window (综合窗口): /window/, for window clerks.

A clerk finds the applicant (or registers them on the spot), starts an
application for an item on the list, fills in the item's own form, attaches
the scans, submits for the applicant and, where the department allows it,
accepts on the spot or issues the one-time correction notice. Every change
goes through `approvals.services` (the online code path) and
`approvals.window.services` (the visit ledger); these views only translate
errors into messages and form errors.

Keyboard first: the search box has the focus when the workspace opens, and a
scanner that types a tracking number and presses Enter lands on that
application. Each page puts the focus on the field the clerk types next.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from approvals import services as workflow
from approvals.forms import CorrectionForm, DeliveryForm, NotAcceptForm, service_errors
from approvals.models import Application, CorrectionNotice, Visit
from approvals.window import selectors
from approvals.window import services as window_services
from approvals.window.forms import (
    ANSWERS_PREFIX,
    AgentStartForm,
    ApplicationVisitForm,
    EnterpriseForm,
    FindForm,
    PersonForm,
    StartForm,
    SubmitForm,
    VisitForm,
    answers_form,
    posted_answers,
)
from approvals.workflow import Action, State
from portal import services as identity
from portal.models import Enterprise, Person, User
from portal.permissions import has_role
from services.bundles import listed_bundle_codes
from services.selectors import current_list, listed_bundles
from services.services import ItemNotOnList, item_for_new_application

EDITABLE_STATES = (State.DRAFT, State.CORRECTION)


def clerk_required(view):
    """Window clerks only: anyone else signed in gets 403 (StaffMFAMiddleware asks for the second factor first)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not has_role(request.user, "clerk"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _focus(form, *, fields=None) -> None:
    """Put the focus where the clerk types next: the first field in error, else the first of `fields`.

    The counter is worked from the keyboard; without this every page would
    start with a tour of the header's links.
    """
    names = list(fields or form.fields)
    erroneous = [name for name in form.fields if form.is_bound and name in form.errors]
    target = erroneous[0] if erroneous else next((name for name in names if not form[name].value()), names[0] if names else None)
    if target is not None:
        form.fields[target].widget.attrs["autofocus"] = True


def _items() -> list[tuple[str, str]]:
    return selectors.item_choices(at=timezone.now())


# -- the workspace: find the applicant ------------------------------------------------------


@clerk_required
def window(request):
    """The workspace. `?q=` finds an application (typed or scanned), a person or an enterprise."""
    form = FindForm(request.GET if "q" in request.GET else None)
    problem = ""
    if form.is_bound and form.is_valid():
        found = selectors.lookup(form.cleaned_data["q"], clerk=request.user)
        if found.kind == "application":
            return redirect("window_application", uid=found.application.uid)
        if found.kind == "person":
            if found.person is not None:
                return redirect("window_person", pk=found.person.pk)
            messages.info(request, _("No one is registered with this resident ID number yet. Register them now."))
            query = {"resident_id": found.resident_id, **({"real_name": found.name} if found.name else {})}
            return redirect(reverse("window_person_new") + "?" + urlencode(query))
        if found.kind == "enterprise":
            if found.enterprise is not None:
                return redirect("window_enterprise", pk=found.enterprise.pk)
            messages.info(request, _("No enterprise is registered with this credit code yet. Register it now."))
            query = {"credit_code": found.credit_code, **({"name": found.name} if found.name else {})}
            return redirect(reverse("window_enterprise_new") + "?" + urlencode(query))
        problem = found.problem
        form.add_error("q", problem)
    _focus(form)
    return render(
        request,
        "approvals/window/home.html",
        {"find_form": form, **selectors.clerk_today(request.user, today=timezone.localdate())},
        status=400 if problem else 200,
    )


@clerk_required
def window_person_new(request):
    """Register a walk-in person, with the same validation as online."""
    # Prefilled with what the clerk just typed into the search ("王小明 211402…").
    initial = {"resident_id": request.GET.get("resident_id", ""), "real_name": request.GET.get("real_name", "")[:60]}
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            person = identity.person_register(**form.cleaned_data)
        except ValidationError as exc:
            service_errors(exc, form)
        else:
            messages.success(request, _("%(name)s is registered.") % {"name": person.real_name})
            return redirect("window_person", pk=person.pk)
    _focus(form)
    return render(request, "approvals/window/person_new.html", {"form": form})


@clerk_required
def window_enterprise_new(request):
    initial = {"credit_code": request.GET.get("credit_code", ""), "name": request.GET.get("name", "")[:200]}
    form = EnterpriseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = identity.enterprise_register_walk_in(**form.cleaned_data)
        except ValidationError as exc:
            service_errors(exc, form)
        else:
            messages.success(request, _("%(name)s is registered.") % {"name": enterprise.name})
            return redirect("window_enterprise", pk=enterprise.pk)
    _focus(form)
    return render(request, "approvals/window/enterprise_new.html", {"form": form})


# -- the applicant's page: start an application, record a visit -------------------------------


def _start(request, form, *, person: Person, enterprise: Enterprise | None):
    """Start a window draft; on success, the redirect to its page."""
    try:
        application = workflow.application_start(
            actor=request.user,
            item_code=form.cleaned_data["item"],
            person=person,
            enterprise=enterprise,
            channel=Application.Channel.WINDOW,
            at=timezone.now(),
        )
    except ItemNotOnList as exc:
        form.add_error("item", exc.messages[0])
    except ValidationError as exc:
        service_errors(exc, form)
    else:
        messages.success(request, _("The application is started. Fill it in with the applicant."))
        return redirect("window_application", uid=application.uid)
    return None


def _record_item_visit(request, form, *, person: Person):
    now = timezone.now()
    try:
        version = item_for_new_application(code=form.cleaned_data["item"], at=now)
        visit = window_services.visit_record(
            clerk=request.user,
            person=person,
            item_version=version,
            purpose=form.cleaned_data["purpose"],
            reason=form.cleaned_data["reason"],
            at=now,
        )
    except ItemNotOnList as exc:
        form.add_error("item", exc.messages[0])
    except ValidationError as exc:
        service_errors(exc, form)
    else:
        _visit_message(request, visit)
        return True
    return False


def _visit_message(request, visit: Visit) -> None:
    if visit.violation:
        messages.warning(
            request,
            _("Visit %(number)d is recorded as a “run at most once” violation, with your reason.")
            % {"number": visit.number},
        )
    else:
        messages.success(request, _("The visit is recorded."))


@clerk_required
def window_person(request, pk):
    person = get_object_or_404(Person, pk=pk)
    start_form = StartForm(request.POST if request.POST.get("form") == "start" else None, prefix="start")
    visit_form = VisitForm(request.POST if request.POST.get("form") == "visit" else None, prefix="visit")
    if request.method == "POST":
        if start_form.is_bound and start_form.is_valid():
            leave = _start(request, start_form, person=person, enterprise=None)
            if leave:
                return leave
        elif visit_form.is_bound and visit_form.is_valid():
            if _record_item_visit(request, visit_form, person=person):
                return redirect("window_person", pk=person.pk)
    _focus(visit_form if visit_form.errors else start_form)
    return render(
        request,
        "approvals/window/person.html",
        {
            "person": person,
            "applications": selectors.person_applications(person, clerk=request.user),
            "visits": selectors.person_visits(person),
            "start_form": start_form,
            "visit_form": visit_form,
            "items": _items(),
            "bundles": listed_bundles(list_version=current_list(at=timezone.now())),
        },
        status=400 if (start_form.errors or visit_form.errors) else 200,
    )


@clerk_required
def window_enterprise(request, pk):
    enterprise = get_object_or_404(Enterprise, pk=pk)
    start_form = AgentStartForm(request.POST or None, prefix="start")
    if request.method == "POST" and start_form.is_valid():
        try:
            agent = identity.person_register(
                real_name=start_form.cleaned_data["real_name"], resident_id=start_form.cleaned_data["resident_id"]
            )
        except ValidationError as exc:
            service_errors(exc, start_form)
        else:
            code = start_form.cleaned_data["item"].strip().upper()
            if code in listed_bundle_codes(list_version=current_list(at=timezone.now())):
                # A bundle: its one form, for the agent on the enterprise's behalf.
                url = reverse("window_bundle_start", args=[agent.pk, code])
                return redirect(f"{url}?{urlencode({'enterprise': enterprise.pk})}")
            leave = _start(request, start_form, person=agent, enterprise=enterprise)
            if leave:
                return leave
    _focus(start_form)
    return render(
        request,
        "approvals/window/enterprise.html",
        {
            "enterprise": enterprise,
            "applications": selectors.enterprise_applications(enterprise, clerk=request.user),
            "start_form": start_form,
            "items": _items(),
            "bundles": listed_bundles(list_version=current_list(at=timezone.now())),
        },
        status=400 if start_form.errors else 200,
    )


# -- one application --------------------------------------------------------------------------


def _application(request, uid) -> Application:
    """A window application this clerk may see; 404 for anything else (citizens' drafts included)."""
    application = selectors.window_applications().filter(uid=uid).first()
    if application is None or not workflow.can_view(request.user, application):
        raise Http404
    return application


@clerk_required
def window_application(request, uid):
    application = _application(request, uid)
    if application.state in EDITABLE_STATES:
        return _edit(request, application)
    return _application_page(request, application)


def _application_page(request, application: Application, *, visit_form=None, not_accept_form=None, status=200):
    """A submitted application at the counter: acceptance, documents, visits, history."""
    actions = workflow.allowed_actions(request.user, application)
    return render(
        request,
        "approvals/window/application.html",
        {
            **_common(application),
            "can_accept": Action.ACCEPT in actions,
            "can_not_accept": Action.NOT_ACCEPT in actions,
            "can_correct": Action.REQUEST_CORRECTION in actions and application.state == State.SUBMITTED,
            "accepts_at_window": application.department.accepts_at_window,
            "visit_form": visit_form or ApplicationVisitForm(prefix="visit"),
            "not_accept_form": not_accept_form or NotAcceptForm(prefix="refusal", application=application),
            "next_visit": window_services.visit_count(person=application.applicant_person, application=application),
        },
        status=status,
    )


def _common(application: Application) -> dict:
    attachments = list(application.attachments.select_related("material"))
    return {
        "application": application,
        "version": application.item_version,
        "materials": [
            (material, [a for a in attachments if a.material_id == material.pk])
            for material in application.item_version.materials.all()
        ],
        "others": [a for a in attachments if a.material_id is None],
        "notices": list(application.corrections.all()),
        "visits": selectors.application_visits(application),
        "events": list(application.events.select_related("actor__person")),
    }


def _edit(request, application: Application):
    """The draft (or the correction) in one form: answers, scans, delivery, declaration, submit.

    One service call (`window_services.window_edit`) saves, attaches and submits; this view
    turns the request into its arguments and its problems into the forms' errors.
    """
    version = application.item_version
    materials = list(version.materials.all())
    correcting = application.state == State.CORRECTION
    errors: list[tuple[str, str]] = []  # (message, anchor) for the error summary
    file_errors: dict[int, list[str]] = {}
    other_errors: list[tuple[str, str]] = []  # problems that belong to no field: (message, anchor)
    if request.method == "POST":
        action = request.POST.get("action", "save")
        answers = answers_form(version, data=request.POST)
        delivery_form = DeliveryForm(request.POST)
        submit_form = SubmitForm(request.POST)
        delivery_form.is_valid()
        submit_form.is_valid()
        try:
            edit = window_services.window_edit(
                application=application,
                clerk=request.user,
                answers=posted_answers(version, request.POST),
                delivery=request.POST.get("delivery", ""),
                delivery_address=request.POST.get("delivery_address", ""),
                uploads={material.pk: request.FILES.getlist(f"material-{material.pk}") for material in materials},
                submit=action == "submit",
                declaration=submit_form.cleaned_data.get("declaration", False),
                reason=submit_form.cleaned_data.get("reason", ""),
                at=timezone.now(),
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            messages.error(request, service_errors(exc))
            return redirect("window_application", uid=application.uid)
        if edit.stored:
            messages.success(
                request,
                ngettext("%(count)d file attached.", "%(count)d files attached.", edit.stored) % {"count": edit.stored},
            )
        if edit.submitted:
            if correcting:
                messages.success(request, _("The corrections are sent to the department."))
            else:
                messages.success(
                    request,
                    _("Submitted for the applicant. The tracking number is %(number)s.")
                    % {"number": edit.application.tracking_number},
                )
            return redirect("window_application", uid=application.uid)
        if edit.saved_cleanly and action != "submit":
            messages.success(request, _("The application is saved. It stays in your drafts until it is submitted."))
            return redirect("window_application", uid=application.uid)
        answers.is_valid()  # the item's own form: the same errors application_save found
        for refused in edit.refused_files:
            file_errors.setdefault(refused.material_id, []).append(
                _("%(file)s: %(problem)s") % {"file": refused.name, "problem": service_errors(refused.error)}
            )
        for key, problems in edit.errors.items():
            if key in delivery_form.fields and not delivery_form.has_error(key):
                delivery_form.add_error(key, problems)
        _spread(edit.submit_errors, answers=answers, delivery_form=delivery_form, submit_form=submit_form, others=other_errors)
        errors = _summary(answers, delivery_form, submit_form, file_errors, other_errors, materials)
    else:
        answers = answers_form(version, initial=application.form_data)
        delivery_form = DeliveryForm.of(application)
        submit_form = SubmitForm()
    application.refresh_from_db()
    count = window_services.visit_count(person=application.applicant_person, application=application)
    common = _common(application)
    if answers.fields and not (errors and not answers.errors):
        _focus(answers, fields=list(answers.fields)[:1] if not answers.errors else None)
    return render(
        request,
        "approvals/window/edit.html",
        {
            **common,
            "correcting": correcting,
            "correction": application.corrections.filter(resolved_at__isnull=True).first(),
            "answers": answers,
            "delivery_form": delivery_form,
            "submit_form": submit_form,
            "material_rows": [
                (material, files, file_errors.get(material.pk, [])) for material, files in common["materials"]
            ],
            "other_errors": other_errors,
            "errors": errors,
            "next_visit": count,
            "answers_prefix": ANSWERS_PREFIX,
        },
        status=400 if errors else 200,
    )


def _spread(problems_by_key: dict, *, answers, delivery_form, submit_form, others: list) -> None:
    """Put a submission's problems next to the fields they are about."""
    for key, problems in problems_by_key.items():
        if key in answers.fields:
            answers.add_error(key, problems)
        elif key in delivery_form.fields:
            delivery_form.add_error(key, problems)
        elif key in ("declaration", "reason"):
            submit_form.add_error(key, problems)
        else:
            others.extend((problem, "#materials" if key == "materials" else "") for problem in problems)


def _summary(answers, delivery_form, submit_form, file_errors, other_errors, materials) -> list[tuple[str, str]]:
    entries = []
    for form in (answers, delivery_form, submit_form):
        for field in form:
            for error in field.errors:
                entries.append((f"{field.label}: {error}", f"#{field.id_for_label}"))
        for error in form.non_field_errors():
            entries.append((error, ""))
    names = {m.pk: m.name for m in materials}
    for pk, problems in file_errors.items():
        entries.extend((f"{names[pk]}: {problem}", f"#id_material-{pk}") for problem in problems)
    entries.extend((str(message), anchor) for message, anchor in other_errors)
    return entries


@clerk_required
@require_POST
def window_attachment_remove(request, uid, attachment_id):
    application = _application(request, uid)
    attachment = application.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    try:
        workflow.attachment_remove(attachment=attachment, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as exc:
        messages.error(request, service_errors(exc))
    else:
        messages.success(request, _("“%(file)s” is removed.") % {"file": attachment.original_name})
    return redirect(reverse("window_application", args=[application.uid]) + "#materials")


@clerk_required
@require_POST
def window_accept(request, uid):
    application = _application(request, uid)
    try:
        workflow.application_accept(application=application, actor=request.user, at=timezone.now())
    except PermissionDenied:
        messages.error(request, _("This department does not let the window accept its applications."))
    except ValidationError as exc:
        messages.error(request, service_errors(exc))
    else:
        messages.success(request, _("Accepted. Print the acceptance receipt for the applicant."))
    return redirect("window_application", uid=application.uid)


@clerk_required
@require_POST
def window_not_accept(request, uid):
    """不予受理 at the counter, with the reason the applicant is sent."""
    application = _application(request, uid)
    form = NotAcceptForm(request.POST, prefix="refusal", application=application)
    if form.is_valid():
        try:
            workflow.application_not_accept(
                application=application, actor=request.user, note=form.cleaned_data["note"], at=timezone.now()
            )
        except PermissionDenied:
            messages.error(request, _("This department does not let the window decide on acceptance."))
            return redirect("window_application", uid=application.uid)
        except ValidationError as exc:
            service_errors(exc, form)
        else:
            if workflow.applicant_users(application):
                messages.success(request, _("Not accepted. The applicant is sent the reason."))
            else:
                messages.success(request, _("Not accepted. Give the applicant the reason: they have no portal account."))
            return redirect("window_application", uid=application.uid)
    _focus(form)
    return _application_page(request, application, not_accept_form=form, status=400)


@clerk_required
def window_correction(request, uid):
    """The one-time correction notice (一次性告知): everything to correct, at once."""
    application = _application(request, uid)
    if Action.REQUEST_CORRECTION not in workflow.allowed_actions(request.user, application):
        messages.info(request, _("The window cannot ask for corrections to this application now."))
        return redirect("window_application", uid=application.uid)
    form = CorrectionForm(request.POST or None, application=application)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.application_request_correction(
                application=application,
                actor=request.user,
                items=form.cleaned_data["items"],
                note=form.cleaned_data["note"],
                at=timezone.now(),
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            service_errors(exc, form)
        else:
            messages.success(request, _("The correction notice is issued. Print it for the applicant."))
            return redirect("window_application", uid=application.uid)
    _focus(form)
    return render(
        request,
        "approvals/window/correction.html",
        {"application": application, "form": form},
        status=400 if form.errors else 200,
    )


@clerk_required
@require_POST
def window_application_visit(request, uid):
    """A visit about an application already submitted (asking how it is going, say)."""
    application = _application(request, uid)
    form = ApplicationVisitForm(request.POST, prefix="visit")
    if form.is_valid():
        try:
            visit = window_services.visit_record(
                clerk=request.user,
                person=application.applicant_person,
                application=application,
                purpose=form.cleaned_data["purpose"],
                reason=form.cleaned_data["reason"],
                at=timezone.now(),
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            service_errors(exc, form)
        else:
            _visit_message(request, visit)
            return redirect(reverse("window_application", args=[application.uid]) + "#visits")
    return _application_page(request, application, visit_form=form, status=400)


# -- printed documents ---------------------------------------------------------------------------


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_store=True)
    return response


def _receipt(application: Application, *, printed_by: User | None = None) -> HttpResponse:
    if application.state == State.DRAFT:
        raise Http404
    pdf = window_services.receipt_pdf(application, printed_by=printed_by, at=timezone.now())
    return _pdf(pdf, f"receipt-{application.tracking_number}.pdf")


def _notice(application: Application, pk: int) -> HttpResponse:
    notice = get_object_or_404(CorrectionNotice.objects.select_related("application"), pk=pk, application=application)
    return _pdf(
        window_services.correction_notice_pdf(notice), f"correction-notice-{application.tracking_number}-{pk}.pdf"
    )


@clerk_required
def window_receipt(request, uid):
    """The clerk prints the receipt; it carries a fresh one-time QR code that rates the visit."""
    return _receipt(_application(request, uid), printed_by=request.user)


@clerk_required
def window_correction_notice(request, uid, pk):
    return _notice(_application(request, uid), pk)


def _applicants_application(request, uid) -> Application:
    application = (
        Application.objects.select_related(
            "item_version__item", "department", "applicant_person", "applicant_enterprise", "clerk"
        )
        .filter(uid=uid)
        .exclude(state=State.DRAFT)
        .first()
    )
    if application is None or not workflow.is_applicant(request.user, application):
        raise Http404
    return application


@login_required
def application_receipt(request, uid):
    """The applicant downloads their receipt again from their application page."""
    return _receipt(_applicants_application(request, uid))


@login_required
def application_correction_notice(request, uid, pk):
    return _notice(_applicants_application(request, uid), pk)
