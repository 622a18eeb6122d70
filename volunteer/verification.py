"""What printed documents share for their verification pages: the QR code's absolute
address and the verdict a verification page (and a printed stamp) gives. Post and
pledge certificates, points cards, result notices and volunteer badges all use these."""

import secrets
from collections.abc import Callable
from dataclasses import dataclass


def new_code() -> str:
    """A short unguessable code for a public verification page, carried by a QR code:
    72 random bits, so nobody can list the documents (and the people on them) by
    counting through the codes, as they could through printed serial numbers."""
    return secrets.token_urlsafe(9)


# Turns a site path ("/posts/verify/...") into the absolute URL printed in the QR code;
# views pass request.build_absolute_uri.
Absolute = Callable[[str], str]


@dataclass(frozen=True)
class Verdict:
    """What a verification page (and a printed stamp) says about a document."""

    state: str
    valid: bool
    message: str
    superseded_by: int | None = None
