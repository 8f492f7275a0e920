"""Seals in the Django admin: issue, rotate and revoke call the services."""

import pytest
from django.urls import reverse

from seals.models import Seal
from tests.mfa import sign_in


@pytest.fixture
def admin(client, admin_user):
    from tests.factories import enrol_totp

    enrol_totp(admin_user)
    sign_in(client, admin_user)
    return client


def test_it_issues_a_seal_from_the_admin(admin, root, department):
    assert admin.get(reverse("admin:seals_seal_add")).status_code == 302

    response = admin.post(
        reverse("admin:seals_seal_issue"),
        {"department": department.pk, "purpose": "license", "key_store": "encrypted"},
    )

    seal = Seal.objects.get()
    assert response.status_code == 302 and seal.department == department
    assert seal.issued_by is not None


def test_it_rotates_selected_seals(admin, seal):
    admin.post(
        reverse("admin:seals_seal_changelist"), {"action": "rotate_selected", "_selected_action": [seal.pk]}
    )

    seal.refresh_from_db()
    assert seal.status == Seal.Status.RETIRED and seal.replaced_by.status == Seal.Status.ACTIVE


def test_it_asks_for_a_reason_before_revoking(admin, seal):
    url = reverse("admin:seals_seal_changelist")

    first = admin.post(url, {"action": "revoke_selected", "_selected_action": [seal.pk]})
    assert first.status_code == 200 and "revocation_note" in first.content.decode()
    seal.refresh_from_db()
    assert seal.status == Seal.Status.ACTIVE

    admin.post(
        url,
        {
            "action": "revoke_selected",
            "_selected_action": [seal.pk],
            "apply": "1",
            "revocation_reason": "key_compromise",
            "revocation_note": "私钥疑似泄露",
        },
    )
    seal.refresh_from_db()
    assert seal.status == Seal.Status.REVOKED and seal.revocation_note == "私钥疑似泄露"


def test_its_pages_show_but_never_edit(admin, seal):
    assert admin.get(reverse("admin:seals_seal_change", args=[seal.pk])).status_code == 200
    assert admin.get(reverse("admin:seals_rootauthority_changelist")).status_code == 200
    assert admin.get(reverse("admin:seals_sealusage_changelist")).status_code == 200
    admin.post(reverse("admin:seals_seal_change", args=[seal.pk]), {"name_zh": "改名"})
    seal.refresh_from_db()
    assert seal.name_zh == "市场监督管理局"



def test_it_shows_the_log_anchors_read_only(admin, seal, one_page_pdf):
    from seals import services
    from seals.models import SealLogAnchor
    from seals.tasks import audit_and_anchor_usage_log

    services.seal_pdf(one_page_pdf, seal=seal, reason="核发营业执照", task="test")
    audit_and_anchor_usage_log.delay()
    anchor = SealLogAnchor.objects.get()
    url = f"admin:seals_{SealLogAnchor._meta.model_name}"

    listing = admin.get(reverse(f"{url}_changelist"))
    page = admin.get(reverse(f"{url}_change", args=[anchor.pk]))

    assert listing.status_code == page.status_code == 200
    assert anchor.head_hash[:16] in listing.content.decode()
    assert anchor.head_hash in page.content.decode() and 'name="head_hash"' not in page.content.decode()
    assert admin.get(reverse(f"{url}_add")).status_code == 403
    response = admin.post(reverse(f"{url}_delete", args=[anchor.pk]), {"post": "yes"})
    assert response.status_code == 403 and SealLogAnchor.objects.filter(pk=anchor.pk).exists()
