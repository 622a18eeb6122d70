"""Benchmark the district's monthly tally page and a member's points card at district
scale, against the bare SQL that gives the same figures, on SQLite and PostgreSQL.

    .venv/bin/python scripts/bench_scoring.py [--runs 15] [--backends sqlite,postgres]

`make bench` runs it through scripts/bench.py, which writes docs/benchmarks.md; run
alone it prints its rows. For each backend a child process seeds
`seed_demo --scale district` (about 8,230 members and 414,000 ledger entries) into a
throwaway database (scripts/benchlib.py), runs `ANALYZE`, checks that the bare queries
give the figures the pages' query functions give, then times, interleaved, with the
Django test Client and DEBUG off:

- tally: scoring:unit-tally for the district and last month, as the district organiser;
  bare SQL: one statement giving the same per-town figures from the frozen tallies
  (and, for comparison, one giving them from the ledger);
- card: scoring:points-card of 刘䶮 as that member opens it (this year, on the month it
  opens on); bare SQL: the page's two statements, the year's monthly points, entries
  and service hours, and the shown month's entries with their activity, rule, corrected
  entry and later corrections (checked against scoring.queries.month_card and the
  whole-year points_card);
- floor: a page with no data of its own (`password_change_done`);

and each bare statement again as a *bare page*: a minimal view behind the same
middleware, session and logged-in user that runs only the bare SQL and answers plain
text (benchlib.Pages). Not a test: `make test` never runs it.
"""

import argparse
import datetime as dt
import os
import sys
import time
from decimal import Decimal

import benchlib
from benchlib import Row

AREA = "points (district scale)"

TALLY_SQL = """
SELECT town.id, COUNT(branch.id), COUNT(t.id), COALESCE(SUM(t.total_points), 0),
       COALESCE(SUM(n.members), 0)
FROM members_unit town
JOIN members_unit branch ON branch.parent_id = town.id AND branch.kind = 'branch'
LEFT JOIN scoring_monthlytally t ON t.branch_id = branch.id AND t.month = %s
LEFT JOIN (
    SELECT l.tally_id, COUNT(*) AS members
    FROM scoring_tallyline l JOIN scoring_monthlytally m ON m.id = l.tally_id
    WHERE m.month = %s GROUP BY l.tally_id
) n ON n.tally_id = t.id
WHERE town.parent_id = %s
GROUP BY town.id, town.code
ORDER BY town.code
"""

# The same figures straight from the ledger: the month's points and the members with
# points in the year up to the month, of the branches that published the month.
LEDGER_TALLY_SQL = """
SELECT town.id,
       (SELECT COUNT(*) FROM members_unit b2 WHERE b2.parent_id = town.id AND b2.kind = 'branch'),
       COUNT(DISTINCT t.id),
       COALESCE(SUM(CASE WHEN e.month = %s THEN e.points ELSE 0 END), 0),
       COUNT(DISTINCT e.member_id)
FROM members_unit town
LEFT JOIN members_unit branch ON branch.parent_id = town.id AND branch.kind = 'branch'
LEFT JOIN scoring_monthlytally t ON t.branch_id = branch.id AND t.month = %s
LEFT JOIN scoring_pointsentry e ON e.branch_id = t.branch_id AND e.month >= %s AND e.month <= %s
WHERE town.parent_id = %s
GROUP BY town.id, town.code
ORDER BY town.code
"""

# The card page's figures, in the two statements the page runs: the year's months with
# their points, entries and service hours (hours once per attendance, and not for an entry
# its corrections bring to nothing), and the shown month's entries with their activity,
# rule and corrected entry, and their later corrections (even in a later year).
CARD_YEAR_SQL = """
SELECT e.month, SUM(e.points), COUNT(*),
       COALESCE(SUM(CASE WHEN e.corrects_id IS NULL AND a.hours IS NOT NULL
                          AND COALESCE(e.points + (SELECT SUM(c.points) FROM scoring_pointsentry c
                                                   WHERE c.corrects_id = e.id), 1) <> 0
                         THEN a.hours END), 0)
FROM scoring_pointsentry e
LEFT JOIN scoring_attendance t ON t.id = e.attendance_id
LEFT JOIN scoring_activity a ON a.id = t.activity_id
WHERE e.member_id = %s AND e.month >= %s AND e.month <= %s
GROUP BY e.month
ORDER BY e.month
"""

CARD_MONTH_SQL = """
SELECT e.id, e.month, e.occurred_on, e.points, e.corrects_id, e.reason, t.activity_id,
       a.title, a.kind, a.hours, r.points, r.effective_from, r.created_by_id,
       o.points, o.month
FROM scoring_pointsentry e
LEFT JOIN scoring_pointsentry o ON o.id = e.corrects_id
LEFT JOIN scoring_attendance t ON t.id = e.attendance_id
LEFT JOIN scoring_activity a ON a.id = t.activity_id
LEFT JOIN scoring_pointsrule r ON r.id = e.rule_id
WHERE e.member_id = %s AND e.month >= %s AND (e.month = %s OR o.month = %s)
ORDER BY e.month, e.occurred_on, e.id
"""


def _check_card(card, bare_year: list[tuple], bare_month: list[tuple]) -> None:
    """Exit unless the bare statements give the card page's figures: each month's points,
    entries and hours, and the shown month's entries with their later corrections."""
    page_year = [
        (f.month, _decimal(f.total), f.entries, _decimal(f.hours))
        for f in card.figures
        if f.entries
    ]
    bare = [(_date(m), _decimal(s), n, _decimal(h)) for m, s, n, h in bare_year]
    if page_year != bare:
        sys.exit(f"the card's monthly figures differ:\n{page_year}\n{bare}")
    shown = card.month.month
    page_entries = [
        (
            e.pk,
            e.occurred_on,
            _decimal(e.points),
            e.corrects_id,
            e.activity_title,
            e.rule_label != "",
        )
        for e in card.month.entries
    ]
    bare_entries = [
        (row[0], _date(row[2]), _decimal(row[3]), row[4], row[7] or "", row[10] is not None)
        for row in bare_month
        if _date(row[1]) == shown
    ]
    if page_entries != bare_entries:
        sys.exit(f"the card's month differs:\n{page_entries}\n{bare_entries}")
    page_later = sorted(
        (_decimal(c.points), c.month) for e in card.month.entries for c in e.later_corrections
    )
    bare_later = sorted(
        (_decimal(row[3]), _date(row[1]))
        for row in bare_month
        if row[14] is not None and _date(row[14]) == shown
    )
    if page_later != bare_later:
        sys.exit(f"the card's later corrections differ:\n{page_later}\n{bare_later}")
    month_figure = card.figures[shown.month - 1]
    if (card.month.total, len(card.month.entries)) != (month_figure.total, month_figure.entries):
        sys.exit("the shown month's entries do not add up to its figure")


def _decimal(value) -> Decimal:
    return Decimal(str(value)).normalize()


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


# --- the child: one backend ----------------------------------------------------------------


def measure(runs: int, seed: bool = True) -> dict:
    from django.core.management import call_command
    from django.db import connection
    from django.urls import reverse
    from django.utils import timezone

    from members import demo as member_demo
    from members.models import Member
    from scoring import queries
    from scoring.models import PointsEntry

    vendor = "postgresql" if connection.vendor == "postgresql" else "sqlite"
    call_command("migrate", verbosity=0, interactive=False)
    start = time.perf_counter()
    if seed:
        benchlib.say(f"[scoring/{vendor}] seeding the district…")
        call_command("seed_demo", "--scale", "district", stdout=open(os.devnull, "w"))  # noqa: SIM115
        benchlib.analyze()
    seed_s = time.perf_counter() - start

    district = member_demo.demo_district()
    member = Member.objects.select_related("branch").get(user__username="member")
    month = queries.previous_month(queries.this_month())
    year = timezone.localdate().year

    def bare_tally():
        return benchlib.raw(TALLY_SQL, [month, month, district.pk])

    def ledger_tally():
        return benchlib.raw(
            LEDGER_TALLY_SQL, [month, month, month.replace(month=1), month, district.pk]
        )

    # The card as a member opens it: the year's figures and the default month's entries.
    card = queries.month_card(member, year)
    shown = card.month.month

    def bare_card_year():
        return benchlib.raw(CARD_YEAR_SQL, [member.pk, dt.date(year, 1, 1), dt.date(year, 12, 1)])

    def bare_card_month():
        return benchlib.raw(CARD_MONTH_SQL, [member.pk, shown, shown, shown])

    def bare_card():
        return [*bare_card_year(), *bare_card_month()]

    # The bare statements must give the figures the pages show.
    page_rows = [
        (row.unit.pk, row.branches, row.published, _decimal(row.total), row.members)
        for row in queries.unit_tally(district, month)
    ]
    for label, function in (("frozen", bare_tally), ("ledger", ledger_tally)):
        bare_rows = [(pk, b, p, _decimal(t), int(m)) for pk, b, p, t, m in function()]
        if page_rows != bare_rows:
            sys.exit(f"the tally figures differ ({label}):\n{page_rows}\n{bare_rows}")
    _check_card(card, bare_card_year(), bare_card_month())
    # ...and the year's figures are those the whole-year card (the PDF's) sums.
    full = queries.points_card(member, year)
    full_months = [(m.month, m.total, len(m.entries), m.hours) for m in full.months]
    page_months = [(f.month, f.total, f.entries, f.hours) for f in card.figures]
    if full_months != page_months:
        sys.exit(
            f"the card page's months differ from the full card's:\n{page_months}\n{full_months}"
        )

    pages = benchlib.Pages()
    tally_url = reverse("scoring:unit-tally", args=[district.pk, month.year, month.month])
    card_url = reverse("scoring:points-card", args=[member.pk])
    functions = {
        "tally": pages.get("district", tally_url),
        "tally_bare": bare_tally,
        "tally_ledger": ledger_tally,
        "tally_bare_page": pages.bare_page("district", "tally", bare_tally),
        "card": pages.get("member", card_url),
        "card_bare": bare_card,
        "card_bare_page": pages.bare_page("member", "card", bare_card),
        "floor": pages.get("district", reverse("password_change_done")),
        "floor_bare_page": pages.bare_page("district", "nothing", list),
    }
    # The page as timed opens on that month and shows the year's points.
    html = functions["card"]().content.decode()
    if (
        f'data-month="{shown:%Y-%m}"' not in html
        or f'id="year-total">{card.total_label}<' not in html
    ):
        sys.exit(f"the card page does not open on {shown:%Y-%m} with {card.total_label} points")
    timing = pages.time(functions, runs)
    return {
        **timing,
        "vendor": vendor,
        "seed_s": seed_s,
        "members": Member.objects.count(),
        "entries": PointsEntry.objects.count(),
        "month": month.isoformat(),
        "published": sum(row[2] for row in page_rows),
        "branches": sum(row[1] for row in page_rows),
        "card_month": shown.isoformat(),
        "card_month_entries": len(card.month.entries),
        "card_entries": sum(f.entries for f in card.figures),
    }


# --- the parent ----------------------------------------------------------------------------


def rows(result: dict) -> list[Row]:
    m, q, backend = result["medians"], result["queries"], result["vendor"]
    month = result["month"][:7]
    return [
        Row(
            AREA,
            backend,
            f"district tally page, {month} (district organiser)",
            m["tally"],
            q["tally"],
            "per-town figures from the frozen tallies, 1 statement",
            m["tally_bare"],
            q["tally_bare"],
            m["tally_bare_page"],
        ),
        Row(
            AREA,
            backend,
            f"district tally page, {month} (district organiser)",
            m["tally"],
            q["tally"],
            "the same figures aggregated from the ledger, 1 statement",
            m["tally_ledger"],
            q["tally_ledger"],
        ),
        Row(
            AREA,
            backend,
            f"刘䶮's points card, {result['card_month'][:7]} and the year's months (the member)",
            m["card"],
            q["card"],
            "the year's monthly points, entries and hours from the ledger; the month's "
            "entries with their activity, rule, corrected entry and later corrections; "
            "2 statements",
            m["card_bare"],
            q["card_bare"],
            m["card_bare_page"],
        ),
        Row(
            AREA,
            backend,
            "floor: a page with no data of its own (password_change_done)",
            m["floor"],
            q["floor"],
            "none",
            None,
            None,
            m["floor_bare_page"],
        ),
    ]


def describe(result: dict) -> str:
    r = result
    return (
        f"{r['vendor']}, district scale: {r['members']:,} members, {r['entries']:,} ledger "
        f"entries, seeded in {r['seed_s']:.0f} s; tally of {r['month'][:7]}: {r['published']} "
        f"of {r['branches']} branches published; the card's year holds {r['card_entries']} "
        f"entries, the month it opens on ({r['card_month'][:7]}) {r['card_month_entries']}; "
        f"load average {r['load']:.2f} when timing began"
    )


def run(runs: int, backends: list[str]) -> tuple[list[Row], list[str]]:
    """Every backend's rows and a line describing its data."""
    return benchlib.each_backend(
        __file__, "bench-scoring", backends, ["--runs", str(runs)], rows, describe
    )


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--backends", default="sqlite,postgres")
    # Time an already seeded database (e.g. while profiling): --child --no-seed --database-url
    parser.add_argument("--no-seed", action="store_true", help=argparse.SUPPRESS)


def main() -> None:
    benchlib.script_main(
        __doc__,
        lambda args: run(args.runs, args.backends.split(",")),
        lambda args: measure(args.runs, seed=not args.no_seed),
        _arguments,
    )


if __name__ == "__main__":
    main()
