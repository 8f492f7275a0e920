"""Chinese identifiers: resident ID numbers (GB 11643) and unified social
credit codes (GB 32100). Every input path calls these validators, and every
page and PDF shows the values through `mask_identifier`.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_RESIDENT_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT_CHECK = "10X98765432"

# GB 32100: digits and upper-case letters without I, O, Z, S and V.
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _normalise(value) -> str:
    return "".join(str(value or "").split()).upper()


def resident_id_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _RESIDENT_WEIGHTS, strict=True))
    return _RESIDENT_CHECK[total % 11]


def validate_resident_id(value, *, today: datetime.date | None = None) -> str:
    """Return the normalised resident ID number (upper-case X) or raise ValidationError."""
    number = _normalise(value)
    if len(number) != 18:
        raise ValidationError(
            _("A resident ID number has 18 characters; this one has %(count)d."),
            code="length",
            params={"count": len(number)},
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(
            _("A resident ID number has 17 digits followed by a digit or X."), code="characters"
        )
    try:
        birth = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("The birth date in this resident ID number (%(digits)s) is not a real date."),
            code="birth_date",
            params={"digits": number[6:14]},
        ) from None
    today = today or datetime.date.today()
    if birth > today:
        raise ValidationError(
            _("The birth date in this resident ID number (%(date)s) is not possible."),
            code="birth_date",
            params={"date": birth.isoformat()},
        )
    if resident_id_check_char(number[:17]) != number[17]:
        raise ValidationError(
            _("This resident ID number is not valid: its last character does not match. Please check it."),
            code="checksum",
        )
    return number


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value) -> str:
    """Return the normalised unified social credit code or raise ValidationError."""
    code = _normalise(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(count)d."),
            code="length",
            params={"count": len(code)},
        )
    bad = sorted({c for c in code if c not in CREDIT_ALPHABET})
    if bad:
        raise ValidationError(
            _("A unified social credit code cannot contain %(chars)s (the letters I, O, Z, S and V are never used)."),
            code="characters",
            params={"chars": ", ".join(bad)},
        )
    if not code[2:8].isdigit():
        raise ValidationError(
            _("Characters 3 to 8 of a unified social credit code are the region code and must be digits."),
            code="region",
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError(
            _("This unified social credit code is not valid: its last character does not match. Please check it."),
            code="checksum",
        )
    return code


def mask_identifier(value: str) -> str:
    """Show the first three and last four characters only: 110***********002X."""
    value = value or ""
    if len(value) <= 7:
        return "*" * len(value)
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


def mask_name(name: str, *, enterprise: bool) -> str:
    """A name as public check pages show it: 王*明, 李*; 葫芦岛****有限公司."""
    name = name or ""
    if enterprise:
        if len(name) <= 6:
            return name[:2] + "*" * max(len(name) - 2, 0)
        return name[:3] + "*" * (len(name) - 7) + name[-4:]
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def validate_mobile(value: str) -> str:
    """A mainland mobile number, 11 digits from 13…–19…; spaces and a +86 prefix are dropped."""
    text = "".join((value or "").split()).replace("-", "")
    if text.startswith("+86"):
        text = text[3:]
    if not MOBILE_RE.match(text):
        raise ValidationError(_("Enter a mobile number of 11 digits, such as 13812345678."))
    return text
