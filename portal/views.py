from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from portal import selectors, services
from portal.forms import EnterpriseForm, MemberForm, ProfileForm
from portal.models import Enterprise, Membership, Message, User
from portal.permissions import membership_role


def apply_service_errors(form, exc: ValidationError) -> None:
    """Show a service-layer ValidationError on the form, keyed by field where it can be."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def set_language(request):
    """Django's language switch, which also remembers the choice for messages and emails."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        User.objects.filter(pk=request.user.pk).update(language=language)
    return response


def home(request):
    return render(request, "portal/home.html")


@login_required
def me(request):
    return render(
        request,
        "portal/me.html",
        {
            "person": getattr(request.user, "person", None),
            "memberships": selectors.memberships_for(request.user),
            "office_sections": _office_sections(request),
            "recent_messages": Message.objects.for_user(request.user)[:5],
            "unread_count": Message.objects.for_user(request.user).unread().count(),
        },
    )


def _office_sections(request):
    """Later apps add their sections (applications, licenses, messages) here."""
    from django.apps import apps

    sections = []
    for config in apps.get_app_configs():
        provider = getattr(config, "office_section", None)
        if provider is not None:
            sections.append(provider(request))
    return sections


@login_required
def profile(request):
    person = getattr(request.user, "person", None)
    initial = {"real_name": person.real_name, "resident_id": person.resident_id} if person else None
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_complete_profile(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("me")
    return render(request, "portal/profile.html", {"form": form, "person": person})


@login_required
def enterprise_list(request):
    form = EnterpriseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.enterprise_register(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The enterprise is registered and you are its administrator."))
            return redirect("enterprise_detail", pk=enterprise.pk)
    return render(
        request,
        "portal/enterprise_list.html",
        {"form": form, "memberships": selectors.memberships_for(request.user)},
    )


def _enterprise_for_member(request, pk) -> tuple[Enterprise, str]:
    enterprise = get_object_or_404(Enterprise, pk=pk)
    role = membership_role(request.user, enterprise)
    if role is None:
        raise Http404  # an outsider learns nothing, not even that it exists
    return enterprise, role


@login_required
def enterprise_detail(request, pk):
    enterprise, role = _enterprise_for_member(request, pk)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_add(actor=request.user, enterprise=enterprise, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The member is added."))
            return redirect("enterprise_detail", pk=enterprise.pk)
    members = enterprise.memberships.select_related("user", "user__person").order_by("created_at")
    return render(
        request,
        "portal/enterprise_detail.html",
        {"enterprise": enterprise, "role": role, "is_admin": role == Membership.Role.ADMIN, "members": members, "form": form},
    )


@login_required
@require_POST
def member_remove(request, pk, member_pk):
    enterprise, _role = _enterprise_for_member(request, pk)
    membership = get_object_or_404(Membership, pk=member_pk, enterprise=enterprise)
    try:
        services.membership_remove(actor=request.user, membership=membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The member is removed."))
    return redirect("enterprise_detail", pk=enterprise.pk)


@login_required
@require_POST
def acting_as_switch(request):
    value = request.POST.get("enterprise", "")
    if value in ("", "self"):
        request.session.pop(selectors.ACTING_AS_SESSION_KEY, None)
        messages.success(request, _("You are now acting for yourself."))
    else:
        enterprise = selectors.enterprises_for(request.user).filter(pk=value).first() if value.isdigit() else None
        if enterprise is None:
            raise Http404
        request.session[selectors.ACTING_AS_SESSION_KEY] = enterprise.pk
        messages.success(request, _("You are now acting for %(name)s.") % {"name": enterprise.name})
    return redirect("me")


@login_required
def message_list(request):
    page = Message.objects.for_user(request.user)[:100]
    response = render(request, "portal/messages.html", {"messages_page": page})
    Message.objects.for_user(request.user).unread().update(read_at=timezone.now())
    return response


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)
