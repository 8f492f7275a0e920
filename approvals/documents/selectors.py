"""Reading decision documents."""

from __future__ import annotations

import uuid

from django.utils import timezone

from approvals.models import DecisionDocument
from portal.identifiers import mask_name


def document_by_uid(uid) -> DecisionDocument | None:
    try:
        uid = uuid.UUID(str(uid))
    except ValueError:
        return None
    return (
        DecisionDocument.objects.select_related("application__applicant_person", "application__applicant_enterprise", "department")
        .filter(uid=uid)
        .first()
    )


def document_by_number(number: str) -> DecisionDocument | None:
    return (
        DecisionDocument.objects.select_related("department", "application")
        .filter(number=(number or "").strip().upper()[:40])
        .first()
    )


def document_for_sha256(sha256: str) -> DecisionDocument | None:
    return DecisionDocument.objects.select_related("department", "application").filter(sha256=sha256).first()


def masked_applicant(document: DecisionDocument) -> str:
    applicant = document.facts.get("applicant", {})
    return mask_name(applicant.get("name", ""), enterprise=bool(applicant.get("agent")))


def documents_of(application) -> list[DecisionDocument]:
    """An application's documents, oldest first, with what their pages show of delivery and appeal."""
    from approvals.documents.services import APPEALABLE, appeal_deadlines

    documents = list(application.documents.all())
    for document in documents:
        document.appeal = appeal_deadlines(document.delivered_on) if document.kind in APPEALABLE else None
        document.delivery_late = (
            document.delivered_on is None
            and document.delivery_due_on is not None
            and document.delivery_due_on < timezone.localdate()
        )
    return documents


def wording_samples() -> list[dict]:
    """Each kind of document, with the article it rests on and its template, for review."""
    from approvals.documents.services import ARTICLES, TEMPLATES

    return [
        {"kind": kind, "title": label, "article": ARTICLES[kind], "template": TEMPLATES[kind]}
        for kind, label in DecisionDocument.Kind.choices
    ]
