"""The subject of a read is kept as a keyed hash and a masked form, never as the number."""

from django.db import connection

from api.access.models import AccessLogEntry
from api.access.subjects import subject_hash
from tests.factories import make_resident_id


def test_it_never_stores_the_number(read, applicant):
    number = applicant.person.resident_id
    entry = read(number)

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {AccessLogEntry._meta.db_table}")
        stored = [str(value) for row in cursor.fetchall() for value in row]
    assert stored and not any(number in value for value in stored)
    assert entry.subject_hash != number and len(entry.subject_hash) == 64


def test_the_same_number_gives_the_same_hash(read):
    number = make_resident_id(birth="19851010")
    first, second = read(number), read(f" {number.lower()} ")

    assert first.subject_hash == second.subject_hash == subject_hash(number)
    assert read(make_resident_id(birth="19851010")).subject_hash != first.subject_hash


def test_the_hash_depends_on_the_key(read, settings):
    number = make_resident_id()
    first = read(number)

    settings.ACCESS_LOG_SUBJECT_KEY = "another key"

    assert read(number).subject_hash != first.subject_hash


def test_it_keeps_a_masked_form(read, applicant, enterprise_member):
    number = applicant.person.resident_id
    code = enterprise_member.enterprise.credit_code

    assert read(number).subject_masked == f"{number[:3]}***********{number[-4:]}" == applicant.person.masked_id
    assert read(code).subject_masked == f"{code[:3]}***********{code[-4:]}"
