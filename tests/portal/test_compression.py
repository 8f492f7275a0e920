"""Pages go out gzip-compressed to clients that accept it, padded against BREACH by Django."""

import gzip

import pytest
from django.urls import reverse

from tests.services.factories import make_item, publish

pytestmark = pytest.mark.django_db


def test_it_compresses_a_large_page_for_a_client_that_accepts_gzip(english, department):
    make_item(department, code="MKT-101", name_zh="小餐饮经营许可", name_en="Small eatery license")
    publish()
    plain = english.get(reverse("catalogue"))
    assert "Content-Encoding" not in plain and len(plain.content) > 2000
    compressed = english.get(reverse("catalogue"), HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert compressed["Content-Encoding"] == "gzip" and "Accept-Encoding" in compressed["Vary"]
    assert gzip.decompress(compressed.content) == plain.content
    assert len(compressed.content) < len(plain.content) / 2
    # The ETag of a compressed page is weak, and still answers a conditional request.
    assert compressed["ETag"].startswith("W/")
    again = english.get(reverse("catalogue"), HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=compressed["ETag"])
    assert again.status_code == 304
