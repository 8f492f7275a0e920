from urllib.parse import urlencode

from allauth.idp.oidc import views as oidc_views
from allauth.idp.oidc.internal.oauthlib.server import get_server
from allauth.idp.oidc.internal.oauthlib.utils import extract_params, get_validator_context
from allauth.idp.oidc.models import Client
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.urls import reverse
from oauthlib.oauth2.rfc6749.errors import AccessDeniedError, OAuth2Error
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST, require_safe
from django.views.i18n import set_language as django_set_language

from portal import home as home_selectors
from portal import selectors, services
from portal.adapter import session_amr
from portal.forms import EnterpriseForm, MemberForm, ProfileForm
from portal.models import Enterprise, Membership, Message, OIDCClientPolicy, OIDCSignIn, StaffRole, User
from portal.permissions import membership_role, mfa_enrolled, passed_second_factor
from portal.public_cache import public_page


def apply_service_errors(form, exc: ValidationError) -> None:
    """Show a service-layer ValidationError on the form, keyed by field where it can be."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@csrf_exempt
def set_language(request):
    """Django's language switch, which also remembers the choice for messages and emails.

    An anonymous visitor's switch only sets the language cookie, and the public
    pages that carry it are cached for everyone, so it asks them for no CSRF
    token; a signed-in user's switch changes their account and is checked.
    """
    if request.user.is_authenticated:
        return _remembered_language_switch(request)
    return django_set_language(request)


@csrf_protect
def _remembered_language_switch(request):
    response = django_set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        User.objects.filter(pk=request.user.pk).update(language=language)
    return response


@require_safe
@public_page(ttl=60)  # anonymous visitors share it for a minute
def home(request):
    at = timezone.now()
    user = request.user
    return render(
        request,
        "portal/home.html",
        {
            "front": home_selectors.front_page(at=at),
            "to_dos": home_selectors.to_dos(user, at=at) if user.is_authenticated else None,
        },
    )


@require_safe
def home_suggest(request):
    """Services on the current list matching what is typed in the home page's search box: an
    HTML fragment for htmx. Without JavaScript the box's form goes to the catalogue instead."""
    query = request.GET.get("q", "")[:100]
    items, more = home_selectors.suggestions(query, at=timezone.now())
    return render(request, "portal/_suggestions.html", {"query": query.strip(), "items": items, "more": more})


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


# -- OpenID Connect authorization -------------------------------------------------------------


class OIDCAuthorizationView(oidc_views.AuthorizationView):
    """allauth's authorization endpoint, with two rules of ours.

    A staff-only system (OIDCClientPolicy) accepts only staff whose session
    passed the second factor: staff with an authenticator are asked for a
    code first, others are told to set one up, and the system hears
    `access_denied` when no one can be asked. Each grant keeps how the user
    signed in (OIDCSignIn), for the `amr` and `acr` of its ID tokens.
    """

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        grant_id = get_validator_context().grant_id  # set when this request issued a code
        if grant_id is not None:
            OIDCSignIn.objects.create(grant_id=grant_id, amr=session_amr(request))
        return response

    def get(self, request, *args, **kwargs):
        prompts = request.GET.get("prompt", "").split()
        if request.user.is_authenticated and "login" not in prompts:  # allauth signs in again first
            try:
                _scopes, info = get_server().validate_authorization_request(*extract_params(request))
            except (OAuth2Error, ValidationError):
                pass  # allauth answers an invalid request its own way
            else:
                refusal = self.staff_only_refusal(info, may_ask="none" not in prompts)
                if refusal is not None:
                    return refusal
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        return self.staff_only_refusal(self._request_info, may_ask=False) or super().form_valid(form)

    def staff_only_refusal(self, info: dict, *, may_ask: bool) -> HttpResponse | None:
        if not OIDCClientPolicy.is_staff_only(info["client_id"]):
            return None
        request, user = self.request, self.request.user
        # Whether the person is staff at all, read from the table: a session without the
        # second factor holds no roles for this request, so `is_staff_member` would say no.
        if not (user.is_staff or StaffRole.objects.filter(user=user).exists()):
            return _access_denied(info, "This system is for staff only.")
        if not passed_second_factor(request):
            if not may_ask:
                return _access_denied(info, "This system requires a sign-in with a second factor.")
            next_url = {"next": request.get_full_path()}
            if mfa_enrolled(user):
                return redirect(reverse("mfa_reauthenticate") + "?" + urlencode(next_url))
            context = {
                "client": Client.objects.get(id=info["client_id"]),
                "enrol_url": reverse("mfa_activate_totp") + "?" + urlencode(next_url),
                "return_url": _access_denied(info, "The user has no second factor.")["Location"],
            }
            return render(request, "portal/oidc_second_factor_required.html", context, status=403)
        return None


def _access_denied(info: dict, description: str) -> HttpResponse:
    """Send the user back to the system with `access_denied` (not a redirect class: apps' schemes are allowed)."""
    error = AccessDeniedError(description=description, state=info.get("state"))
    response = HttpResponse(status=302)
    response["Location"] = error.in_uri(info["redirect_uri"])
    return response


oidc_authorization = OIDCAuthorizationView.as_view()
