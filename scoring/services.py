"""Writes for steps 4–5: points rules, activities with attendance, the points ledger and
monthly tallies. Every function runs in one transaction and takes the acting user."""

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
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
    JointTraining,
    MonthlyTally,
    PointsEntry,
    PointsRule,
    TallyLine,
    first_of_month,
)
from scoring.queries import live_tally_rows
from volunteer.history import save_with_history

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
    # Entries keep the rule in force on their date: a rule dated back would leave the
    # entries already made at the old value while later ones took the new.
    if effective_from < timezone.localdate():
        raise ScoringError(_("A new rule takes effect today or later, never on a past date."))
    if PointsRule.objects.filter(
        district=district, kind=kind, effective_from=effective_from
    ).exists():
        raise ScoringError(
            _("A rule from that date already exists; set the new value from a later date.")
        )
    return PointsRule.objects.create(
        district=district, kind=kind, effective_from=effective_from, points=points, created_by=by
    )


def lock_branches(branch_ids) -> None:
    """Hold the branches' rows until the transaction ends. Every ledger write and every
    publication of a branch takes this lock first: an entry written while its month is
    being published would otherwise count in a month already frozen without it (on
    PostgreSQL; SQLite lets one writer at a time anyway). Ordered by key, so that two
    writers locking several branches cannot deadlock."""
    list(
        Unit.objects.select_for_update()
        .filter(pk__in=sorted(set(branch_ids)))
        .order_by("pk")
        .values_list("pk", flat=True)
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
    hours: Decimal | None = None,
    visits: int = 0,
    information: int = 0,
    problems_solved: int = 0,
) -> Activity:
    """Record an activity with everyone who took part, each earning the points of the
    rule in force on its date. An individual service has exactly one member. `hours`
    are the service hours each of them gave, when they are counted (grid services).
    The ledger's one writer, `record_activities`, with one record; the activity's
    history names `by`."""
    record = ActivityRecord(
        branch_id=branch.pk,
        kind=kind,
        title=title,
        held_on=held_on,
        member_ids=tuple(m.pk for m in members),
        duty_item_ids=tuple(getattr(item, "pk", item) for item in duty_items),
        place=place,
        trainer=trainer,
        people_served=people_served,
        description=description,
        hours=hours,
        visits=visits,
        information=information,
        problems_solved=problems_solved,
    )
    return record_activities(records=[record], by=by, history=True)[0]


@transaction.atomic
def correct_entry(
    *, entry: PointsEntry, right_points: Decimal, reason: str, by, recorded_at=None
) -> PointsEntry:
    """Correct an entry by appending the difference. `right_points` is what the entry
    (with the corrections it already has) should have been worth. `recorded_at`, as in
    `ActivityRecord`, is kept only where the field's auto_now_add is switched off."""
    if not reason.strip():
        raise ScoringError(_("Say why the entry is corrected."))
    if entry.is_correction:
        raise ScoringError(_("Correct the original entry, not a correction."))
    lock_branches([entry.branch_id])
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
        recorded_at=recorded_at,
    )
    correction.full_clean(exclude=["recorded_at"])
    correction.save(force_insert=True)
    return correction


@transaction.atomic
def publish_tally(*, branch: Unit, month: dt.date, by) -> MonthlyTally:
    """Publish (公示) and freeze a branch's tally for a month."""
    month = first_of_month(month)
    if month > first_of_month(timezone.localdate()):
        raise ScoringError(_("A month can be published once it has begun."))
    lock_branches([branch.pk])
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


@transaction.atomic
def publish_tallies(*, unit: Unit, branch_ids: list[int], month: dt.date, by) -> list[MonthlyTally]:
    """An organiser publishes the month's tallies of branches within `unit` at once, as
    each secretary would (`publish_tally`), the organiser recorded as publisher. A branch
    outside `unit`, or published meanwhile, stops the whole batch: nothing is
    published."""
    branches = list(
        Unit.objects.filter(
            pk__in=branch_ids, kind=Unit.Kind.BRANCH, path__startswith=unit.path
        ).order_by("code")
    )
    if not branches:
        raise ScoringError(_("Choose at least one branch that has not published this month."))
    if len(branches) != len(set(branch_ids)):
        raise ScoringError(_("Some of the branches chosen are not in %(unit)s.") % {"unit": unit})
    return [publish_tally(branch=branch, month=month, by=by) for branch in branches]


@transaction.atomic
def record_joint_training(
    *,
    unit: Unit,
    title: str,
    held_on: dt.date,
    members: list[Member],
    by,
    place: str = "",
    trainer: str = "",
    description: str = "",
) -> JointTraining:
    """A town or the district records a training it held for members of several of its
    branches, attendance once for all: each branch gets a training activity with its own
    members, so points follow the district's rule for trainings and count in each
    branch's open month, as any training's would."""
    if unit.kind not in (Unit.Kind.TOWN, Unit.Kind.DISTRICT):
        raise ScoringError(_("A joint training is held by a town or the district."))
    if not members:
        raise ScoringError(_("Tick at least one member who took part."))
    if held_on > timezone.localdate():
        raise ScoringError(_("An activity cannot be recorded before it happens."))
    outsiders = [m.name for m in members if not m.branch.path.startswith(unit.path)]
    if outsiders:
        raise ScoringError(
            _("Not members of %(unit)s: %(names)s") % {"unit": unit, "names": "、".join(outsiders)}
        )
    training = JointTraining(
        unit=unit,
        title=" ".join(title.split()),
        held_on=held_on,
        place=place,
        trainer=trainer,
        description=description,
        recorded_by=by,
    )
    training.full_clean()
    training.save()
    by_branch: dict[int, list[int]] = defaultdict(list)
    for member in sorted(members, key=lambda m: (m.branch.code, m.name, m.pk)):
        if member.pk not in by_branch[member.branch_id]:
            by_branch[member.branch_id].append(member.pk)
    record_activities(
        records=[
            ActivityRecord(
                branch_id=branch_id,
                kind=ActivityKind.TRAINING,
                title=training.title,
                held_on=held_on,
                member_ids=tuple(member_ids),
                place=place,
                trainer=trainer,
                description=description,
                joint_training_id=training.pk,
            )
            for branch_id, member_ids in by_branch.items()
        ],
        by=by,
        history=True,
    )
    return training


# --- many activities at once -----------------------------------------------------------


@dataclass(frozen=True)
class ActivityRecord:
    """One activity for `record_activities`: what `record_activity` takes, by ids.
    `recorded_at` is kept only where the caller has switched off the field's
    auto_now_add (the demo data, which records a past year); otherwise it is now."""

    branch_id: int
    kind: str
    title: str
    held_on: dt.date
    member_ids: tuple[int, ...]
    duty_item_ids: tuple[int, ...] = ()
    place: str = ""
    trainer: str = ""
    people_served: str = ""
    description: str = ""
    hours: Decimal | None = None
    visits: int = 0
    information: int = 0
    problems_solved: int = 0
    recorded_at: dt.datetime | None = None
    recorded_by_id: int | None = None  # who recorded it, where not the call's `by`
    # (an import of several branches' records, each by its own secretary)
    joint_training_id: int | None = None  # a branch's part of a town's training


_KINDS = frozenset(ActivityKind.values)
_TEXT_LIMITS = {
    name: Activity._meta.get_field(name).max_length
    for name in ("title", "place", "trainer", "people_served")
}


def _problem(record: ActivityRecord, activity: Activity, members: dict[int, tuple], today):
    """What the ledger refuses in this record, or None."""
    if record.hours is not None and not Decimal("0") < record.hours <= Decimal("24"):
        return _("Service hours are more than 0 and at most 24.")
    if record.held_on > today:
        return _("An activity cannot be recorded before it happens.")
    if not record.member_ids:
        return _("Tick at least one member who took part.")
    if record.kind == ActivityKind.INDIVIDUAL and len(set(record.member_ids)) != 1:
        return _("An individual service is done by one member.")
    outsiders = [m for m in record.member_ids if members.get(m, (None,))[0] != record.branch_id]
    if outsiders:
        names = [members[m][1] if m in members else str(m) for m in outsiders]
        return _("Not members of this branch: %(names)s") % {"names": "、".join(names)}
    if record.kind not in _KINDS:
        return _("Unknown kind of activity.")
    if not activity.title:
        return _("Give the activity a topic.")
    # The fields' length limits, checked by hand: full_clean() costs more than the
    # insert itself at a hundred thousand rows.
    for name, limit in _TEXT_LIMITS.items():
        if len(getattr(activity, name)) > limit:
            field = Activity._meta.get_field(name)
            return _("%(field)s: at most %(limit)s characters.") % {
                "field": field.verbose_name,
                "limit": limit,
            }
    return None


class _RulesInForce:
    """`rule_in_force` for many districts, kinds and dates, from one read of the rules
    (a missing default rule is written down the first time it is needed)."""

    def __init__(self, district_ids: set[int], kinds: set[str]) -> None:
        self.rules: dict[tuple[int, str], list[PointsRule]] = defaultdict(list)
        for rule in PointsRule.objects.filter(
            district_id__in=district_ids, kind__in=kinds
        ).order_by("effective_from"):
            self.rules[rule.district_id, rule.kind].append(rule)

    def get(self, district: Unit, kind: str, on: dt.date) -> PointsRule:
        rules = self.rules[district.pk, kind]
        index = bisect_right([r.effective_from for r in rules], on)
        if index:
            return rules[index - 1]
        rule = rule_in_force(district=district, kind=kind, on=on)
        rules.append(rule)
        rules.sort(key=lambda r: r.effective_from)
        return rule


class _OpenMonths:
    """`open_month` for many branches and days, from one read of their published
    tallies."""

    def __init__(self, branch_ids: set[int], since: dt.date) -> None:
        self.published: dict[int, set[dt.date]] = defaultdict(set)
        for branch_id, month in MonthlyTally.objects.filter(
            branch_id__in=branch_ids, month__gte=first_of_month(since)
        ).values_list("branch_id", "month"):
            self.published[branch_id].add(month)

    def get(self, branch_id: int, day: dt.date) -> dt.date:
        month = first_of_month(day)
        while month in self.published[branch_id]:
            month = (month + dt.timedelta(days=32)).replace(day=1)
        return month


@transaction.atomic
def record_activities(
    *, records: Sequence[ActivityRecord], by, history: bool = False, batch_size: int = 2000
) -> list[Activity]:
    """Record activities with everyone who took part: the ledger's only writer of
    activities and their entries. Every check is made before anything is written (one
    bad record changes nothing); every entry names the district's rule in force on its
    date and counts in its branch's first open month; only inserts. A few reads and one
    bulk insert per table, whatever the number of activities. With `history` each
    activity is saved on its own so that its history names `by` (what a secretary
    records); without, bulk inserts write no history rows (imports, demo data at
    scale). Returns the activities in the order of `records`."""
    if not records:
        return []
    activities = [
        Activity(
            branch_id=r.branch_id,
            kind=r.kind,
            title=r.title.strip(),
            held_on=r.held_on,
            place=r.place,
            trainer=r.trainer,
            people_served=r.people_served,
            description=r.description,
            hours=r.hours,
            visits=r.visits,
            information=r.information,
            problems_solved=r.problems_solved,
            recorded_by_id=r.recorded_by_id or by.pk,
            recorded_at=r.recorded_at,
            joint_training_id=r.joint_training_id,
        )
        for r in records
    ]
    member_ids = sorted({m for r in records for m in r.member_ids})
    members: dict[int, tuple[int, str]] = {}
    for start in range(0, len(member_ids), batch_size):
        chunk = Member.objects.filter(pk__in=member_ids[start : start + batch_size])
        members.update(
            (pk, (branch, name))
            for pk, branch, name in chunk.values_list("pk", "branch_id", "name")
        )
    today = timezone.localdate()
    for number, (record, activity) in enumerate(zip(records, activities, strict=True), 1):
        problem = _problem(record, activity, members, today)
        if problem and len(records) == 1:
            raise ScoringError(problem)
        if problem:
            raise ScoringError(
                _("Activity %(number)s (%(title)s): %(problem)s")
                % {"number": number, "title": record.title, "problem": problem}
            )

    branch_ids = {r.branch_id for r in records}
    lock_branches(branch_ids)
    top_paths = {
        pk: unit.ancestor_paths()[0] for pk, unit in Unit.objects.in_bulk(branch_ids).items()
    }
    districts = {u.path: u for u in Unit.objects.filter(path__in=set(top_paths.values()))}
    district_of_branch = {pk: districts[path] for pk, path in top_paths.items()}
    rules = _RulesInForce({d.pk for d in districts.values()}, {r.kind for r in records})
    months = _OpenMonths(branch_ids, min(r.held_on for r in records))

    if history:
        for activity, r in zip(activities, records, strict=True):
            save_with_history(activity, by=by, clean=False)  # checked above
            activity.duty_items.set(r.duty_item_ids)
    else:
        Activity.objects.bulk_create(activities, batch_size=batch_size)
        through = Activity.duty_items.through
        through.objects.bulk_create(
            [
                through(activity_id=activity.pk, dutyitem_id=item)
                for activity, r in zip(activities, records, strict=True)
                for item in dict.fromkeys(r.duty_item_ids)
            ],
            batch_size=batch_size,
        )
    attendances = Attendance.objects.bulk_create(
        [
            Attendance(activity_id=activity.pk, member_id=member)
            for activity, r in zip(activities, records, strict=True)
            for member in dict.fromkeys(r.member_ids)
        ],
        batch_size=batch_size,
    )
    entries, attended = [], iter(attendances)
    for r in records:
        rule = rules.get(district_of_branch[r.branch_id], r.kind, r.held_on)
        month = months.get(r.branch_id, r.held_on)
        for _member in dict.fromkeys(r.member_ids):
            attendance = next(attended)
            entries.append(
                PointsEntry(
                    member_id=attendance.member_id,
                    branch_id=r.branch_id,
                    month=month,
                    occurred_on=r.held_on,
                    points=rule.points,
                    attendance_id=attendance.pk,
                    rule=rule,
                    recorded_by_id=r.recorded_by_id or by.pk,
                    recorded_at=r.recorded_at,
                )
            )
    PointsEntry.objects.bulk_create(entries, batch_size=batch_size)
    return activities
