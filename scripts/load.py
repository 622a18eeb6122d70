"""The load test behind `make load` (and `make load FAULT=pg-restart`); docs/load.md.

    .venv/bin/python scripts/load.py [--fault pg-restart] [--users 20,100,200] [--duration 75]

1. A throwaway PostgreSQL database (`volunteer_load`) gets the city demo set
   (`seed_demo --scale city`) and the load's log-ins and pending applications
   (scripts/load_prepare.py).
2. gunicorn serves it with production settings (deploy/gunicorn.conf.py, collected
   static files through WhiteNoise, cache and sessions in Redis) on 127.0.0.1:8001; only
   the overrides that plain HTTP on loopback needs are set (no SSL redirect, cookies
   not Secure) and the help form's per-address limit is raised, all residents coming
   from one address.
3. locust runs headless at each number of users asked for (20, 100 and 200 by default),
   one run after the other on the same server and data, for a fixed time each; N users
   are the four kinds of people in the proportions of the 20-user mix (6 public, 4
   residents, 6 members, 4 secretaries; LOAD_MIX changes it), rounded to add up to N.
   Every response is counted by kind and status.
4. `manage.py check_integrity` checks the database after each run, with the help
   request codes the residents were given.
5. One table (requests per second, p50, p95, log-in p95, the published month's public
   tally p95, 5xx, the integrity check) for every N, the knee (the highest N whose p95
   stays under 300 ms), and each run's table by kind of request are printed and written
   to docs/load.md (its section for this kind of run; the rest of the file is kept).

With --fault pg-restart, PostgreSQL is restarted (fast mode: every connection cut)
part-way through while the load runs; a poller reports how long the site took to
answer again, and 5xx inside the restart window are reported apart from the others,
which must still be zero. The restart is done on a private cluster (initdb in a
temporary directory, same PostgreSQL binaries, its own port), because restarting the
shared cluster would cut everyone else's sessions on it; `--cluster shared` restarts
the shared one (pg_ctlcluster) instead, on a machine of one's own.

The database is dropped at the end unless --keep-db; --reuse-db skips seeding when the
database is there already (for trying the load script itself).
"""

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import resource
import runpy
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DOC = ROOT / "docs" / "load.md"
TARGET_P95_MS = 300
BASE_MIX = ("public", "residents", "members", "secretaries")
LOGIN_KINDS = ("login", "login form")
PUBLISHED_TALLY = "public tally, a month"
PUBLIC_PAGE = "/helpdesk/ask/"


def log(message: str) -> None:
    print(f"[load {time.strftime('%H:%M:%S')}] {message}", flush=True)


def run(cmd: list[str], env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    """Every command this script runs: fixed tools with arguments of its own."""
    kwargs.setdefault("check", True)
    return subprocess.run(cmd, cwd=ROOT, env=env, **kwargs)  # noqa: S603


def status_of(url: str) -> int:
    """The HTTP status of a GET of one of our own http://127.0.0.1 pages; 0 if none."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our URL
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0


# For the load test's throwaway demo database only; never a real deployment's keys.
LOAD_ID_NUMBER_KEY = "bG9hZC10ZXN0LW9ubHktaWQtbnVtYmVyLWtleS0wMDA="
LOAD_ID_NUMBER_HASH_KEY = "load-test-only-id-number-hash-key-0123456789"


def base_env() -> dict[str, str]:
    """The caller's environment without anything that would pick other settings."""
    skip = {"DJANGO_ENV", "SECRET_KEY", "DEBUG", "DATABASE_URL", "CACHE_BACKEND"}
    return {k: v for k, v in os.environ.items() if k not in skip}


# --- PostgreSQL ----------------------------------------------------------------------


class Postgres:
    """The shared cluster (scripts/ensure-postgres.sh) or a private throwaway one."""

    def __init__(self, private: bool, port: int):
        self.private = private
        self.port = port if private else 5432
        self.data: Path | None = None
        self.version = sorted(os.listdir("/etc/postgresql"), key=float)[-1]
        self.bin = Path(f"/usr/lib/postgresql/{self.version}/bin")

    def _as_postgres(self, cmd: list[str]) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd

    def start(self) -> None:
        if not self.private:
            run(["scripts/ensure-postgres.sh"])
            return
        self.data = Path(tempfile.mkdtemp(prefix="volunteer-load-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.data, "postgres", "postgres")
        log(f"private PostgreSQL cluster in {self.data} on port {self.port}")
        run(
            self._as_postgres(
                [str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust"]
            ),
            stdout=subprocess.DEVNULL,
        )
        self._ctl("start")

    def _ctl(self, action: str) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.data}"
        )
        run(
            self._as_postgres(
                [
                    str(self.bin / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-l",
                    str(self.data / "server.log"),
                    "-o",
                    options,
                    "-m",
                    "fast",
                    "-w",
                    action,
                ]
            ),
            stdout=subprocess.DEVNULL,
        )

    def restart(self) -> None:
        if self.private:
            self._ctl("restart")
        else:
            run(
                [
                    "pg_ctlcluster",
                    "--skip-systemctl-redirect",
                    self.version,
                    "main",
                    "restart",
                ]
            )

    def stop(self) -> None:
        if self.private and self.data is not None:
            self._ctl("stop")
            shutil.rmtree(self.data, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def sql(self, statement: str, database: str = "postgres") -> str:
        result = run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                database,
                "-v",
                "ON_ERROR_STOP=1",
                "-Atc",
                statement,
            ],
            capture_output=True,
            text=True,
        )
        return result.stdout.strip()


def copy_database(pg: Postgres, name: str, source: str) -> None:
    """Copy an already seeded database of the shared cluster into `name` of `pg`."""
    log(f"copying database {source} of the shared cluster (instead of seeding)")
    dump = subprocess.Popen(  # noqa: S603 - a fixed tool, our own arguments
        [str(pg.bin / "pg_dump"), "-h", "127.0.0.1", "-U", "postgres", "-Fc", "-Z0", source],
        stdout=subprocess.PIPE,
    )
    restore = [str(pg.bin / "pg_restore"), "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres"]
    run([*restore, "--no-owner", "-d", name], stdin=dump.stdout)
    dump.stdout.close()
    if dump.wait():
        raise SystemExit(f"pg_dump of {source} failed")


def prepare_database(
    pg: Postgres, name: str, reuse: bool, env: dict, copy_from: str | None = None
) -> None:
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SystemExit("The database name must be lower-case letters, digits and _.")
    exists = pg.sql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"  # noqa: S608
    if reuse and exists:
        log(f"reusing database {name}")
    else:
        pg.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        pg.sql(f'CREATE DATABASE "{name}"')
        if copy_from:
            copy_database(pg, name, copy_from)
            pg.sql("ANALYZE", database=name)
            return
        log(f"database {name}: migrate, then seed_demo --scale city (1-2 minutes)")
        run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], env=env)
        run(
            [sys.executable, "manage.py", "seed_demo", "--scale", "city"],
            env=env,
            stdout=subprocess.DEVNULL,
        )
    pg.sql("ANALYZE", database=name)


# --- gunicorn ------------------------------------------------------------------------


def wait_for(url: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if status_of(url) == 200:
            return True
        time.sleep(0.25)
    return False


def start_gunicorn(env: dict, work: Path, port: int) -> subprocess.Popen:
    server = subprocess.Popen(  # noqa: S603 - our gunicorn and config
        [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "volunteer.wsgi"],
        cwd=ROOT,
        env=env
        | {
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_ACCESS_LOG": str(work / "access.log"),
            "GUNICORN_ERROR_LOG": str(work / "error.log"),
        },
        # Django's own error log (the traceback of a 500) goes beside gunicorn's.
        stderr=(work / "django.log").open("w"),
        start_new_session=True,
    )
    if not wait_for(f"http://127.0.0.1:{port}{PUBLIC_PAGE}", 90):
        server.terminate()
        raise SystemExit(f"gunicorn did not answer; see {work / 'error.log'}")
    return server


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()


# --- CPU accounting ------------------------------------------------------------------

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_cpu(pid: int, with_reaped: bool = False) -> float:
    """CPU seconds of a process (user + system), and of its reaped children if asked."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if with_reaped:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / TICKS


def server_cpu(master: int) -> float:
    """CPU seconds gunicorn has used so far: the master, the workers it has reaped (a
    worker is replaced after max_requests) and the workers alive now."""
    total = _proc_cpu(master, with_reaped=True)
    for task in Path(f"/proc/{master}/task").glob("*/children"):
        for child in task.read_text().split():
            total += _proc_cpu(int(child))
    return total


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return (sum(values) - idle) / TICKS, sum(values) / TICKS


# --- the fault -----------------------------------------------------------------------


class Fault(threading.Thread):
    """Restart PostgreSQL after `delay` seconds and time the site's recovery by polling
    a public page that reads the database."""

    def __init__(self, pg: Postgres, url: str, delay: float):
        super().__init__(daemon=True)
        self.pg, self.url, self.delay = pg, url, delay
        self.began = self.db_back = self.app_back = 0.0
        self.polls: list[tuple[float, int]] = []
        self.error = ""

    def _poll_until_back(self, stop: threading.Event) -> None:
        while not stop.is_set() or not self.app_back:
            at = time.time()
            status = status_of(self.url)
            self.polls.append((at, status))
            if status == 200 and self.db_back and at >= self.db_back:
                self.app_back = at
                return
            if time.time() - self.began > 60:
                return
            time.sleep(0.1)

    def run(self) -> None:
        time.sleep(self.delay)
        done = threading.Event()
        self.began = time.time()
        poller = threading.Thread(target=self._poll_until_back, args=(done,), daemon=True)
        poller.start()
        try:
            log("fault: restarting PostgreSQL")
            self.pg.restart()
            self.db_back = time.time()
            log(f"fault: PostgreSQL back after {self.db_back - self.began:.1f} s")
        except subprocess.CalledProcessError as error:
            self.error = str(error)
        done.set()
        poller.join(timeout=70)
        if self.app_back:
            log(f"fault: site answers 200 again {self.app_back - self.began:.1f} s after")


# --- the report ----------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[rank]


def versions(pg: Postgres, database: str) -> dict[str, str]:
    redis = run(["redis-cli", "INFO", "server"], capture_output=True, text=True, check=False).stdout
    match = re.search(r"redis_version:(\S+)", redis)
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = found.group(1).strip() if found else ""
    gunicorn = run(
        [str(BIN / "gunicorn"), "--version"], capture_output=True, text=True, check=False
    ).stdout.split()
    import django

    counts = pg.sql(
        "SELECT (SELECT count(*) FROM members_member), (SELECT count(*) FROM members_unit "
        "WHERE kind = 'branch'), (SELECT count(*) FROM scoring_pointsentry)",
        database=database,
    ).split("|")
    return {
        "members": f"{int(counts[0]):,}",
        "branches": f"{int(counts[1]):,}",
        "entries": f"{int(counts[2]):,}",
        "postgres": pg.sql("SHOW server_version", database=database).split()[0],
        "redis": match.group(1) if match else "?",
        "cores": str(os.cpu_count()),
        "cpu": cpu or platform.processor(),
        "gunicorn": gunicorn[-1].strip(")") if gunicorn else "?",
        "django": django.get_version(),
        "python": platform.python_version(),
    }


def table(results: dict, duration: float) -> tuple[list[str], dict]:
    rows = []
    everything: list[float] = []
    totals = {"requests": 0, "5xx": 0, "errors": 0}
    for name in sorted(results["times"], key=lambda n: -len(results["times"][n])):
        times = results["times"][name]
        statuses = results["statuses"].get(name, {})
        server_errors = sum(n for s, n in statuses.items() if int(s) >= 500)
        errors = statuses.get("0", 0)
        everything += times
        totals["requests"] += len(times)
        totals["5xx"] += server_errors
        totals["errors"] += errors
        rows.append(
            f"| {name} | {len(times)} | {len(times) / duration:.1f} | "
            f"{percentile(times, 0.5):.0f} | {percentile(times, 0.95):.0f} | "
            f"{server_errors} |"
        )
    overall = {
        "p50": percentile(everything, 0.5),
        "p95": percentile(everything, 0.95),
        "rps": totals["requests"] / duration,
        **totals,
    }
    head = [
        "| request kind | requests | req/s | p50 ms | p95 ms | 5xx |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        f"| **all** | **{totals['requests']}** | **{overall['rps']:.1f}** | "
        f"**{overall['p50']:.0f}** | **{overall['p95']:.0f}** | **{totals['5xx']}** |",
    ]
    return head + rows, overall


def mix_for(users: int, base: list[int]) -> list[int]:
    """`users` people of the four kinds in the proportions of `base`, rounded so that they
    add up to `users` (largest remainders first; ties to the earlier kind)."""
    total = sum(base)
    exact = [users * n / total for n in base]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(base)), key=lambda i: (-(exact[i] - counts[i]), i))
    for i in by_remainder[: users - sum(counts)]:
        counts[i] += 1
    return counts


def kind_p95(results: dict, kinds) -> float:
    times = [t for name in kinds for t in results["times"].get(name, [])]
    return percentile(times, 0.95)


def base_mix() -> list[int]:
    return [int(n) for n in os.environ.get("LOAD_MIX", "6,4,6,4").split(",")]


def write_doc(kind: str, text: str) -> None:
    begin, end = f"<!-- load:{kind} -->", f"<!-- /load:{kind} -->"
    current = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Load test\n"
    block = f"{begin}\n{text.rstrip()}\n{end}"
    if begin in current and end in current:
        before, rest = current.split(begin, 1)
        after = rest.split(end, 1)[1]
        current = before + block + after
    else:
        current = current.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(current, encoding="utf-8")


# --- main ----------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fault", choices=["none", "pg-restart"], default="none")
    parser.add_argument("--cluster", choices=["private", "shared"], default=None)
    parser.add_argument(
        "--users",
        default="20,100,200",
        help="users at once, or several runs' numbers separated by commas (default 20,100,200)",
    )
    parser.add_argument("--duration", type=int, default=75, help="seconds of load")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--pg-port", type=int, default=5433, help="the private cluster's")
    parser.add_argument("--database", default="volunteer_load")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/3")
    parser.add_argument("--reuse-db", action="store_true")
    parser.add_argument(
        "--copy-from",
        metavar="DATABASE",
        help="copy this seeded database of the shared cluster instead of seeding anew",
    )
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--no-doc", action="store_true", help="print only, leave docs/load.md")
    args = parser.parse_args()
    try:
        args.user_counts = [int(n) for n in str(args.users).split(",") if n.strip()]
    except ValueError:
        parser.error("--users takes numbers separated by commas, e.g. 20,100,200")
    if not args.user_counts or min(args.user_counts) < 4:
        parser.error("each run needs at least 4 users (one of each kind)")
    fault = args.fault == "pg-restart"
    if fault:
        args.user_counts = args.user_counts[:1]  # one run: the restart is its subject
    cluster = args.cluster or ("private" if fault else "shared")
    pg = Postgres(private=cluster == "private", port=args.pg_port)
    work = Path(tempfile.mkdtemp(prefix="volunteer-load-"))
    started = time.time()
    load_before = os.getloadavg()[0]

    # Seeding (development settings) and serving (production) share the ID-number keys:
    # fixed ones of this script's own, so a kept database (--database) reads the same.
    dev = base_env() | {
        "DATABASE_URL": pg.url(args.database),
        "ID_NUMBER_KEYS": LOAD_ID_NUMBER_KEY,
        "ID_NUMBER_HASH_KEY": LOAD_ID_NUMBER_HASH_KEY,
    }
    production = dev | {
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "STATIC_ROOT": str(work / "static"),
        "CACHE_BACKEND": "django.core.cache.backends.redis.RedisCache",
        "CACHE_LOCATION": args.redis,
        "SESSION_ENGINE": "django.contrib.sessions.backends.cache",
        # Plain HTTP on loopback: no redirect to HTTPS, cookies sent without TLS.
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        # Every resident comes from 127.0.0.1.
        "HELPDESK_ASK_LIMIT": "1000000",
        "LOG_LEVEL": "ERROR",
    }
    server = None
    try:
        pg.start()
        if run(["redis-cli", "ping"], capture_output=True, check=False).returncode:
            raise SystemExit("Redis does not answer at 127.0.0.1:6379.")
        prepare_database(pg, args.database, args.reuse_db, dev, args.copy_from)
        plan_file = work / "plan.json"
        most_secretaries = max(mix_for(n, base_mix())[3] for n in args.user_counts)
        run(
            [sys.executable, "scripts/load_prepare.py", str(plan_file)],
            env=dev | {"LOAD_SECRETARIES": str(most_secretaries)},
        )
        run([sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"], env=production)
        redis_db = args.redis.rsplit("/", 1)[-1]
        run(["redis-cli", "-n", redis_db, "FLUSHDB"], stdout=subprocess.DEVNULL)
        server = start_gunicorn(production, work, args.port)
        host = f"http://127.0.0.1:{args.port}"
        plan = json.loads(plan_file.read_text())
        info = versions(pg, args.database)

        runs = []
        for users in args.user_counts:
            mix = mix_for(users, base_mix())
            log(f"gunicorn up at {host}; locust: {users} users {mix} for {args.duration} s")
            out_file = work / f"out-{users}.json"
            probe = Fault(
                pg, f"{host}/posts/board/{plan['public_branches'][0]}/", args.duration * 0.4
            )
            if fault:
                probe.start()
            load_at_start = os.getloadavg()[0]
            server_before = server_cpu(server.pid)
            busy_before = machine_busy()
            generator_before = resource.getrusage(resource.RUSAGE_CHILDREN)
            run(
                [
                    str(BIN / "locust"),
                    "-f",
                    "scripts/locustfile.py",
                    "--headless",
                    "-H",
                    host,
                    "-u",
                    str(users),
                    # All users within the first ten seconds (at least 10 a second), as a
                    # month's end brings them in waves, not in one instant.
                    "-r",
                    str(max(10, users // 10)),
                    "-t",
                    f"{args.duration}s",
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                env=base_env()
                | {
                    "LOAD_PLAN": str(plan_file),
                    "LOAD_OUT": str(out_file),
                    "LOAD_MIX": ",".join(map(str, mix)),
                },
                stdout=subprocess.DEVNULL,
                check=False,  # locust fails on any failed request; the report says which
            )
            generator_after = resource.getrusage(resource.RUSAGE_CHILDREN)
            busy_after = machine_busy()
            cpu = {
                "server": server_cpu(server.pid) - server_before,
                "generator": (generator_after.ru_utime + generator_after.ru_stime)
                - (generator_before.ru_utime + generator_before.ru_stime),
                "busy": (busy_after[0] - busy_before[0])
                / max(busy_after[1] - busy_before[1], 1e-9),
            }
            if fault:
                probe.join(timeout=90)
            results = json.loads(out_file.read_text())
            codes_file = work / f"codes-{users}.txt"
            codes_file.write_text("\n".join(results["codes"]) + "\n")
            check = run(
                [
                    sys.executable,
                    "manage.py",
                    "check_integrity",
                    "--request-codes",
                    str(codes_file),
                ],
                env=dev,
                capture_output=True,
                text=True,
                check=False,
            )
            duration = results["stopped"] - results["started"]
            rows, overall = table(results, duration)
            overall["login_p95"] = kind_p95(results, LOGIN_KINDS)
            overall["tally_p95"] = kind_p95(results, [PUBLISHED_TALLY])
            overall["server_ms"] = 1000 * cpu["server"] / max(overall["requests"], 1)
            overall["generator_ms"] = 1000 * cpu["generator"] / max(overall["requests"], 1)
            overall["busy"] = cpu["busy"]
            runs.append(
                Run(users, mix, results, rows, overall, duration, check, probe, load_at_start)
            )
            log(
                f"{users} users: p95 {overall['p95']:.0f} ms, {overall['rps']:.1f} req/s, "
                f"5xx {overall['5xx']}, integrity {'ok' if check.returncode == 0 else 'FAILED'}"
            )
        stop(server)
        server = None

        text = report(args, info, plan, runs, fault, cluster, load_before, started)
        print("\n" + text)
        if not args.no_doc:
            write_doc("pg-restart" if fault else "normal", text)
            log(f"written to {DOC.relative_to(ROOT)}")
        reasons = failures(runs, fault)
        for reason in reasons:
            log(f"FAILED: {reason}")
        return 1 if reasons else 0
    finally:
        if server is not None:
            stop(server)
        if not args.keep_db:
            with contextlib.suppress(subprocess.CalledProcessError):
                pg.sql(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        pg.stop()
        shutil.rmtree(work, ignore_errors=True)


def failures(runs: list["Run"], fault: bool) -> list[str]:
    """Why `make load` fails, if it does: data not intact after any run; any 5xx (in the
    fault run, any failed request outside the restart window); a connection error in a
    run whose p95 met the target. A run past the knee has saturated the cores: its
    connection errors are in its table, a symptom of overload rather than a fault."""
    reasons = [f"{r.users} users: the integrity check failed" for r in runs if not r.intact]
    if fault:
        outside = len(outside_window(runs[0].results, runs[0].probe))
        if outside:
            reasons.append(f"{outside} failed requests outside the restart window")
        return reasons
    for r in runs:
        if r.overall["5xx"]:
            reasons.append(f"{r.users} users: {r.overall['5xx']} server errors (5xx)")
        if r.overall["errors"] and r.overall["p95"] < TARGET_P95_MS:
            reasons.append(f"{r.users} users: {r.overall['errors']} connection errors")
    return reasons


def restart_window(probe: Fault) -> tuple[float, float]:
    """From the restart command to the site's first good answer, and a second more for
    the requests that were already waiting on the dead connections."""
    return probe.began, max(probe.app_back, probe.db_back) + 1.0


def outside_window(results: dict, probe: Fault) -> list:
    first, last = restart_window(probe)
    return [f for f in results["failures"] if not first <= f[0] <= last]


@dataclass
class Run:
    """One run of the load at a number of users, and what it measured."""

    users: int
    mix: list[int]
    results: dict
    rows: list[str]
    overall: dict
    duration: float
    check: subprocess.CompletedProcess
    probe: "Fault"
    load_at_start: float

    @property
    def intact(self) -> bool:
        return self.check.returncode == 0


def knee(runs: list[Run]) -> Run | None:
    """The run with the most users whose p95 stays under the target, with no 5xx and the
    data intact (the runs below it too)."""
    best = None
    for r in sorted(runs, key=lambda r: r.users):
        if r.overall["p95"] >= TARGET_P95_MS or r.overall["5xx"] or not r.intact:
            break
        best = r
    return best


def _mix_words(mix: list[int]) -> str:
    return f"{mix[0]} public, {mix[1]} residents, {mix[2]} members, {mix[3]} secretaries"


def report(args, info, plan, runs: list[Run], fault: bool, cluster, load_before, started) -> str:
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    title = "PostgreSQL restarted during the load" if fault else "Steady load"
    command = "make load FAULT=pg-restart" if fault else "make load"
    # What deploy/gunicorn.conf.py made of this environment: the server's own figures.
    conf = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    workers, threads, worker_class = conf["workers"], conf["threads"], conf["worker_class"]
    lines = [
        f"### {title} ({when})",
        "",
        f"- Command: `{command}` (here: `{' '.join(['scripts/load.py', *sys.argv[1:]])}`); whole "
        f"run {time.time() - started:.0f} s.",
        f"- Machine: {info['cores']} cores ({info['cpu']}), load average "
        f"{load_before:.1f} before the run and "
        + ", ".join(f"{r.load_at_start:.1f}" for r in runs)
        + " when each run began (the cores are shared, so figures vary from run to run).",
        f"- Software: PostgreSQL {info['postgres']}"
        f"{' (a private cluster of the same binaries)' if cluster == 'private' else ''}, "
        f"Redis {info['redis']} (cache and sessions), gunicorn {info['gunicorn']} "
        f"({workers} {worker_class} workers"
        f"{f', {threads} threads each' if worker_class == 'gthread' else ''}), "
        f"Django {info['django']}, Python {info['python']}; production settings.",
        f"- Data: the city demo set (seed_demo --scale city): {info['members']} members in "
        f"{info['branches']} branches, {info['entries']} points entries; "
        f"{len(plan['secretaries'])} secretary and {len(plan['members'])} member "
        f"log-ins in {len(plan['load_branches'])} branches, {plan['applications']} pending "
        "applications.",
        "- Users: N at once in the proportions of the 20-user mix ("
        + _mix_words(base_mix())
        + f"), all started within the first 10 s, for {args.duration} s each run, one run "
        "after the other on the same server and data; think time 0.5–2 s (residents "
        "4.5–7 s on the form).",
        "",
        "| users | of each kind | req/s | p50 ms | p95 ms | log-in p95 ms | "
        "published month's tally p95 ms | 5xx | data intact | server CPU ms a request | "
        "locust CPU ms a request | machine busy |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |",
    ]
    for r in runs:
        o = r.overall
        lines.append(
            f"| {r.users} | {'/'.join(map(str, r.mix))} | {o['rps']:.1f} | {o['p50']:.0f} | "
            f"{o['p95']:.0f} | {o['login_p95']:.0f} | {o['tally_p95']:.0f} | {o['5xx']} | "
            f"{'yes' if r.intact else 'NO'} | {o['server_ms']:.1f} | {o['generator_ms']:.1f} | "
            f"{o['busy']:.0%} |"
        )
    lines += [
        "",
        "Server CPU is gunicorn's (master and workers) over the run divided by the "
        "requests; locust's is the load generator's own, on the same cores; machine busy "
        "is the share of both cores' time not idle during the run (PostgreSQL and Redis "
        "included).",
    ]
    lines.append("")
    if not fault:
        best = knee(runs)
        lines.append(
            f"Knee: {best.users} users, the most here whose p95 stays under "
            f"{TARGET_P95_MS} ms with no 5xx and the data intact."
            if best
            else f"Knee: below {min(r.users for r in runs)} users: no run kept p95 under "
            f"{TARGET_P95_MS} ms with no 5xx and the data intact."
        )
        lines.append("")
    for r in runs:
        lines += [
            f"#### {r.users} users ({_mix_words(r.mix)}), {r.duration:.0f} s",
            "",
            *r.rows,
            "",
        ]
        if fault:
            lines += _restart_lines(r, cluster)
        else:
            target = "met" if r.overall["p95"] < TARGET_P95_MS else "NOT met"
            lines.append(
                f"p95 over all requests: {r.overall['p95']:.0f} ms (target < {TARGET_P95_MS} "
                f"ms: {target}). 5xx: {r.overall['5xx']}; connection errors: "
                f"{r.overall['errors']}."
            )
        lines += [
            "",
            f"Help requests sent: {r.results['asked']}; codes received: "
            f"{len(r.results['codes'])}; refused by the flood limit: "
            f"{r.results['refused_asks']}.",
            "",
            "`manage.py check_integrity --request-codes …` afterwards:",
            "",
            "```",
            (r.check.stdout + r.check.stderr).strip(),
            "```",
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"


def _restart_lines(r: Run, cluster) -> list[str]:
    probe, results = r.probe, r.results
    first, last = restart_window(probe)
    inside = [f for f in results["failures"] if first <= f[0] <= last]
    outside = outside_window(results, probe)
    polls_failed = sum(1 for _at, status in probe.polls if status != 200)
    lines = [
        f"- Restart {probe.delay:.0f} s into the load: "
        + (
            "`pg_ctl restart -m fast` of the private cluster"
            if cluster == "private"
            else "`pg_ctlcluster restart` of the shared cluster"
        )
        + f"; PostgreSQL accepted connections again after {probe.db_back - probe.began:.1f} s.",
        f"- The site answered 200 again {probe.app_back - probe.began:.1f} s after the "
        f"restart began, {max(0.0, probe.app_back - probe.db_back):.1f} s after PostgreSQL "
        f"was back, with no restart of gunicorn ({polls_failed} failed polls every 0.1 s)."
        if probe.app_back
        else "- The site did NOT answer again within 60 s.",
        f"- Inside the restart window: {len(inside)} failed requests (5xx or cut "
        f"connections), expected. Outside it: {len(outside)} (must be 0).",
    ]
    if probe.error:
        lines.append(f"- The restart command failed: {probe.error}")
    return lines


if __name__ == "__main__":
    sys.exit(main())
