"""Password rules beyond Django's own validators (等保2.0 level 3: complex passwords)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def character_classes(password: str) -> int:
    """How many of the four classes the password mixes: lower-case letters, upper-case
    letters, digits, and anything else (punctuation, symbols, Chinese characters)."""
    return sum(
        [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not (c.isalnum() and c.isascii()) for c in password),
        ]
    )


class CharacterClassValidator:
    """A password mixes at least `min_classes` of the four classes (three by default:
    `demo-pass-2026` has lower-case letters, digits and dashes)."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(self.get_error_message(), code="password_too_simple", params={})

    def get_error_message(self) -> str:
        return ngettext(
            "Mix at least %(count)d kind of characters: lower-case letters, upper-case "
            "letters, digits, symbols.",
            "Mix at least %(count)d kinds of characters: lower-case letters, upper-case "
            "letters, digits, symbols (such as - or #).",
            self.min_classes,
        ) % {"count": self.min_classes}

    def get_help_text(self) -> str:
        return _(
            "Your password must mix at least %(count)d of: lower-case letters, upper-case "
            "letters, digits, symbols."
        ) % {"count": self.min_classes}
