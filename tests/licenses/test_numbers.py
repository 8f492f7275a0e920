"""License numbers: prefix, year, sequence and a keyed check group that makes them unguessable."""

from hypothesis import given
from hypothesis import strategies as st

from licenses import numbers


def test_it_formats_prefix_year_sequence_and_check_group(settings):
    number = numbers.format_number(prefix="YYZZ", year=2026, sequence=123)

    body, check = number.rsplit("-", 1)
    assert body == "YYZZ-2026-000123"
    assert len(check) == 5 and set(check) <= set(numbers.ALPHABET)
    assert numbers.is_well_formed(number)


def test_the_check_group_depends_on_the_key(settings):
    settings.LICENSE_NUMBER_KEY = "one key"
    first = numbers.format_number(prefix="YYZZ", year=2026, sequence=1)
    settings.LICENSE_NUMBER_KEY = "another key"
    assert numbers.format_number(prefix="YYZZ", year=2026, sequence=1) != first
    assert not numbers.is_well_formed(first)


def test_neighbours_cannot_be_derived():
    checks = {numbers.format_number(prefix="YYZZ", year=2026, sequence=n).rsplit("-", 1)[1] for n in range(1, 2001)}
    assert len(checks) > 1990  # no pattern to walk along: practically all distinct


@given(st.integers(min_value=1, max_value=999_999), st.sampled_from(["YYZZ", "SGXK", "PF", "T1"]))
def test_every_issued_number_checks_and_a_changed_character_does_not(sequence, prefix):
    number = numbers.format_number(prefix=prefix, year=2026, sequence=sequence)
    assert numbers.is_well_formed(number)
    assert numbers.is_well_formed(numbers.normalise(f"  {number.lower()} "))
    for i, char in enumerate(number):
        if char == "-":
            continue
        replacement = "3" if char != "3" else "4"
        assert not numbers.is_well_formed(number[:i] + replacement + number[i + 1 :])


def test_it_refuses_malformed_input():
    for value in ["", "YYZZ", "YYZZ-2026-000001", "../etc/passwd", "YYZZ-2026-000001-0OI1L", "x" * 200]:
        assert not numbers.is_well_formed(value)
