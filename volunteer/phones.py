"""Mainland mobile numbers as people type them: "139 0575-1234", "+86 13905751234",
full-width digits. One rule for every app (log-in names, texts, notice contacts)."""

import re
import unicodedata

MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalise_mobile(raw: str) -> str:
    """The 11-digit mobile number in `raw`, or "" if it is not one."""
    digits = re.sub(r"[\s\-()]", "", unicodedata.normalize("NFKC", raw or ""))
    if digits.startswith("+86"):
        digits = digits[3:]
    return digits if MOBILE.match(digits) else ""


def is_mobile(text: str) -> bool:
    return bool(MOBILE.match(text or ""))
