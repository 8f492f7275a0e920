"""Seals in the Django admin: read-only records; issue, rotate and revoke go through services."""

import base64
import dataclasses

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.utils.translation import ngettext

from seals import pki, selectors, services
from seals.forms import SealIssueForm, SealRevokeForm
from seals.models import RootAuthority, Seal, SealLogAnchor, SealUsage


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RootAuthority)
class RootAuthorityAdmin(ReadOnlyAdmin):
    list_display = ["common_name", "algorithm", "fingerprint", "created_at"]
    fields = ["common_name", "algorithm", "fingerprint", "kek_id", "created_at", "certificate_pem"]
    readonly_fields = fields

    @admin.display(description=_("SHA-256 fingerprint"))
    def fingerprint(self, obj):
        return pki.colon_hex(obj.fingerprint_sha256)


@admin.register(Seal)
class SealAdmin(admin.ModelAdmin):
    list_display = ["name_zh", "department", "purpose", "status", "key_store", "not_after", "issued_at"]
    list_filter = ["status", "purpose", "key_store", "department"]
    search_fields = ["name_zh", "name_en", "serial_number", "fingerprint_sha256"]
    list_select_related = ["department"]
    fields = [
        "image", "department", "purpose", "status", "name_zh", "name_en", "serial_number", "fingerprint_sha256",
        "not_before", "not_after", "key_store", "kek_id", "pkcs11_token_label", "pkcs11_key_label",
        "issued_at", "issued_by", "retired_at", "replaced_by", "revoked_at", "revocation_reason",
        "revocation_note", "revoked_by", "certificate_pem",
    ]  # fmt: skip
    readonly_fields = fields
    actions = ["rotate_selected", "revoke_selected"]

    @admin.display(description=_("seal image"))
    def image(self, obj):
        return format_html('<img src="{}" alt="{}" width="160" height="160">', obj.image_data_uri, obj.name_zh)

    def has_change_permission(self, request, obj=None):
        # The list's actions need it; a seal's own page stays read-only.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path("issue/", self.admin_site.admin_view(self.issue_view), name="seals_seal_issue"),
        ] + super().get_urls()

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:seals_seal_issue")

    def issue_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = SealIssueForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                seal = services.seal_issue(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                self.message_user(request, _("Seal %(seal)s issued.") % {"seal": seal}, messages.SUCCESS)
                return redirect("admin:seals_seal_change", seal.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Issue a seal"),
            "form": form,
        }
        return TemplateResponse(request, "admin/seals/seal/issue.html", context)

    @admin.action(description=_("Rotate the selected seals (new key and certificate)"), permissions=["add"])
    def rotate_selected(self, request, queryset):
        done = 0
        for seal in queryset:
            try:
                services.seal_rotate(seal=seal, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{seal}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request, ngettext("%(n)d seal rotated.", "%(n)d seals rotated.", done) % {"n": done}, messages.SUCCESS
            )

    @admin.action(description=_("Revoke the selected seals…"), permissions=["change"])
    def revoke_selected(self, request, queryset):
        form = SealRevokeForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            done = 0
            for seal in queryset:
                try:
                    services.seal_revoke(seal=seal, actor=request.user, reason=form.cleaned_data["revocation_reason"], note=form.cleaned_data["revocation_note"])
                except ValidationError as exc:
                    self.message_user(request, f"{seal}: {' '.join(exc.messages)}", messages.ERROR)
                else:
                    done += 1
            if done:
                self.message_user(
                    request,
                    ngettext("%(n)d seal revoked.", "%(n)d seals revoked.", done) % {"n": done},
                    messages.SUCCESS,
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Revoke seals"),
            "form": form,
            "seals": queryset,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "changelist_url": reverse("admin:seals_seal_changelist"),
        }
        return TemplateResponse(request, "admin/seals/seal/revoke.html", context)


@admin.register(SealUsage)
class SealUsageAdmin(ReadOnlyAdmin):
    list_display = ["seq", "signed_at", "seal", "usage_purpose", "sealed_for", "sealed_by", "short_hash"]
    list_filter = ["seal__department", "seal__purpose"]
    search_fields = ["document_sha256", "related_id", "purpose"]
    list_select_related = ["seal", "actor"]
    readonly_fields = ["sealed_for", "sealed_by", *(f.name for f in SealUsage._meta.fields)]

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        self._name_subjects(request, changelist.result_list)
        return changelist

    def get_object(self, request, object_id, from_field=None):
        usage = super().get_object(request, object_id, from_field)
        if usage is not None:
            self._name_subjects(request, [usage])
        return usage

    def _name_subjects(self, request, usages) -> None:
        """What each entry sealed, named, linked to its admin page where the viewer may see it."""
        from django.apps import apps

        selectors.usage_subjects(usages, request.user)
        for usage in usages:
            subject = getattr(usage, "subject", None)
            if subject is None or subject.url or not usage.related_type:
                continue
            model = apps.get_model(usage.related_type)
            model_admin = self.admin_site._registry.get(model)
            if model_admin is not None and model_admin.has_view_permission(request):
                opts = model._meta
                url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[usage.related_id])
                usage.subject = dataclasses.replace(subject, url=url)

    @admin.display(description=pgettext_lazy("seal usage", "purpose"), ordering="purpose")
    def usage_purpose(self, obj):
        return obj.purpose

    @admin.display(description=_("sealed document"))
    def sealed_for(self, obj):
        subject = getattr(obj, "subject", None)
        if subject is None:
            return "—"
        if subject.url:
            return format_html('<a href="{}">{}</a>', subject.url, subject.name)
        return subject.name

    @admin.display(description=_("sealed by"))
    def sealed_by(self, obj):
        if obj.actor_id:
            return obj.actor.email
        return _("%(task)s (automatic)") % {"task": selectors.task_words(obj.task)}

    @admin.display(description=_("document SHA-256"))
    def short_hash(self, obj):
        return obj.document_sha256[:16] + "…"


@admin.register(SealLogAnchor)
class SealLogAnchorAdmin(ReadOnlyAdmin):
    """The daily anchors of the usage log: made by the anchoring task, never edited here."""

    list_display = ["day", "seq", "short_head_hash", "anchored_at"]
    date_hierarchy = "day"
    search_fields = ["head_hash"]
    fields = ["day", "seq", "head_hash", "anchored_at", "token_base64"]
    readonly_fields = fields

    @admin.display(description=_("hash of the newest entry"))
    def short_head_hash(self, obj):
        return obj.head_hash[:16] + "…"

    @admin.display(description=_("timestamp token (DER, base64)"))
    def token_base64(self, obj):
        encoded = base64.b64encode(bytes(obj.token)).decode()
        return format_html('<pre style="white-space: pre-wrap; word-break: break-all">{}</pre>', encoded)
