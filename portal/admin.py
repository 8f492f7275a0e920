from allauth.account.decorators import secure_admin_login
from allauth.idp.oidc.admin import ClientAdmin as BaseClientAdmin
from allauth.idp.oidc.models import Client
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from portal.models import Enterprise, Membership, OIDCClientPolicy, Person, StaffRole, User

# The admin has no sign-in of its own: the portal's (with its second factor
# and its lockout after wrong passwords) signs staff in, then sends them back.
admin.site.login = secure_admin_login(admin.site.login)


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 0
    autocomplete_fields = ["department"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "phone", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "phone"]
    list_filter = ["is_active", "is_staff", "staff_roles__role"]
    inlines = [StaffRoleInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Mobile"), {"fields": ["phone", "phone_verified"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "department", "created_at"]
    list_filter = ["role", "department"]
    search_fields = ["user__email"]
    autocomplete_fields = ["user", "department"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["real_name", "masked_id", "user", "created_at"]
    search_fields = ["real_name", "resident_id"]
    readonly_fields = ["created_at"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name", "masked_code", "created_at"]
    search_fields = ["name", "credit_code"]
    inlines = [MembershipInline]


class OIDCClientPolicyInline(admin.StackedInline):
    model = OIDCClientPolicy
    can_delete = False


admin.site.unregister(Client)


@admin.register(Client)
class ClientAdmin(BaseClientAdmin):
    """allauth's departmental-system form, with OneGate's sign-in policy (staff only) below it."""

    inlines = [*BaseClientAdmin.inlines, OIDCClientPolicyInline]


admin.site.site_header = _("OneGate administration")
admin.site.site_title = _("OneGate administration")
admin.site.index_title = _("Records")
