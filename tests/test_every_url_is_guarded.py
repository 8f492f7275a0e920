"""Every protected page and endpoint gives an outsider nothing.

The URL configuration is walked as Django resolves it, and every named route of
the project's own apps must be classified here: PUBLIC (with the reason it may
be public) or PROTECTED (with how to build a real URL for it and who its
rightful users and its outsiders are). A route in neither table, say a page
added tomorrow, fails `test_it_classifies_every_route` by name: the
classification itself is the guard.

For each PROTECTED route, with real objects behind the URL:
- an anonymous visitor's GET (and POST, where the view takes one) is sent to
  sign in or refused (403/404/405), and changes nothing;
- each wrong party (another citizen, another department's approver or head or
  list administrator, a citizen in a staff area) is refused, and changes
  nothing; where a list page legitimately answers everyone of a role with
  their own rows, it answers the wrong party without a trace of the owner's;
- the rightful user gets the page (the control: a URL that 404s for everyone
  would pass the other checks vacuously);
- a POST without a CSRF token is refused, one state-changing route per area.
PROBES add checks across objects and roles that one URL per route cannot reach
(a clerk and an online application, an agent and their enterprise's admin...),
and every PUBLIC route is fetched anonymously to show it is public and shows
no one's personal data nor the unpublished draft list.

A route where an outsider is found to get something goes in KNOWN_LEAKS (with
the reason): its checks are then xfail(strict=True) until the view is fixed.

The cast and the objects are built once for this module and the
Content-Security-Policy checks (seal keys and a sealed license PDF take a
while), inside a transaction that is rolled back when their tests end
(tests/demo_world.py); each test runs in its own savepoint on top, so whatever
a request changes is undone before the next test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from tests.demo_world import shared, shared_key
from tests.demo_world import world as rolled_back_world
from tests.mfa import sign_in

PROJECT_APPS = ("portal", "services", "deadlines", "approvals", "licenses", "seals", "supervision", "api")
# Framework routes checked as the representative of an area the project guards
# (the admin as a whole); the rest of django.contrib.admin and allauth is theirs.
FRAMEWORK_ROUTES_CHECKED = {"admin:index"}

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI)

# -- the classification ---------------------------------------------------------------------

PUBLIC = {
    "home": "the portal's front page",
    "home_suggest": "the home page's search suggestions: items on the published list only",
    "set_language": "the language switch (a cookie, and the signed-in user's own preference)",
    "catalogue": "the published approval list",
    "catalogue_metrics": "the published list's public figures",
    "catalogue_versions": "the published list's version history",
    "catalogue_version": "one published version's changes",
    "catalogue_export": "the published list as CSV/XLSX",
    "catalogue_item": "one published item's terms",
    "catalogue_apply": "the list guard, then a redirect to apply_start (which asks to sign in)",
    "catalogue_bundles": "the published bundles (get one thing done), by event",
    "catalogue_bundle": "one published bundle's guide: its members, its promise, its materials",
    "api_catalogue_item": "a published item's terms as JSON for departmental systems",
    "calendar": "redirect to this year's public working-day calendar",
    "calendar_year": "the public working-day calendar grid",
    "track": "track an application by tracking number and query code (the code is the secret)",
    "verify": "upload a sealed PDF to verify its signature",
    "verify_root_ca": "the root CA certificate, published for validators",
    "verify_crl": "the certificate revocation list (DER), published for validators",
    "verify_crl_pem": "the certificate revocation list (PEM), published for validators",
    "verify_root_crl": "the root's certificate revocation list (DER), published for validators",
    "license_verify_lookup": "the license-number form of /verify/",
    "license_verify": "a license's public status page (the QR target; the holder's name masked)",
    "decision_verify": "a notice's or decision's public check page (the QR target; the applicant's name masked)",
    "robots_txt": "the crawlers' rules: which areas are public",
    "favicon": "the site's icon",
    "healthz": "the load balancer's liveness probe: answers ok, touches nothing",
    "readyz": "the load balancer's readiness probe: which dependencies answer, by name only",
    "license_verify_lookup_old_spelling": "a redirect to license_verify_lookup from the first release's address",
    "licenses_old_spelling": "a redirect from the first release's /me/licences/ and /staff/licences/ (the target checks)",
    "accountability_notices": "published notices of criticism (通报批评): departments and facts, no applicant's data",
    "accountability_notice": "one published notice of criticism",
    "performance": "the city's and each department's public figures and charts (totals only)",
    "ratings_rate_token": "the window QR's one-time rating page: the token is the secret, unknown or used ones 404",
    "complaints_new": "anyone may complain, signed in or not",
    "track_complaint": "track a complaint by its number and query code (the code is the secret)",
    "api_v1_docs": "a redirect to api_docs (the target checks)",
    "api_v1:api-root": "the API's index: links to its schema, documentation and token endpoint",
    "api_v1:openapi-json": "the API's OpenAPI schema (no data: what departmental systems build their clients from)",
    "api_v1:license_status": "a license's public status by number, as license_verify (the holder's name masked)",
    "api_oauth_token": "the OAuth 2.0 token endpoint (POST only): the client authenticates in the request itself",
    "api_oauth_revoke": "OAuth 2.0 token revocation (POST only): the client authenticates in the request itself",
}

SIGN_IN_URLS = ("account_login", "admin:login")


@dataclass(frozen=True)
class Guarded:
    """How to check one protected route.

    kwargs: the URL's arguments from the world; query: a query string.
    owner: the world's rightful user; owner_status: what they get (GET, or POST
    for POST-only views; a redirect must not be to the sign-in page).
    methods: the methods the view takes. post: the form an owner would send
    (outsiders send the same). outsiders: must be refused.
    blind: may get the page (it lists their own rows) but none of `markers`.
    post_changes_rows: the owner's POST changes rows (proving that the snapshot
    would have seen an outsider's identical POST do so).
    """

    owner: str
    kwargs: Callable = lambda w: {}
    query: Callable = lambda w: ""
    methods: tuple = ("GET",)
    post: Callable = lambda w: {}
    owner_status: tuple = (200,)
    outsiders: tuple = ()
    blind: tuple = ()
    markers: Callable = lambda w: []
    post_changes_rows: bool = True
    json: bool = False  # the POST is a JSON body (the API's writes), not a form


def _draft(w):
    return {"uid": w.draft.uid}


def _submitted(w):
    return {"uid": w.submitted.uid}


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf")


STAFF_OUTSIDERS = ("other_citizen",)

PROTECTED: dict[str, Guarded] = {
    # -- portal: my office, profile, enterprises, messages --------------------------------
    "me": Guarded(
        "citizen", blind=("other_citizen",),
        markers=lambda w: [w.citizen.person.real_name, w.submitted.tracking_number, w.license.number, w.enterprise.name],
    ),
    "profile": Guarded(
        "citizen", methods=("GET", "POST"),
        post=lambda w: {"real_name": "冒名者", "resident_id": w.citizen.person.resident_id},
        blind=("other_citizen",), markers=lambda w: [w.citizen.person.real_name],
    ),
    "enterprise_list": Guarded(
        "citizen", methods=("GET", "POST"),
        post=lambda w: {"name": "冒名企业有限公司", "credit_code": w.spare_credit_code},
        blind=("other_citizen",), markers=lambda w: [w.enterprise.name],
    ),
    "enterprise_detail": Guarded(
        "citizen", kwargs=lambda w: {"pk": w.enterprise.pk}, methods=("GET", "POST"),
        post=lambda w: {"email": w.other_citizen.email, "role": "admin"},
        outsiders=("other_citizen",),
    ),
    "member_remove": Guarded(
        "citizen", kwargs=lambda w: {"pk": w.enterprise.pk, "member_pk": w.colleague_membership.pk},
        methods=("POST",), owner_status=(302,), outsiders=("other_citizen",),
    ),
    "acting_as": Guarded(
        "citizen", methods=("POST",), post=lambda w: {"enterprise": str(w.enterprise.pk)},
        owner_status=(302,), outsiders=("other_citizen",), post_changes_rows=False,  # the session only
    ),
    "messages": Guarded(
        "citizen", blind=("other_citizen",), markers=lambda w: [w.approved.tracking_number, w.license.number],
    ),
    # -- the list administrators' pages -----------------------------------------------------
    "list_admin": Guarded(
        "list_admin", outsiders=("other_citizen", "approver"), blind=("other_list_admin",),
        markers=lambda w: [w.item.code, w.reuse_item.code],
    ),
    "list_admin_item_create": Guarded(
        "list_admin", methods=("GET", "POST"), post=lambda w: {"code": "NEW-001"},
        outsiders=("other_citizen", "approver"),
    ),
    "list_admin_item": Guarded(
        "list_admin", kwargs=lambda w: {"code": w.item.code}, methods=("GET", "POST"),
        post=lambda w: {"name_zh": "篡改", "name_en": "Tampered"},
        outsiders=("other_citizen", "approver", "other_list_admin"),
    ),
    "list_admin_item_retire": Guarded(
        "list_admin", kwargs=lambda w: {"code": w.item.code}, methods=("GET", "POST"),
        outsiders=("other_citizen", "approver", "other_list_admin"),
    ),
    "list_admin_item_restore": Guarded(
        "list_admin", kwargs=lambda w: {"code": w.retiring_item.code}, methods=("POST",), owner_status=(302,),
        outsiders=("other_citizen", "approver", "other_list_admin"),
    ),
    "list_admin_publish": Guarded(
        "list_admin", methods=("GET", "POST"), post=lambda w: {"note": "outsider's publication"},
        outsiders=("other_citizen", "approver"), blind=("other_list_admin",),
        markers=lambda w: [w.retiring_item.code],
    ),
    "list_admin_changes": Guarded(
        "list_admin", outsiders=("other_citizen", "approver"), blind=("other_list_admin",),
        markers=lambda w: [w.item.code, w.reuse_item.code],
    ),
    "list_admin_export": Guarded(
        "list_admin", kwargs=lambda w: {"file_format": "csv"}, outsiders=("other_citizen", "approver"),
        blind=("other_list_admin",), markers=lambda w: [w.item.code, w.reuse_item.code],
    ),
    "list_admin_import": Guarded(
        "list_admin", methods=("GET", "POST"), post=lambda w: {"file": w.import_upload()},
        outsiders=("other_citizen", "approver"), blind=("other_list_admin",),
        markers=lambda w: [w.import_job.file_name],
    ),
    "catalogue_material_file": Guarded(
        "list_admin", kwargs=lambda w: {"code": w.drafted_item.code, "material": w.draft_sample.pk, "which": "sample"},
        outsiders=("other_citizen", "approver", "other_list_admin"),
    ),
    "list_admin_import_job": Guarded(
        "list_admin", kwargs=lambda w: {"pk": w.import_job.pk},
        outsiders=("other_citizen", "approver", "other_list_admin"),
    ),
    "list_admin_bundles": Guarded(
        "list_admin", outsiders=("other_citizen", "approver"), blind=("other_list_admin",),
        markers=lambda w: ["BDL-DRF"],
    ),
    "list_admin_bundle_create": Guarded(
        "list_admin", methods=("GET", "POST"), post=lambda w: {"code": "BDL-NEW"},
        outsiders=("other_citizen", "approver"),
    ),
    "list_admin_bundle": Guarded(
        "list_admin", kwargs=lambda w: {"code": "BDL-DRF"}, methods=("GET", "POST"),
        post=lambda w: {"name_zh": "篡改", "name_en": "Tampered", "event": str(w.event.pk), "promised_limit_days": "1"},
        outsiders=("other_citizen", "approver", "other_list_admin"),
    ),
    "list_admin_bundle_retire": Guarded(
        "list_admin", kwargs=lambda w: {"code": "BDL-DRF"}, methods=("POST",), owner_status=(302,),
        outsiders=("other_citizen", "approver", "other_list_admin"),
    ),
    "list_admin_bundle_restore": Guarded(
        "list_admin", kwargs=lambda w: {"code": "BDL-RET"}, methods=("POST",), owner_status=(302,),
        outsiders=("other_citizen", "approver", "other_list_admin"),
    ),
    # -- the working-day calendar's administration ----------------------------------------------
    "staff_calendar": Guarded("supervisor", outsiders=("other_citizen", "approver", "clerk")),
    "staff_calendar_notice": Guarded(
        "supervisor", methods=("GET", "POST"),
        post=lambda w: {"action": "save", "year": "2027", "notice": "国办发明电〔2026〕1号"},
        outsiders=("other_citizen", "approver", "clerk"),
    ),
    # -- applying online -------------------------------------------------------------------------
    "apply_start": Guarded("citizen", kwargs=lambda w: {"code": w.reuse_item.code}, methods=("GET", "POST")),
    # The bundle's form and check keep what is given in the applicant's own session: nobody else's to reach.
    "bundle_apply": Guarded(
        "citizen", kwargs=lambda w: {"code": "BDL-AUD"}, methods=("GET", "POST"),
        post=lambda w: {"company": "x"}, post_changes_rows=False,
    ),
    "bundle_apply_check": Guarded(
        "citizen", kwargs=lambda w: {"code": "BDL-AUD"}, methods=("GET", "POST"), post=lambda w: {"declaration": "yes"},
        owner_status=(302,),
    ),
    "my_bundle": Guarded(
        "citizen", kwargs=lambda w: {"uid": w.bundle_application.uid},
        outsiders=("other_citizen", "other_approver", "clerk", "colleague"),
    ),
    "my_applications": Guarded(
        "citizen", blind=("other_citizen",),
        markers=lambda w: [w.submitted.tracking_number, w.approved.tracking_number, w.window_submitted.tracking_number],
    ),
    "my_application": Guarded("citizen", kwargs=_submitted, outsiders=("other_citizen", "other_approver")),
    "apply_answers": Guarded(
        "citizen", kwargs=_draft, methods=("GET", "POST"), post=lambda w: {"shop_name": "篡改"},
        outsiders=("other_citizen", "other_approver"),
    ),
    "apply_materials": Guarded(
        "citizen", kwargs=_draft, methods=("GET", "POST"),
        post=lambda w: {"material": str(w.draft_form_material.pk), "files": _pdf()},
        outsiders=("other_citizen", "other_approver"),
    ),
    "apply_attachment_remove": Guarded(
        "citizen", kwargs=lambda w: {"uid": w.draft.uid, "attachment_id": w.draft_attachment.pk},
        methods=("POST",), owner_status=(302,), outsiders=("other_citizen", "other_approver"),
    ),
    "apply_delivery": Guarded(
        "citizen", kwargs=_draft, methods=("GET", "POST"),
        post=lambda w: {"delivery": "post", "delivery_address": "outsider's address 13800000000"},
        outsiders=("other_citizen", "other_approver"),
    ),
    "apply_check": Guarded(
        "citizen", kwargs=_draft, methods=("GET", "POST"), post=lambda w: {"declaration": "yes"},
        outsiders=("other_citizen", "other_approver"),
    ),
    "apply_confirmation": Guarded("citizen", kwargs=_submitted, outsiders=("other_citizen", "other_approver")),
    "apply_withdraw": Guarded(
        "citizen", kwargs=_submitted, methods=("GET", "POST"), post=lambda w: {"note": "withdrawn by someone else"},
        owner_status=(200, 302), outsiders=("other_citizen", "other_approver"),
    ),
    "apply_discard": Guarded(
        "citizen", kwargs=_draft, methods=("GET", "POST"), outsiders=("other_citizen", "other_approver"),
    ),
    "application_file": Guarded(
        "citizen", kwargs=lambda w: {"uid": w.submitted.uid, "attachment_id": w.submitted_attachment.pk},
        outsiders=("other_citizen", "other_approver", "other_head"),
    ),
    "application_receipt": Guarded(
        "citizen", kwargs=lambda w: {"uid": w.window_submitted.uid}, outsiders=("other_citizen", "other_approver"),
    ),
    "application_correction_notice": Guarded(
        "citizen", kwargs=lambda w: {"uid": w.window_corrected.uid, "pk": w.notice.pk},
        outsiders=("other_citizen", "other_approver"),
    ),
    "material_license": Guarded(
        "citizen", kwargs=lambda w: {"uid": w.draft.uid, "material_id": w.draft_license_material.pk},
        methods=("POST",), post=lambda w: {"license": str(w.license.pk)}, owner_status=(302,),
        outsiders=("other_citizen", "other_approver"),
    ),
    # -- the wallet --------------------------------------------------------------------------------
    "wallet": Guarded("citizen", blind=("other_citizen",), markers=lambda w: [w.license.number]),
    "wallet_license": Guarded(
        "citizen", kwargs=lambda w: {"number": w.license.number}, outsiders=("other_citizen", "other_approver"),
    ),
    "decision_document": Guarded(
        "citizen", kwargs=lambda w: {"uid": w.grant.uid},
        outsiders=("other_citizen", "other_approver", "other_head", "clerk", "list_admin"),
    ),
    "decision_document_dispatch": Guarded(
        "approver", kwargs=lambda w: {"tracking_number": w.approved.tracking_number, "uid": w.posted_notice.uid},
        methods=("POST",), post=lambda w: {"post_reference": "XA123456789CN"}, owner_status=(302,),
        outsiders=("citizen", "other_citizen", "other_approver", "other_head", "clerk", "supervisor"),
    ),
    "decision_document_delivered": Guarded(
        "approver", kwargs=lambda w: {"tracking_number": w.window_corrected.tracking_number, "uid": w.window_notice.uid},
        methods=("POST",), post=lambda w: {"delivered_on": "2026-11-26"}, owner_status=(302,),
        outsiders=("citizen", "other_citizen", "other_approver", "other_head", "clerk", "supervisor"),
    ),
    "decision_document_wording": Guarded("list_admin", outsiders=("other_citizen", "approver", "clerk")),
    "decision_document_sample": Guarded(
        "list_admin", kwargs=lambda w: {"kind": "refusal"}, outsiders=("other_citizen", "approver", "clerk"),
    ),
    "wallet_license_pdf": Guarded(
        "citizen", kwargs=lambda w: {"number": w.license.number}, outsiders=("other_citizen", "other_approver"),
    ),
    # -- the desk ---------------------------------------------------------------------------------------
    "desk": Guarded(
        "approver", outsiders=("other_citizen", "clerk", "list_admin"), blind=("other_approver",),
        markers=lambda w: [w.submitted.tracking_number, w.approved.tracking_number],
    ),
    "desk_team": Guarded(
        "head", outsiders=("other_citizen", "approver"), blind=("other_head",),
        markers=lambda w: [w.approver.person.real_name],
    ),
    "desk_application": Guarded(
        "approver", kwargs=lambda w: {"tracking_number": w.submitted.tracking_number},
        outsiders=("other_citizen", "other_approver", "other_head", "clerk"),
    ),
    "desk_action": Guarded(
        "approver", kwargs=lambda w: {"tracking_number": w.submitted.tracking_number, "action": "accept"},
        methods=("POST",), owner_status=(302,), outsiders=("other_citizen", "other_approver", "other_head"),
    ),
    # -- the window ---------------------------------------------------------------------------------------
    "window": Guarded("clerk", outsiders=("other_citizen", "approver")),
    "window_person_new": Guarded(
        "clerk", methods=("GET", "POST"), post=lambda w: {"real_name": "冒名者", "resident_id": w.spare_resident_id},
        outsiders=("other_citizen", "approver"),
    ),
    "window_person": Guarded(
        "clerk", kwargs=lambda w: {"pk": w.citizen.person.pk}, methods=("GET", "POST"),
        post=lambda w: {"form": "start", "start-item": w.item.code}, outsiders=("other_citizen", "approver"),
    ),
    "window_bundle_start": Guarded(
        "clerk", kwargs=lambda w: {"pk": w.citizen.person.pk, "code": "BDL-AUD"}, methods=("GET", "POST"),
        post=lambda w: {"company": "x"}, post_changes_rows=False, outsiders=("other_citizen", "approver"),
    ),
    "window_bundle_check": Guarded(
        "clerk", kwargs=lambda w: {"pk": w.citizen.person.pk, "code": "BDL-AUD"}, methods=("GET", "POST"),
        post=lambda w: {"declaration": "yes"}, owner_status=(302,), outsiders=("other_citizen", "approver"),
    ),
    "window_bundle": Guarded(
        "clerk", kwargs=lambda w: {"uid": w.window_bundle.uid}, outsiders=("citizen", "other_citizen", "approver"),
    ),
    "window_enterprise_new": Guarded(
        "clerk", methods=("GET", "POST"), post=lambda w: {"name": "冒名企业有限公司", "credit_code": w.spare_credit_code},
        outsiders=("other_citizen", "approver"),
    ),
    "window_enterprise": Guarded(
        "clerk", kwargs=lambda w: {"pk": w.enterprise.pk}, methods=("GET", "POST"),
        outsiders=("other_citizen", "approver"),
    ),
    "window_application": Guarded(
        "clerk", kwargs=lambda w: {"uid": w.window_submitted.uid}, methods=("GET", "POST"),
        outsiders=("other_citizen", "approver", "other_approver"),
    ),
    "window_accept": Guarded(
        "clerk", kwargs=lambda w: {"uid": w.window_submitted.uid}, methods=("POST",), owner_status=(302,),
        outsiders=("other_citizen", "approver"),
    ),
    "window_not_accept": Guarded(
        "clerk", kwargs=lambda w: {"uid": w.window_submitted.uid}, methods=("POST",),
        post=lambda w: {"refusal-note": "refused by an outsider"}, owner_status=(302,),
        outsiders=("other_citizen", "approver"),
    ),
    "window_correction": Guarded(
        "clerk", kwargs=lambda w: {"uid": w.window_submitted.uid}, methods=("GET", "POST"),
        post=lambda w: {"note": "outsider"}, outsiders=("other_citizen", "approver"),
    ),
    "window_application_visit": Guarded(
        "clerk", kwargs=lambda w: {"uid": w.window_submitted.uid}, methods=("POST",),
        post=lambda w: {"visit-purpose": "consult", "visit-reason": "outsider"}, owner_status=(302,),
        outsiders=("other_citizen", "approver"),
    ),
    "window_attachment_remove": Guarded(
        "clerk", kwargs=lambda w: {"uid": w.window_draft.uid, "attachment_id": w.window_draft_attachment.pk},
        methods=("POST",), owner_status=(302,), outsiders=("other_citizen", "approver", "other_clerk"),
    ),
    "window_receipt": Guarded(
        "clerk", kwargs=lambda w: {"uid": w.window_submitted.uid}, outsiders=("other_citizen", "approver"),
    ),
    "window_correction_notice": Guarded(
        "clerk", kwargs=lambda w: {"uid": w.window_corrected.uid, "pk": w.notice.pk},
        outsiders=("other_citizen", "approver"),
    ),
    # -- the issuing department's licenses ----------------------------------------------------------------
    "staff_licenses": Guarded(
        "approver", outsiders=("other_citizen", "clerk"), blind=("other_approver",), markers=lambda w: [w.license.number],
    ),
    "staff_reissue": Guarded(
        "approver", methods=("GET", "POST"),
        post=lambda w: {"license_type": str(w.business_license.pk), "department": str(w.department.pk), "reason": "outsider"},
        outsiders=("other_citizen", "clerk"), blind=("other_approver",),
        markers=lambda w: [reverse("staff_reissue_job", args=[w.reissue_job.pk]) + '"'],
    ),
    "staff_reissue_job": Guarded(
        "approver", kwargs=lambda w: {"pk": w.reissue_job.pk}, outsiders=("other_citizen", "other_approver"),
    ),
    "staff_license": Guarded(
        "approver", kwargs=lambda w: {"number": w.license.number},
        outsiders=("other_citizen", "other_approver", "other_head", "clerk"),
    ),
    "staff_license_pdf": Guarded(
        "approver", kwargs=lambda w: {"number": w.license.number},
        outsiders=("other_citizen", "other_approver", "other_head"),
    ),
    "staff_license_action": Guarded(
        "approver", kwargs=lambda w: {"number": w.license.number, "action": "suspend"}, methods=("POST",),
        post=lambda w: {"suspend-reason": "suspended by an outsider"}, owner_status=(302,),
        outsiders=("other_citizen", "other_approver", "other_head"),
    ),
    # -- seals ------------------------------------------------------------------------------------------------
    "seal_list": Guarded(
        "head", outsiders=("other_citizen", "approver"), blind=("other_head",),
        markers=lambda w: [f"?seal={w.seal.pk}\""],
    ),
    "seal_usage": Guarded(
        "head", query=lambda w: f"?seal={w.seal.pk}", outsiders=("other_citizen", "approver", "other_head"),
    ),
    # -- supervision -----------------------------------------------------------------------------------------
    "supervision_visits": Guarded("supervisor", outsiders=("other_citizen", "approver", "clerk")),
    "supervision_overdue": Guarded("supervisor", outsiders=("other_citizen", "approver", "head", "clerk")),
    "supervision_bundles": Guarded("supervisor", outsiders=("other_citizen", "approver", "head", "clerk")),
    "accountability_cases": Guarded(
        "supervisor", outsiders=("other_citizen", "clerk"), blind=("other_head",),
        markers=lambda w: [w.accountability_case.number],
    ),
    "countdown": Guarded(
        "supervisor", outsiders=("other_citizen", "clerk", "list_admin"), blind=("other_head",),
        markers=lambda w: [reverse("countdown_target_edit", args=[w.target.pk])],
    ),
    "countdown_target_create": Guarded("supervisor", outsiders=("other_citizen", "clerk", "head", "approver")),
    "countdown_target_edit": Guarded(
        "supervisor", kwargs=lambda w: {"pk": w.target.pk}, methods=("GET", "POST"),
        post=lambda w: {"metric": "on_time", "department": str(w.other_department.pk), "value": "1",
                        "start_on": "2026-11-26", "due_on": "2026-12-30"},
        owner_status=(200,), outsiders=("other_citizen", "clerk", "head", "approver", "other_head"),
    ),
    "supervision_reports": Guarded("supervisor", outsiders=("other_citizen", "clerk", "approver", "list_admin")),
    "supervision_report": Guarded(
        "supervisor", kwargs=lambda w: {"pk": w.report.pk},
        outsiders=("other_citizen", "clerk", "approver", "list_admin", "other_approver"),
    ),
    "supervision_report_download": Guarded(
        "supervisor", kwargs=lambda w: {"pk": w.report.pk},
        outsiders=("other_citizen", "clerk", "approver", "list_admin", "other_approver"),
    ),
    "data_access_mine": Guarded(
        "citizen", blind=("other_citizen", "approver"),
        markers=lambda w: [w.person_read.reference, w.enterprise_read.reference, w.enterprise.name],
    ),
    "ratings_mine": Guarded(
        "citizen", blind=("other_citizen", "approver"),
        markers=lambda w: [reverse("ratings_mine_case", args=[w.rating_case.pk]), w.approved.tracking_number],
    ),
    "ratings_rate_application": Guarded(
        "citizen", kwargs=lambda w: {"uid": w.approved.uid}, owner_status=(200, 302),
        outsiders=("other_citizen", "approver", "clerk"),
    ),
    "ratings_rate_visit": Guarded(
        "citizen", kwargs=lambda w: {"pk": w.visit.pk}, outsiders=("other_citizen", "approver", "clerk"),
    ),
    "ratings_mine_case": Guarded(
        "citizen", kwargs=lambda w: {"pk": w.rating_case.pk}, outsiders=("other_citizen", "approver", "other_head"),
    ),
    "ratings_cases": Guarded(
        "approver", outsiders=("other_citizen", "clerk"), blind=("other_approver", "other_head"),
        markers=lambda w: [reverse("ratings_case", args=[w.rating_case.pk])],
    ),
    "ratings_case": Guarded(
        "approver", kwargs=lambda w: {"pk": w.rating_case.pk}, methods=("GET", "POST"),
        post=lambda w: {"action": "callback", "result": "an outsider's call", "reached": "on"}, owner_status=(200,),
        outsiders=("other_citizen", "clerk", "other_approver", "other_head"),
    ),
    "complaint_attachment": Guarded(
        "citizen", kwargs=lambda w: {"uid": w.complaint.uid, "pk": w.complaint_file.pk},
        outsiders=("other_citizen", "clerk", "other_approver", "other_head"),
    ),
    "ratings_window_qr": Guarded(
        "clerk", kwargs=lambda w: {"pk": w.visit.pk}, methods=("POST",), owner_status=(200,),
        outsiders=("other_citizen", "approver", "citizen"),
    ),
    "accountability_case_new": Guarded("supervisor", outsiders=("other_citizen", "clerk", "head", "approver")),
    "accountability_case": Guarded(
        "supervisor", kwargs=lambda w: {"number": w.accountability_case.number},
        outsiders=("other_citizen", "clerk", "other_head", "other_approver"),
    ),
    "accountability_case_step": Guarded(
        "supervisor", kwargs=lambda w: {"number": w.accountability_case.number, "action": "findings"},
        methods=("POST",), post=lambda w: {"note": "an outsider's findings"}, owner_status=(302,),
        outsiders=("other_citizen", "clerk", "other_head", "other_approver"),
    ),
    "accountability_meetings": Guarded("supervisor", outsiders=("other_citizen", "clerk", "head", "other_head")),
    "accountability_meeting_new": Guarded("supervisor", outsiders=("other_citizen", "clerk", "head", "other_head")),
    "accountability_meeting": Guarded(
        "supervisor", kwargs=lambda w: {"pk": w.meeting.pk}, outsiders=("other_citizen", "clerk", "other_head"),
    ),
    "accountability_action_done": Guarded(
        "head", kwargs=lambda w: {"pk": w.meeting_action.pk}, methods=("POST",),
        post=lambda w: {f"a{w.meeting_action.pk}-note": "done by an outsider"}, owner_status=(302,),
        outsiders=("other_citizen", "clerk", "other_head", "approver"),
    ),
    # -- OpenID Connect: allauth's authorization endpoint with the portal's rules; without a client's request
    # the signed-in user gets allauth's error page ---------------------------------------------------------
    "oidc_authorization": Guarded("citizen"),
    # -- the admin (the project's own admin views, and the area as a whole) -----------------------------------
    "admin:index": Guarded("superuser", outsiders=("other_citizen", "approver", "supervisor")),
    "admin:seals_seal_issue": Guarded(
        "superuser", methods=("GET", "POST"), post=lambda w: {"department": str(w.department.pk), "purpose": "license"},
        outsiders=("other_citizen", "approver", "supervisor"),
    ),
    "admin:seals_seal_add": Guarded(
        "superuser", owner_status=(302,), outsiders=("other_citizen", "approver", "supervisor"),
    ),
    "admin:api_machineclient_register": Guarded(
        "superuser", methods=("GET", "POST"),
        post=lambda w: {"department": str(w.department.pk), "name": "审计系统", "scopes": ["catalogue:read"]},
        outsiders=("other_citizen", "approver", "supervisor"),
    ),
    "admin:api_machineclient_add": Guarded(
        "superuser", owner_status=(302,), outsiders=("other_citizen", "approver", "supervisor"),
    ),
    # -- the API's reads of personal data: any department's system with licenses:read and a purpose reads a
    # holder's licenses; an application only the system of the department that decides it ----------------
    "api_v1:holder_licenses": Guarded(
        "people_machine", kwargs=lambda w: {"subject": w.citizen.person.resident_id},
        outsiders=("other_citizen", "citizen", "approver", "superuser", "verify_machine", "catalogue_machine"),
    ),
    "api_v1:application_status": Guarded(
        "people_machine", kwargs=lambda w: {"tracking_number": w.approved.tracking_number},
        outsiders=("other_citizen", "citizen", "approver", "superuser", "verify_machine", "other_people_machine"),
    ),
    # -- the departmental API: machine clients with a bearer token; people (signed in or not) get 401 -----
    "api_docs": Guarded("clerk", outsiders=("other_citizen",)),
    "api_v1:catalogue_items": Guarded(
        "catalogue_machine", outsiders=("other_citizen", "approver", "superuser", "verify_machine"),
    ),
    "api_v1:catalogue_item": Guarded(
        "catalogue_machine", kwargs=lambda w: {"code": w.drafted_item.code},
        outsiders=("other_citizen", "approver", "superuser", "verify_machine"),
    ),
    "api_v1:applications_submit": Guarded(
        "write_machine", methods=("POST",), json=True, owner_status=(201,),
        post=lambda w: {
            "item": w.drafted_item.code, "declaration": True, "answers": {},
            "applicant": {"resident_id": w.citizen.person.resident_id, "real_name": w.citizen.person.real_name},
        },
        outsiders=("other_citizen", "approver", "superuser", "catalogue_machine", "read_machine"),
    ),
    "api_v1:webhooks": Guarded(
        "read_machine", methods=("GET", "POST"), json=True, post=lambda w: {"url": "https://hooks.example.org/onegate"},
        outsiders=("other_citizen", "approver", "superuser", "catalogue_machine", "write_machine"),
    ),
    "api_v1:webhook": Guarded(
        "read_machine", kwargs=lambda w: {"pk": w.webhook.pk},
        outsiders=("other_citizen", "approver", "superuser", "catalogue_machine", "other_read_machine"),
    ),
}

# Routes where an outsider does get something: none known. Add a route name here
# (with the reason) to mark its checks xfail(strict=True) until the view is fixed.
KNOWN_LEAKS: dict[str, str] = {}

# One state-changing route per area, posted by its rightful user without a CSRF token.
CSRF_REPRESENTATIVES = {
    "me": "acting_as",
    "apply": "apply_check",
    "license reuse": "material_license",
    "desk": "desk_action",
    "window": "window_accept",
    "list-admin": "list_admin_publish",
    "bundles": "bundle_apply_check",
    "staff licenses": "staff_license_action",
    "staff calendar": "staff_calendar_notice",
    "admin": "admin:seals_seal_issue",
    "accountability": "accountability_case_step",
    "countdown": "countdown_target_edit",
    "ratings": "ratings_case",
}


# -- walking the URL configuration --------------------------------------------------------------


# Areas of the site that are the project's whatever code serves them (a generic
# TemplateView or a third-party view mounted here is still a page of ours).
PROJECT_PREFIXES = (
    "me/", "apply/", "desk/", "window/", "list-admin/", "supervision/", "staff/",
    "verify/", "track/", "catalogue/", "calendar/", "api/",
)


def _walk(patterns, *, namespace="", prefix="", urlconf=""):
    """(pattern, full name, full path, the URL module that declared it) for every route."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            module = entry.urlconf_name if isinstance(entry.urlconf_name, str) else ""
            yield from _walk(entry.url_patterns, namespace=inner, prefix=prefix + str(entry.pattern), urlconf=module)
        elif isinstance(entry, URLPattern):
            yield entry, f"{namespace}{entry.name}" if entry.name else None, prefix + str(entry.pattern), urlconf


def project_routes() -> tuple[set[str], list[str]]:
    """The named routes of the project, and any unnamed ones (an error: they cannot be checked).

    A route is the project's if its view is the project's code, or a project URL
    module declares it, or it lives under one of the project's areas.
    """
    named, unnamed = set(), []
    for pattern, name, path, urlconf in _walk(get_resolver().url_patterns):
        callback = pattern.callback
        module = getattr(callback, "__module__", "") or ""
        ours = (
            module.split(".")[0] in PROJECT_APPS
            or urlconf.split(".")[0] in PROJECT_APPS
            or path.lstrip("^").startswith(PROJECT_PREFIXES)
        )
        if name in FRAMEWORK_ROUTES_CHECKED or (ours and name):
            named.add(name)
        elif ours:
            unnamed.append(f"{path} ({module}.{getattr(callback, '__qualname__', callback)})")
    return named, unnamed


def test_it_classifies_every_route():
    named, unnamed = project_routes()
    assert not unnamed, f"Routes of the project without a name cannot be checked: {unnamed}"
    assert not set(PUBLIC) & set(PROTECTED), "A route is both public and protected"
    unclassified = sorted(named - set(PUBLIC) - set(PROTECTED))
    assert not unclassified, (
        "New routes nobody classified: add each to PUBLIC (with the reason it may be public) or to "
        f"PROTECTED (with its owner and outsiders) in {__name__}: {unclassified}"
    )
    stale = sorted((set(PUBLIC) | set(PROTECTED)) - named)
    assert not stale, f"Classified routes that no longer exist: {stale}"
    assert len(named) > 80  # the walk found the whole configuration, includes and all


# -- the world ---------------------------------------------------------------------------------------


def _build_world() -> SimpleNamespace:
    from approvals import services as workflow
    from deadlines.selectors import forget_built_calendars
    from deadlines.services import calendar_sync
    from approvals.documents.services import document_produce
    from approvals.models import Application, CorrectionNotice, DecisionDocument
    from seals.models import Seal
    from approvals.window.services import window_submit
    from licenses import services as license_services
    from licenses.models import License, LicenseType
    from licenses.tasks import issue_license
    from portal.models import Membership, StaffRole
    from seals import services as seal_services
    from services import services as list_services
    from services import transfer
    from services.models import ItemVersion
    from services.services import MaterialInput
    from services.terms import terms_dict
    from tests.factories import (
        DepartmentFactory,
        EnterpriseFactory,
        MembershipFactory,
        citizen,
        enrol_totp,
        make_credit_code,
        make_resident_id,
        staff,
    )
    from tests.licenses.conftest import FIELDS, answers, approve, pdf_upload
    from tests.services.factories import make_item, publish, terms

    Role = StaffRole.Role
    w = SimpleNamespace()
    forget_built_calendars()
    calendar_sync(at=NOW)

    w.department = DepartmentFactory(code="market", name_zh="市场监督管理局", name_en="Market Supervision Administration")
    w.other_department = DepartmentFactory(code="housing", name_zh="住房和城乡建设局", name_en="Housing Bureau")
    seal_services.root_create()
    w.seal = seal_services.seal_issue(department=w.department)
    w.other_seal = seal_services.seal_issue(department=w.other_department)

    # The cast.
    w.citizen = citizen(real_name="王小明")
    w.other_citizen = citizen(real_name="李四海")
    w.colleague = citizen(real_name="赵六一")
    w.enterprise = EnterpriseFactory(name="葫芦岛海滨食品有限公司")
    w.admin_membership = MembershipFactory(user=w.citizen, enterprise=w.enterprise, role=Membership.Role.ADMIN)
    w.colleague_membership = MembershipFactory(user=w.colleague, enterprise=w.enterprise, role=Membership.Role.AGENT)
    w.approver = staff(Role.APPROVER, w.department)
    w.approver.person.real_name = "钱审批"
    w.approver.person.save()
    w.head = staff(Role.HEAD, w.department)
    w.other_approver = staff(Role.APPROVER, w.other_department)
    w.other_head = staff(Role.HEAD, w.other_department)
    w.list_admin = staff(Role.LIST_ADMIN, w.department)
    w.other_list_admin = staff(Role.LIST_ADMIN, w.other_department)
    w.clerk = staff(Role.CLERK)
    w.other_clerk = staff(Role.CLERK)
    w.supervisor = staff(Role.SUPERVISOR)
    w.superuser = citizen(real_name="孙管理")
    w.superuser.is_staff = w.superuser.is_superuser = True
    w.superuser.save()
    enrol_totp(w.superuser)
    w.spare_credit_code = make_credit_code()
    w.spare_resident_id = make_resident_id(birth="19851010")

    # The list: a license-producing item, an item a license stands in for, one being retired.
    w.business_license = LicenseType.objects.create(
        code="business-license",
        name_zh="营业执照",
        name_en="business license",
        number_prefix="YYZZ",
        validity_months=None,
        template=LicenseType.Template.BUSINESS_LICENSE,
        printed_fields=[
            {"key": "proposed_name", "label_zh": "登记名称", "label_en": "Registered name"},
            {"key": "business_scope", "label_zh": "经营范围", "label_en": "Business scope"},
        ],
    )
    w.item = make_item(
        w.department,
        code="MKT-101",
        audience="person",
        license_type=w.business_license,
        online_level="one_visit",
        max_visits=1,
        materials=[MaterialInput(name_zh="经营场所证明", name_en="Proof of premises")],
        fields=FIELDS,
    )
    w.reuse_item = make_item(
        w.department,
        code="MKT-301",
        audience="person",
        materials=[
            MaterialInput(name_zh="营业执照", name_en="Business license", stand_ins=[w.business_license]),
            MaterialInput(name_zh="申请表", name_en="Application form"),
        ],
    )
    w.retiring_item = make_item(w.department, code="MKT-901", audience="person")
    w.drafted_item = make_item(w.department, code="MKT-401", audience="person")
    make_item(w.other_department, code="HSG-001", audience="person")
    # A bundle on the list, led by the other department, for the bundle pages (its applications are below).
    from services.bundles import MemberInput, bundle_create, bundle_retire
    from tests.services.factories import LifeEventFactory

    w.event = LifeEventFactory(code="audit-event", name_zh="审计事件", name_en="Audit event")
    make_item(w.other_department, code="HSG-002", audience="person")
    bundle_terms = {"name_zh": "住房一件事", "name_en": "Housing in one go", "event": w.event, "promised_limit_days": 3}
    bundle_create(
        actor=None, code="BDL-AUD", department=w.other_department, terms=bundle_terms,
        members=[MemberInput("HSG-001"), MemberInput("HSG-002")],
    )
    publish(at=NOW)
    # The department's bundle drafts: one never published, one retired in the draft.
    for code in ("BDL-DRF", "BDL-RET"):
        bundle_create(
            actor=w.list_admin, code=code, department=w.department, terms={**bundle_terms, "promised_limit_days": 1},
            members=[MemberInput(w.item.code), MemberInput(w.reuse_item.code, required=False)],
        )
    from services.models import Bundle

    bundle_retire(actor=w.list_admin, bundle=Bundle.objects.get(code="BDL-RET"))
    # The draft list: a retirement and new terms, neither published.
    list_services.item_retire(actor=w.list_admin, item=w.retiring_item)
    w.draft_name = "未公布草案名称-9d2e"
    list_services.item_update(
        actor=w.list_admin,
        item=w.drafted_item,
        terms=terms(name_zh=w.draft_name, name_en="Unpublished draft 9d2e", audience="person"),
        materials=[MaterialInput(name_zh="申请书", name_en="Application form", sample=pdf_upload())],
    )
    w.draft_sample = ItemVersion.objects.drafts().get(item=w.drafted_item).materials.get()

    # Applications: approved with its license issued, submitted online, a draft, and at the window.
    w.approved = approve(w.item.code, w.citizen, w.approver)
    issue_license.delay(w.approved.pk)
    w.license = License.objects.get(application=w.approved)
    assert w.license.file, "the license's sealed PDF was not produced"

    w.submitted = workflow.application_start(actor=w.citizen, item_code=w.item.code)
    workflow.application_save(application=w.submitted, actor=w.citizen, data=answers())
    material = w.submitted.item_version.materials.get()
    workflow.attachment_add(application=w.submitted, actor=w.citizen, material=material, upload=pdf_upload())
    w.submitted = workflow.application_submit(application=w.submitted, actor=w.citizen, declaration=True)
    w.submitted_attachment = w.submitted.attachments.get()

    w.draft = workflow.application_start(actor=w.citizen, item_code=w.reuse_item.code)
    w.draft_form_material = w.draft.item_version.materials.get(name_zh="申请表")
    w.draft_license_material = w.draft.item_version.materials.get(name_zh="营业执照")
    w.draft_attachment = workflow.attachment_add(
        application=w.draft, actor=w.citizen, material=w.draft_form_material, upload=pdf_upload()
    )

    def window_application(*, submit: bool) -> Application:
        application = workflow.application_start(
            actor=w.clerk, item_code=w.item.code, person=w.citizen.person, channel=Application.Channel.WINDOW
        )
        workflow.application_save(application=application, actor=w.clerk, data=answers())
        for each in application.item_version.materials.all():
            workflow.attachment_add(application=application, actor=w.clerk, material=each, upload=pdf_upload())
        if submit:
            application = window_submit(application=application, clerk=w.clerk, declaration=True, reason="第二次来", at=NOW)
        return application

    w.window_submitted = window_application(submit=True)
    w.window_corrected = window_application(submit=True)
    workflow.application_request_correction(
        application=w.window_corrected,
        actor=w.clerk,
        items=[{"material": material.pk, "name": "", "problem": "扫描件模糊", "remedy": "重新扫描"}],
        note="一次性告知",
    )
    w.notice = CorrectionNotice.objects.get(application=w.window_corrected)

    # Sealed notices and decisions: the approved application's acceptance notice (marked for post)
    # and decision to grant, and the window application's correction notice (collected at the window).
    w.approval_seal = seal_services.seal_issue(department=w.department, purpose=Seal.Purpose.APPROVAL)
    for application in (w.approved, w.window_corrected):
        for document in application.documents.all():
            document_produce(document_id=document.pk, at=NOW)
    w.grant = DecisionDocument.objects.get(application=w.approved, kind=DecisionDocument.Kind.GRANT)
    assert w.grant.is_produced, "the decision to grant was not sealed"
    w.posted_notice = DecisionDocument.objects.get(application=w.approved, kind=DecisionDocument.Kind.ACCEPTANCE)
    DecisionDocument.objects.filter(pk=w.posted_notice.pk).update(delivery=DecisionDocument.Delivery.POST)
    w.window_notice = DecisionDocument.objects.get(application=w.window_corrected, kind=DecisionDocument.Kind.CORRECTION)
    DecisionDocument.objects.filter(pk=w.window_notice.pk).update(delivery=DecisionDocument.Delivery.WINDOW, delivered_on=None)
    w.window_draft = window_application(submit=False)
    w.window_draft_attachment = w.window_draft.attachments.first()

    # Staff work in progress: a re-issue job and an import job.
    w.reissue_job = license_services.reissue_start(
        actor=w.approver, license_type=w.business_license, department=w.department, reason="模板更正 reissue-7f3a"
    )
    drafts = ItemVersion.objects.drafts().for_departments([w.department.pk]).with_terms().order_by("item__code")
    export = transfer.export_csv([transfer.export_row(terms_dict(draft)) for draft in drafts])
    export = export if isinstance(export, bytes) else export.encode()

    def import_upload():
        from django.core.files.uploadedfile import SimpleUploadedFile

        return SimpleUploadedFile("outsider.csv", export, content_type="text/csv")

    w.import_upload = import_upload
    w.import_job = list_services.import_start(
        actor=w.list_admin, file_name="清单导入-c41d.csv", data=export, background=False, at=NOW
    )

    # Supervision: an accountability case about the department, a feedback meeting with an action for its
    # head, and a notice of criticism published about the other department.
    from supervision.accountability import services as accountability
    from supervision.accountability.workflow import Action, Decision

    w.accountability_case = accountability.case_open(
        actor=w.supervisor, department=w.department, facts_zh="窗口多次要求补交材料。",
        facts_en="The window asked for materials again and again.", evidence=[("暗访", "/supervision/visits/")], at=NOW,
    )
    w.meeting = accountability.meeting_record(
        actor=w.supervisor, held_on=NOW.date(), title="督查反馈会-5b1e", attendees="督查、市场监督管理局",
        reports="", cases=[w.accountability_case],
        decisions=[{"description": "使用一次性告知单。", "owner": w.head, "working_days": 10}], at=NOW,
    )
    w.meeting_action = w.meeting.actions.get()
    criticised = accountability.case_open(
        actor=w.supervisor, department=w.other_department, facts_zh="办件超期。", facts_en="Overdue work.",
        evidence=[("超期办件", "/supervision/overdue/")], at=NOW,
    )
    accountability.case_step(case=criticised, actor=w.supervisor, action=Action.FINDINGS, note="属实。", at=NOW)
    accountability.case_step(
        case=criticised, actor=w.supervisor, action=Action.DECIDE, decision=Decision.CRITICISM, note="通报。",
        notice_title_zh="关于办件超期的通报", notice_title_en="Notice on overdue work",
        notice_text_zh="经督查核实，办件超期，予以通报批评。", notice_text_en="Overdue work; criticised.", at=NOW,
    )
    w.published_notice = criticised.notice

    # Ratings: the citizen rates the approved application 不满意 (its case opens for the department); their
    # window visit is there to rate.
    from approvals.models import Visit
    from supervision.ratings import services as ratings

    w.visit = Visit.objects.filter(person=w.citizen.person).order_by("pk").first()
    w.rating = ratings.rating_for_application(
        application=w.approved, user=w.citizen, level=2, tags=["slow"], comment="等了很久-8c2f", at=NOW,
    )
    w.rating_case = w.rating.case
    w.rating_token = ratings.window_token_issue(visit=w.visit, actor=w.clerk, at=NOW)
    # A complaint about the department, filed by the citizen with a file: the citizen and the
    # case's staff read the file, and so does whoever tracks it with its query code (a session,
    # not a user: tests/supervision/ratings).
    w.complaint = ratings.complaint_file(
        about="department", department=w.department, filer=w.citizen, text="电话无人接听-3e1a",
        uploads=[_pdf()], at=NOW,
    )
    w.complaint_file = w.complaint.attachments.get()

    # Reads of the citizen's data and of their enterprise's through the API, by the department's system.
    from api.access.services import access_record
    from tests.api.access.conftest import make_client, seed_purposes_if_missing

    seed_purposes_if_missing()
    w.machine_client = make_client(w.department, "市场监管业务系统")
    w.person_read, w.enterprise_read = (
        access_record(
            client=w.machine_client, endpoint="/api/v1/licenses/by-holder", subject_id=subject,
            purpose_code="license-verification", reference=reference, result="found", at=NOW,
        )
        for subject, reference in ((w.citizen.person.resident_id, "MKT-HC-7f3a"), (w.enterprise.credit_code, "MKT-QY-5b1c"))
    )
    # A system of each department that reads people's licenses and applications, with a token that outlives
    # the module (the checks run at the real time, after NOW).
    from datetime import timedelta

    from oauth2_provider.models import AccessToken

    from api.services import machine_client_register

    for attr, department in (("people_machine", w.department), ("other_people_machine", w.other_department)):
        people = machine_client_register(
            department=department, name=f"{department.code} 人员数据系统",
            scopes=["applications:read", "licenses:read"], actor=w.superuser,
        )
        AccessToken.objects.create(
            token=f"audit-{attr}-token", application=people.client.application,
            scope="applications:read licenses:read", expires=NOW + timedelta(days=3650),
        )
        setattr(w, attr, Machine(f"audit-{attr}-token"))

    # Two departmental systems with a token each: one may read the catalogue, the other only verify licenses.
    # The tokens outlive the module (the checks run at the real time, after NOW).
    from datetime import timedelta

    from oauth2_provider.models import AccessToken

    from api.services import machine_client_register

    machines = (
        ("catalogue_machine", "catalogue:read"), ("verify_machine", "licenses:verify"),
        ("write_machine", "applications:write"), ("read_machine", "applications:read"),
        ("other_read_machine", "applications:read"),
    )
    clients = {}
    for attr, scope in machines:
        registration = machine_client_register(
            department=w.department, name=f"{scope} {attr} 系统", scopes=[scope], actor=w.superuser
        )
        token = f"audit-{attr}-token"
        AccessToken.objects.create(
            token=token, application=registration.client.application, scope=scope, expires=NOW + timedelta(days=3650)
        )
        setattr(w, attr, Machine(token))
        clients[attr] = registration.client

    # The reading system's webhook (another system of the department must not see it).
    from api.webhooks.services import subscription_create

    w.webhook = subscription_create(client=clients["read_machine"], url="https://hooks.example.org/market", at=NOW)

    # A countdown target for the department.
    from decimal import Decimal

    from supervision.countdown import services as countdown

    w.target = countdown.target_create(
        actor=w.supervisor, metric="on_time", value=Decimal("98"), department=w.department,
        start_on=NOW.date(), due_on=NOW.date().replace(day=30),
    )

    # An archived half-monthly report (the row and its file; the PDF itself is tested elsewhere).
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from supervision.reports.models import HalfMonthReport

    # Bundle applications of the citizen: one online, one taken in at the window.
    from approvals.bundles import bundle_submit
    from approvals.window.services import window_bundle_intake

    w.bundle_application = bundle_submit(
        actor=w.citizen, bundle_code="BDL-AUD", answers={}, uploads={}, declaration=True, at=NOW
    )
    w.window_bundle = window_bundle_intake(
        clerk=w.clerk, person=w.citizen.person, bundle_code="BDL-AUD", answers={}, uploads={}, declaration=True,
        reason="申请人坚持到窗口办理", at=NOW,  # the audit's items are fully online: a visit beyond them
    )

    w.report = HalfMonthReport.objects.create(
        first=NOW.date().replace(day=1), last=NOW.date().replace(day=15), figures={}, sha256="0" * 64,
        file=default_storage.save("supervision/reports/audit.pdf", ContentFile(b"%PDF-1.7 audit")),
        seal=w.seal, created_at=NOW,
    )
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The cast and their objects, built once for the modules that read them (tests/demo_world.py)."""
    return shared(
        shared_key(world.__wrapped__),
        lambda: rolled_back_world(django_db_blocker, tmp_path_factory.mktemp("urlaudit"), _build_world),
    )


# -- checking -------------------------------------------------------------------------------------------


def _watched_models():
    return [model for model in apps.get_models() if model._meta.app_label in (*PROJECT_APPS, "account", "mfa", "auth")]


def snapshot() -> dict:
    """What a request could change in the project's tables (and the accounts and MFA records).

    On PostgreSQL: the rows each table has had inserted, updated or deleted so
    far in this transaction, as the server counts them (one query; it counts a
    write even when a savepoint undid it, so it is the stricter check). On
    SQLite: every row of those tables.
    """
    if connection.vendor == "postgresql":
        tables = {model._meta.db_table: model._meta.label for model in _watched_models()}
        with connection.cursor() as cursor:
            cursor.execute("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables")
            return {tables[name]: writes for name, writes in cursor.fetchall() if name in tables}
    return {model._meta.label: list(model.objects.order_by("pk").values_list()) for model in _watched_models()}


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(label for label in before if before[label] != after.get(label))


def url_for(name: str, w) -> str:
    spec = PROTECTED[name]
    return reverse(name, kwargs=spec.kwargs(w)) + spec.query(w)


def body(response) -> str:
    """The response's text. Streamed files are read to the end, which closes them (the test
    client's wrapper does, with the close_old_connections receiver held off: a second
    response.close() here would close the database connection inside the test's transaction)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", "replace")


def is_sign_in_redirect(response) -> bool:
    if response.status_code not in (301, 302, 303, 307, 308):
        return False
    return urlsplit(response["Location"]).path in {reverse(name) for name in SIGN_IN_URLS}


def refused(response) -> bool:
    # 401: an API endpoint called without a machine client's token (a session does not count).
    return response.status_code in (401, 403, 404, 405) or is_sign_in_redirect(response)


def describe(response) -> str:
    where = f" -> {response['Location']}" if response.has_header("Location") else ""
    return f"{response.status_code}{where}"


@dataclass(frozen=True)
class Machine:
    """A departmental system of the world: it calls the API with its bearer token, not a session, and
    names a purpose and a case number as reads of personal data must."""

    token: str


def client_for(user=None, *, csrf=False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if isinstance(user, Machine):
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {user.token}"
        client.defaults["HTTP_ONEGATE_PURPOSE"] = "license-verification"
        client.defaults["HTTP_ONEGATE_REFERENCE"] = "AUDIT-0001"
    elif user is not None:
        sign_in(client, user)
    return client


def _params(cases):
    """pytest params, marked xfail(strict) for routes known to leak."""
    params = []
    for case in cases:
        name = case[0] if isinstance(case, tuple) else case
        ident = "-".join(case) if isinstance(case, tuple) else case
        marks = [pytest.mark.xfail(strict=True, reason=KNOWN_LEAKS[name])] if name in KNOWN_LEAKS else []
        params.append(pytest.param(*(case if isinstance(case, tuple) else (case,)), id=ident, marks=marks))
    return params


def _request(client, method: str, url: str, name: str, w):
    if method == "POST" and PROTECTED[name].json:
        return client.post(url, PROTECTED[name].post(w), content_type="application/json")
    if method == "POST":
        return client.post(url, PROTECTED[name].post(w))
    return client.get(url)


# -- the checks --------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", _params(sorted(PROTECTED)))
def test_it_refuses_an_anonymous_visitor(world, name):
    url, spec = url_for(name, world), PROTECTED[name]
    client = client_for()
    for method in sorted({"GET", *spec.methods}):
        before = snapshot()
        response = _request(client, method, url, name, world)
        content = body(response)
        assert refused(response), f"anonymous {method} {url} got {describe(response)}: {content[:300]}"
        changed = changed_tables(before, snapshot())
        assert not changed, f"anonymous {method} {url} changed {changed}"


WRONG_PARTIES = [(name, who) for name, spec in sorted(PROTECTED.items()) for who in spec.outsiders]


@pytest.mark.django_db
@pytest.mark.parametrize("name, who", _params(WRONG_PARTIES))
def test_it_refuses_the_wrong_party(world, name, who):
    url, spec = url_for(name, world), PROTECTED[name]
    client = client_for(getattr(world, who))
    for method in sorted({"GET", *spec.methods}):
        before = snapshot()
        response = _request(client, method, url, name, world)
        content = body(response)
        assert refused(response), f"{who} {method} {url} got {describe(response)}: {content[:300]}"
        changed = changed_tables(before, snapshot())
        assert not changed, f"{who} {method} {url} changed {changed}"


BLIND_PARTIES = [(name, who) for name, spec in sorted(PROTECTED.items()) for who in spec.blind]


@pytest.mark.django_db
@pytest.mark.parametrize("name, who", _params(BLIND_PARTIES))
def test_it_shows_the_wrong_party_none_of_the_owners_data(world, name, who):
    url, spec = url_for(name, world), PROTECTED[name]
    markers = spec.markers(world)
    assert markers
    owner_page = body(client_for(getattr(world, spec.owner)).get(url))
    assert any(marker in owner_page for marker in markers), f"the markers of {name} are not on the owner's page"
    response = client_for(getattr(world, who)).get(url)
    page = body(response)
    assert response.status_code in (200, 403, 404), f"{who} GET {url} got {describe(response)}"
    leaked = [marker for marker in markers if marker in page]
    assert not leaked, f"{who} sees {leaked} on {url}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", _params(sorted(PROTECTED)))
def test_it_serves_the_rightful_user(world, name):
    """The control: the URL is real, and its owner gets it."""
    url, spec = url_for(name, world), PROTECTED[name]
    client = client_for(getattr(world, spec.owner))
    method = "GET" if "GET" in spec.methods else "POST"
    before = snapshot()
    response = _request(client, method, url, name, world)
    content = body(response)
    if method == "POST" and spec.post_changes_rows:
        # What an outsider's identical POST would have done: the snapshot sees it.
        assert changed_tables(before, snapshot()), f"{spec.owner}'s POST {url} changed nothing"
    assert response.status_code in spec.owner_status, f"{spec.owner} {method} {url} got {describe(response)}: {content[:300]}"
    assert not is_sign_in_redirect(response)


@pytest.mark.django_db
@pytest.mark.parametrize("area, name", [pytest.param(a, n, id=a) for a, n in CSRF_REPRESENTATIVES.items()])
def test_it_refuses_a_post_without_a_csrf_token(world, area, name):
    url, spec = url_for(name, world), PROTECTED[name]
    assert "POST" in spec.methods
    client = client_for(getattr(world, spec.owner), csrf=True)
    before = snapshot()
    response = client.post(url, spec.post(world))
    body(response)
    assert response.status_code == 403, f"{area}: POST {url} without a token got {describe(response)}"
    assert not changed_tables(before, snapshot())
    # The control: the same POST with a token gets past the check.
    token = "k" * 32
    client.cookies[settings.CSRF_COOKIE_NAME] = token
    response = client.post(url, {**spec.post(world), "csrfmiddlewaretoken": token})
    body(response)
    assert response.status_code != 403, f"{area}: POST {url} with a token got {describe(response)}"


PUBLIC_QUERIES = {"license_verify_lookup": lambda w: f"?number={w.license.number}"}
PUBLIC_URLS = {
    "catalogue_version": lambda w: {"number": 1},
    "catalogue_export": lambda w: {"file_format": "csv"},
    "catalogue_item": lambda w: {"code": w.drafted_item.code},
    "catalogue_apply": lambda w: {"code": w.drafted_item.code},
    "catalogue_bundle": lambda w: {"code": "BDL-AUD"},
    "api_catalogue_item": lambda w: {"code": w.drafted_item.code},
    "calendar_year": lambda w: {"year": 2026},
    "license_verify": lambda w: {"number": w.license.number},
    "decision_verify": lambda w: {"number": w.grant.number},
    "accountability_notice": lambda w: {"number": w.published_notice.number},
    "ratings_rate_token": lambda w: {"token": w.rating_token},
    "licenses_old_spelling": lambda w: {"area": "me", "rest": f"{w.license.number}/"},
    "api_v1:license_status": lambda w: {"number": w.license.number},
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_it_answers_anyone_on_a_public_route(world, name):
    """The other side of the allowlist: these pages really are for everyone, and say nothing private."""
    url = reverse(name, kwargs=PUBLIC_URLS.get(name, lambda w: {})(world)) + PUBLIC_QUERIES.get(name, lambda w: "")(world)
    response = client_for().get(url)
    page = body(response)
    assert response.status_code in (200, 301, 302, 405), f"anonymous GET {url} got {describe(response)}"
    assert not is_sign_in_redirect(response) or name == "catalogue_apply"
    private = [world.citizen.person.resident_id, world.citizen.person.real_name, world.citizen.email, world.draft_name]
    shown = [value for value in private if value in page]
    assert not shown, f"{url} shows {shown}"


@pytest.mark.django_db
def test_it_shows_the_unpublished_draft_to_its_list_administrator(world):
    """The control for the public pages' check: the draft's name is real, on the list administrator's page."""
    response = client_for(world.list_admin).get(reverse("list_admin_item", args=[world.drafted_item.code]))
    assert response.status_code == 200 and world.draft_name in body(response)


# -- probes across objects and roles that the one-URL-per-route table does not reach -------------------------


@dataclass(frozen=True)
class Probe:
    name: str
    who: str
    method: str
    kwargs: Callable
    reason: str
    query: Callable = lambda w: ""
    post: Callable = lambda w: {}
    allowed: tuple = (403, 404)


PROBES = {
    "window_application-clerk-online": Probe(
        "window_application", "clerk", "GET", lambda w: {"uid": w.submitted.uid},
        "the window shows window applications only, not one made online",
    ),
    "application_file-clerk-online": Probe(
        "application_file", "clerk", "GET",
        lambda w: {"uid": w.submitted.uid, "attachment_id": w.submitted_attachment.pk},
        "a clerk reads the files of window applications only",
    ),
    "application_file-other_citizen-draft": Probe(
        "application_file", "other_citizen", "GET",
        lambda w: {"uid": w.draft.uid, "attachment_id": w.draft_attachment.pk},
        "a draft's file is its applicant's alone",
    ),
    "wallet_license-colleague": Probe(
        "wallet_license", "colleague", "GET", lambda w: {"number": w.license.number},
        "an enterprise colleague does not see a license held in person",
    ),
    "seal_usage-head-other_seal": Probe(
        "seal_usage", "head", "GET", lambda w: {}, "a head sees the usage of their own department's seals",
        query=lambda w: f"?seal={w.other_seal.pk}",
    ),
    "staff_reissue-other_approver-first_department": Probe(
        "staff_reissue", "other_approver", "POST", lambda w: {},
        "an approver cannot re-issue another department's licenses",
        post=lambda w: {"license_type": str(w.business_license.pk), "department": str(w.department.pk), "reason": "x"},
        allowed=(400, 403, 404),
    ),
    "enterprise_detail-colleague-add_admin": Probe(
        "enterprise_detail", "colleague", "POST", lambda w: {"pk": w.enterprise.pk},
        "an agent of an enterprise cannot add members",
        post=lambda w: {"email": w.other_citizen.email, "role": "admin"},
        allowed=(200, 302, 400, 403, 404),
    ),
    "member_remove-colleague-admin": Probe(
        "member_remove", "colleague", "POST", lambda w: {"pk": w.enterprise.pk, "member_pk": w.admin_membership.pk},
        "an agent of an enterprise cannot remove its administrator",
        allowed=(302, 403, 404),
    ),
    "desk_action-head-other_department": Probe(
        "desk_action", "other_head", "POST",
        lambda w: {"tracking_number": w.submitted.tracking_number, "action": "approve"},
        "another department's head cannot decide this department's application",
    ),
    "window_bundle-clerk-online": Probe(
        "window_bundle", "clerk", "GET", lambda w: {"uid": w.bundle_application.uid},
        "the window shows bundles taken in at the window only, not one made online",
    ),
    "list_admin_bundle_restore-other_list_admin": Probe(
        "list_admin_bundle_restore", "other_list_admin", "POST", lambda w: {"code": "BDL-RET"},
        "a list administrator cannot restore another department's bundle",
    ),
    "list_admin_item-other_list_admin-retire": Probe(
        "list_admin_item_retire", "other_list_admin", "POST", lambda w: {"code": w.drafted_item.code},
        "a list administrator cannot retire another department's item",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("probe", [pytest.param(probe, id=ident) for ident, probe in PROBES.items()])
def test_it_refuses_a_probe_across_objects(world, probe):
    url = reverse(probe.name, kwargs=probe.kwargs(world)) + probe.query(world)
    client = client_for(getattr(world, probe.who))
    before = snapshot()
    response = client.post(url, probe.post(world)) if probe.method == "POST" else client.get(url)
    content = body(response)
    assert response.status_code in probe.allowed, f"{probe.reason}: {probe.who} {probe.method} {url} got {describe(response)}: {content[:300]}"
    changed = changed_tables(before, snapshot())
    assert not changed, f"{probe.reason}: {probe.who} {probe.method} {url} changed {changed}"
