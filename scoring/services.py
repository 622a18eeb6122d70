"""Writes for steps 4–5: points rules, activities with attendance, the points ledger and
monthly tallies. Every function runs in one transaction and takes the acting user."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member, Unit
from scoring.models import (
    DEFAULT_POINTS,
    Activity,
    ActivityKind,
    Attendance,
    MonthlyTally,
    PointsEntry,
    PointsRule,
    TallyLine,
    first_of_month,
)
from scoring.queries import live_tally_rows

# Rules that apply before anyone changed them: the case report's 2 and 3 points.
DEFAULT_RULES_FROM = dt.date(2000, 1, 1)


class ScoringError(Exception):
    """A rule of the ledger forbids this; the message says why."""


def district_of(unit: Unit) -> Unit:
    return Unit.objects.get(path=unit.ancestor_paths()[0])


def rule_in_force(*, district: Unit, kind: str, on: dt.date) -> PointsRule:
    """The rule for `kind` on a date; the default rules are written down the first time
    they are needed, so that every entry can still name its rule."""
    rule = PointsRule.objects.in_force(district=district, kind=kind, on=on)
    if rule is None:
        rule, _created = PointsRule.objects.get_or_create(
            district=district,
            kind=kind,
            effective_from=DEFAULT_RULES_FROM,
            defaults={"points": DEFAULT_POINTS[kind]},
        )
    return rule


@transaction.atomic
def set_points_rule(
    *, district: Unit, kind: str, points: Decimal, effective_from: dt.date, by
) -> PointsRule:
    """Change a district rule from a date on. Entries already made keep their rule, and
    a rule once set is never overwritten, so the history of rules stays whole."""
    if points < 0:
        raise ScoringError(_("Points cannot be negative."))
    if PointsRule.objects.filter(
        district=district, kind=kind, effective_from=effective_from
    ).exists():
        raise ScoringError(
            _("A rule from that date already exists; set the new value from a later date.")
        )
    return PointsRule.objects.create(
        district=district, kind=kind, effective_from=effective_from, points=points, created_by=by
    )


def open_month(branch: Unit, day: dt.date) -> dt.date:
    """The tally month an entry for `day` counts in: its own month unless that month's
    tally is published, else the first month after it that is still open."""
    month = first_of_month(day)
    published = set(
        MonthlyTally.objects.filter(branch=branch, month__gte=month).values_list("month", flat=True)
    )
    while month in published:
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return month


@transaction.atomic
def record_activity(
    *,
    branch: Unit,
    kind: str,
    title: str,
    held_on: dt.date,
    members: list[Member],
    by,
    duty_items=(),
    place: str = "",
    trainer: str = "",
    people_served: str = "",
    description: str = "",
) -> Activity:
    """Record an activity with everyone who took part, each earning the points of the
    rule in force on its date. An individual service has exactly one member."""
    if held_on > timezone.localdate():
        raise ScoringError(_("An activity cannot be recorded before it happens."))
    if not members:
        raise ScoringError(_("Tick at least one member who took part."))
    if kind == ActivityKind.INDIVIDUAL and len(members) != 1:
        raise ScoringError(_("An individual service is done by one member."))
    outsiders = [m.name for m in members if m.branch_id != branch.pk]
    if outsiders:
        raise ScoringError(
            _("Not members of this branch: %(names)s") % {"names": "、".join(outsiders)}
        )
    activity = Activity(
        branch=branch,
        kind=kind,
        title=title.strip(),
        held_on=held_on,
        place=place,
        trainer=trainer,
        people_served=people_served,
        description=description,
        recorded_by=by,
    )
    activity._history_user = by
    activity.full_clean()
    activity.save()
    activity.duty_items.set(duty_items)
    attendances = Attendance.objects.bulk_create(
        [Attendance(activity=activity, member=m) for m in members]
    )
    rule = rule_in_force(district=district_of(branch), kind=kind, on=held_on)
    month = open_month(branch, held_on)
    PointsEntry.objects.bulk_create(
        [
            PointsEntry(
                member=a.member,
                branch=branch,
                month=month,
                occurred_on=held_on,
                points=rule.points,
                attendance=a,
                rule=rule,
                recorded_by=by,
            )
            for a in attendances
        ]
    )
    return activity


@transaction.atomic
def correct_entry(*, entry: PointsEntry, right_points: Decimal, reason: str, by) -> PointsEntry:
    """Correct an entry by appending the difference. `right_points` is what the entry
    (with the corrections it already has) should have been worth."""
    if not reason.strip():
        raise ScoringError(_("Say why the entry is corrected."))
    if entry.is_correction:
        raise ScoringError(_("Correct the original entry, not a correction."))
    current = entry.points + (entry.corrections.aggregate(s=Sum("points"))["s"] or Decimal("0"))
    delta = right_points - current
    if delta == 0:
        raise ScoringError(_("The entry already has that value."))
    correction = PointsEntry(
        member=entry.member,
        branch=entry.branch,
        month=open_month(entry.branch, entry.occurred_on),
        occurred_on=entry.occurred_on,
        points=delta,
        attendance=entry.attendance,
        rule=entry.rule,
        corrects=entry,
        reason=reason.strip(),
        recorded_by=by,
    )
    correction.full_clean()
    correction.save(force_insert=True)
    return correction


@transaction.atomic
def publish_tally(*, branch: Unit, month: dt.date, by) -> MonthlyTally:
    """Publish (公示) and freeze a branch's tally for a month."""
    month = first_of_month(month)
    if month > first_of_month(timezone.localdate()):
        raise ScoringError(_("A month can be published once it has begun."))
    if MonthlyTally.objects.filter(branch=branch, month=month).exists():
        raise ScoringError(
            _("This month is already published; corrections count in the next month.")
        )
    rows = live_tally_rows(branch, month)
    tally = MonthlyTally.objects.create(
        branch=branch,
        month=month,
        published_at=timezone.now(),
        published_by=by,
        total_points=sum((row.points for row in rows), Decimal("0")),
    )
    TallyLine.objects.bulk_create(
        [
            TallyLine(
                tally=tally,
                member_id=row.member_id,
                member_name=row.name,
                points=row.points,
                corrections=row.corrections,
                year_to_date=row.year_to_date,
            )
            for row in rows
        ]
    )
    return tally
