"""Benchmark the grid volunteer service at city scale: the dispatch board, a team's page
and the excellent-volunteer list, each against the bare SQL that gives the same
figures, on SQLite and PostgreSQL.

    .venv/bin/python scripts/bench_helpdesk.py [--runs 15] [--backends sqlite,postgres]

`make bench` runs it through scripts/bench.py, which writes docs/benchmarks.md; run
alone it prints its rows. For each backend a child process seeds the city data set
(`members.demo.seed_demo("city")` and `helpdesk.demo.seed_helpdesk_demo("city")`: 19,000
member files in 2,100 grids, every member a volunteer, 100,000 requests over the last
year with their events and logs) into a throwaway database (scripts/benchlib.py), runs
`ANALYZE`, checks the bare SQL against the pages' query functions, and times, through
the Django test Client with DEBUG off, interleaved:

- board: helpdesk:board as the district organiser (open requests, the default), the
  same with ?state=all (newest first, page 1 of 2,000), and as a town organiser;
  bare SQL: the 50 rows shown (for the open board in its order: no team first, then
  late, then the rest) and the open requests by state with the late ones, plus the
  listing's count where the states do not give it (?state=all): 2 or 3 statements;
- team: helpdesk:team-detail of 秦望村 第1网格's team, as its leader; bare SQL: its
  volunteers with their capability types and year (the capability mix counted from
  them), its 20 latest requests, its 20 latest logs with who was there, and its year's
  figures (4 statements);
- excellent: helpdesk:excellent of the district for this year; bare SQL: the
  qualifying volunteers with their units and team (1 statement);

each bare SQL also as a bare page (benchlib.Pages). The small demo set, on SQLite,
gives the query counts to compare: a page must make as many queries at both sizes.
Not a test: `make test` never runs it.
"""

import argparse
import datetime as dt
import sys
import time
from collections import Counter
from decimal import Decimal

import benchlib
from benchlib import Row

AREA = "grid service (city scale)"
PER_PAGE = 50
RECENT = 20
PAGES = [
    ("board", "dispatch board, open requests (district organiser)"),
    ("board_all", "dispatch board, all requests, newest first (district organiser)"),
    ("board_town", "dispatch board, open requests (town organiser)"),
    ("team", "a team's page (its leader)"),
    ("excellent", "excellent volunteers of the year (district organiser)"),
]
BARE = {
    "board": "the 50 rows shown (no team first, then late, then the rest), open requests "
    "by state and late (their sum the count), 2 statements",
    "board_all": "the 50 rows shown, the count, open requests by state and late, 3 statements",
    "team": "volunteers with their capability types and year (the mix counted from them), "
    "20 requests, 20 logs with volunteers, year figures, 4 statements",
    "excellent": "the qualifying volunteers with units and team, 1 statement",
}

BOARD_FROM = """
FROM helpdesk_helprequest r JOIN members_unit b ON b.id = r.branch_id
WHERE b.path LIKE %s {open}
"""
BOARD_ROWS = """
SELECT r.code, r.state, r.received_at, g.name, s.name
FROM helpdesk_helprequest r
JOIN members_unit b ON b.id = r.branch_id
LEFT JOIN members_unit g ON g.id = r.grid_id
LEFT JOIN helpdesk_serviceteam s ON s.id = r.team_id
WHERE b.path LIKE %s {open}
ORDER BY {order}
LIMIT 50
"""
BOARD_STATES = """
SELECT r.state, COUNT(*),
       SUM(CASE WHEN (r.state = 'received' AND r.received_at < %s)
                  OR (r.state = 'dispatched' AND r.dispatched_at < %s)
                  OR (r.state IN ('dispatched', 'on_site') AND r.received_at < %s)
           THEN 1 ELSE 0 END)
FROM helpdesk_helprequest r JOIN members_unit b ON b.id = r.branch_id
WHERE b.path LIKE %s AND r.state IN ('received', 'dispatched', 'on_site')
GROUP BY r.state
"""
OPEN = "AND r.in_open_state"
# The open board's order: requests no team holds first, then the late ones, then the
# rest, each oldest first (helpdesk.queries.board_listing).
URGENCY = """CASE WHEN r.team_id IS NULL THEN 0
    WHEN (r.state = 'received' AND r.received_at < %s)
      OR (r.state = 'dispatched' AND r.dispatched_at < %s)
      OR (r.state IN ('dispatched', 'on_site') AND r.received_at < %s) THEN 1
    ELSE 2 END, r.received_at, r.id"""

TEAM_MEMBERS = """
SELECT p.number, m.name, p.id = s.leader_id, y.hours, y.services, c.name
FROM helpdesk_teammembership x
JOIN helpdesk_serviceteam s ON s.id = x.team_id
JOIN helpdesk_volunteerprofile p ON p.id = x.profile_id
JOIN members_member m ON m.id = p.member_id
LEFT JOIN helpdesk_volunteeryear y ON y.profile_id = p.id AND y.year = %s
LEFT JOIN members_member_capability_types mc ON mc.member_id = m.id
LEFT JOIN members_capabilitytype c ON c.id = mc.capabilitytype_id
WHERE x.team_id = %s
ORDER BY m.name, p.id, c.sort_order, c.name
"""
TEAM_REQUESTS = """
SELECT r.code, r.state, r.received_at
FROM helpdesk_helprequest r
WHERE r.team_id = %s
ORDER BY r.received_at DESC, r.id DESC
LIMIT 20
"""
TEAM_LOGS = """
SELECT l.id, l.served_at, l.category, l.hours, m.name
FROM (
    SELECT id, served_at, category, hours FROM helpdesk_servicelog
    WHERE team_id = %s ORDER BY served_at DESC, id DESC LIMIT 20
) l
JOIN helpdesk_servicelog_volunteers v ON v.servicelog_id = l.id
JOIN helpdesk_volunteerprofile p ON p.id = v.volunteerprofile_id
JOIN members_member m ON m.id = p.member_id
ORDER BY l.served_at DESC, l.id DESC, p.number
"""
TEAM_FIGURES = """
SELECT
  (SELECT COUNT(*) FROM helpdesk_helprequest
   WHERE team_id = %s AND received_at >= %s AND received_at < %s),
  (SELECT COUNT(*) FROM helpdesk_helprequest
   WHERE team_id = %s AND received_at >= %s AND received_at < %s
     AND state IN ('received', 'dispatched', 'on_site')),
  (SELECT COUNT(*) FROM helpdesk_servicelog
   WHERE team_id = %s AND served_at >= %s AND served_at < %s),
  (SELECT COALESCE(SUM(hours), 0) FROM helpdesk_servicelog
   WHERE team_id = %s AND served_at >= %s AND served_at < %s),
  (SELECT COUNT(*) FROM helpdesk_helprequest
   WHERE team_id = %s AND received_at >= %s AND received_at < %s AND rating IS NOT NULL),
  (SELECT COUNT(*) FROM helpdesk_helprequest
   WHERE team_id = %s AND received_at >= %s AND received_at < %s AND rating >= 4)
"""
EXCELLENT = """
SELECT p.number, m.name, y.hours, y.services, y.votes, y.favourable,
       town.name, b.name, g.name, s.name
FROM helpdesk_volunteeryear y
JOIN helpdesk_volunteerprofile p ON p.id = y.profile_id
JOIN members_member m ON m.id = p.member_id
JOIN members_unit b ON b.id = m.branch_id
LEFT JOIN members_unit town ON town.id = b.parent_id
LEFT JOIN members_unit g ON g.id = m.grid_id
LEFT JOIN helpdesk_teammembership x ON x.profile_id = p.id
LEFT JOIN helpdesk_serviceteam s ON s.id = x.team_id
WHERE y.year = %s AND b.path LIKE %s AND (y.hours >= %s OR y.services >= %s)
  AND y.votes > 0 AND y.votes >= %s AND y.favourable * 100 >= y.votes * %s
ORDER BY y.hours DESC, y.services DESC, p.number
"""


# --- the child: one backend, one scale -------------------------------------------------------


def _bare_board(path: str, *, newest_first: bool, open_only: bool):
    from django.utils import timezone

    from helpdesk.models import ARRIVE_WITHIN, DISPATCH_WITHIN, RESOLVE_WITHIN

    condition = OPEN if open_only else ""
    order = "r.received_at DESC, r.id DESC" if newest_first else URGENCY
    rows_sql = BOARD_ROWS.format(open=condition, order=order)
    count_sql = "SELECT COUNT(*) " + BOARD_FROM.format(open=condition)
    like = path + "%"

    def parts():
        now = timezone.now()
        limits = [now - DISPATCH_WITHIN, now - ARRIVE_WITHIN, now - RESOLVE_WITHIN]
        rows = benchlib.raw(rows_sql, [like] if newest_first else [like, *limits])
        states = benchlib.raw(BOARD_STATES, [*limits, like])
        # The open listing's length is the sum of the open states, as on the page.
        count = [(sum(n for _, n, _ in states),)] if open_only else benchlib.raw(count_sql, [like])
        return rows, count, states

    def bare():
        rows, count, states = parts()
        return [*rows, *count, *states]

    bare.parts = parts  # for the check
    return bare


def _bare_team(team_pk: int, year: int):
    from django.utils import timezone

    start = timezone.make_aware(dt.datetime(year, 1, 1))
    end = timezone.make_aware(dt.datetime(year + 1, 1, 1))

    def bare():
        members = benchlib.raw(TEAM_MEMBERS, [year, team_pk])
        return [
            *members,
            *_mix(members),
            *benchlib.raw(TEAM_REQUESTS, [team_pk]),
            *benchlib.raw(TEAM_LOGS, [team_pk]),
            *benchlib.raw(TEAM_FIGURES, [team_pk, start, end] * 6),
        ]

    return bare


def _mix(members: list[tuple]) -> list[tuple[str, int]]:
    """The capability mix from the volunteers' rows: how many hold each type."""
    counts = Counter(row[-1] for row in members if row[-1] is not None)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _bare_excellent(path: str, year: int, rule):
    sql = EXCELLENT
    if getattr(rule, "favourable_comparison", "at_least") == "more_than":
        sql = sql.replace("y.favourable * 100 >= y.votes", "y.favourable * 100 > y.votes")

    def bare():
        params = [year, path + "%", rule.min_hours, rule.min_services]
        return benchlib.raw(sql, [*params, rule.min_votes, rule.min_favourable_percent])

    return bare


def _checks(bare: dict, urls: dict, pages, team, year: int, district, rule) -> list[str]:
    """Where a bare statement does not give what the page's query functions give."""
    from django.utils import timezone

    from helpdesk import access, queries
    from helpdesk.models import stored_limits

    differ = []
    now = timezone.now()
    limits = stored_limits()
    for name in ("board", "board_all", "board_town"):
        username, url = urls[name]
        shown = benchlib.html_values(pages.get(username, url)().content.decode(), 'data-code="')
        rows, (count,), states = bare[name].parts()
        codes = [row[0] for row in rows]
        scoped = access.requests_for_user(_user(username))
        counts = queries.board_counts(scoped, now, limits)
        state = "all" if name == "board_all" else "open"
        total = queries.board_total(counts, state=state, late=False, filtered=False)
        if total is None:
            total = queries.board_requests(scoped, state=state, now=now, limits=limits).count()
        by_state = {value: n for value, n, _late in states}
        late = sum(int(late) for _state, _n, late in states)
        if (
            shown != codes[: len(shown)]
            or not shown
            or count[0] != total
            or (by_state, late) != (counts.by_state, counts.late)
        ):
            differ.append(name)
    figures = queries.team_figures(team, year)
    wanted = (figures.requests, figures.open, figures.logs, figures.hours, figures.rated)
    got = bare["team"]()
    if tuple(Decimal(str(v)) for v in got[-1][:5]) != tuple(Decimal(str(v)) for v in wanted):
        differ.append("team")
    rows = benchlib.raw(TEAM_MEMBERS, [year, team.pk])
    named = {}
    for number, name, *_figures, capability in rows:
        named.setdefault((number, name), []).extend([capability] if capability else [])
    members = queries.team_members(team, year)
    if sorted((name, types) for (_, name), types in named.items()) != sorted(
        (m.name, m.capability_types) for m in members
    ) or _mix(rows) != queries.capability_mix(members):
        differ.append("team")
    numbers = [row.profile.number for row in queries.excellent_volunteers(district, year, rule)]
    if numbers != [row[0] for row in bare["excellent"]()]:
        differ.append("excellent")
    return differ


def measure(runs: int, scale: str, seed: bool = True) -> dict:
    from django.core.management import call_command
    from django.db import connection
    from django.urls import reverse
    from django.utils import timezone

    from helpdesk import demo as helpdesk_demo
    from helpdesk import services
    from helpdesk.models import HelpRequest, ServiceLog, ServiceTeam, VolunteerProfile
    from members import access
    from members import demo as member_demo

    vendor = "postgresql" if connection.vendor == "postgresql" else "sqlite"
    call_command("migrate", verbosity=0, interactive=False)
    start = time.perf_counter()
    if seed:
        benchlib.say(f"[helpdesk/{vendor}] seeding the {scale} set…")
        member_demo.seed_demo(scale)
        helpdesk_demo.seed_helpdesk_demo(scale)
        benchlib.analyze()
    seed_s = time.perf_counter() - start

    district = member_demo.demo_district()
    team = ServiceTeam.objects.get(leader__member__user__username="leader")
    year = timezone.localdate().year
    rule = services.excellence_rule(district, year)
    pages = benchlib.Pages()
    (town_path,) = access.overseen_paths(_user("town"))
    urls = {
        "board": ("district", reverse("helpdesk:board")),
        "board_all": ("district", reverse("helpdesk:board") + "?state=all"),
        "board_town": ("town", reverse("helpdesk:board")),
        "team": ("leader", reverse("helpdesk:team-detail", args=[team.pk])),
        "excellent": ("district", reverse("helpdesk:excellent", args=[district.pk, year])),
    }
    bare = {
        "board": _bare_board(district.path, newest_first=False, open_only=True),
        "board_all": _bare_board(district.path, newest_first=True, open_only=False),
        "board_town": _bare_board(town_path, newest_first=False, open_only=True),
        "team": _bare_team(team.pk, year),
        "excellent": _bare_excellent(district.path, year, rule),
    }
    differ = _checks(bare, urls, pages, team, year, district, rule)
    functions = {}
    for name, (username, url) in urls.items():
        functions[name] = pages.get(username, url)
        functions[f"{name}_bare"] = bare[name]
        functions[f"{name}_bare_page"] = pages.bare_page(username, name, bare[name])
    timing = pages.time(functions, runs)
    return {
        **timing,
        "vendor": vendor,
        "scale": scale,
        "differ": differ,
        "seed_s": seed_s,
        "volunteers": VolunteerProfile.objects.count(),
        "teams": ServiceTeam.objects.count(),
        "requests": HelpRequest.objects.count(),
        "logs": ServiceLog.objects.count(),
    }


def _user(username: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


# --- the parent --------------------------------------------------------------------------------


def rows(result: dict, small: dict | None) -> list[Row]:
    m, q = result["medians"], result["queries"]
    out = []
    for name, label in PAGES:
        notes = []
        if small is not None:
            at_small = small["queries"][name]
            notes.append(
                f"{at_small} queries on the small set"
                + ("" if at_small == q[name] else ": the count GROWS with the data")
            )
        if name in result["differ"]:
            notes.append("CHECK FAILED: the bare SQL does not give the page's figures")
        out.append(
            Row(
                AREA,
                result["vendor"],
                label,
                m[name],
                q[name],
                BARE.get(name, BARE[name.split("_")[0]]),
                m[f"{name}_bare"],
                q[f"{name}_bare"],
                m[f"{name}_bare_page"],
                "; ".join(notes),
            )
        )
    return out


def describe(result: dict) -> str:
    r = result
    return (
        f"{r['vendor']}, {r['scale']} scale: {r['volunteers']:,} volunteers, {r['teams']:,} "
        f"teams, {r['requests']:,} requests, {r['logs']:,} service logs, seeded in "
        f"{r['seed_s']:.0f} s; load average {r['load']:.2f} when timing began"
    )


def run(runs: int, backends: list[str]) -> tuple[list[Row], list[str]]:
    """Every backend's rows at city scale, with the small set's query counts."""
    with benchlib.throwaway_database("sqlite", "bench-helpdesk-small") as url:
        small = benchlib.run_child(__file__, url, "--runs", "3", "--scale", "small")
    return benchlib.each_backend(
        __file__,
        "bench-helpdesk",
        backends,
        ["--runs", str(runs), "--scale", "city"],
        lambda result: rows(result, small),
        describe,
    )


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--scale", default="city", help=argparse.SUPPRESS)
    # Time an already seeded database (e.g. while profiling): --child --no-seed --database-url
    parser.add_argument("--no-seed", action="store_true", help=argparse.SUPPRESS)


def main() -> None:
    benchlib.script_main(
        __doc__,
        lambda args: run(args.runs, args.backends.split(",")),
        lambda args: measure(args.runs, args.scale, seed=not args.no_seed),
        _arguments,
    )


if __name__ == "__main__":
    sys.exit(main())
