"""The applicant's side: apply online, drafts, "my applications", and the files.

Thin views: every change goes through `approvals.services`, which enforces the
list, the audience, the workflow and the permissions; these views turn its
errors into messages and form errors. An outsider gets a 404 for any
application that is not theirs (they learn nothing, not even that it exists).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from approvals import hooks
from approvals import services as workflow
from approvals.apply import selectors
from approvals.documents.selectors import documents_of
from approvals.apply.forms import WithdrawForm, answer_rows, answers_form
from approvals.forms import DeliveryForm, service_errors
from approvals.models import Application
from approvals.workflow import Action, State
from deadlines.selectors import stored_calendar
from deadlines.workdays import CalendarUnavailable
from portal.i18n import long_date
from portal.permissions import needs_mfa_enrolment
from portal.selectors import acting_as
from portal.uploads import CSV, DOCUMENTS, XLSX
from services import selectors as catalogue
from services.services import ItemNotOnList, item_for_new_application

EDITABLE_STATES = (State.DRAFT, State.CORRECTION)
KINDS = {kind.name: kind for kind in (*DOCUMENTS, XLSX, CSV)}
INLINE_KINDS = {kind.name for kind in DOCUMENTS}


# -- loading and guarding ------------------------------------------------------------


def _own(request, uid) -> Application:
    """The application if the signed-in user is its applicant (or acts for its enterprise); else 404."""
    application = selectors.own_application(request.user, uid)
    if application is None:
        raise Http404
    return application


def _editable(request, uid) -> tuple[Application, object]:
    """The application, and a redirect when it can no longer be changed."""
    application = _own(request, uid)
    if application.state not in EDITABLE_STATES:
        messages.info(request, _("This application has been submitted and can no longer be changed."))
        return application, redirect("my_application", uid=application.uid)
    return application, None


def _after_step(application: Application, step: str) -> str:
    """Where "continue" leads: the next task of a draft; back to the application during a correction."""
    if application.state == State.CORRECTION:
        return reverse("my_application", args=[application.uid])
    if step == "answers" and application.item_version.materials.exists():
        return reverse("apply_materials", args=[application.uid])
    if step in ("answers", "materials"):
        return reverse("apply_delivery", args=[application.uid])
    return reverse("apply_check", args=[application.uid])


# -- starting ---------------------------------------------------------------------------


def not_on_list(request, exc: ItemNotOnList):
    """The guard's refusal, for an item or a bundle (BundleNotOnList): 410 once retired, else 404."""
    status = 410 if exc.reason == ItemNotOnList.RETIRED else 404
    return render(request, "approvals/apply/not_on_list.html", {"message": exc.messages[0]}, status=status)


def applicant_redirect(request):
    """Where someone who cannot apply online yet goes (to sign in, or to complete their profile); None if they can."""
    if not request.user.is_authenticated:
        messages.info(request, _("Sign in to apply online. You will come back to this page afterwards."))
        return redirect_to_login(request.get_full_path())
    if getattr(request.user, "person", None) is None:
        messages.warning(
            request,
            _("Before you apply, complete your personal profile with your real name and resident ID number."),
        )
        return redirect("profile")
    return None


def apply_start(request, code):
    """The start page of an item (what you need, how long, what it costs) and "Start now"."""
    try:
        # A POST that starts the draft reads no terms; the service runs the guard again itself.
        version = item_for_new_application(code=code, at=timezone.now(), with_terms=request.method != "POST")
    except ItemNotOnList as exc:
        return not_on_list(request, exc)
    leave = applicant_redirect(request)
    if leave:
        return leave
    enterprise = acting_as(request)
    problem = None
    if request.method == "POST":
        try:
            application = workflow.application_start(
                actor=request.user, item_code=version.item.code, enterprise=enterprise
            )
        except ItemNotOnList as exc:
            return not_on_list(request, exc)
        except (ValidationError, PermissionDenied) as exc:
            problem = service_errors(exc) if isinstance(exc, ValidationError) else str(exc)
        else:
            messages.success(request, _("Your application is started. It is saved as a draft as you go."))
            return redirect("my_application", uid=application.uid)
    drafts = selectors.drafts_of_item(request.user, version.item)
    return render(
        request,
        "approvals/apply/start.html",
        {
            "version": version,
            "item": version.item,
            "department": version.item.department,
            "needs": catalogue.material_needs(version),
            "enterprise": enterprise,
            "person": request.user.person,
            "problem": problem,
            "blocked": workflow.start_problem(version, enterprise),
            "drafts": drafts,
        },
        status=400 if problem else 200,
    )


# -- the draft's pages ------------------------------------------------------------------


def _task_list(application: Application, problems: dict) -> list[dict]:
    version = application.item_version
    keys = [f.key for f in version.fields.all()]
    materials = list(version.materials.all())
    attachments = list(application.attachments.all())

    answered = any(application.form_data.get(k) not in (None, "") for k in keys)
    if not keys or not any(k in problems for k in keys):
        answers = "completed"
    else:
        answers = "in_progress" if answered else "not_started"
    if not materials:
        files = "not_needed"
    elif "materials" in problems:
        files = "in_progress" if attachments else "not_started"
    else:
        files = "completed"
    delivery = "in_progress" if "delivery_address" in problems else "completed"
    check = "cannot_start" if problems else "not_started"
    return [
        {"name": _("Your answers"), "url": reverse("apply_answers", args=[application.uid]), "status": answers},
        {"name": _("Materials"), "url": reverse("apply_materials", args=[application.uid]), "status": files},
        {"name": _("Delivery of the result"), "url": reverse("apply_delivery", args=[application.uid]), "status": delivery},
        {"name": _("Check and submit"), "url": reverse("apply_check", args=[application.uid]), "status": check},
    ]


@login_required
def my_application(request, uid):
    """A draft's task list, or the applicant's page of a submitted application."""
    application = _own(request, uid)
    if application.state == State.DRAFT:
        problems = workflow.submission_problems(application)
        return render(
            request,
            "approvals/apply/tasks.html",
            {"application": application, "tasks": _task_list(application, problems)},
        )
    return render(request, "approvals/apply/application.html", _application_context(request, application))


def _application_context(request, application: Application) -> dict:
    today = timezone.localdate()
    days_left = None
    if application.due_on and application.state in (State.ACCEPTED, State.IN_REVIEW):
        try:
            days_left = stored_calendar(today=today).working_days_between(today, application.due_on)
        except CalendarUnavailable:
            days_left = None
    correction = None
    problems = {}
    if application.state == State.CORRECTION:
        correction = selectors.open_correction(application)
        problems = workflow.submission_problems(application)
    events = list(application.events.all())
    decision_note = next(
        (e.note for e in reversed(events) if e.action in (Action.DENY, Action.NOT_ACCEPT, Action.WITHDRAW)), ""
    )
    return {
        "application": application,
        "today": today,
        "days_left": days_left,
        "overdue": bool(application.due_on and days_left is not None and application.due_on < today),
        "correction": correction,
        "problems": problems,
        "events": events,
        "documents": documents_of(application),
        "decision_note": decision_note,
        "attachments": application.attachments.select_related("material"),
        "can_withdraw": Action.WITHDRAW in workflow.allowed_actions(request.user, application),
        "rows": answer_rows(application.item_version, application),
    }


@login_required
def apply_answers(request, uid):
    application, leave = _editable(request, uid)
    if leave:
        return leave
    version = application.item_version
    if request.method == "POST":
        try:
            result = workflow.application_save(application=application, actor=request.user, data=request.POST)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            messages.error(request, service_errors(exc))
            return redirect("my_application", uid=application.uid)
        if "later" in request.POST:
            if result.errors:
                messages.info(request, _("Your answers are saved. Some of them still need correcting before you submit."))
            else:
                messages.success(request, _("Your answers are saved. You can come back to them from My office."))
            return redirect("me")
        if not result.errors:
            messages.success(request, _("Your answers are saved."))
            return redirect(_after_step(result.application, "answers"))
        form = answers_form(version, application, data=request.POST)
        form.is_valid()
        for key, errors in result.errors.items():
            if key not in form.fields:
                form.add_error(None, errors)
    else:
        form = answers_form(version, application)
    return render(request, "approvals/apply/answers.html", {"application": application, "form": form})


@login_required
def apply_materials(request, uid):
    application, leave = _editable(request, uid)
    if leave:
        return leave
    materials = list(application.item_version.materials.all())
    errors: dict[int, list[str]] = {}
    if request.method == "POST":
        material = next((m for m in materials if str(m.pk) == request.POST.get("material")), None)
        if material is None:
            raise Http404
        uploads = request.FILES.getlist("files")
        if not uploads:
            errors[material.pk] = [_("Choose a file to upload.")]
        stored = 0
        for upload in uploads:
            try:
                workflow.attachment_add(application=application, actor=request.user, material=material, upload=upload)
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                errors.setdefault(material.pk, []).append(
                    _("%(file)s: %(problem)s") % {"file": upload.name, "problem": service_errors(exc)}
                )
            else:
                stored += 1
        if stored:
            messages.success(
                request, ngettext("%(count)d file uploaded.", "%(count)d files uploaded.", stored) % {"count": stored}
            )
        if not errors:
            return redirect("apply_materials", uid=application.uid)
    attachments = list(application.attachments.select_related("material"))
    sections = [
        {
            "material": material,
            "files": [a for a in attachments if a.material_id == material.pk],
            "errors": errors.get(material.pk, []),
        }
        for material in materials
    ]
    return render(
        request,
        "approvals/apply/materials.html",
        {
            "application": application,
            "sections": sections,
            "others": [a for a in attachments if a.material_id is None],
            "has_errors": bool(errors),
            "max_bytes": settings.UPLOAD_MAX_BYTES,
            "next_url": _after_step(application, "materials"),
        },
    )


@login_required
@require_POST
def apply_attachment_remove(request, uid, attachment_id):
    application, leave = _editable(request, uid)
    if leave:
        return leave
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
    return redirect("apply_materials", uid=application.uid)


@login_required
def apply_delivery(request, uid):
    application, leave = _editable(request, uid)
    if leave:
        return leave
    if request.method == "POST":
        form = DeliveryForm(request.POST)
        if form.is_valid():
            try:
                result = workflow.application_save(
                    application=application,
                    actor=request.user,
                    data=application.form_data,
                    delivery=form.cleaned_data["delivery"],
                    delivery_address=form.cleaned_data["delivery_address"],
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as exc:
                messages.error(request, service_errors(exc))
                return redirect("my_application", uid=application.uid)
            delivery_errors = {k: v for k, v in result.errors.items() if k in form.fields}
            for key, errors in delivery_errors.items():
                form.add_error(key, errors)
            if not delivery_errors:
                messages.success(request, _("Your choice of delivery is saved."))
                return redirect(_after_step(result.application, "delivery"))
    else:
        form = DeliveryForm.of(application)
    return render(request, "approvals/apply/delivery.html", {"application": application, "form": form})


def _problem_links(application: Application, problems: dict) -> list[tuple[str, str]]:
    """Each problem that stops a submission, with the page (and field) where it is put right."""
    uid = application.uid
    answers = reverse("apply_answers", args=[uid])
    links = []
    labels = {row.key: row.label for row in answer_rows(application.item_version, application)}
    for key, errors in problems.items():
        for error in errors:
            if key in labels:
                links.append((f"{labels[key]}: {error}", f"{answers}#id_{key}"))
            elif key == "materials":
                links.append((str(error), reverse("apply_materials", args=[uid])))
            elif key in ("delivery", "delivery_address"):
                links.append((str(error), reverse("apply_delivery", args=[uid]) + "#id_delivery_address"))
            elif key == "declaration":
                links.append((str(error), "#declaration"))
            else:
                links.append((str(error), ""))
    return links


@login_required
def apply_check(request, uid):
    """Check your answers, accept the declaration and submit (or send the corrections)."""
    application = _own(request, uid)
    if application.state not in EDITABLE_STATES:
        return redirect("apply_confirmation", uid=application.uid)  # e.g. a second click on "submit"
    problems = workflow.submission_problems(application)
    declaration_error = ""
    if request.method == "POST":
        try:
            if application.state == State.CORRECTION:
                workflow.application_resubmit(application=application, actor=request.user)
            else:
                workflow.application_submit(
                    application=application, actor=request.user, declaration=request.POST.get("declaration") == "yes"
                )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                raised = exc.message_dict
                declaration_error = " ".join(raised.pop("declaration", []))
                problems = {**problems, **raised}
            else:
                problems = {**problems, "__all__": exc.messages}
        else:
            if application.state == State.CORRECTION:
                messages.success(request, _resubmitted_message(application))
                return redirect("my_application", uid=application.uid)
            return redirect("apply_confirmation", uid=application.uid)
    links = _problem_links(application, problems)
    if declaration_error:
        links.append((declaration_error, "#declaration"))
    attachments = list(application.attachments.all())
    return render(
        request,
        "approvals/apply/check.html",
        {
            "application": application,
            "rows": answer_rows(application.item_version, application, problems),
            "materials": [
                (m, [a for a in attachments if a.material_id == m.pk])
                for m in application.item_version.materials.all()
            ],
            "given": hooks.materials_given(application),  # 免提交: given by a license, not a file
            "problem_links": links,
            "declaration_error": declaration_error,
            "correction": selectors.open_correction(application),
        },
    )


def _resubmitted_message(application) -> str:
    """What the flash says after corrections are sent, as the page and the workflow have it: before
    acceptance the department still has to accept (the time limit starts then); after, the clock
    runs again and the due date moved."""
    application.refresh_from_db()
    if application.state == State.SUBMITTED:
        return _(
            "Your corrections are sent. The department now decides on acceptance; the time limit starts when it accepts."
        )
    if application.due_on:
        return _("Your corrections are sent. The time limit runs again: it is now due by %(due)s.") % {
            "due": long_date(application.due_on)
        }
    return _("Your corrections are sent.")


@login_required
def apply_confirmation(request, uid):
    application = _own(request, uid)
    if application.state == State.DRAFT:
        return redirect("apply_check", uid=application.uid)
    return render(request, "approvals/apply/confirmation.html", {"application": application})


@login_required
def apply_withdraw(request, uid):
    application = _own(request, uid)
    if Action.WITHDRAW not in workflow.allowed_actions(request.user, application):
        messages.info(request, _("This application can no longer be withdrawn."))
        return redirect("my_application", uid=application.uid)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.application_withdraw(application=application, actor=request.user, note=form.cleaned_data["note"])
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            messages.error(request, service_errors(exc))
        else:
            messages.success(request, _("Your application is withdrawn."))
        return redirect("my_application", uid=application.uid)
    return render(request, "approvals/apply/withdraw.html", {"application": application, "form": form})


@login_required
def apply_discard(request, uid):
    application = _own(request, uid)
    if application.state != State.DRAFT:
        return redirect("my_application", uid=application.uid)
    if request.method == "POST":
        try:
            workflow.application_discard_draft(application=application, actor=request.user)
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            messages.error(request, service_errors(exc))
            return redirect("my_application", uid=application.uid)
        messages.success(request, _("The draft is deleted."))
        return redirect("me")
    return render(request, "approvals/apply/discard.html", {"application": application})


# -- files ----------------------------------------------------------------------------


@xframe_options_sameorigin
def application_file(request, uid, attachment_id):
    """A material file, streamed from private storage to those who may see the application.

    The applicant reads it here, and so do the department's staff from the
    desk: one URL, one permission check (`approvals.services.can_view`).
    Our own pages may embed it (the desk previews PDFs and scans); no one else.
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    attachment = selectors.attachment(uid, attachment_id)
    if attachment is None or not workflow.can_view(request.user, attachment.application):
        raise Http404
    if not workflow.is_applicant(request.user, attachment.application) and needs_mfa_enrolment(request.user):
        return redirect(reverse("mfa_activate_totp") + "?" + urlencode({"next": request.path}))
    kind = KINDS.get(attachment.kind)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=kind.mime if kind else "application/octet-stream")
    inline = attachment.kind in INLINE_KINDS
    response["Content-Disposition"] = content_disposition_header(not inline, attachment.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_store=True)
    return response


# -- my applications ----------------------------------------------------------------------


@login_required
def my_applications(request):
    page = Paginator(selectors.mine(request.user).submitted(), 25).get_page(request.GET.get("page"))
    return render(request, "approvals/apply/list.html", {"page": page, "drafts": selectors.my_drafts(request.user)})


def office_section(request) -> dict:
    """The "My applications" part of my office (`ApprovalsConfig.office_section`)."""
    return selectors.office_section(request.user)
