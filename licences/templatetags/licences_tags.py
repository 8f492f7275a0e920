"""Licence bits for other apps' pages.

    {% load licences_tags %}
    {% licence_offer application material %}      applicant's materials page: "use my licence No. …"
    {% licence_reference application material %}  desk: the licence given for a material, status read live
    {% application_licence application %}         desk / application page: the licence this approval produced
"""

import datetime

from django import template
from django.utils import timezone

from licences import selectors
from licences.documents import en_date, zh_date
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


@register.inclusion_tag("licences/_status.html")
def licence_status(licence, today=None):
    today = today or timezone.localdate()
    status = licence.status_on(today)
    return {"status": status, "label": licence.status_label_on(today)}


def _offers(application):
    offers = getattr(application, "_licence_offers", None)
    if offers is None:
        offers = application._licence_offers = selectors.offers_for(application)
    return offers


@register.inclusion_tag("licences/_material_offer.html", takes_context=True)
def licence_offer(context, application, material):
    request = context.get("request")
    return {
        "application": application,
        "material": material,
        "offer": _offers(application).get(material.pk),
        "next_url": request.get_full_path() if request else "",
        "csrf_token": context.get("csrf_token"),
        "today": timezone.localdate(),
    }


@register.inclusion_tag("licences/_material_reference.html")
def licence_reference(application, material):
    references = getattr(application, "_licence_references", None)
    if references is None:
        references = application._licence_references = selectors.references_for(application)
    return {"use": references.get(material.pk), "today": timezone.localdate()}


@register.inclusion_tag("licences/_application_licence.html", takes_context=True)
def application_licence(context, application, holder=False):
    """`holder=True` on the applicant's own page: link to the licence in their wallet."""
    from licences.services import can_manage

    licence = selectors.licence_for_application(application)
    user = context.get("user")
    return {
        "licence": licence,
        "today": timezone.localdate(),
        "staff_view": licence is not None and user is not None and can_manage(user, licence),
        "expected": application.item_version.licence_type_id is not None,
        "application": application,
        "holder": holder,
    }
