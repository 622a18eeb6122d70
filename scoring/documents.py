"""Public verification of the scoring app's printed documents: the points card (积分卡)
and the year-end evaluation result notice (考评结果通知书).

Each PDF carries a QR code with the absolute URL of a page that says whether the paper
is genuine. The code is a token signed with django.core.signing (salted per document
kind, no timestamp: the same paper always has the same code), so no table or migration
is needed and a made-up or altered code fails the signature (404):

- A points card's token carries what the card printed: member, branch, year, the
  printing date and the year's points and service hours. The page shows those figures
  next to the current ones, so a correction entered after printing shows as a change,
  not as a forgery.
- A notice's token carries the evaluation only: a published result can no longer change
  (scoring.evaluation refuses), and an unpublished one has no notice (404). Signing
  keeps the evaluations from being enumerated by number.

Tokens stay valid for good (printed paper has no expiry). Rotating SECRET_KEY would
break them; keep the old key in SECRET_KEY_FALLBACKS when rotating.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from members.models import Member, Unit
from scoring import queries
from scoring.models import Evaluation
from scoring.queries import PointsCard
from volunteer.pdf import render_pdf
from volunteer.qr import qr_svg_data_uri
from volunteer.verification import Absolute, Verdict

CARD_SALT = "scoring.points-card"
NOTICE_SALT = "scoring.evaluation-notice"


@dataclass(frozen=True)
class Verification:
    """The QR code of one printed document and the URL it encodes."""

    url: str
    qr: str


def _verification(path: str, *, absolute: Absolute, width_mm: float) -> Verification:
    url = absolute(path)
    return Verification(url=url, qr=qr_svg_data_uri(url, width_mm=width_mm))


# --- points card (积分卡) ------------------------------------------------------------------


def card_token(
    *, member_pk: int, branch_pk: int, year: int, printed_on: dt.date, points, hours
) -> str:
    """The signed code of a points card as printed (a compact JSON list)."""
    payload = [
        member_pk,
        branch_pk,
        year,
        printed_on.isoformat(),
        queries.figure(Decimal(points)),
        queries.figure(Decimal(hours)),
    ]
    return signing.Signer(salt=CARD_SALT).sign_object(payload)


def verify_card_path(card: PointsCard, *, printed_on: dt.date) -> str:
    token = card_token(
        member_pk=card.member.pk,
        branch_pk=card.member.branch_id,
        year=card.year,
        printed_on=printed_on,
        points=card.total,
        hours=card.hours,
    )
    return reverse("scoring:verify-card", kwargs={"token": token})


def points_card_verification(
    card: PointsCard, *, printed_on: dt.date, absolute: Absolute
) -> Verification:
    """The QR code printed on `card` (card.member with its branch loaded)."""
    return _verification(
        verify_card_path(card, printed_on=printed_on), absolute=absolute, width_mm=20
    )


POINTS_CARD_TEMPLATE = "scoring/print/points_card.html"


@dataclass(frozen=True)
class PrintedCard:
    """A points card as the print template lays it out: the card and its QR code."""

    card: PointsCard
    verify: Verification


def printed_cards(
    cards: Iterable[PointsCard], *, printed_on: dt.date, absolute: Absolute
) -> list[PrintedCard]:
    """The cards of the print template, each with its QR code."""
    return [
        PrintedCard(card, points_card_verification(card, printed_on=printed_on, absolute=absolute))
        for card in cards
    ]


def points_cards_context(
    cards: Iterable[PrintedCard], *, printed_on: dt.date, year: int, branch: Unit | None = None
) -> dict:
    """The context of the print template: one card, or a branch's batch (`branch` set)."""
    return {"cards": list(cards), "branch": branch, "year": year, "printed_on": printed_on}


def branch_points_cards(branch: Unit, year: int, *, printed_on: dt.date, absolute: Absolute):
    """The cards of a branch's batch (scoring.queries.branch_card_members), built in
    the print language (the cards' wording is written as they are built)."""
    with translation.override(settings.LANGUAGE_CODE):
        cards = queries.points_cards(queries.branch_card_members(branch), year)
        return printed_cards(cards, printed_on=printed_on, absolute=absolute)


def branch_points_cards_pdf(branch: Unit, year: int, *, absolute: Absolute) -> bytes:
    """The branch's batch as one PDF, one card (one page or more) per member: what the
    batch view serves."""
    printed_on = timezone.localdate()
    cards = branch_points_cards(branch, year, printed_on=printed_on, absolute=absolute)
    return render_pdf(
        POINTS_CARD_TEMPLATE,
        points_cards_context(cards, printed_on=printed_on, year=year, branch=branch),
    )


@dataclass(frozen=True)
class CardCheck:
    """What the verification page of a points card shows: the card as printed, the
    member's figures for that year now, and the verdict."""

    member: Member
    branch: Unit | None
    year: int
    printed_on: dt.date
    printed_points: Decimal
    printed_hours: Decimal
    points: Decimal
    hours: Decimal
    verdict: Verdict

    @property
    def changed(self) -> bool:
        return (self.points, self.hours) != (self.printed_points, self.printed_hours)

    @property
    def labels(self) -> dict[str, str]:
        return {
            "printed_points": queries.figure(self.printed_points),
            "printed_hours": queries.figure(self.printed_hours),
            "points": queries.figure(self.points),
            "hours": queries.figure(self.hours),
        }


def _printed_card(token: str) -> tuple | None:
    try:
        member_pk, branch_pk, year, printed_on, points, hours = signing.Signer(
            salt=CARD_SALT
        ).unsign_object(token)
        return (
            int(member_pk),
            int(branch_pk),
            int(year),
            dt.date.fromisoformat(printed_on),
            Decimal(points),
            Decimal(hours),
        )
    except (signing.BadSignature, TypeError, ValueError, InvalidOperation):
        return None


def check_points_card(token: str) -> CardCheck | None:
    """The verification of the points card with this code, or None if the code is not
    one we signed (forged, altered, truncated) or its member is gone."""
    printed = _printed_card(token)
    if printed is None:
        return None
    member_pk, branch_pk, year, printed_on, printed_points, printed_hours = printed
    member = Member.objects.select_related("branch").filter(pk=member_pk).first()
    if member is None:
        return None
    if member.branch_id == branch_pk:
        branch = member.branch
    else:  # the member moved since: the card names the branch it was printed for
        branch = Unit.objects.filter(pk=branch_pk).first()
    now = queries.points_card(member, year)
    if (now.total, now.hours) == (printed_points, printed_hours):
        verdict = Verdict("current", True, _("Genuine: the figures match the current records."))
    else:
        verdict = Verdict(
            "changed",
            True,
            _(
                "Genuine, but the figures changed after printing (for example by a later "
                "correction): the current figures are shown below."
            ),
        )
    return CardCheck(
        member=member,
        branch=branch,
        year=year,
        printed_on=printed_on,
        printed_points=printed_points,
        printed_hours=printed_hours,
        points=now.total,
        hours=now.hours,
        verdict=verdict,
    )


# --- evaluation result notice (考评结果通知书) ----------------------------------------------


def notice_token(evaluation_pk: int) -> str:
    return signing.Signer(salt=NOTICE_SALT).sign_object(evaluation_pk)


def verify_notice_path(evaluation: Evaluation) -> str:
    return reverse("scoring:verify-notice", kwargs={"token": notice_token(evaluation.pk)})


def notice_verification(evaluation: Evaluation, *, absolute: Absolute) -> Verification:
    return _verification(verify_notice_path(evaluation), absolute=absolute, width_mm=24)


def with_verification(notices: list[dict], *, absolute: Absolute) -> list[dict]:
    """The notices of the print template, each with its QR code under "verify"."""
    return [
        notice | {"verify": notice_verification(notice["evaluation"], absolute=absolute)}
        for notice in notices
    ]


def published_evaluation_for_verification(token: str) -> Evaluation | None:
    """The published evaluation whose notice carries this code; None for a code we did
    not sign or a result not (or no longer) published."""
    try:
        pk = int(signing.Signer(salt=NOTICE_SALT).unsign_object(token))
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return (
        Evaluation.objects.select_related("member", "branch")
        .filter(pk=pk, published_at__isnull=False)
        .first()
    )
