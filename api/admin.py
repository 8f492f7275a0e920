"""Machine clients in the Django admin: registration and deactivation go through the services.

The registration page shows a new client's secret once, in the response to the
form: it is not put in a message, a redirect or the log.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.utils.cache import add_never_cache_headers

from api import services
from api.forms import MachineClientRegisterForm
from api.models import MachineClient


@admin.register(MachineClient)
class MachineClientAdmin(admin.ModelAdmin):
    list_display = ["__str__", "client_id", "department", "scope_list", "uses_key", "is_active", "created_at"]
    list_filter = ["is_active", "department"]
    search_fields = ["application__name", "application__client_id", "department__code"]
    list_select_related = ["application", "department"]
    fields = ["application", "client_id", "department", "scopes", "public_key", "is_active", "created_at", "created_by", "deactivated_at"]
    readonly_fields = ["application", "client_id", "department", "public_key", "is_active", "created_at", "created_by", "deactivated_at"]
    actions = ["deactivate_selected"]

    @admin.display(description=_("client id"))
    def client_id(self, obj):
        return obj.application.client_id

    @admin.display(description=_("scopes"))
    def scope_list(self, obj):
        return ", ".join(obj.scopes)

    @admin.display(description=_("private_key_jwt"), boolean=True)
    def uses_key(self, obj):
        return bool(obj.public_key)

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: the access log keeps pointing at the client

    def get_urls(self):
        return [
            path("register/", self.admin_site.admin_view(self.register_view), name="api_machineclient_register"),
        ] + super().get_urls()

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:api_machineclient_register")

    def register_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = MachineClientRegisterForm(request.POST or None)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": _("Register a machine client")}
        if request.method == "POST" and form.is_valid():
            try:
                registration = services.machine_client_register(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                context.update(title=_("Machine client registered"), registration=registration)
                response = TemplateResponse(request, "admin/api/machineclient/registered.html", context)
                add_never_cache_headers(response)
                return response
        context["form"] = form
        return TemplateResponse(request, "admin/api/machineclient/register.html", context)

    @admin.action(description=_("Deactivate the selected clients (their tokens stop working at once)"), permissions=["change"])
    def deactivate_selected(self, request, queryset):
        done = 0
        for client in queryset.filter(is_active=True):
            services.machine_client_deactivate(client=client, actor=request.user)
            done += 1
        self.message_user(
            request,
            ngettext("%(n)d client deactivated.", "%(n)d clients deactivated.", done) % {"n": done},
            messages.SUCCESS,
        )


# The access log's admin belongs to this app too; autodiscovery only imports api.admin.
from api.access import admin as access_admin  # noqa: E402, F401
