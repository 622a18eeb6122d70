"""Resident identity card numbers (居民身份证号码, GB 11643-1999).

18 characters: a 6-digit region code, the birth date as YYYYMMDD, a 3-digit sequence
whose last digit is odd for men and even for women, and an ISO 7064 MOD 11-2 check
character (0-9 or X).
"""

import datetime as dt
import functools
import hashlib
import hmac
import re
import unicodedata

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
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


# --- at rest: encrypted, and found by a keyed hash -------------------------------------------
#
# The whole number is stored only as a Fernet token (AES-128-CBC with an HMAC-SHA256 tag)
# under ID_NUMBER_KEYS, newest key first: the newest encrypts, every one still decrypts,
# so a key is rotated by putting a new one in front and running
# `manage.py rotate_id_number_keys`. Lookups and the unique constraint use an HMAC-SHA256
# of the normalised number under ID_NUMBER_HASH_KEY, a separate key: the same number gives
# the same hash, and the hash cannot be turned back without that key.


class IdNumberKeyError(Exception):
    """The stored token cannot be decrypted with any key in ID_NUMBER_KEYS."""


@functools.cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _cipher() -> MultiFernet:
    return _fernet(tuple(settings.ID_NUMBER_KEYS))


def encrypt(number: str) -> str:
    """The token stored for `number` (normalised first); "" stays ""."""
    number = normalize(number)
    if not number:
        return ""
    return _cipher().encrypt(number.encode()).decode("ascii")


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _cipher().decrypt(token.encode("ascii")).decode()
    except InvalidToken:
        raise IdNumberKeyError(
            "An ID number cannot be decrypted with any key in ID_NUMBER_KEYS: "
            "the key it was encrypted with is missing."
        ) from None


def reencrypt(token: str) -> str:
    """The same number under the newest key (MultiFernet.rotate)."""
    if not token:
        return ""
    try:
        return _cipher().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken:
        raise IdNumberKeyError(
            "An ID number cannot be decrypted with any key in ID_NUMBER_KEYS."
        ) from None


def encrypted_with_newest_key(token: str) -> bool:
    newest = Fernet(settings.ID_NUMBER_KEYS[0].encode())
    try:
        newest.decrypt(token.encode("ascii"))
    except InvalidToken:
        return False
    return True


def digest(number: str) -> str:
    """The keyed hash a member is found by (64 hex characters); "" for no number."""
    number = normalize(number)
    if not number:
        return ""
    key = settings.ID_NUMBER_HASH_KEY.encode()
    return hmac.new(key, b"id-number:" + number.encode(), hashlib.sha256).hexdigest()


def key_problems(keys: list[str], hash_key: str) -> list[str]:
    """What is wrong with these key settings (for the system check)."""
    problems = []
    if not keys:
        problems.append("ID_NUMBER_KEYS is empty: set at least one Fernet key.")
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except (ValueError, TypeError):
            problems.append(
                f"Key {position} of ID_NUMBER_KEYS is not a Fernet key (32 bytes, url-safe "
                "base64): make one with `python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'`."
            )
    if len(hash_key) < 32:
        problems.append("ID_NUMBER_HASH_KEY must be at least 32 characters.")
    return problems


# Valid ID numbers anywhere in a text: 18 characters not inside a longer run of digits.
_IN_TEXT = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")


def find_in_text(text: str) -> list[str]:
    """Every valid ID number written out in `text` (a dump, a log, a page)."""
    found = []
    for candidate in _IN_TEXT.findall(text):
        try:
            validate_id_number(candidate)
        except ValidationError:
            continue
        found.append(candidate)
    return found


def in_id_number_order(rows: list, *, group, token) -> list:
    """`rows` as the database ordered them (by `group(row)` first), ordered by the whole
    ID number (`token(row)`, decrypted) within each group. The sort is stable, so rows of
    the same number keep the database's order: what ORDER BY group, id_number, … gave
    when the number was stored in clear."""
    rank: dict = {}
    for row in rows:
        rank.setdefault(group(row), len(rank))
    return sorted(rows, key=lambda row: (rank[group(row)], decrypt(token(row))))
