"""Subjects of the access log: a resident ID number or a unified social credit code, kept only
as a keyed hash (HMAC-SHA256 under `settings.ACCESS_LOG_SUBJECT_KEY`) and a masked form.

The key makes the hash useless to whoever copies the table without the key: unkeyed, the
hash of an 18-character ID could be found by trying every plausible number.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.identifiers import mask_identifier, validate_credit_code, validate_resident_id


@dataclass(frozen=True)
class Subject:
    number: str  # normalised; never stored
    is_resident_id: bool
    is_credit_code: bool

    @property
    def digest(self) -> str:
        return subject_hash(self.number)

    @property
    def masked(self) -> str:
        return mask_identifier(self.number)


def subject_hash(number: str) -> str:
    """The keyed hash of a normalised resident ID number or credit code."""
    return hmac.new(settings.ACCESS_LOG_SUBJECT_KEY.encode(), number.encode(), hashlib.sha256).hexdigest()


def parse_subject(value: str, *, today: date) -> Subject:
    """A valid resident ID number or unified social credit code, or ValidationError."""
    found = {}
    for name, validate in (("resident", lambda v: validate_resident_id(v, today=today)), ("credit", validate_credit_code)):
        try:
            found[name] = validate(value)
        except ValidationError:
            pass
    if not found:
        raise ValidationError(
            _("The subject must be a valid resident ID number or unified social credit code."), code="invalid_subject"
        )
    return Subject(number=next(iter(found.values())), is_resident_id="resident" in found, is_credit_code="credit" in found)
