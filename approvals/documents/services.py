"""Decision documents: what the Administrative Licensing Law wants in writing, sealed.

Every step that the law wants in writing gives the applicant a document
(`DecisionDocument`), in Chinese with English, with the tracking number and a
QR code to its public check page, sealed with the deciding department's
administrative approval seal (行政审批专用章) through `seals.services.seal_pdf`:

    accept              受理通知书        notice of acceptance, with the due date (Art. 32)
    not_accept          不予受理通知书    notice of non-acceptance, reason and appeal rights (Art. 32)
    request_correction  补正材料通知书    the one-time correction notice (Art. 32)
    approve             准予行政许可决定书 decision to grant; names the license it produces (Art. 38)
    deny                不予行政许可决定书 decision to refuse: reasons, legal basis, appeal rights (Art. 38)
    extend              延期通知书        notice of extension: the head's approval and reason (Art. 42)
    suspend             特别程序告知书    notice of an excluded period (Art. 45)

Two halves:

- **Opening** (`on_state_changed`, registered with `approvals.hooks` in
  `ApprovalsConfig.ready()`): inside the transition's transaction, the row
  is written with the facts the document states (`facts`), fixed then, and
  its delivery: electronic where the applicant has an account and asked for
  electronic delivery, post where they asked for post, otherwise at the window.
- **Producing** (`document_produce`, run by the task queued after the
  commit, and again by `produce_waiting_documents` for any left behind):
  render, seal, store. A decision to grant an item that produces a license
  waits for the license number (the licenses app queues it again once the
  license is issued).

Delivery (Art. 44): a decision (grant, refusal, non-acceptance) must reach the
applicant within 10 working days. Electronic delivery happens when the sealed
file exists; post is recorded as dispatched and then as received; the window
records the hand-over. `escalate_late_deliveries` (part of the deadline
sweep) tells the department's heads and supervision once about each late one.
The appeal deadlines of a refusal or non-acceptance run from delivery.
"""

from __future__ import annotations

import datetime
import hashlib
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals import hooks
from approvals.models import DOCUMENT_TITLES_ZH, Application, ApplicationEvent, DecisionDocument
from approvals.services import applicant_users, is_applicant
from approvals.workflow import Action
from deadlines.models import ClockPause
from deadlines.periods import add_months
from deadlines.selectors import stored_calendar
from deadlines.workdays import CalendarUnavailable
from portal import fonts
from portal.notifications import notify
from portal.pdf import SANS, SERIF, bilingual_date, qr_svg, render_html
from portal.permissions import has_role

logger = logging.getLogger(__name__)

Kind = DecisionDocument.Kind

KIND_FOR_ACTION = {
    Action.ACCEPT: Kind.ACCEPTANCE,
    Action.NOT_ACCEPT: Kind.NON_ACCEPTANCE,
    Action.REQUEST_CORRECTION: Kind.CORRECTION,
    Action.APPROVE: Kind.GRANT,
    Action.DENY: Kind.REFUSAL,
    Action.EXTEND: Kind.EXTENSION,
    Action.SUSPEND: Kind.EXCLUDED_PERIOD,
}

# The letters after the tracking number in a document's number: HLD-2026-000123-ZY1.
CODES = {
    Kind.ACCEPTANCE: "SL",
    Kind.NON_ACCEPTANCE: "BSL",
    Kind.CORRECTION: "BZ",
    Kind.GRANT: "ZY",
    Kind.REFUSAL: "BY",
    Kind.EXTENSION: "YQ",
    Kind.EXCLUDED_PERIOD: "TB",
}

# The article of the Administrative Licensing Law each document rests on, as printed.
ARTICLES = {
    Kind.ACCEPTANCE: ("第三十二条", "Art. 32"),
    Kind.NON_ACCEPTANCE: ("第三十二条", "Art. 32"),
    Kind.CORRECTION: ("第三十二条", "Art. 32"),
    Kind.GRANT: ("第三十八条、第四十四条", "Arts. 38 and 44"),
    Kind.REFUSAL: ("第三十八条", "Art. 38"),
    Kind.EXTENSION: ("第四十二条", "Art. 42"),
    Kind.EXCLUDED_PERIOD: ("第四十五条", "Art. 45"),
}

TEMPLATES = {kind: f"approvals/pdf/documents/{kind}.html" for kind in Kind.values}

# Art. 44: a decision reaches the applicant within 10 working days of being made.
DECISIONS = (Kind.GRANT, Kind.REFUSAL, Kind.NON_ACCEPTANCE)
DELIVERY_LIMIT_DAYS = 10
# Whoever is refused may apply for reconsideration within 60 days (行政复议法 第二十条) or sue
# within 6 months (行政诉讼法 第四十六条) of learning of the decision: from its delivery.
APPEALABLE = (Kind.REFUSAL, Kind.NON_ACCEPTANCE)
RECONSIDERATION_DAYS = 60
LITIGATION_MONTHS = 6

TASK_NAME = "approvals.documents"
POST_REFERENCE_MAX_LENGTH = 40


def _bilingual(label) -> dict:
    with translation.override("zh-hans"):
        zh = str(label)
    with translation.override("en"):
        en = str(label)
    return {"zh": zh, "en": en}


def _person_name(user) -> str:
    if user is None:
        return ""
    person = getattr(user, "person", None)
    return (person.real_name if person else "") or user.get_full_name() or user.email


def appeal_deadlines(delivered_on: datetime.date | None) -> dict | None:
    """The last days to apply for reconsideration and to sue, counted from delivery."""
    if delivered_on is None:
        return None
    return {
        "reconsideration_by": delivered_on + datetime.timedelta(days=RECONSIDERATION_DAYS),
        "litigation_by": add_months(delivered_on, LITIGATION_MONTHS),
    }


# -- opening a document with the step ------------------------------------------------------------


def on_state_changed(application: Application, event: ApplicationEvent) -> None:
    """The workflow calls this inside every transition (registered in `ApprovalsConfig.ready()`)."""
    kind = KIND_FOR_ACTION.get(event.action)
    if kind is None:
        return
    document = document_open(application=application, event=event, kind=kind)
    transaction.on_commit(lambda pk=document.pk: enqueue_produce(pk), robust=True)


def _delivery_of(application: Application) -> str:
    if application.delivery == Application.Delivery.POST:
        return DecisionDocument.Delivery.POST
    if applicant_users(application):
        return DecisionDocument.Delivery.ELECTRONIC
    if application.applicant_person.mobile:
        return DecisionDocument.Delivery.SMS  # a walk-in without an account, who gave a mobile number
    return DecisionDocument.Delivery.WINDOW  # a walk-in without an account collects it


def document_open(*, application: Application, event: ApplicationEvent, kind: str) -> DecisionDocument:
    """Write the document's row with what it states; the caller holds the application's lock."""
    sequence = DecisionDocument.objects.filter(application=application, kind=kind).count() + 1
    issued_on = timezone.localdate(event.at)
    delivery_due_on = None
    if kind in DECISIONS:
        try:
            delivery_due_on = stored_calendar(today=issued_on).add_working_days(issued_on, DELIVERY_LIMIT_DAYS)
        except CalendarUnavailable:
            logger.warning("decision %s: the calendar does not reach its delivery deadline yet", event.pk)
    document = DecisionDocument(
        number=f"{application.tracking_number}-{CODES[kind]}{sequence}",
        application=application,
        event=event,
        kind=kind,
        department_id=application.department_id,
        issued_at=event.at,
        facts=_facts(application, event, kind),
        delivery=_delivery_of(application),
        delivery_due_on=delivery_due_on,
    )
    document.full_clean()
    document.save()
    return document


def _facts(application: Application, event: ApplicationEvent, kind: str) -> dict:
    """What the document states, as of the step (names and dates are copied, not referred to)."""
    version = application.item_version
    department = application.department
    person = application.applicant_person
    enterprise = application.applicant_enterprise
    facts = {
        "tracking_number": application.tracking_number,
        "item": {"code": version.item.code, "zh": version.name_zh, "en": version.name_en or version.name_zh},
        "department": {"zh": department.name_zh, "en": department.name_en or department.name_zh},
        "window": {"zh": department.window, "en": department.window_en or department.window},
        "applicant": {
            "name": enterprise.name if enterprise else person.real_name,
            "id_masked": enterprise.masked_code if enterprise else person.masked_id,
            "agent": person.real_name if enterprise else "",
        },
        "received_on": timezone.localdate(application.received_at or application.submitted_at or event.at).isoformat(),
        "issued_on": timezone.localdate(event.at).isoformat(),
        "note": event.note,
        "officer": _person_name(event.actor),
    }
    if kind == Kind.ACCEPTANCE:
        facts.update(
            deemed=event.by_law,
            accepted_on=(event.received_on or timezone.localdate(event.at)).isoformat(),
            due_on=application.due_on.isoformat() if application.due_on else None,
            limit_days=version.promised_limit_days,
        )
    elif kind == Kind.CORRECTION:
        facts["items"] = event.correction_items
    elif kind == Kind.GRANT:
        facts["license_expected"] = version.license_type_id is not None
    elif kind == Kind.REFUSAL:
        basis = (event.data or {}).get("legal_basis")
        facts["legal_basis"] = {"zh": basis, "en": ""} if basis else {"zh": version.legal_basis_zh, "en": version.legal_basis_en}
    elif kind == Kind.EXTENSION:
        facts.update(days=(event.data or {}).get("days"), new_due_on=application.due_on.isoformat() if application.due_on else None)
        facts["statutory_limit_days"] = version.statutory_limit_days
    elif kind == Kind.EXCLUDED_PERIOD:
        pause = (event.data or {}).get("pause")
        facts.update(
            pause=_bilingual(ClockPause.Reason(pause).label),
            started_on=timezone.localdate(event.at).isoformat(),
            expected_days=event.expected_days,
            expected_end=(event.data or {}).get("expected_end"),
        )
    if kind in APPEALABLE:
        facts["appeal"] = {
            "reconsideration": {"zh": settings.RECONSIDERATION_BODY_ZH, "en": settings.RECONSIDERATION_BODY_EN},
            "court": {"zh": settings.LITIGATION_COURT_ZH, "en": settings.LITIGATION_COURT_EN},
        }
    return facts


# -- producing the sealed PDF -------------------------------------------------------------------


def enqueue_produce(document_id: int) -> None:
    """Queue production by name: the tasks call these services, not the other way round."""
    from celery import current_app

    current_app.signature("approvals.tasks.produce_document", args=(document_id,)).delay()


def enqueue_waiting_grants(*, application_id: int) -> None:
    """The licenses app calls this once an application's license is issued: its decision to grant,
    which names the license, can now be produced (after the caller's commit)."""
    for pk in DecisionDocument.objects.awaiting_production().filter(
        application_id=application_id, kind=Kind.GRANT
    ).values_list("pk", flat=True):
        transaction.on_commit(lambda pk=pk: enqueue_produce(pk), robust=True)


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def verify_url(document: DecisionDocument) -> str:
    return settings.SITE_URL + reverse("decision_verify", args=[document.number])


def context_for(document: DecisionDocument, *, licenses: list[dict], delivered_on: datetime.date | None) -> dict:
    """What a document's template prints. `delivered_on`: known at production for electronic delivery."""
    facts = document.facts
    dates = {
        key: bilingual_date(_date(facts.get(key)))
        for key in ("received_on", "issued_on", "accepted_on", "due_on", "new_due_on", "started_on", "expected_end")
    }
    deadlines = appeal_deadlines(delivered_on) if document.kind in APPEALABLE else None
    return {
        "document": document,
        "facts": facts,
        "title_zh": DOCUMENT_TITLES_ZH[document.kind],
        "title_en": _bilingual(document.get_kind_display())["en"],
        "article": ARTICLES[document.kind],
        "dates": dates,
        "licenses": licenses,
        "delivered_on": bilingual_date(delivered_on),
        "reconsideration_by": bilingual_date(deadlines["reconsideration_by"]) if deadlines else None,
        "litigation_by": bilingual_date(deadlines["litigation_by"]) if deadlines else None,
        "reconsideration_days": RECONSIDERATION_DAYS,
        "litigation_months": LITIGATION_MONTHS,
        "online_url": settings.SITE_URL + reverse("my_application", args=[document.application.uid]),
        "verify_url": verify_url(document),
        "qr": qr_svg(verify_url(document)),
        "font_faces": fonts.font_faces_css(),
        "font_sans": SANS,
        "font_serif": SERIF,
    }


def render(document: DecisionDocument, *, licenses: list[dict], delivered_on: datetime.date | None):
    return render_html(render_to_string(TEMPLATES[document.kind], context_for(document, licenses=licenses, delivered_on=delivered_on)))


def _file_name(document: DecisionDocument) -> str:
    return f"decisions/{document.application.uid}/{document.number}.pdf"


def document_produce(*, document_id: int, at: datetime.datetime | None = None) -> DecisionDocument | None:
    """Render, seal and store a document; None when there is nothing to do yet (already produced,
    or a grant waiting for its license number).

    One transaction holds the document's row from the render to the record, so two workers never
    seal it twice. The file has a fixed name: one left behind by a worker that died before its
    commit is replaced by the next attempt, never kept beside it.
    """
    from seals.models import Seal
    from seals.selectors import active_seal
    from seals.services import seal_pdf

    at = at or timezone.now()
    try:
        with transaction.atomic():
            document = (
                DecisionDocument.objects.select_for_update(of=("self",))
                .select_related("application__item_version", "department")
                .filter(pk=document_id)
                .first()
            )
            if document is None or document.is_produced:
                return None
            licenses = hooks.results(document.application)
            if document.kind == Kind.GRANT and document.facts.get("license_expected") and not licenses:
                return None  # the licenses app queues it again once the license is issued
            seal = active_seal(department=document.department, purpose=Seal.Purpose.APPROVAL)
            if seal is None:
                raise ValidationError(
                    _("%(department)s has no administrative approval seal in use; a seal administrator must issue one.")
                    % {"department": document.department.name}
                )
            electronic = document.delivery in (DecisionDocument.Delivery.ELECTRONIC, DecisionDocument.Delivery.SMS)
            delivered_on = timezone.localdate(at) if electronic else None
            rendered = render(document, licenses=licenses, delivered_on=delivered_on)
            signed = seal_pdf(
                rendered.pdf,
                seal=seal,
                reason=f"{DOCUMENT_TITLES_ZH[document.kind]} {document.number}",
                page=rendered.page,
                box=rendered.box,
                related=document,
                task=TASK_NAME,
                at=at,
            )
            name = _file_name(document)
            if default_storage.exists(name):
                default_storage.delete(name)  # left by an attempt that never committed
            stored = default_storage.save(name, ContentFile(signed))
            try:
                document.file.name = stored
                document.sha256 = hashlib.sha256(signed).hexdigest()
                document.size = len(signed)
                document.produced_at = at
                document.last_error = ""
                if electronic:
                    document.delivered_on = delivered_on
                document.facts = {**document.facts, "licenses": licenses}
                document.save()
            except BaseException:
                default_storage.delete(stored)
                raise
            if document.delivery == DecisionDocument.Delivery.SMS:
                transaction.on_commit(lambda pk=document.pk: send_link_by_sms(pk), robust=True)
    except Exception as exc:
        DecisionDocument.objects.filter(pk=document_id).update(attempts=F("attempts") + 1, last_error=str(exc)[:500])
        raise
    return document


def produce_waiting_documents(*, older_than: datetime.timedelta = datetime.timedelta(minutes=10), at=None) -> int:
    """Queue again every document still not produced some time after its step (a lost task, a
    missing seal since issued); returns how many. A grant waiting for its license is queued by
    the licenses app instead."""
    at = at or timezone.now()
    ids = list(
        DecisionDocument.objects.awaiting_production()
        .filter(issued_at__lte=at - older_than)
        .values_list("pk", flat=True)
    )
    for pk in ids:
        enqueue_produce(pk)
    return len(ids)


# -- delivery (Art. 44) ------------------------------------------------------------------------------

LINK_SALT = "approvals.documents.link"
LINK_DAYS = 60  # as long as the applicant has to apply for reconsideration


def link_token(document: DecisionDocument) -> str:
    """A signed token that lets whoever holds the SMS open this one document, for LINK_DAYS days."""
    return signing.dumps(str(document.uid), salt=LINK_SALT, compress=True)


def document_for_token(token: str, uid) -> bool:
    """Whether `token` is a valid, unexpired link token for the document `uid`."""
    try:
        return signing.loads(token, salt=LINK_SALT, max_age=datetime.timedelta(days=LINK_DAYS)) == str(uid)
    except signing.BadSignature:
        return False


def send_link_by_sms(document_id: int) -> None:
    """Send a walk-in without an account their sealed document: its title, number and a link."""
    from portal.sms import send_sms

    document = DecisionDocument.objects.select_related("application__applicant_person").get(pk=document_id)
    mobile = document.application.applicant_person.mobile
    if not mobile:
        return
    url = settings.SITE_URL + reverse("decision_document", args=[document.uid]) + "?" + urlencode({"t": link_token(document)})
    with translation.override("zh-hans"):
        send_sms(
            mobile,
            _("%(title)s %(number)s (application %(tracking)s) is ready: %(url)s") % {
                "title": DOCUMENT_TITLES_ZH[document.kind],
                "number": document.number,
                "tracking": document.application.tracking_number,
                "url": url,
            },
        )


def _require_department(actor, document: DecisionDocument) -> None:
    if not has_role(actor, ("approver", "head"), department=document.department):
        raise PermissionDenied(_("Only the deciding department records the delivery of its documents."))


@transaction.atomic
def document_dispatch(*, document: DecisionDocument, actor, post_reference: str, at=None) -> DecisionDocument:
    """The department posted the document (and the license with a grant): record the tracking number."""
    at = at or timezone.now()
    document = DecisionDocument.objects.select_for_update().select_related("department").get(pk=document.pk)
    _require_department(actor, document)
    post_reference = " ".join((post_reference or "").split())
    if document.delivery != DecisionDocument.Delivery.POST:
        raise ValidationError(_("This document is not delivered by post."))
    if not document.is_produced:
        raise ValidationError(_("The sealed document is not ready yet: post it once it is."))
    if document.dispatched_at is not None:
        raise ValidationError(_("Its dispatch is already recorded."))
    if not post_reference:
        raise ValidationError({"post_reference": _("Enter the postal tracking number.")})
    if len(post_reference) > POST_REFERENCE_MAX_LENGTH:
        raise ValidationError({"post_reference": _("A postal tracking number has at most 40 characters.")})
    document.dispatched_at, document.post_reference, document.delivery_recorded_by = at, post_reference, actor
    document.save(update_fields=["dispatched_at", "post_reference", "delivery_recorded_by"])
    return document


@transaction.atomic
def document_delivered(*, document: DecisionDocument, actor, delivered_on: datetime.date, at=None) -> DecisionDocument:
    """The document reached the applicant on `delivered_on` (the postal receipt, or the hand-over at the window)."""
    at = at or timezone.now()
    document = DecisionDocument.objects.select_for_update().select_related("department", "application").get(pk=document.pk)
    _require_department(actor, document)
    if document.delivered_on is not None:
        raise ValidationError(_("Its delivery is already recorded."))
    if not document.is_produced:
        raise ValidationError(_("The sealed document is not ready yet."))
    if document.delivery == DecisionDocument.Delivery.POST and document.dispatched_at is None:
        raise ValidationError(_("Record the dispatch first."))
    if delivered_on is None:
        raise ValidationError({"delivered_on": _("Enter the day it was delivered.")})
    earliest = timezone.localdate(document.dispatched_at or document.issued_at)
    if not earliest <= delivered_on <= timezone.localdate(at):
        raise ValidationError({"delivered_on": _("The day of delivery is between its issue and today.")})
    document.delivered_on, document.delivery_recorded_by = delivered_on, actor
    document.save(update_fields=["delivered_on", "delivery_recorded_by"])
    return document


LATE_DELIVERY = (
    gettext_lazy("{number}: not delivered in time"),
    gettext_lazy(
        "The {title} {number} of application {tracking} was due to reach the applicant by {due} (10 working "
        "days after the decision, Art. 44) and its delivery is not recorded."
    ),
)


def escalate_late_deliveries(*, today: datetime.date, at: datetime.datetime) -> int:
    """Tell the deciding department's heads and every supervisor, once, of each decision not delivered
    by its deadline. Returns how many were escalated."""
    from portal.models import StaffRole, User

    late = list(
        DecisionDocument.objects.filter(
            delivered_on__isnull=True, delivery_due_on__lt=today, escalated_at__isnull=True
        ).select_related("application")
    )
    if not late:
        return 0
    supervisors = list(
        User.objects.filter(
            is_active=True, staff_roles__role=StaffRole.Role.SUPERVISOR, staff_roles__department__isnull=True
        ).distinct()
    )
    heads: dict[int, list] = {}  # department id → its active heads, read once per department
    count = 0
    for document in late:
        with transaction.atomic():
            if not DecisionDocument.objects.filter(pk=document.pk, escalated_at__isnull=True).update(escalated_at=at):
                continue  # another sweep got there first
            if document.department_id not in heads:
                heads[document.department_id] = list(
                    User.objects.filter(
                        is_active=True,
                        staff_roles__role=StaffRole.Role.HEAD,
                        staff_roles__department_id=document.department_id,
                    ).distinct()
                )
            recipients = {user.pk: user for user in heads[document.department_id] + supervisors}.values()
            subject, body = LATE_DELIVERY
            notify(
                recipients=list(recipients),
                subject=format_lazy(subject, number=document.number),
                body=format_lazy(
                    body,
                    title=document.get_kind_display(),
                    number=document.number,
                    tracking=document.application.tracking_number,
                    due=document.delivery_due_on.isoformat(),
                ),
                link=reverse("desk_application", args=[document.application.tracking_number]),
            )
            count += 1
    return count


# -- who may fetch a document -------------------------------------------------------------------


def can_fetch(user, document: DecisionDocument) -> bool:
    """The applicant, the deciding department's approvers and heads, and supervision."""
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        is_applicant(user, document.application)
        or has_role(user, ("approver", "head"), department=document.department)
        or has_role(user, "supervisor")
    )


# -- samples, for reviewing the wording -------------------------------------------------------------


def sample_pdf(kind: str, *, today: datetime.date) -> bytes:
    """One kind of document for a made-up application, unsealed and marked as a sample."""
    calendar = stored_calendar(today=today)
    later = calendar.add_working_days(today, 5)
    application = Application(tracking_number=f"{settings.CITY_CODE}-{today.year}-000000")
    document = DecisionDocument(
        number=f"{application.tracking_number}-{CODES[kind]}1",
        application=application,
        kind=kind,
        issued_at=timezone.now(),
        facts={
            "tracking_number": application.tracking_number,
            "item": {"code": "XXX-000", "zh": "（示例）事项名称", "en": "(Sample) name of the item"},
            "department": {"zh": "（示例）审批部门", "en": "(Sample) deciding department"},
            "window": {"zh": "（示例）市政务服务中心一楼综合窗口", "en": "(Sample) Citizen Centre, floor 1, comprehensive windows"},
            "applicant": {"name": "张三", "id_masked": "2114**********1234", "agent": ""},
            "received_on": today.isoformat(),
            "issued_on": today.isoformat(),
            "note": "（示例）审批人员填写的理由。",
            "officer": "李四",
            "deemed": False,
            "accepted_on": today.isoformat(),
            "due_on": later.isoformat(),
            "new_due_on": later.isoformat(),
            "limit_days": 5,
            "days": 5,
            "statutory_limit_days": 20,
            "items": [{"name": "（示例）材料名称", "problem": "（示例）问题", "remedy": "（示例）补正方式"}],
            "license_expected": True,
            "legal_basis": {"zh": "（示例）法律依据", "en": "(Sample) legal basis"},
            "pause": _bilingual(ClockPause.Reason.INSPECTION.label),
            "started_on": today.isoformat(),
            "expected_days": 5,
            "expected_end": later.isoformat(),
            "appeal": {
                "reconsideration": {"zh": settings.RECONSIDERATION_BODY_ZH, "en": settings.RECONSIDERATION_BODY_EN},
                "court": {"zh": settings.LITIGATION_COURT_ZH, "en": settings.LITIGATION_COURT_EN},
            },
        },
    )
    context = context_for(
        document,
        licenses=[{"number": "XXX-0000-00000", "name_zh": "（示例）证照名称", "name_en": "(Sample) license"}],
        delivered_on=today,
    )
    context["sample"] = True
    return render_html(render_to_string(TEMPLATES[kind], context)).pdf
