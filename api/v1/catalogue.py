"""The published approval list, for departmental systems (scope catalogue:read)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from api import pagination
from api.auth import MachineToken
from api.models import Scope
from api.problems import CONTENT_TYPE, Gone, NotFound, Problem
from services import selectors
from services.models import ListVersion
from services.services import ItemNotOnList, item_for_new_application
from services.terms import terms_dict

router = Router(tags=["catalogue"])
READ = MachineToken(Scope.CATALOGUE_READ)
SECURITY = [{"MachineToken": [Scope.CATALOGUE_READ]}]
MAX_LIMIT = 200


class DepartmentOut(Schema):
    code: str
    name_zh: str
    name_en: str


class ItemOut(Schema):
    code: str
    name_zh: str
    name_en: str
    department: DepartmentOut
    audience: str
    kind: str
    statutory_limit_days: int
    promised_limit_days: int
    fee_yuan: Decimal
    online_level: str
    max_visits: int
    license_type: str | None = Field(None, description="The code of the license type the item produces.")
    url: str = Field(description="The item's page in the public catalogue.")


class ItemPage(Schema):
    list_version: int | None = Field(description="The version of the list this walk reads.")
    items: list[ItemOut]
    next: str | None = Field(description="The next page; null on the last one.")


class ItemVersionOut(Schema):
    first_published_in: int = Field(description="The list version that first published these terms.")
    published_at: datetime.datetime
    status: str
    current: bool


class ItemDetail(Schema):
    list_version: int
    terms_first_published_in: int
    item: dict = Field(description="Every term of the item, as the list's export gives it.")
    versions: list[ItemVersionOut]


class Filters(Schema):
    department: str = Field("", description="A department's code.")
    audience: Literal["", "person", "enterprise"] = Field(
        "", description="person or enterprise (items for both are included)."
    )
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    cursor: str = Field("", description="The cursor of the previous page's next link.")


class BadCursor(Problem):
    status = 400
    kind = "bad-cursor"


BAD_CURSOR = {
    "400": {
        "description": "A cursor that the API did not issue",
        "content": {CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
}


def _item_out(request, version) -> dict:
    item = version.item
    return {
        "code": item.code,
        "name_zh": version.name_zh,
        "name_en": version.name_en,
        "department": item.department,
        "audience": version.audience,
        "kind": version.kind,
        "statutory_limit_days": version.statutory_limit_days,
        "promised_limit_days": version.promised_limit_days,
        "fee_yuan": version.fee_yuan,
        "online_level": version.online_level,
        "max_visits": version.max_visits,
        "license_type": version.license_type.code if version.license_type_id else None,
        "url": request.build_absolute_uri(reverse("catalogue_item", args=[item.code])),
    }


@router.get(
    "/items",
    response=ItemPage,
    auth=READ,
    url_name="catalogue_items",
    summary="The items on the published list",
    openapi_extra={"security": SECURITY, "responses": BAD_CURSOR},
)
def catalogue_items(request, filters: Query[Filters]):
    if filters.cursor:
        try:
            position = pagination.decode(filters.cursor)
        except pagination.BadCursor:
            raise BadCursor(_("This cursor is not one we gave. Start again without it.")) from None
        list_version = ListVersion.objects.filter(number=position.list_version).first()
        if list_version is None:
            raise BadCursor(_("This cursor is not one we gave. Start again without it."))
    else:
        list_version = selectors.current_list(at=timezone.now())
        position = pagination.Position(list_version=list_version.number if list_version else 0)
    items = selectors.catalogue_items(
        list_version=list_version,
        filters=selectors.CatalogueFilters(department=filters.department, audience=filters.audience),
    )
    if position.after:
        items = items.filter(item__code__gt=position.after)
    page = list(items[: filters.limit + 1])
    more = len(page) > filters.limit
    page = page[: filters.limit]
    next_url = None
    if more:
        next_url = pagination.next_link(
            request,
            pagination.Position(list_version=position.list_version, after=page[-1].item.code),
            department=filters.department,
            audience=filters.audience,
            limit=filters.limit,
        )
    return {
        "list_version": list_version.number if list_version else None,
        "items": [_item_out(request, version) for version in page],
        "next": next_url,
    }


@router.get(
    "/items/{code}",
    response=ItemDetail,
    auth=READ,
    url_name="catalogue_item",
    summary="One item on the published list, with its published versions",
    openapi_extra={"security": SECURITY},
)
def catalogue_item(request, code: str):
    at = timezone.now()
    try:
        version = item_for_new_application(code=code, at=at)
    except ItemNotOnList as exc:
        problem = Gone if exc.reason == ItemNotOnList.RETIRED else NotFound
        raise problem(exc.messages[0]) from None
    current = selectors.current_list(at=at)
    return {
        "list_version": current.number,
        "terms_first_published_in": version.published_in.number,
        "item": terms_dict(version),
        "versions": [
            {
                "first_published_in": snapshot.published_in.number,
                "published_at": snapshot.published_in.published_at,
                "status": snapshot.status,
                "current": snapshot.pk == version.pk,
            }
            for snapshot in selectors.item_history(version.item, at=at)
        ],
    }
