import datetime

import pytest
from django.core.exceptions import ValidationError

from portal.identifiers import mask_identifier, validate_credit_code, validate_resident_id

TODAY = datetime.date(2026, 11, 26)

# Valid values were checked by hand against the published algorithms.
RESIDENT_CASES = [
    # value, expected (normalised) or the error code
    ("11010519491231002X", "11010519491231002X"),
    ("11010519491231002x", "11010519491231002X"),  # lower-case x is normalised
    (" 110105 19491231 002X ", "11010519491231002X"),  # spaces are dropped
    ("440524188001010014", "440524188001010014"),
    ("110105194912310021", "checksum"),  # wrong check character
    ("110105190002290017", "birth_date"),  # 29 February 1900: not a leap year
    ("110105202902280012", "birth_date"),  # born in 2029: in the future
    ("11010519491231002", "length"),  # 17 characters
    ("11010519491231002XX", "length"),  # 19 characters
    ("1101051949123100AX", "characters"),
    ("", "length"),
]


@pytest.mark.parametrize("value,expected", RESIDENT_CASES)
def test_it_validates_resident_ids(value, expected):
    if len(expected) == 18:
        assert validate_resident_id(value, today=TODAY) == expected
    else:
        with pytest.raises(ValidationError) as info:
            validate_resident_id(value, today=TODAY)
        assert info.value.code == expected
        assert str(info.value.messages[0])  # a human message, not just a code


def test_it_accepts_29_february_of_a_leap_year():
    first17 = "11010520000229001"
    from portal.identifiers import resident_id_check_char

    assert validate_resident_id(first17 + resident_id_check_char(first17), today=TODAY).startswith("1101052000")


CREDIT_CASES = [
    ("91350100M000100Y43", "91350100M000100Y43"),
    ("91350100m000100y43", "91350100M000100Y43"),  # lower case is normalised
    ("91350100M000100Y42", "checksum"),
    ("91350100M000100I43", "characters"),  # I is never used
    ("91350100O000100Y43", "characters"),  # O
    ("91350100Z000100Y43", "characters"),  # Z
    ("91350100S000100Y43", "characters"),  # S
    ("91350100V000100Y43", "characters"),  # V
    ("91350100M000100Y4", "length"),
    ("91350100M000100Y433", "length"),
    ("91AB0100M000100Y43", "region"),
]


@pytest.mark.parametrize("value,expected", CREDIT_CASES)
def test_it_validates_credit_codes(value, expected):
    if len(expected) == 18:
        assert validate_credit_code(value) == expected
    else:
        with pytest.raises(ValidationError) as info:
            validate_credit_code(value)
        assert info.value.code == expected


def test_it_names_the_forbidden_letter_in_chinese(settings):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as info:
        validate_credit_code("91350100M000100I43")
    assert "I" in info.value.messages[0]
    assert "统一社会信用代码" in info.value.messages[0]


def test_it_masks_identifiers():
    assert mask_identifier("11010519491231002X") == "110***********002X"
    assert mask_identifier("91350100M000100Y43") == "913***********0Y43"
