"""Reads for the scoring pages: activities, points cards, monthly tallies and pledge
fulfilment. Every function reads with a fixed number of queries, whatever the number of
members, activities or ledger entries (the list pages are tested for it)."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import dateformat, formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from members.models import Member, Unit
from posts.models import DutyItem, Pledge, PledgeItem, Post
from scoring.models import (
    DEFAULT_POINTS,
    Activity,
    ActivityKind,
    Attendance,
    Evaluation,
    JointTraining,
    MonthlyTally,
    PointsEntry,
    PointsRule,
    TallyLine,
    first_of_month,
)
from volunteer.dates import date_formatter

ZERO = Decimal("0")
ONE = Decimal("1")


def year_months(year: int) -> list[dt.date]:
    return [dt.date(year, month, 1) for month in range(1, 13)]


def next_month(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


def previous_month(month: dt.date) -> dt.date:
    return (month - dt.timedelta(days=1)).replace(day=1)


def this_month() -> dt.date:
    return first_of_month(timezone.localdate())


# --- activities ------------------------------------------------------------------------


def branch_activities(
    branch: Unit, *, kind: str = "", month: dt.date | None = None
) -> QuerySet[Activity]:
    """A branch's activities, newest first, with their attendance count and linked items."""
    activities = Activity.objects.filter(branch=branch)
    if kind:
        activities = activities.filter(kind=kind)
    if month is not None:
        activities = activities.filter(held_on__gte=month, held_on__lt=next_month(month))
    return (
        activities.annotate(attendance_count=Count("attendances"))
        .prefetch_related("duty_items")
        .order_by("-held_on", "-id")
    )


def duty_items_for_branch(branch: Unit, years: list[int]) -> QuerySet[DutyItem]:
    """Items on the menus of the branch's posts of `years`: the common types' items and
    the posts' own items, with the menu each belongs to."""
    # Two subqueries, not an OR across joins: the OR made PostgreSQL join every item to
    # every post of the city before filtering (18 ms at city scale against 0.5 ms).
    posts = Post.objects.filter(branch=branch, year__in=years)
    on_type = Q(post_type__in=posts.values("post_type"))
    own = Q(post__in=posts.values("pk"))
    return (
        DutyItem.objects.filter(on_type | own, is_active=True)
        .select_related("post_type", "post")
        .order_by("post_type__name", "post__name", "sort_order", "id")
    )


def activity_entries(activity: Activity) -> list[PointsEntry]:
    """The activity's ledger entries, each original followed by its corrections; every
    original gets `corrections_list` and `current_points` (what it is worth now)."""
    entries = list(
        PointsEntry.objects.filter(attendance__activity=activity)
        .select_related("member", "rule", "recorded_by")
        .order_by("member__name", "member_id", "id")
    )
    originals = {e.pk: e for e in entries if e.corrects_id is None}
    for original in originals.values():
        original.corrections_list = []
        original.current_points = original.points
    for entry in entries:
        if entry.corrects_id in originals:
            original = originals[entry.corrects_id]
            original.corrections_list.append(entry)
            original.current_points += entry.points
    return entries


def entry_for_correction(pk: int) -> PointsEntry | None:
    return (
        PointsEntry.objects.select_related(
            "member", "branch", "rule", "attendance__activity", "recorded_by"
        )
        .filter(pk=pk)
        .first()
    )


# --- points card (积分卡) ----------------------------------------------------------------


def figure(value: Decimal) -> str:
    """Points or hours as the pages show them: no trailing zeros (2, 2.5, -1)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _month_label(month: dt.date) -> str:
    return date_formatter("YEAR_MONTH_FORMAT")(month)


@dataclass(slots=True)
class CardCorrection:
    """A later correction of a card entry: what it adds, the month it counts in, and
    the sentence that says so."""

    points: Decimal
    month: dt.date
    label: str = ""


@dataclass(slots=True)
class CardEntry:
    """One ledger entry as the card shows it, read as plain values (no model instances):
    its activity, the rule that gave it, what a correction corrects, later corrections.

    The `*_label` attributes are its wording in the active language, written once by
    `points_card`: a card shows every entry, and plain attributes are what the template
    engine reads fastest (per-entry includes, translation tags and filters were most of
    the card's time)."""

    pk: int
    month: dt.date
    occurred_on: dt.date
    points: Decimal
    corrects_id: int | None
    reason: str
    activity_id: int | None
    activity_title: str
    activity_kind: str
    hours: Decimal | None
    rule_points: Decimal | None
    rule_from: dt.date | None
    rule_is_default: bool
    corrected_points: Decimal | None
    corrected_month: dt.date | None
    later_corrections: list[CardCorrection] = field(default_factory=list)
    date_label: str = ""
    points_label: str = ""
    kind_label: str = ""
    hours_label: str = ""
    rule_label: str = ""
    correction_label: str = ""

    @property
    def is_correction(self) -> bool:
        return self.corrects_id is not None

    @property
    def is_late(self) -> bool:
        """Recorded after its month was published: it counts in a later month (the one
        definition of a year's points is by the month counted, as tallies publish them)."""
        return self.corrects_id is None and self.occurred_on < self.month

    def describe(self, words: "CardWords") -> None:
        """Write the entry's wording in the active language."""
        self.date_label = (
            words.full_date(self.occurred_on) if self.is_late else words.month_day(self.occurred_on)
        )
        self.points_label = ("+" if self.points > 0 else "") + figure(self.points)
        if self.activity_kind:
            self.kind_label = words.kind(self.activity_kind)
        if self.hours and self.corrects_id is None:
            self.hours_label = words.hours_each % {"hours": figure(self.hours)}
        if self.rule_points is not None:
            self.rule_label = words.rule(self.rule_points, self.rule_from, self.rule_is_default)
        if self.corrected_points is not None:
            self.correction_label = words.corrects % {
                "points": figure(self.corrected_points),
                "month": _month_label(self.corrected_month),
                "reason": self.reason,
            }


class CardWords:
    """The card's words in the active language, each looked up once per card: dozens of
    entries share a handful of kinds and rules; dates through formats compiled once
    (volunteer.dates)."""

    def __init__(self) -> None:
        self.hours_each = _("%(hours)s h each")
        self.corrects = _(
            "Corrects the entry of %(points)s pts counted in %(month)s. Reason: %(reason)s"
        )
        self.month_day = date_formatter("MONTH_DAY_FORMAT")
        self.full_date = date_formatter("DATE_FORMAT")
        self._kinds: dict[str, str] = {}
        self._rules: dict[tuple, str] = {}

    def kind(self, kind: str) -> str:
        label = self._kinds.get(kind)
        if label is None:
            label = self._kinds[kind] = str(ActivityKind(kind).label)
        return label

    def rule(self, points: Decimal, effective_from: dt.date | None, is_default: bool) -> str:
        key = (points, effective_from, is_default)
        label = self._rules.get(key)
        if label is None:
            values = {"points": figure(points)}
            if is_default:
                label = _("District rule: %(points)s pts (default)") % values
            else:
                values["date"] = formats.date_format(effective_from, "SHORT_DATE_FORMAT")
                label = _("District rule: %(points)s pts, from %(date)s") % values
            self._rules[key] = label
        return label


@dataclass(slots=True)
class CardMonth:
    month: dt.date
    entries: list[CardEntry] = field(default_factory=list)
    total: Decimal = ZERO
    hours: Decimal = ZERO
    has_corrections: bool = False
    title: str = ""
    total_label: str = ""
    hours_label: str = ""

    def describe(self) -> None:
        """Write the month's heading and totals in the active language."""
        self.title = _month_label(self.month)
        self.total_label = _("%(points)s pts") % {"points": figure(self.total)}
        if self.hours:
            self.hours_label = _("%(hours)s h") % {"hours": figure(self.hours)}


@dataclass
class PointsCard:
    member: Member
    year: int
    months: list[CardMonth]
    total: Decimal
    hours: Decimal = ZERO

    @property
    def total_label(self) -> str:
        return figure(self.total)

    @property
    def hours_label(self) -> str:
        return figure(self.hours)


_CARD_COLUMNS = (
    "id",
    "month",
    "occurred_on",
    "points",
    "corrects_id",
    "reason",
    "attendance__activity_id",
    "attendance__activity__title",
    "attendance__activity__kind",
    "attendance__activity__hours",
    "rule__points",
    "rule__effective_from",
    "rule__created_by_id",
    "corrects__points",
    "corrects__month",
)


def points_card(member: Member, year: int) -> PointsCard:
    """A member's entries for a year by tally month: 12 months, each with its entries
    (activity, rule, what a correction corrects, later corrections of an entry), its
    points and its service hours, in one query, worded in the active language.

    The query also reads the corrections counted after the year of the entries they
    correct: a correction never counts in a month before its entry's, so every row the
    card needs has a month from January of the year on. Hours count once per
    attendance: a correction changes points, not the time given, unless it withdraws
    the entry (corrects it to nothing), which takes its hours off the card too."""
    (card,) = points_cards([member], year)
    return card


def points_cards(members: Iterable[Member], year: int) -> list[PointsCard]:
    """The cards of `members` for a year, in their order, built as `points_card` builds
    one: all their entries are read in one query, whatever the number of members (a
    member with no entries gets a card of empty months)."""
    members = list(members)
    if not members:
        return []
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 1)
    rows = (
        PointsEntry.objects.filter(member__in=[member.pk for member in members])
        .filter(month__gte=first)
        .filter(Q(month__lte=last) | Q(corrects__month__gte=first, corrects__month__lte=last))
        .order_by("month", "occurred_on", "id")
        .values_list("member_id", *_CARD_COLUMNS)
    )
    rows_by_member: dict[int, list[tuple]] = defaultdict(list)
    for row in rows:
        rows_by_member[row[0]].append(row[1:])
    words = CardWords()
    return [_card(member, year, rows_by_member.get(member.pk, ()), words) for member in members]


def _card(member: Member, year: int, rows, words: CardWords) -> PointsCard:
    """One member's card from their rows (`_CARD_COLUMNS`, ordered by month, date, id)."""
    months = {month: CardMonth(month) for month in year_months(year)}
    _fill_months(months, rows, words)
    return PointsCard(
        member=member,
        year=year,
        months=list(months.values()),
        total=sum((m.total for m in months.values()), ZERO),
        hours=sum((m.hours for m in months.values()), ZERO),
    )


def _fill_months(months: dict[dt.date, CardMonth], rows, words: CardWords) -> None:
    """Put `rows` (`_CARD_COLUMNS`, ordered by month, date, id) in `months`, consecutive
    months: the entries of those months with their totals and hours, and the rows of
    later months (corrections) as later corrections of the entries they correct."""
    last = max(months)
    in_months: dict[int, CardEntry] = {}
    corrections = []
    for row in rows:
        entry = CardEntry(*row[:12], row[12] is None, row[13], row[14])
        if entry.corrects_id is not None:
            corrections.append(entry)
        if entry.month > last:
            continue
        entry.describe(words)
        in_months[entry.pk] = entry
        card_month = months[entry.month]
        card_month.entries.append(entry)
        card_month.total += entry.points
        if entry.corrects_id is not None:
            card_month.has_corrections = True
        elif entry.hours is not None:
            card_month.hours += entry.hours
    for correction in sorted(corrections, key=_entry_id):
        original = in_months.get(correction.corrects_id)
        if original is not None:
            later = CardCorrection(correction.points, correction.month)
            values = {"points": figure(later.points), "month": _month_label(later.month)}
            if later.points > 0:
                later.label = _("Corrected by +%(points)s in %(month)s") % values
            else:
                later.label = _("Corrected by %(points)s in %(month)s") % values
            original.later_corrections.append(later)
    for original in in_months.values():
        # An entry corrected to nothing was withdrawn (a corrected service log records
        # the service anew): its hours are not counted either.
        if (
            original.hours
            and original.later_corrections
            and not (original.points + sum(c.points for c in original.later_corrections))
        ):
            months[original.month].hours -= original.hours
            original.hours_label = ""
    for card_month in months.values():
        card_month.describe()


# --- the card page: a year's figures and one month's entries ------------------------------
# A member reads the card on a phone month by month: the page shows the year's points and
# hours, each month's total (one aggregate), and the entries of one month only. The
# printed card (points_card above) stays a whole year.


@dataclass(slots=True)
class MonthFigure:
    """A month of the card page's year row: its points, entries and service hours, summed
    by the database as the full card sums them."""

    month: dt.date
    total: Decimal = ZERO
    entries: int = 0
    hours: Decimal = ZERO
    short_label: str = ""
    title: str = ""
    total_label: str = ""
    param: str = ""


@dataclass
class MonthCard:
    """The card page: the year's figures month by month and the entries of `month`."""

    member: Member
    year: int
    figures: list[MonthFigure]
    month: CardMonth
    total: Decimal
    hours: Decimal

    @property
    def total_label(self) -> str:
        return figure(self.total)

    @property
    def hours_label(self) -> str:
        return figure(self.hours)

    @property
    def neighbours(self) -> tuple["MonthLink", "MonthLink"]:
        """The months before and after the one shown (in the years next to it, at
        either end of the year)."""
        return MonthLink(previous_month(self.month.month)), MonthLink(next_month(self.month.month))


@dataclass(slots=True)
class MonthLink:
    month: dt.date

    @property
    def param(self) -> str:
        return f"{self.month:%Y-%m}"

    @property
    def title(self) -> str:
        return _month_label(self.month)


# The card page's two statements, written out once per database vendor from the models'
# own table and column names (values are bound), as volunteer.layout writes the menu's:
# built by the ORM they were most of the page's time. tests/scoring/test_card_months.py
# checks them against the querysets they stand for (_card_year_queryset, _card_month_queryset).
_card_statements: dict[str, tuple[str, str]] = {}


def _card_sql() -> tuple[str, str]:
    vendor = connection.vendor
    if vendor not in _card_statements:
        q = connection.ops.quote_name

        def table(model) -> str:
            return q(model._meta.db_table)

        def col(alias: str, model, name: str) -> str:
            return f"{alias}.{q(model._meta.get_field(name).column)}"

        E = PointsEntry  # noqa: N806
        joins = (
            f" LEFT JOIN {table(Attendance)} t ON t.{q('id')} = {col('e', E, 'attendance')}"
            f" LEFT JOIN {table(Activity)} a ON a.{q('id')} = {col('t', Attendance, 'activity')}"
        )
        year_sql = (
            # Hours once per attendance, and not for an entry its corrections bring to 0.
            f"SELECT {col('e', E, 'month')}, SUM({col('e', E, 'points')}), COUNT(*),"  # noqa: S608
            f" SUM(CASE WHEN {col('e', E, 'corrects')} IS NULL"
            f" AND {col('a', Activity, 'hours')} IS NOT NULL"
            f" AND COALESCE({col('e', E, 'points')} + (SELECT SUM({col('c', E, 'points')})"
            f" FROM {table(E)} c WHERE {col('c', E, 'corrects')} = e.{q('id')}), 1) <> 0"
            f" THEN {col('a', Activity, 'hours')} END)"
            f" FROM {table(E)} e{joins}"
            f" WHERE {col('e', E, 'member')} = %s"
            f" AND {col('e', E, 'month')} >= %s AND {col('e', E, 'month')} <= %s"
            f" GROUP BY {col('e', E, 'month')}"
        )
        month_sql = (
            f"SELECT e.{q('id')}, {col('e', E, 'month')}, {col('e', E, 'occurred_on')},"  # noqa: S608
            f" {col('e', E, 'points')}, {col('e', E, 'corrects')}, {col('e', E, 'reason')},"
            f" {col('t', Attendance, 'activity')}, {col('a', Activity, 'title')},"
            f" {col('a', Activity, 'kind')}, {col('a', Activity, 'hours')},"
            f" {col('r', PointsRule, 'points')}, {col('r', PointsRule, 'effective_from')},"
            f" {col('r', PointsRule, 'created_by')},"
            f" {col('o', E, 'points')}, {col('o', E, 'month')}"
            f" FROM {table(E)} e"
            f" LEFT JOIN {table(E)} o ON o.{q('id')} = {col('e', E, 'corrects')}{joins}"
            f" LEFT JOIN {table(PointsRule)} r ON r.{q('id')} = {col('e', E, 'rule')}"
            f" WHERE {col('e', E, 'member')} = %s AND {col('e', E, 'month')} >= %s"
            f" AND ({col('e', E, 'month')} = %s OR {col('o', E, 'month')} = %s)"
            f" ORDER BY {col('e', E, 'month')}, {col('e', E, 'occurred_on')}, e.{q('id')}"
        )
        _card_statements[vendor] = (year_sql, month_sql)
    return _card_statements[vendor]


def _card_year_queryset(member: Member, year: int):
    """What the card page's year statement stands for (the tests compare them)."""
    corrected = (
        PointsEntry.objects.filter(corrects=OuterRef("pk"))
        .order_by()
        .values("corrects")
        .annotate(sum=Sum("points"))
        .values("sum")
    )
    return (
        PointsEntry.objects.filter(
            member=member, month__gte=dt.date(year, 1, 1), month__lte=dt.date(year, 12, 1)
        )
        # What an entry is worth after its corrections; 1 for one never corrected.
        .annotate(worth=Coalesce(F("points") + Subquery(corrected), Value(ONE)))
        .order_by()
        .values("month")
        .annotate(
            total=Sum("points"),
            entries=Count("id"),
            hours=Sum(
                "attendance__activity__hours",
                filter=Q(corrects__isnull=True, attendance__activity__hours__isnull=False)
                & ~Q(worth=ZERO),
            ),
        )
        .values_list("month", "total", "entries", "hours")
    )


def _card_month_queryset(member: Member, month: dt.date):
    """What the card page's month statement stands for (the tests compare them)."""
    return (
        PointsEntry.objects.filter(member=member, month__gte=month)
        .filter(Q(month=month) | Q(corrects__month=month))
        .order_by("month", "occurred_on", "id")
        .values_list(*_CARD_COLUMNS)
    )


_TENTHS = Decimal("0.1")


def _as_decimal(value) -> Decimal | None:
    """A points or hours figure as read by a written-out statement: SQLite answers numbers
    (floats for tenths), which become the tenths the fields hold, as the ORM reads them."""
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(repr(value)).quantize(_TENTHS)


def _as_date_or_none(value) -> dt.date | None:
    return None if value is None else _as_date(value)


def _card_year_rows(member: Member, year: int) -> list[tuple]:
    """The year statement's rows (month, points, entries, hours) as `_card_year_queryset`
    gives them."""
    with connection.cursor() as cursor:
        cursor.execute(_card_sql()[0], [member.pk, dt.date(year, 1, 1), dt.date(year, 12, 1)])
        return [
            (_as_date(month), _as_decimal(total), entries, _as_decimal(hours))
            for month, total, entries, hours in cursor.fetchall()
        ]


def _card_month_rows(member: Member, month: dt.date) -> list[tuple]:
    """The month statement's rows (`_CARD_COLUMNS`) as `_card_month_queryset` gives them."""
    with connection.cursor() as cursor:
        cursor.execute(_card_sql()[1], [member.pk, month, month, month])
        return [
            (
                pk,
                _as_date(entry_month),
                _as_date(occurred_on),
                _as_decimal(points),
                corrects_id,
                reason,
                activity_id,
                title,
                kind,
                _as_decimal(hours),
                _as_decimal(rule_points),
                _as_date_or_none(rule_from),
                rule_by,
                _as_decimal(corrected_points),
                _as_date_or_none(corrected_month),
            )
            for (
                pk,
                entry_month,
                occurred_on,
                points,
                corrects_id,
                reason,
                activity_id,
                title,
                kind,
                hours,
                rule_points,
                rule_from,
                rule_by,
                corrected_points,
                corrected_month,
            ) in cursor.fetchall()
        ]


def card_year_figures(member: Member, year: int) -> list[MonthFigure]:
    """The twelve months of a member's year with their points, number of entries and
    service hours, in one aggregate over the year's ledger rows (no entry is read):
    the same figures `points_card` sums from the entries. Hours count once per
    attendance, and not for an entry corrected to nothing."""
    figures = {month: MonthFigure(month) for month in year_months(year)}
    for month, total, entries, hours in _card_year_rows(member, year):
        month_figure = figures[month]
        month_figure.total, month_figure.entries = total, entries
        month_figure.hours = hours or ZERO
    labels = _month_labels(year)
    for month_figure in figures.values():
        month_figure.short_label, month_figure.title = labels[month_figure.month.month - 1]
        month_figure.total_label = figure(month_figure.total) if month_figure.entries else "—"
        month_figure.param = f"{month_figure.month:%Y-%m}"
    return list(figures.values())


_MONTH_LABELS: dict[tuple, list[tuple[str, str]]] = {}


def _month_labels(year: int) -> list[tuple[str, str]]:
    """The twelve months' short names and titles in the active language, formatted once
    per language and year (the formats come from the language's settings only)."""
    key = (get_language(), year)
    labels = _MONTH_LABELS.get(key)
    if labels is None:
        month_format = formats.get_format("YEAR_MONTH_FORMAT")
        labels = _MONTH_LABELS[key] = [
            (dateformat.format(month, "M"), dateformat.format(month, month_format))
            for month in year_months(year)
        ]
    return labels


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def card_month(member: Member, month: dt.date, words: CardWords | None = None) -> CardMonth:
    """A member's entries counted in `month`, worded as the full card words them, with
    their later corrections (even those counted in a later year), in one query."""
    rows = _card_month_rows(member, month)
    shown = CardMonth(month)
    _fill_months({month: shown}, rows, words or CardWords())
    return shown


def default_card_month(figures: list[MonthFigure], today: dt.date) -> dt.date:
    """The month a card page opens on: this month for this year (December for a past
    year, January for a future one); when that month has no entries, the latest month
    of the year that has some."""
    year = figures[0].month.year
    if year == today.year:
        opening = first_of_month(today)
    else:
        opening = dt.date(year, 12 if year < today.year else 1, 1)
    if figures[opening.month - 1].entries:
        return opening
    with_entries = [f.month for f in figures if f.entries]
    return with_entries[-1] if with_entries else opening


def month_card(member: Member, year: int, month: dt.date | None = None) -> MonthCard:
    """The card page of a member's year: the twelve months' figures and the entries of
    `month` (by default `default_card_month`), in two queries whatever the number of
    entries. `month` must be a month of `year`."""
    figures = card_year_figures(member, year)
    if month is None:
        month = default_card_month(figures, timezone.localdate())
    if month.year != year:
        raise ValueError(f"{month} is not a month of {year}")
    return MonthCard(
        member=member,
        year=year,
        figures=figures,
        month=card_month(member, first_of_month(month)),
        total=sum((f.total for f in figures), ZERO),
        hours=sum((f.hours for f in figures), ZERO),
    )


def branch_card_members(branch: Unit) -> QuerySet[Member]:
    """The members whose cards print in a branch's batch: every member of the branch,
    with or without entries in the year (a card of empty months says so on paper too),
    ordered by name; their branch and its parent loaded for the card's heading."""
    return (
        Member.objects.filter(branch=branch).select_related("branch__parent").order_by("name", "id")
    )


def _entry_id(entry: CardEntry) -> int:
    return entry.pk


# --- monthly tallies (积分公示) ----------------------------------------------------------


@dataclass
class TallyMonth:
    """One month of a branch's year: published (with its frozen total) or still open
    (with the live total from the ledger)."""

    month: dt.date
    tally: MonthlyTally | None
    total: Decimal
    corrections: Decimal
    correction_count: int
    members: int
    is_future: bool

    @property
    def is_published(self) -> bool:
        return self.tally is not None


def branch_tally_year(branch: Unit, year: int) -> list[TallyMonth]:
    months = year_months(year)
    tallies = {
        t.month: t
        for t in MonthlyTally.objects.filter(
            branch=branch, month__gte=months[0], month__lte=months[-1]
        )
        .select_related("published_by")
        .annotate(members=Count("lines"))
    }
    live = {
        row["month"]: row
        for row in PointsEntry.objects.filter(
            branch=branch, month__gte=months[0], month__lte=months[-1]
        )
        .values("month")
        .annotate(
            total=Sum("points"),
            corrections=Sum("points", filter=Q(corrects__isnull=False)),
            correction_count=Count("id", filter=Q(corrects__isnull=False)),
            members=Count("member", distinct=True),
        )
    }
    current = this_month()
    result = []
    for month in months:
        tally = tallies.get(month)
        row = live.get(month, {})
        result.append(
            TallyMonth(
                month=month,
                tally=tally,
                total=tally.total_points if tally else row.get("total") or ZERO,
                corrections=row.get("corrections") or ZERO,
                correction_count=row.get("correction_count", 0),
                members=tally.members if tally else row.get("members", 0),
                is_future=month > current,
            )
        )
    return result


@dataclass
class TallyRow:
    member_id: int
    name: str
    points: Decimal
    corrections: Decimal
    year_to_date: Decimal
    has_correction: bool = False
    has_late: bool = False  # counts an entry of an earlier, already published month


@dataclass
class BranchTally:
    branch: Unit
    month: dt.date
    tally: MonthlyTally | None
    rows: list[TallyRow]
    corrections: list[PointsEntry]
    late: list[PointsEntry] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((row.points for row in self.rows), ZERO)

    @property
    def is_published(self) -> bool:
        return self.tally is not None


def _published_rows(tally: MonthlyTally) -> list[TallyRow]:
    return [
        TallyRow(line.member_id, line.member_name, line.points, line.corrections, line.year_to_date)
        for line in TallyLine.objects.filter(tally=tally).order_by("-points", "member_name", "id")
    ]


def live_tally_rows(branch: Unit, month: dt.date) -> list[TallyRow]:
    """A branch's figures for a month as the ledger has them now: what an open month's
    page shows and what publishing the month freezes."""
    entries = PointsEntry.objects.filter(branch=branch)
    this = {
        row["member"]: row
        for row in entries.filter(month=month)
        .values("member")
        .annotate(
            month_points=Sum("points"),
            month_corrections=Sum("points", filter=Q(corrects__isnull=False)),
        )
    }
    year_to_date = {
        row["member"]: row["total"]
        for row in entries.filter(month__gte=month.replace(month=1), month__lte=month)
        .values("member")
        .annotate(total=Sum("points"))
    }
    names = dict(
        Member.objects.filter(pk__in=set(this) | set(year_to_date)).values_list("pk", "name")
    )
    rows = [
        TallyRow(
            member_id=pk,
            name=name,
            points=this.get(pk, {}).get("month_points") or ZERO,
            corrections=this.get(pk, {}).get("month_corrections") or ZERO,
            year_to_date=year_to_date.get(pk) or ZERO,
        )
        for pk, name in names.items()
    ]
    return sorted(rows, key=lambda row: (-row.points, row.name))


def branch_tally(branch: Unit, month: dt.date) -> BranchTally:
    """A branch's tally for a month: the frozen lines once published, else live figures;
    with the corrections that count in this month and what they correct."""
    tally = (
        MonthlyTally.objects.filter(branch=branch, month=month)
        .select_related("published_by")
        .first()
    )
    rows = _published_rows(tally) if tally else live_tally_rows(branch, month)
    corrections = list(
        PointsEntry.objects.filter(branch=branch, month=month, corrects__isnull=False)
        .select_related("member", "corrects__attendance__activity")
        .order_by("member__name", "id")
    )
    # Entries recorded late (补记): their activity's month was published before they were
    # written, so they count here, each shown with its own date.
    late = list(
        PointsEntry.objects.filter(
            branch=branch, month=month, corrects__isnull=True, occurred_on__lt=month
        )
        .select_related("member", "attendance__activity")
        .order_by("member__name", "occurred_on", "id")
    )
    corrected = {c.member_id for c in corrections}
    late_members = {entry.member_id for entry in late}
    for row in rows:
        row.has_correction = row.member_id in corrected
        row.has_late = row.member_id in late_members
    return BranchTally(branch, month, tally, rows, corrections, late)


def published_tallies(branch: Unit) -> QuerySet[MonthlyTally]:
    return MonthlyTally.objects.filter(branch=branch).order_by("-month")


def public_lines(tally: MonthlyTally) -> list[TallyRow]:
    """The frozen lines only: names and figures, nothing from the member file."""
    return _published_rows(tally)


@dataclass
class UnitTallyRow:
    unit: Unit
    branches: int = 0
    published: int = 0
    total: Decimal = ZERO
    members: int = 0


def _child_path(unit: Unit, path: str) -> str:
    return unit.path + path[len(unit.path) :].split("/", 1)[0] + "/"


def unit_tally(unit: Unit, month: dt.date) -> list[UnitTallyRow]:
    """Published totals of a town's branches or a district's towns for a month, with how
    many branches under each have published. The tallies are read as plain values (one
    row per branch, lines counted from the (tally, member) index), not as models."""
    rows = {child.path: UnitTallyRow(child) for child in unit.children.order_by("code")}
    branch_paths = Unit.objects.within(unit).branches().values_list("path", flat=True)
    for path in branch_paths:
        row = rows.get(_child_path(unit, path))
        if row is not None:
            row.branches += 1
    tallies = (
        MonthlyTally.objects.filter(branch__path__startswith=unit.path, month=month)
        .order_by()
        .values_list("branch__path", "total_points")
        .annotate(members=Count("lines__member"))
    )
    for path, total, members in tallies:
        row = rows.get(_child_path(unit, path))
        if row is None:
            continue
        row.published += 1
        row.total += total
        row.members += members
    return list(rows.values())


def unit_branch_tallies(unit: Unit, month: dt.date) -> list[tuple[Unit, MonthlyTally | None]]:
    """Every branch in a district or town with its published tally for the month."""
    branches = Unit.objects.within(unit).branches().select_related("parent").order_by("path")
    tallies = {
        t.branch_id: t
        for t in MonthlyTally.objects.filter(
            branch__path__startswith=unit.path, month=month
        ).annotate(members=Count("lines"))
    }
    return [(branch, tallies.get(branch.pk)) for branch in branches]


# --- points rules ----------------------------------------------------------------------


@dataclass
class RuleNow:
    kind: str
    label: str
    rule: PointsRule | None
    upcoming: list[PointsRule]
    default_points: Decimal | None = None


def district_rules(district: Unit, today: dt.date) -> tuple[list[RuleNow], list[PointsRule]]:
    """The rule in force today for each kind (None: the default applies), rules set for
    later dates, and the full history, newest change first."""
    history = list(
        PointsRule.objects.filter(district=district)
        .select_related("created_by")
        .order_by("kind", "-effective_from", "-id")
    )
    now = []
    for kind, label in ActivityKind.choices:
        of_kind = [r for r in history if r.kind == kind]
        in_force = next((r for r in of_kind if r.effective_from <= today), None)
        upcoming = sorted((r for r in of_kind if r.effective_from > today), key=_rule_date)
        default = DEFAULT_POINTS[kind] if in_force is None else None
        now.append(RuleNow(kind, label, in_force, upcoming, default))
    return now, sorted(history, key=lambda r: (r.created_at, r.pk), reverse=True)


def _rule_date(rule: PointsRule) -> dt.date:
    return rule.effective_from


# --- pledge fulfilment (履诺) -------------------------------------------------------------


@dataclass
class FulfilledItem:
    item: PledgeItem
    activities: list[Activity]


def pledge_fulfilment(pledge: Pledge, year: int) -> tuple[object, list[FulfilledItem]]:
    """For each item of the pledge's current version, the member's activities of the
    year linked to that item's duty item."""
    version = pledge.versions.order_by("-number").first()
    if version is None:
        return None, []
    items = list(version.items.select_related("duty_item"))
    links = (
        Activity.duty_items.through.objects.filter(
            dutyitem_id__in=[i.duty_item_id for i in items],
            activity__held_on__year=year,
            activity__attendances__member_id=pledge.choice.member_id,
        )
        .select_related("activity")
        .order_by("activity__held_on", "activity_id")
    )
    by_item = defaultdict(list)
    for link in links:
        by_item[link.dutyitem_id].append(link.activity)
    return version, [FulfilledItem(item, by_item[item.duty_item_id]) for item in items]


def training_figures(year: int, members) -> tuple[int, int]:
    """How many trainings (培训) some members attended in a year, and how many of them
    attended one: for other apps' reports (the grid service's yearly figures). A town's
    training for several branches counts once, not once per branch."""
    row = Attendance.objects.filter(
        activity__kind=ActivityKind.TRAINING, activity__held_on__year=year, member__in=members
    ).aggregate(
        own=Count("activity", distinct=True, filter=Q(activity__joint_training__isnull=True)),
        joint=Count("activity__joint_training", distinct=True),
        people=Count("member", distinct=True),
    )
    return row["own"] + row["joint"], row["people"]


@dataclass
class TrainingPart:
    """A branch's part of a joint training: its activity and who came."""

    activity: Activity
    names: list[str]
    may_open: bool  # the reader oversees the branch


def unit_trainings(unit: Unit, year: int) -> QuerySet[JointTraining]:
    """The joint trainings of a year held by `unit` or below it, or held above it with
    members of `unit` taking part; with how many came and from how many branches."""
    within = Q(unit__path__startswith=unit.path) | Q(activities__branch__path__startswith=unit.path)
    ids = JointTraining.objects.filter(within, held_on__year=year).values("pk")
    return (
        JointTraining.objects.filter(pk__in=ids)
        .select_related("unit")
        .annotate(
            people=Count("activities__attendances", distinct=True),
            branches=Count("activities", distinct=True),
        )
        .order_by("-held_on", "-id")
    )


def training_parts(training: JointTraining, paths: Iterable[str], sees_all: bool):
    """The branches' parts of a training, in branch order, each with its members' names
    (only for the branches the reader oversees, or all of them for its organiser)."""
    paths = tuple(paths)
    activities = list(
        training.activities.select_related("branch", "branch__parent").order_by("branch__code")
    )
    names: dict[int, list[str]] = defaultdict(list)
    for activity_id, name in (
        Attendance.objects.filter(activity__joint_training=training)
        .order_by("member__name", "member_id")
        .values_list("activity_id", "member__name")
    ):
        names[activity_id].append(name)
    parts = []
    for activity in activities:
        may_open = sees_all or activity.branch.path.startswith(paths)
        if may_open:
            parts.append(TrainingPart(activity, names[activity.pk], may_open))
    return parts


# --- home pages ------------------------------------------------------------------------


@dataclass
class BranchMonth:
    """Steps 4–5 of a branch as its secretary's home page shows them."""

    month: dt.date
    activities: int
    last_month: dt.date
    last_month_published: bool
    evaluations: int
    evaluations_computed: int
    evaluations_published: int


def branch_month(branch: Unit, month: dt.date) -> BranchMonth:
    """This month's activities, whether last month's tally is published, and the
    year's evaluation, in three queries."""
    last = previous_month(month)
    evaluations = Evaluation.objects.filter(branch=branch, year=month.year).aggregate(
        total=Count("id"),
        computed=Count("id", filter=Q(grade__gt="")),
        published=Count("id", filter=Q(published_at__isnull=False)),
    )
    return BranchMonth(
        month=month,
        activities=Activity.objects.filter(
            branch=branch, held_on__gte=month, held_on__lt=next_month(month)
        ).count(),
        last_month=last,
        last_month_published=MonthlyTally.objects.filter(branch=branch, month=last).exists(),
        evaluations=evaluations["total"],
        evaluations_computed=evaluations["computed"],
        evaluations_published=evaluations["published"],
    )


def _without_tally(unit: Unit, month: dt.date) -> QuerySet[Unit]:
    """The branches within `unit` whose tally of `month` is not published."""
    published = MonthlyTally.objects.filter(branch__path__startswith=unit.path, month=month)
    return Unit.objects.filter(path__startswith=unit.path, kind=Unit.Kind.BRANCH).exclude(
        pk__in=published.values("branch_id")
    )


def branches_without_tally(unit: Unit, month: dt.date) -> set[int]:
    """Ids of the branches within `unit` whose tally of `month` is not published."""
    return set(_without_tally(unit, month).values_list("pk", flat=True))


def unpublished_branches(unit: Unit, month: dt.date) -> list[Unit]:
    """The branches within `unit` whose tally of `month` is not published, town by town,
    in one query."""
    return list(_without_tally(unit, month).select_related("parent").order_by("path"))


@dataclass
class MemberPoints:
    month: dt.date
    month_total: Decimal
    year_total: Decimal


def member_points(member: Member, month: dt.date) -> MemberPoints:
    """A member's points of `month` and of its year so far, as the points card counts
    them (by tally month), in one query."""
    totals = PointsEntry.objects.filter(
        member=member, month__gte=dt.date(month.year, 1, 1), month__lte=dt.date(month.year, 12, 1)
    ).aggregate(year=Sum("points"), month=Sum("points", filter=Q(month=month)))
    return MemberPoints(month, totals["month"] or ZERO, totals["year"] or ZERO)


def latest_evaluation(member: Member) -> Evaluation | None:
    """The member's evaluation of the latest year that has one."""
    return Evaluation.objects.filter(member=member).order_by("-year").first()
