"""Benchmark the district's monthly tally page and a member's points card at district
scale, against the bare SQL aggregate that gives the same figures, on SQLite and
PostgreSQL.

    .venv/bin/python scripts/bench_scoring.py [--runs 15] [--backends sqlite,postgres]
                                              [--no-record]

(`make bench` runs it with the defaults.) For each backend it seeds
`seed_demo --scale district` (about 8,230 members and 400,000 ledger entries: last
year and this year up to last month) into a throwaway database — a SQLite file in a
temporary directory; a PostgreSQL database made with `createdb` on POSTGRES_URL's
server and dropped afterwards — in a child process that points DATABASE_URL there
before Django starts, so the project's databases are never touched. Then, with the
Django test Client and DEBUG off:

- tally: GET scoring:unit-tally for the district and last month, logged in as the
  district organiser (`district`); bare: one raw cursor query giving the same per-town
  figures (branches, branches that published, published points, members in the tally);
- card: GET scoring:points-card of 刘䶮 for this year, logged in as that member
  (`member`); bare: one raw cursor query giving the same monthly totals.

Each is timed per request, `--runs` times after three untimed warm-ups, the page and
its bare query interleaved; the medians and the ratio page/bare are reported with the
page's own SQL time and query count, and the floor of any page (a page with no data of
its own: `password_change_done`). Before timing, the bare figures are checked against
what the view's query functions return. Results go to docs/benchmarks.md (their own
section, replaced on each run) unless --no-record is given. Not a test: `make test`
never runs it.
"""

import argparse
import datetime as dt
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "benchmarks.md"
START = "<!-- bench_scoring:start -->"
END = "<!-- bench_scoring:end -->"
POSTGRES_URL = os.environ.get("POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/volunteer")
RATIO_TARGET = 3.0
TALLY_MS_TARGET = 300.0
WARM_UP = 3
CREATEDB, DROPDB, PSQL = (shutil.which(tool) or tool for tool in ("createdb", "dropdb", "psql"))

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

CARD_SQL = """
SELECT month, SUM(points), COUNT(*)
FROM scoring_pointsentry
WHERE member_id = %s AND month >= %s AND month <= %s
GROUP BY month
ORDER BY month
"""


# --- the child: one backend ------------------------------------------------------------


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DEBUG"] = "false"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "volunteer.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def timed(function, runs: int) -> list[float]:
    for _ in range(WARM_UP):
        function()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def _decimal(value) -> Decimal:
    return Decimal(str(value)).normalize()


def measure(runs: int, seed: bool) -> dict:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from members import demo as member_demo
    from members.models import Member
    from scoring import queries
    from scoring.models import PointsEntry

    result: dict = {"vendor": connection.vendor}
    if seed:
        call_command("migrate", verbosity=0, interactive=False)
        start = time.perf_counter()
        call_command("seed_demo", "--scale", "district", stdout=open(os.devnull, "w"))  # noqa: SIM115
        result["seed_s"] = time.perf_counter() - start
        # Fresh tables have no planner statistics until autovacuum gets to them (SQLite
        # never gathers any by itself): give both what a running site would have.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    district = member_demo.demo_district()
    member = Member.objects.select_related("branch").get(user__username="member")
    result["entries"] = PointsEntry.objects.count()
    result["members"] = Member.objects.count()
    today = timezone.localdate()
    month = queries.previous_month(queries.this_month())
    year = today.year

    # The bare queries must give the figures the pages show.
    def bare_tally():
        with connection.cursor() as cursor:
            cursor.execute(TALLY_SQL, [month, month, district.pk])
            return cursor.fetchall()

    def ledger_tally():
        with connection.cursor() as cursor:
            cursor.execute(
                LEDGER_TALLY_SQL, [month, month, month.replace(month=1), month, district.pk]
            )
            return cursor.fetchall()

    def bare_card():
        with connection.cursor() as cursor:
            cursor.execute(CARD_SQL, [member.pk, dt.date(year, 1, 1), dt.date(year, 12, 1)])
            return cursor.fetchall()

    page_rows = [
        (row.unit.pk, row.branches, row.published, _decimal(row.total), row.members)
        for row in queries.unit_tally(district, month)
    ]
    bare_rows = [(pk, b, p, _decimal(total), int(m)) for pk, b, p, total, m in bare_tally()]
    if page_rows != bare_rows:
        sys.exit(f"the tally figures differ:\n{page_rows}\n{bare_rows}")
    ledger_rows = [(pk, b, p, _decimal(total), int(m)) for pk, b, p, total, m in ledger_tally()]
    if page_rows != ledger_rows:
        sys.exit(f"the tally figures differ from the ledger's:\n{page_rows}\n{ledger_rows}")
    card = queries.points_card(member, year)
    card_months = [(m.month, _decimal(m.total), len(m.entries)) for m in card.months if m.entries]
    bare_months = [
        (m if isinstance(m, dt.date) else dt.date.fromisoformat(m), _decimal(s), n)
        for m, s, n in bare_card()
    ]
    if card_months != bare_months:
        sys.exit(f"the card figures differ:\n{card_months}\n{bare_months}")
    result["tally_published"] = sum(r[2] for r in page_rows)
    result["tally_branches"] = sum(r[1] for r in page_rows)
    result["card_entries"] = sum(n for _m, _s, n in card_months)

    organiser, holder = Client(), Client()
    organiser.force_login(get_user_model().objects.get(username="district"))
    holder.force_login(member.user)
    urls = {
        "tally": (organiser, reverse("scoring:unit-tally", args=[district.pk, month.year, month.month])),
        "card": (holder, reverse("scoring:points-card", args=[member.pk])),
        "floor": (organiser, reverse("password_change_done")),
    }  # fmt: skip

    def page(name: str):
        client, url = urls[name]

        def get():
            response = client.get(url)
            if response.status_code != 200:
                sys.exit(f"{url} answered {response.status_code}")
            return response

        return get

    def sql_time(name: str) -> tuple[float, int]:
        spent, count = [], 0

        def wrapper(execute, sql, params, many, context):
            nonlocal count
            start = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                spent.append(time.perf_counter() - start)
                count += 1

        totals = []
        for _ in range(runs):
            spent.clear()
            count = 0
            with connection.execute_wrapper(wrapper):
                page(name)()
            totals.append(sum(spent) * 1000)
        return statistics.median(totals), count

    load = os.getloadavg()[0]
    timings = {
        "tally": [],
        "tally_bare": [],
        "tally_ledger": [],
        "card": [],
        "card_bare": [],
        "floor": [],
    }
    for name in ("tally", "card", "floor"):
        page(name)()  # the first request of a page compiles its templates
    # Interleaved: a page, then its bare query, so both see the same conditions.
    for _ in range(WARM_UP):
        page("tally")(), bare_tally(), ledger_tally(), page("card")(), bare_card()
        page("floor")()
    for _ in range(runs):
        for name, function in (
            ("tally", page("tally")),
            ("tally_bare", bare_tally),
            ("tally_ledger", ledger_tally),
            ("card", page("card")),
            ("card_bare", bare_card),
            ("floor", page("floor")),
        ):
            start = time.perf_counter()
            function()
            timings[name].append((time.perf_counter() - start) * 1000)
    result["timings_ms"] = timings
    result["sql_ms"] = {name: sql_time(name) for name in ("tally", "card", "floor")}
    result["load"] = load
    result["month"] = month.isoformat()
    return result


def child(args: argparse.Namespace) -> None:
    setup_django(args.database_url)
    print(json.dumps(measure(args.runs, seed=not args.no_seed)))


# --- the parent: throwaway databases, report -------------------------------------------


def _postgres_admin(url: str) -> tuple[dict, str]:
    parts = urlsplit(url)
    env = dict(os.environ)
    if parts.password:
        env["PGPASSWORD"] = parts.password
    flags = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    if parts.username:
        flags += ["-U", parts.username]
    return env, " ".join(flags)


def run_backend(backend: str, runs: int) -> dict:
    script = [sys.executable, str(Path(__file__).resolve()), "--child", "--runs", str(runs)]
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="bench-scoring-") as folder:
            url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
            out = subprocess.run(  # noqa: S603 - this script, no user input
                [*script, "--database-url", url], check=True, capture_output=True, text=True
            )
    else:
        name = f"bench_scoring_{uuid.uuid4().hex[:8]}"
        env, flags = _postgres_admin(POSTGRES_URL)
        subprocess.run([CREATEDB, *shlex.split(flags), name], check=True, env=env)  # noqa: S603
        try:
            parts = urlsplit(POSTGRES_URL)
            url = urlunsplit(parts._replace(path=f"/{name}"))
            out = subprocess.run(  # noqa: S603 - this script, no user input
                [*script, "--database-url", url], check=True, capture_output=True, text=True
            )
        finally:
            subprocess.run(  # noqa: S603
                [DROPDB, "--if-exists", *shlex.split(flags), name], check=True, env=env
            )
    return json.loads(out.stdout.strip().splitlines()[-1])


def machine() -> str:
    return (
        f"{platform.machine()}, {len(os.sched_getaffinity(0))} CPUs (nproc), "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def postgres_version() -> str:
    env, flags = _postgres_admin(POSTGRES_URL)
    try:
        out = subprocess.run(  # noqa: S603
            [PSQL, *shlex.split(flags), "-d", "postgres", "-Atc", "SHOW server_version"],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.stdout.strip()


COMPARISONS = [
    # (page, bare, label of the page, label of the bare query)
    ("tally", "tally_bare", "district tally, last month", "same figures from the frozen tallies"),
    ("tally", "tally_ledger", "district tally, last month", "same figures from the ledger"),
    ("card", "card_bare", "刘䶮's points card, this year", "monthly totals from the ledger"),
]


def summarise(results: dict[str, dict], runs: int) -> list[str]:
    rows = [
        "| backend | page | page (ms) | bare SQL | bare (ms) | page / bare "
        "| page's own SQL (ms, queries) | floor (ms) |",
        "| --- | --- | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    verdicts = []
    for backend, r in results.items():
        t = {name: statistics.median(values) for name, values in r["timings_ms"].items()}
        for page, bare, page_label, bare_label in COMPARISONS:
            ratio = t[page] / t[bare]
            sql, queries = r["sql_ms"][page]
            # sqlite3 runs a statement when its rows are fetched, after the wrapper has
            # returned: only PostgreSQL's time in SQL can be told apart.
            own = f"{sql:.1f} ({queries})" if backend != "sqlite" else f"— ({queries})"
            rows.append(
                f"| {backend} | {page_label} | {t[page]:.1f} | {bare_label} | {t[bare]:.2f} | "
                f"{ratio:.2f}× | {own} | {t['floor']:.1f} |"
            )
            verdicts.append(
                f"- {backend}, {page_label} against the {bare_label}: **{ratio:.2f}×** "
                f"(target ≤ {RATIO_TARGET:.0f}×: {'met' if ratio <= RATIO_TARGET else 'NOT met'})"
            )
        if "postgres" in backend:
            verdicts.append(
                f"- {backend}, the district tally page: **{t['tally']:.1f} ms** "
                f"(target < {TALLY_MS_TARGET:.0f} ms: "
                f"{'met' if t['tally'] < TALLY_MS_TARGET else 'NOT met'})"
            )
    data = [
        f"- {backend}: {r['members']:,} members, {r['entries']:,} ledger entries"
        + (f", seeded in {r['seed_s']:.0f} s" if "seed_s" in r else "")
        + f"; tally of {r['month'][:7]}: {r['tally_published']} of {r['tally_branches']} branches "
        f"published; the card holds {r['card_entries']} entries; load average "
        f"{r['load']:.2f} when timing began"
        for backend, r in results.items()
    ]
    return [
        f"{runs} timed requests per page and as many bare queries, interleaved, after "
        f"{WARM_UP} untimed warm-ups; times are medians.",
        "",
        *data,
        "",
        *rows,
        "",
        *verdicts,
    ]


def record(summary: list[str], command: str) -> None:
    section = "\n".join(
        [
            START,
            "## Points at district scale: the district's tally page and a points card",
            "",
            f"- date: {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %z}",
            f"- machine: {machine()}; PostgreSQL {postgres_version()}",
            f"- command: `{command}`",
            "- what: `scripts/bench_scoring.py` seeds `seed_demo --scale district` into a "
            "throwaway SQLite file and a throwaway PostgreSQL database, then times "
            "`scoring:unit-tally` (the district, last month, as the district organiser) and "
            "`scoring:points-card` (刘䶮, this year, as that member) through the Django test "
            "Client against raw cursor queries giving the same figures (checked before timing). "
            "*page's own SQL* is the time the page spends executing its queries (PostgreSQL "
            "only); *floor* is a page with no data of its own (`password_change_done`): "
            "session, user, menu and base template. After seeding, `ANALYZE` gives the "
            "planner the statistics a running site has.",
            "",
            *summary,
            END,
        ]
    )
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        text = before + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOCS.parent.mkdir(exist_ok=True)
    DOCS.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--no-record", action="store_true", help="do not write docs/benchmarks.md")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--no-seed", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    if args.runs < 10:
        parser.error("--runs must be at least 10")
    results = {}
    for backend in args.backends.split(","):
        if backend not in ("sqlite", "postgres"):
            parser.error(f"unknown backend {backend!r}")
        print(f"seeding and timing on {backend}…", flush=True)
        result = run_backend(backend, args.runs)
        results[result["vendor"]] = result
    summary = summarise(results, args.runs)
    print("\n".join(summary))
    script = ".venv/bin/python scripts/bench_scoring.py"
    command = f"{script} {shlex.join(sys.argv[1:])}" if sys.argv[1:] else f"make bench ({script})"
    if not args.no_record:
        record(summary, command.rstrip())
        print(f"\nrecorded in {DOCS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
