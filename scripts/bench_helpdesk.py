"""Benchmark the grid volunteer service at city scale: the dispatch board, a team's page
and the excellent-volunteer list, on SQLite and PostgreSQL.

    .venv/bin/python scripts/bench_helpdesk.py [--runs 15] [--backends sqlite,postgres]
                                               [--no-record]

(`make bench` runs it with the defaults.) For each backend a child process seeds the
city data set into a throwaway database — a SQLite file in a temporary directory; a
PostgreSQL database made with `createdb` on POSTGRES_URL's server and dropped
afterwards — pointing DATABASE_URL there before Django starts, so the project's
databases are never touched. The data set is `members.demo.seed_demo("city")` (19,000
member files in 2,100 grids) and `helpdesk.demo.seed_helpdesk_demo("city")` (every
member a volunteer, a team for nearly every grid, 100,000 requests over the last year
with their events and logs); then `ANALYZE`. A small data set (the small demo, on
SQLite) is measured the same way, for the query counts only: they must be the same at
both sizes.

Pages, through the Django test Client with DEBUG off, each `--runs` times after three
untimed warm-ups, interleaved:

- board (district): helpdesk:board as the district organiser (every request of the
  city in scope), open requests — the default view;
- board, all (district): the same with ?state=all, newest first, page 1 of 2,000;
- board (town): helpdesk:board as a town organiser;
- team: helpdesk:team-detail of 秦望村 第1网格's team, as its leader (`leader`);
- excellent: helpdesk:excellent of the district for this year, as the district
  organiser.

It reports the median time per request, the page's own SQL time (PostgreSQL only) and
its query count, and records them in docs/benchmarks.md (its own section, replaced on
each run) unless --no-record is given. Target: each page under 300 ms on PostgreSQL,
with the same query count at both sizes. Not a test: `make test` never runs it.
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
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "benchmarks.md"
START = "<!-- bench_helpdesk:start -->"
END = "<!-- bench_helpdesk:end -->"
POSTGRES_URL = os.environ.get("POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/volunteer")
MS_TARGET = 300.0
WARM_UP = 3
CREATEDB, DROPDB, PSQL = (shutil.which(tool) or tool for tool in ("createdb", "dropdb", "psql"))
PAGES = [
    ("board", "board, open requests (district organiser, whole city)"),
    ("board_all", "board, all requests, newest first (district organiser)"),
    ("board_town", "board, open requests (town organiser)"),
    ("team", "a team's page (its leader; rows: its latest requests)"),
    ("excellent", "excellent volunteers of the year (district organiser)"),
]


# --- the child: one backend, one scale ----------------------------------------------------


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DEBUG"] = "false"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "volunteer.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def measure(runs: int, scale: str) -> dict:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from helpdesk import demo as helpdesk_demo
    from helpdesk.models import HelpRequest, ServiceLog, ServiceTeam, VolunteerProfile
    from members import demo as member_demo

    result: dict = {"vendor": connection.vendor, "scale": scale}
    call_command("migrate", verbosity=0, interactive=False)
    start = time.perf_counter()
    member_demo.seed_demo(scale)
    result["seed_members_s"] = time.perf_counter() - start
    start = time.perf_counter()
    helpdesk_demo.seed_helpdesk_demo(scale)
    result["seed_helpdesk_s"] = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    district = member_demo.demo_district()
    result["volunteers"] = VolunteerProfile.objects.count()
    result["teams"] = ServiceTeam.objects.count()
    result["requests"] = HelpRequest.objects.count()
    result["logs"] = ServiceLog.objects.count()
    users = get_user_model().objects
    team = ServiceTeam.objects.get(leader__member__user__username="leader")
    result["team_requests"] = HelpRequest.objects.filter(team=team).count()
    year = timezone.localdate().year

    clients = {}
    for username in ("district", "town", "leader"):
        clients[username] = Client()
        clients[username].force_login(users.get(username=username))
    urls = {
        "board": ("district", reverse("helpdesk:board")),
        "board_all": ("district", reverse("helpdesk:board") + "?state=all"),
        "board_town": ("town", reverse("helpdesk:board")),
        "team": ("leader", reverse("helpdesk:team-detail", args=[team.pk])),
        "excellent": ("district", reverse("helpdesk:excellent", args=[district.pk, year])),
    }

    def get(name: str):
        username, url = urls[name]
        response = clients[username].get(url)
        if response.status_code != 200:
            sys.exit(f"{url} answered {response.status_code}")
        return response

    # Rows shown, read off the HTML (the test Client keeps no context outside tests).
    markers = {"board": 'data-code="', "board_all": 'data-code="', "board_town": 'data-code="'}
    markers |= {"excellent": 'href="/helpdesk/volunteers/', "team": 'data-state="'}
    result["rows"] = {name: get(name).content.decode().count(markers[name]) for name in urls}
    result["excellent"] = result["rows"]["excellent"]

    def own_sql(name: str) -> tuple[list[float], int]:
        spent, count = [], 0

        def wrapper(execute, sql, params, many, context):
            nonlocal count
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                spent.append(time.perf_counter() - started)
                count += 1

        totals = []
        for _ in range(max(runs // 3, 3)):
            spent.clear()
            count = 0
            with connection.execute_wrapper(wrapper):
                get(name)
            totals.append(sum(spent) * 1000)
        return totals, count

    load = os.getloadavg()[0]
    timings: dict[str, list[float]] = {name: [] for name in urls}
    for _ in range(WARM_UP):
        for name in urls:
            get(name)
    for _ in range(runs):
        for name in urls:
            started = time.perf_counter()
            get(name)
            timings[name].append((time.perf_counter() - started) * 1000)
    sql = {name: own_sql(name) for name in urls}
    result["timings_ms"] = timings
    result["sql_ms"] = {name: statistics.median(values) for name, (values, _n) in sql.items()}
    result["queries"] = {name: n for name, (_values, n) in sql.items()}
    result["load"] = load
    return result


def child(args: argparse.Namespace) -> None:
    setup_django(args.database_url)
    print(json.dumps(measure(args.runs, args.scale)))


# --- the parent: throwaway databases, report ---------------------------------------------


def _postgres_admin(url: str) -> tuple[dict, str]:
    parts = urlsplit(url)
    env = dict(os.environ)
    if parts.password:
        env["PGPASSWORD"] = parts.password
    flags = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    if parts.username:
        flags += ["-U", parts.username]
    return env, " ".join(flags)


def run_backend(backend: str, scale: str, runs: int) -> dict:
    script = [sys.executable, str(Path(__file__).resolve()), "--child", "--runs", str(runs)]
    script += ["--scale", scale]
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="bench-helpdesk-") as folder:
            url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
            out = subprocess.run(  # noqa: S603 - this script, no user input
                [*script, "--database-url", url], check=True, capture_output=True, text=True
            )
    else:
        name = f"bench_helpdesk_{uuid.uuid4().hex[:8]}"
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


def summarise(results: list[dict], small: dict | None, runs: int) -> list[str]:
    rows = [
        "| backend | page | rows shown | median (ms) | own SQL (ms) | queries | queries, small set |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    verdicts = []
    for r in results:
        for name, label in PAGES:
            median = statistics.median(r["timings_ms"][name])
            own = f"{r['sql_ms'][name]:.1f}" if r["vendor"] == "postgresql" else "—"
            same = small is not None and small["queries"][name] == r["queries"][name]
            small_n = small["queries"][name] if small else "—"
            shown = r["rows"][name]
            rows.append(
                f"| {r['vendor']} | {label} | {shown} | {median:.1f} | {own} | "
                f"{r['queries'][name]} | {small_n}{'' if same or small is None else ' ≠'} |"
            )
            if r["vendor"] == "postgresql":
                verdicts.append(
                    f"- PostgreSQL, {label}: **{median:.1f} ms** (target < {MS_TARGET:.0f} ms: "
                    f"{'met' if median < MS_TARGET else 'NOT met'})"
                )
        if small is not None:
            same = all(small["queries"][n] == r["queries"][n] for n, _l in PAGES)
            verdicts.append(
                f"- {r['vendor']}: query counts at city scale "
                f"{'equal' if same else 'DIFFER from'} those of the small set"
            )
    data = [
        f"- {r['vendor']} ({r['scale']}): {r['volunteers']:,} volunteers, {r['teams']:,} "
        f"teams, {r['requests']:,} requests, {r['logs']:,} service logs; the team's "
        f"requests: {r['team_requests']}; excellent volunteers this year: "
        f"{r['excellent']}; seeded in {r['seed_members_s']:.0f} s (members) + "
        f"{r['seed_helpdesk_s']:.0f} s (volunteer service); load average {r['load']:.2f} "
        "when timing began"
        for r in ([*results, small] if small else results)
    ]
    return [
        f"{runs} timed requests per page, interleaved, after {WARM_UP} untimed warm-ups; "
        "times are medians.",
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
            "## Grid volunteer service at city scale: dispatch board, team page, "
            "excellent volunteers",
            "",
            f"- date: {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %z}",
            f"- machine: {machine()}; PostgreSQL {postgres_version()}",
            f"- command: `{command}`",
            "- what: `scripts/bench_helpdesk.py` seeds the city data set "
            "(`members.demo.seed_demo('city')` and `helpdesk.demo.seed_helpdesk_demo('city')`) "
            "into a throwaway SQLite file and a throwaway PostgreSQL database, runs `ANALYZE`, "
            "then times the pages through the Django test Client with DEBUG off. *own SQL* is "
            "the time the page spends executing its queries (PostgreSQL only: sqlite3 runs a "
            "statement as its rows are fetched). The small demo set, on SQLite, gives the "
            "query counts to compare.",
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
    parser.add_argument("--scale", default="city", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    if args.runs < 5:
        parser.error("--runs must be at least 5")
    print("the small set on sqlite, for the query counts…", flush=True)
    small = run_backend("sqlite", "small", 5)
    results = []
    for backend in args.backends.split(","):
        if backend not in ("sqlite", "postgres"):
            parser.error(f"unknown backend {backend!r}")
        print(f"seeding the city and timing on {backend}…", flush=True)
        results.append(run_backend(backend, "city", args.runs))
    summary = summarise(results, small, args.runs)
    print("\n".join(summary))
    script = ".venv/bin/python scripts/bench_helpdesk.py"
    command = f"{script} {shlex.join(sys.argv[1:])}" if sys.argv[1:] else f"make bench ({script})"
    if not args.no_record:
        record(summary, command.rstrip())
        print(f"\nrecorded in {DOCS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
