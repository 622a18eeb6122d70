"""Printed documents of the volunteer service, through the shared print layer
(volunteer.pdf): the volunteer ID badge (义工身份证, card size, with a QR code to its
public verification page), the team's service contact card (服务联系卡, A6, for the
households of the grid), the blank service-log sheet (服务日志) for leaders who keep
their log on paper, and a town's monthly report of service logs. A batch of badges or
cards also prints as A4 cutting sheets (ten badges, four cards to a sheet) for an
ordinary office printer.

The contact card is the one document that prints volunteers' phones: the case report's
cards list "队员的姓名、特长、电话" so that residents can call them at any hour. It is
printed by those who oversee the grid and by its team's leader, never from a public
page.

Like posts.documents, these are official Chinese forms: rendered in the site's default
language whatever language the person printing has chosen.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone, translation

from helpdesk import queries
from helpdesk.models import ServiceTeam, TeamMembership, VolunteerProfile
from members.models import Unit
from volunteer.pdf import render_pdf
from volunteer.qr import qr_svg_data_uri
from volunteer.verification import Absolute

# Lines on the blank service-log sheet.
SHEET_ROWS = 8

# A4 cutting sheets of a batch: badges 2 × 5 (ten to a sheet), contact cards 2 × 2.
BADGES_PER_SHEET = 10
CARDS_PER_SHEET = 4
PER_ROW = 2
BADGE_SHEETS_TEMPLATE = "helpdesk/print/badge_sheets.html"
CARD_SHEETS_TEMPLATE = "helpdesk/print/contact_card_sheets.html"


def _render(template: str, context: dict) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        return render_pdf(template, context | {"printed_on": timezone.localdate()})


def cutting_sheets(items: list, per_sheet: int) -> list[list[list]]:
    """`items` laid out on A4 cutting sheets: a list of sheets, each a list of rows of
    PER_ROW items (the last row of the last sheet may hold fewer)."""
    sheets = [items[i : i + per_sheet] for i in range(0, len(items), per_sheet)]
    return [[sheet[i : i + PER_ROW] for i in range(0, len(sheet), PER_ROW)] for sheet in sheets]


# --- badges (义工身份证) ----------------------------------------------------------------------


@dataclass(frozen=True)
class Badge:
    profile: VolunteerProfile
    team: ServiceTeam | None
    qr: str


def badge_profiles(unit: Unit):
    """The active volunteers of a branch or town, for a batch of badges."""
    return (
        VolunteerProfile.objects.in_unit(unit)
        .active()
        .select_related("member__branch__parent", "member__grid", "membership__team")
        .order_by("member__branch__path", "member__grid__code", "member__name", "pk")
    )


def badges(profiles: Iterable[VolunteerProfile], absolute: Absolute) -> list[Badge]:
    return [
        Badge(
            profile=profile,
            team=getattr(getattr(profile, "membership", None), "team", None),
            qr=qr_svg_data_uri(
                absolute(reverse("helpdesk:verify-badge", args=[profile.verify_code])),
                width_mm=19,
            ),
        )
        for profile in profiles
    ]


def badges_pdf(profiles: Iterable[VolunteerProfile], absolute: Absolute) -> bytes:
    return _render("helpdesk/print/badges.html", {"badges": badges(profiles, absolute)})


def badge_sheets_pdf(profiles: Iterable[VolunteerProfile], absolute: Absolute) -> bytes:
    """The same badges on A4 cutting sheets, ten to a sheet, for an ordinary printer."""
    sheets = cutting_sheets(badges(profiles, absolute), BADGES_PER_SHEET)
    return _render(BADGE_SHEETS_TEMPLATE, {"sheets": sheets})


# --- contact cards (服务联系卡) ---------------------------------------------------------------


@dataclass(frozen=True)
class CardLine:
    name: str
    specialties: str
    capabilities: str
    phone: str
    is_leader: bool


@dataclass(frozen=True)
class ContactCard:
    team: ServiceTeam
    lines: list[CardLine]
    qr: str


def card_teams(unit: Unit):
    """The teams of a grid, branch or town with their members, in three queries."""
    memberships = TeamMembership.objects.select_related("profile__member").prefetch_related(
        "profile__member__capability_types"
    )
    return (
        ServiceTeam.objects.in_unit(unit)
        .select_related("grid__parent__parent")
        .prefetch_related(Prefetch("memberships", queryset=memberships))
        .order_by("grid__path")
    )


def contact_cards(teams: Iterable[ServiceTeam], absolute: Absolute) -> list[ContactCard]:
    cards = []
    for team in teams:
        lines = [
            CardLine(
                name=m.profile.member.name,
                specialties=m.profile.shown_specialties,
                capabilities="、".join(t.name for t in m.profile.member.capability_types.all()),
                phone=m.profile.member.phone,
                is_leader=m.profile_id == team.leader_id,
            )
            for m in team.memberships.all()
        ]
        lines.sort(key=lambda line: (not line.is_leader, line.name))
        cards.append(
            ContactCard(
                team=team,
                lines=lines,
                qr=qr_svg_data_uri(
                    absolute(reverse("helpdesk:ask-form", args=[team.grid.parent_id])),
                    width_mm=20,
                ),
            )
        )
    return cards


def contact_cards_pdf(teams: Iterable[ServiceTeam], absolute: Absolute) -> bytes:
    return _render("helpdesk/print/contact_cards.html", {"cards": contact_cards(teams, absolute)})


def card_sheets_pdf(teams: Iterable[ServiceTeam], absolute: Absolute) -> bytes:
    """The same contact cards on A4 cutting sheets, four to a sheet."""
    sheets = cutting_sheets(contact_cards(teams, absolute), CARDS_PER_SHEET)
    return _render(CARD_SHEETS_TEMPLATE, {"sheets": sheets})


# --- the blank service-log sheet and the monthly report ---------------------------------------


def log_sheet_pdf(team: ServiceTeam) -> bytes:
    members = TeamMembership.objects.filter(team=team).select_related("profile__member")
    return _render(
        "helpdesk/print/log_sheet.html",
        {"team": team, "members": members, "rows": range(SHEET_ROWS)},
    )


def month_report_pdf(unit: Unit, month: dt.date) -> bytes:
    logs = list(queries.month_logs(unit, month))
    return _render(
        "helpdesk/print/month_report.html",
        {
            "unit": unit,
            "month": month,
            "logs": logs,
            "totals": queries.report_totals(logs),
        },
    )
