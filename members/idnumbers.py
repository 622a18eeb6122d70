"""Resident identity card numbers (居民身份证号码, GB 11643-1999).

18 characters: a 6-digit region code, the birth date as YYYYMMDD, a 3-digit sequence
whose last digit is odd for men and even for women, and an ISO 7064 MOD 11-2 check
character (0-9 or X).
"""

import datetime as dt
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")


def normalize(raw: str) -> str:
    """The number as stored: full-width digits and letters folded (３３０６…), spaces and
    invisible characters (zero-width spaces pasted from other systems) dropped, a
    trailing x upper-case, as people type all of these."""
    return re.sub(
        r"[\s\u200b-\u200d\u2060\ufeff]+", "", unicodedata.normalize("NFKC", raw or "")
    ).upper()


def check_character(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def birth_date(number: str) -> dt.date:
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def gender_code(number: str) -> str:
    """'M' or 'F' from the sequence digit."""
    return "M" if int(number[16]) % 2 else "F"


def validate_id_number(value: str) -> None:
    """Raise ValidationError unless value is a well-formed 18-character ID number."""
    number = normalize(value)
    if not _SHAPE.match(number):
        raise ValidationError(
            _("An ID number has 18 characters: 17 digits and a final digit or X."),
            code="id_shape",
        )
    try:
        born = birth_date(number)
    except ValueError:
        raise ValidationError(
            _("The ID number does not contain a valid birth date."), code="id_birth_date"
        ) from None
    if born.year < 1900 or born > dt.date.today():
        raise ValidationError(
            _("The ID number does not contain a valid birth date."), code="id_birth_date"
        )
    if check_character(number[:17]) != number[17]:
        raise ValidationError(
            _("The ID number's check digit is wrong: please check it for a typing error."),
            code="id_check_digit",
        )


def mask(number: str) -> str:
    """Show the first three and last four characters only: 330***********123X."""
    if not number:
        return ""
    if len(number) <= 7:
        return "*" * len(number)
    return f"{number[:3]}{'*' * (len(number) - 7)}{number[-4:]}"


def make_id_number(region: str, born: dt.date, sequence: int) -> str:
    """Build a valid number (for demo data and tests): sequence is 0-999."""
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)
