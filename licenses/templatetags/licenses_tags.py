"""License bits for other apps' pages.

    {% load licenses_tags %}
    {% license_offer application material %}      applicant's materials page: "use my license No. …"
    {% license_reference application material %}  desk: the license given for a material, status read live
    {% application_license application %}         desk / application page: the license this approval produced
"""

import datetime

from django import template
from django.utils import timezone

from licenses import selectors
from portal.pdf import en_date, zh_date
from portal.i18n import prefers_chinese

register = template.Library()


@register.filter
def longdate(day):
    """2026年11月26日 / 26 November 2026."""
    if not day:
        return ""
    if isinstance(day, datetime.datetime):
        day = timezone.localdate(day)
    return zh_date(day) if prefers_chinese() else en_date(day)


@register.inclusion_tag("licenses/_status.html")
def license_status(license, today=None):
    today = today or timezone.localdate()
    status = license.status_on(today)
    return {"status": status, "label": license.status_label_on(today)}


def _offers(application):
    offers = getattr(application, "_license_offers", None)
    if offers is None:
        offers = application._license_offers = selectors.offers_for(application)
    return offers


@register.inclusion_tag("licenses/_material_offer.html", takes_context=True)
def license_offer(context, application, material):
    request = context.get("request")
    return {
        "application": application,
        "material": material,
        "offer": _offers(application).get(material.pk),
        "next_url": request.get_full_path() if request else "",
        "csrf_token": context.get("csrf_token"),
        "today": timezone.localdate(),
    }


@register.inclusion_tag("licenses/_material_reference.html")
def license_reference(application, material):
    references = getattr(application, "_license_references", None)
    if references is None:
        references = application._license_references = selectors.references_for(application)
    return {"use": references.get(material.pk), "today": timezone.localdate()}


@register.inclusion_tag("licenses/_application_license.html", takes_context=True)
def application_license(context, application, holder=False):
    """`holder=True` on the applicant's own page: link to the license in their wallet."""
    from licenses.services import can_manage

    license = selectors.license_for_application(application)
    user = context.get("user")
    return {
        "license": license,
        "today": timezone.localdate(),
        "staff_view": license is not None and user is not None and can_manage(user, license),
        "expected": application.item_version.license_type_id is not None,
        "application": application,
        "holder": holder,
    }


@register.inclusion_tag("licenses/_bundle_offer.html")
def bundle_license_offer(row, person, enterprise):
    """A bundle form's material (approvals.bundle_forms.GroupRow): the applicant's valid licenses that
    stand in for it, as a choice beside the upload."""
    type_ids = {t.pk for material in row.group.materials for t in material.stand_ins.all()}
    return {
        "row": row,
        "licenses": selectors.held_stand_ins(person=person, enterprise=enterprise, type_ids=type_ids),
    }
