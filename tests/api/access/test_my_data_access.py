"""/me/data-access/: a citizen reads every API read of their data and of their enterprises', and nobody else's."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import NOW
from tests.factories import MembershipFactory

URL = "/me/data-access/"


def body(response) -> str:
    return response.content.decode()


@pytest.fixture
def reads(read, applicant, enterprise_member, outsider, other_client):
    """The applicant read twice (once by another department), the member's enterprise once, the outsider once."""
    return {
        "mine": read(applicant.person.resident_id, reference="MKT-2026-0101", at=NOW - timedelta(days=2)),
        "mine_too": read(
            applicant.person.resident_id, client=other_client, purpose_code="enforcement-inspection",
            reference="ZJ-JC-2026-77", result="not_found", at=NOW - timedelta(hours=1),
        ),
        "enterprise": read(enterprise_member.enterprise.credit_code, reference="MKT-2026-0202", at=NOW - timedelta(days=1)),
        "outsider": read(outsider.person.resident_id, reference="MKT-2026-0303", at=NOW),
    }


def test_it_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_it_shows_a_person_every_read_of_their_data(client, applicant, reads, department, other_department):
    client.force_login(applicant)

    page = body(client.get(URL))

    assert "MKT-2026-0101" in page and "ZJ-JC-2026-77" in page
    assert department.name_zh in page and other_department.name_zh in page
    assert "证照核验" in page and "执法检查" in page
    assert applicant.person.masked_id in page and applicant.person.resident_id not in page
    # newest first, at the local time of the read
    assert page.index("ZJ-JC-2026-77") < page.index("MKT-2026-0101")
    assert "09:00" in page and "2026年11月26日" in page
    assert "MKT-2026-0202" not in page and "MKT-2026-0303" not in page


def test_it_shows_a_member_their_enterprises_reads_labelled(client, enterprise_member, reads):
    client.force_login(enterprise_member.user)

    page = body(client.get(URL))

    assert "MKT-2026-0202" in page and enterprise_member.enterprise.name in page
    assert "MKT-2026-0101" not in page and "ZJ-JC-2026-77" not in page and "MKT-2026-0303" not in page


def test_another_citizen_sees_none_of_them(client, outsider, reads, applicant, enterprise_member):
    client.force_login(outsider)

    page = body(client.get(URL))

    assert "MKT-2026-0303" in page
    for marker in ("MKT-2026-0101", "ZJ-JC-2026-77", "MKT-2026-0202", enterprise_member.enterprise.name):
        assert marker not in page


def test_a_citizen_nobody_read_sees_an_empty_page(client, reads):
    from tests.factories import citizen

    client.force_login(citizen())

    page = body(client.get(URL))

    assert 'class="empty"' in page
    assert "MKT-2026" not in page and "ZJ-JC" not in page


def test_a_read_made_before_the_profile_was_completed_is_shown(client, read, applicant):
    from tests.factories import make_resident_id

    number = make_resident_id(birth="19770707")
    read(number, reference="EARLY-1")
    person = applicant.person
    person.resident_id = number
    person.save()
    client.force_login(applicant)

    assert "EARLY-1" in body(client.get(URL))


def test_it_is_chinese_by_default_and_english_on_request(client, english, applicant, reads, department):
    english.force_login(applicant)
    en = body(english.get(URL))

    assert '<html lang="en"' in en
    assert "License verification" in en and department.name_en in en and "Thursday 26 November 2026" in en

    client.cookies.clear()
    client.force_login(applicant)
    zh = body(client.get(URL))
    assert '<html lang="zh-Hans"' in zh
    assert "证照核验" in zh and department.name_zh in zh and "License verification" not in zh


def test_the_complaint_button_fills_in_the_complaint_form(client, applicant, reads, department):
    client.force_login(applicant)
    page = body(client.get(URL))
    entry = reads["mine"]
    link = next(
        part.split('"')[0].replace("&amp;", "&")
        for part in page.split('href="')[1:]
        if part.startswith(reverse("complaints_new")) and f"department={department.pk}" in part.split('"')[0]
    )
    query = parse_qs(urlsplit(link).query)
    assert query["about"] == ["department"] and query["department"] == [str(department.pk)]
    assert "MKT-2026-0101" in query["text"][0] and f"{entry.seq}" in query["text"][0]

    form = client.get(link).context["form"]

    assert form.initial["about"] == "department"
    assert form.initial["department"] == department.pk
    assert "MKT-2026-0101" in form.initial["text"] and "证照核验" in form.initial["text"]
    page = body(client.get(link))
    assert f'<option value="{department.pk}" selected>' in page
    assert "MKT-2026-0101" in page


def test_the_complaint_names_the_enterprise_for_an_enterprise_read(client, enterprise_member, reads):
    client.force_login(enterprise_member.user)
    page = body(client.get(URL))

    link = page.split(f'href="{reverse("complaints_new")}?')[1].split('"')[0].replace("&amp;", "&")

    assert enterprise_member.enterprise.name in parse_qs(link)["text"][0]


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_it_runs_a_fixed_number_of_queries_for_3_and_30_entries(client, read, applicant):
    enterprise = MembershipFactory(user=applicant).enterprise
    MembershipFactory(user=applicant)  # a second enterprise, never read

    def add(count):
        for n in range(count):
            read(applicant.person.resident_id if n % 2 else enterprise.credit_code, reference=f"MKT-{n}")

    client.force_login(applicant)
    add(3)
    client.get(URL)  # the session's first page
    with_3 = _queries(client)
    add(27)
    with_30 = _queries(client)

    assert with_3 == with_30 <= 12
