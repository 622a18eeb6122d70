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
- card: scoring:points-card of 刘䶮 for this year, as that member; bare SQL: one
  statement giving the card's monthly points, entries and service hours;
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

# The card's figures: per tally month the points, the entries and the service hours
# (once per attendance: corrections carry no hours of their own).
CARD_SQL = """
SELECT e.month, SUM(e.points), COUNT(*),
       COALESCE(SUM(CASE WHEN e.corrects_id IS NULL THEN a.hours END), 0)
FROM scoring_pointsentry e
LEFT JOIN scoring_attendance t ON t.id = e.attendance_id
LEFT JOIN scoring_activity a ON a.id = t.activity_id
WHERE e.member_id = %s AND e.month >= %s AND e.month <= %s
GROUP BY e.month
ORDER BY e.month
"""


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

    def bare_card():
        return benchlib.raw(CARD_SQL, [member.pk, dt.date(year, 1, 1), dt.date(year, 12, 1)])

    # The bare statements must give the figures the pages show.
    page_rows = [
        (row.unit.pk, row.branches, row.published, _decimal(row.total), row.members)
        for row in queries.unit_tally(district, month)
    ]
    for label, function in (("frozen", bare_tally), ("ledger", ledger_tally)):
        bare_rows = [(pk, b, p, _decimal(t), int(m)) for pk, b, p, t, m in function()]
        if page_rows != bare_rows:
            sys.exit(f"the tally figures differ ({label}):\n{page_rows}\n{bare_rows}")
    card = queries.points_card(member, year)
    card_months = [
        (m.month, _decimal(m.total), len(m.entries), _decimal(m.hours))
        for m in card.months
        if m.entries
    ]
    bare_months = [(_date(m), _decimal(s), n, _decimal(h)) for m, s, n, h in bare_card()]
    if card_months != bare_months:
        sys.exit(f"the card figures differ:\n{card_months}\n{bare_months}")

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
        "card_entries": sum(n for _m, _s, n, _h in card_months),
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
            "刘䶮's points card, this year (the member)",
            m["card"],
            q["card"],
            "monthly points, entries and hours from the ledger, 1 statement",
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
        f"of {r['branches']} branches published; the card holds {r['card_entries']} entries; "
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
