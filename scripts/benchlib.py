"""What the benchmark scripts share: throwaway databases, Django set up against them in
a child process, the machine's description, interleaved timing, query counting, the
"bare page" (the same middleware, session and user as any page, then only the bare SQL)
and the rows of the one table `scripts/bench.py` writes to docs/benchmarks.md.

A benchmark script runs in two halves: the parent makes a throwaway database and starts
the same script again with `--child --database-url URL`; the child points DATABASE_URL
there *before* Django starts (so the project's own databases are never touched), seeds,
times, and prints its result as JSON on its last line of output.
"""

import argparse
import contextlib
import json
import os
import platform
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import types
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "benchmarks.md"
POSTGRES_URL = os.environ.get("POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/volunteer")
WARM_UP = 3
CREATEDB, DROPDB, PSQL = (shutil.which(tool) or tool for tool in ("createdb", "dropdb", "psql"))
BACKENDS = ("sqlite", "postgres")


# --- rows of the table -----------------------------------------------------------------------


@dataclass
class Row:
    """One figure of the table: the app's time beside its bare baselines."""

    area: str
    backend: str
    figure: str
    ms: float
    queries: int | None = None
    bare: str = ""  # what the bare SQL (or bare library call) is
    bare_ms: float | None = None
    bare_queries: int | None = None
    bare_page_ms: float | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return self.ms / self.bare_ms if self.bare_ms else None

    @property
    def page_ratio(self) -> float | None:
        return self.ms / self.bare_page_ms if self.bare_page_ms else None


def rows_from_json(items: list[dict]) -> list[Row]:
    return [Row(**item) for item in items]


def rows_to_json(rows: list[Row]) -> list[dict]:
    return [asdict(row) for row in rows]


# --- the machine -----------------------------------------------------------------------------


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def postgres_version(url: str = POSTGRES_URL) -> str:
    env, flags = postgres_admin(url)
    try:
        out = subprocess.run(  # noqa: S603 - a fixed tool, no user input
            [PSQL, *flags, "-d", "postgres", "-Atc", "SHOW server_version"],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
    except (OSError, subprocess.CalledProcessError):
        return "not available"
    return out.stdout.strip()


def machine() -> dict[str, str]:
    return {
        "cores": str(len(os.sched_getaffinity(0))),
        "cpu": cpu_model(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": postgres_version(),
        "os": f"{platform.system()} {platform.release()} ({platform.machine()})",
    }


# --- throwaway databases and the child process ----------------------------------------------


def postgres_admin(url: str) -> tuple[dict, list[str]]:
    parts = urlsplit(url)
    env = dict(os.environ)
    if parts.password:
        env["PGPASSWORD"] = parts.password
    flags = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    if parts.username:
        flags += ["-U", parts.username]
    return env, flags


@contextlib.contextmanager
def throwaway_database(backend: str, prefix: str) -> Iterator[str]:
    """A DATABASE_URL for a new, empty database, dropped (or deleted) afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix=f"{prefix}-") as folder:
            yield f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        return
    if backend != "postgres":
        raise ValueError(f"unknown backend {backend!r}")
    name = f"{prefix.replace('-', '_')}_{uuid.uuid4().hex[:8]}"
    env, flags = postgres_admin(POSTGRES_URL)
    subprocess.run([CREATEDB, *flags, name], check=True, env=env)  # noqa: S603
    try:
        yield urlunsplit(urlsplit(POSTGRES_URL)._replace(path=f"/{name}"))
    finally:
        subprocess.run([DROPDB, "--if-exists", *flags, name], check=True, env=env)  # noqa: S603


def run_child(script: str, database_url: str, *args: str) -> dict:
    """Run `script --child` against a database; its last line of output is its JSON."""
    command = [sys.executable, script, "--child", "--database-url", database_url, *args]
    out = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)  # noqa: S603
    return json.loads(out.stdout.strip().splitlines()[-1])


def each_backend(
    script: str,
    prefix: str,
    backends: list[str],
    child_args: list[str],
    rows: Callable[[dict], list[Row]],
    describe: Callable[[dict], str],
) -> tuple[list[Row], list[str]]:
    """Run `script --child` once per engine, each in a throwaway database of its own;
    every engine's rows and the line describing its data."""
    all_rows, lines = [], []
    for backend in backends:
        with throwaway_database(backend, prefix) as url:
            result = run_child(script, url, *child_args)
        all_rows += rows(result)
        lines.append(describe(result))
    return all_rows, lines


def setup_django(database_url: str) -> None:
    """Django with DEBUG off against `database_url`; call before importing any model."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["DEBUG"] = "false"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "volunteer.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def analyze() -> None:
    """Planner statistics, as a running site has them (autovacuum on PostgreSQL)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def say(message: str) -> None:
    """Progress goes to stderr: stdout carries the child's JSON."""
    print(message, file=sys.stderr, flush=True)


# --- timing ----------------------------------------------------------------------------------


def interleaved(
    functions: dict[str, Callable[[], object]], runs: int, warm_up: int = WARM_UP
) -> dict[str, float]:
    """Median milliseconds of each function, run in turn `runs` times after `warm_up`
    untimed rounds: interleaving gives every side the same conditions on a shared CPU."""
    for _ in range(warm_up):
        for function in functions.values():
            function()
    times: dict[str, list[float]] = {name: [] for name in functions}
    for _ in range(runs):
        for name, function in functions.items():
            start = time.perf_counter()
            function()
            times[name].append((time.perf_counter() - start) * 1000)
    return {name: statistics.median(values) for name, values in times.items()}


def count_queries(function: Callable[[], object]) -> int:
    """How many SQL statements one call of `function` runs."""
    from django.db import connection

    count = 0

    def wrapper(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        function()
    return count


def raw(sql: str, params: list | tuple = ()) -> list[tuple]:
    """One raw statement through Django's connection, every row fetched."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# --- pages and bare pages --------------------------------------------------------------------


@dataclass
class Pages:
    """Logged-in test clients, the app's pages, and bare pages served through the same
    middleware stack with the same session and user."""

    bare_views: dict[str, Callable[[], list[tuple]]] = field(default_factory=dict)
    clients: dict[str, object] = field(default_factory=dict)

    def client(self, username: str):
        if username not in self.clients:
            from django.contrib.auth import get_user_model
            from django.test import Client

            client = Client()
            client.force_login(get_user_model().objects.get(username=username))
            self.clients[username] = client
        return self.clients[username]

    def get(self, username: str, url: str) -> Callable[[], object]:
        client = self.client(username)

        def fetch():
            response = client.get(url)
            if response.status_code != 200:
                sys.exit(f"{url} answered {response.status_code}")
            return response

        return fetch

    def bare_page(self, username: str, name: str, query: Callable[[], list[tuple]]):
        """A GET of a minimal view that checks the user is logged in, runs `query` and
        answers its rows as plain text: what any page costs, plus the bare SQL."""
        self.bare_views[name] = query
        return self.get(username, f"/__bare__/{name}/")

    def time(self, functions: dict[str, Callable[[], object]], runs: int) -> dict:
        """Serve the bare views, then time `functions` interleaved and count their
        queries: the medians, the query counts and the load average when timing began."""
        self.install()
        load = os.getloadavg()[0]
        medians = interleaved(functions, runs)
        counts = {name: count_queries(function) for name, function in functions.items()}
        return {"medians": medians, "queries": counts, "load": load}

    def install(self) -> None:
        """Serve the bare views beside the project's URLs (call once, before timing)."""
        from importlib import import_module

        from django.conf import settings
        from django.http import HttpResponse, HttpResponseForbidden
        from django.test.utils import override_settings
        from django.urls import path

        def view(request, name):
            if not request.user.is_authenticated:
                return HttpResponseForbidden()
            rows = self.bare_views[name]()
            text = "\n".join("\t".join(str(value) for value in row) for row in rows)
            return HttpResponse(text, content_type="text/plain; charset=utf-8")

        urlconf = types.ModuleType("bench_urls")
        project = import_module(settings.ROOT_URLCONF)
        urlconf.urlpatterns = [path("__bare__/<str:name>/", view), *project.urlpatterns]
        override_settings(ROOT_URLCONF=urlconf).enable()


def html_values(html: str, marker: str) -> list[str]:
    """The values of an attribute in page order: html_values(page, 'data-code="')."""
    return [part.split('"', 1)[0] for part in html.split(marker)[1:]]


def shell_command(argv: list[str]) -> str:
    return shlex.join(argv)


# --- the table -------------------------------------------------------------------------------


def duration(ms: float | None) -> str:
    if ms is None:
        return "—"
    if ms >= 1000:
        return f"{ms / 1000:.2f} s"
    return f"{ms:.1f} ms" if ms >= 10 else f"{ms:.2f} ms"


def times(ratio: float | None) -> str:
    return "—" if ratio is None else f"**{ratio:.2f}×**"


def table(rows: list[Row]) -> list[str]:
    """One Markdown table: each figure beside its bare baseline (the bare SQL giving the
    same figures, or bare WeasyPrint) and, for pages, its bare page."""
    lines = [
        "| area | engine | figure | app | queries | bare baseline (what it does) | bare "
        "| app ÷ bare | bare page | app ÷ bare page |",
        "| --- | --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        queries = "—" if row.queries is None else str(row.queries)
        bare = row.bare + (f" ({row.note})" if row.note else "")
        lines.append(
            f"| {row.area} | {row.backend} | {row.figure} | {duration(row.ms)} | {queries} "
            f"| {bare} | {duration(row.bare_ms)} | {times(row.ratio)} "
            f"| {duration(row.bare_page_ms)} | {times(row.page_ratio)} |"
        )
    return lines


# --- a benchmark script's command line ---------------------------------------------------------


def script_main(
    doc: str,
    run: Callable[[argparse.Namespace], tuple[list[Row], list[str]]],
    measure: Callable[[argparse.Namespace], dict],
    add_arguments: Callable[[argparse.ArgumentParser], None] | None = None,
) -> None:
    """The command line every benchmark script shares. Alone, it runs the script on
    every engine (`run`) and prints its data lines and rows; with `--child` (as
    `run_child` starts it) it sets Django up on one database, `measure`s, and prints the
    JSON for its parent."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    if add_arguments is not None:
        add_arguments(parser)
    args = parser.parse_args()
    if args.child:
        setup_django(args.database_url)
        print(json.dumps(measure(args)))
        return
    rows, lines = run(args)
    print("\n".join(lines))
    print("\n".join(table(rows)))
