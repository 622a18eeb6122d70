"""Run every benchmark and write their one table to docs/benchmarks.md.

    .venv/bin/python scripts/bench.py [--runs 15] [--backends sqlite,postgres] [--no-record]

`make bench` runs it. Each benchmark script (bench_certificates, bench_scoring,
bench_helpdesk) seeds its own throwaway databases, one per scale and engine, and hands
back rows: each figure beside its bare baseline — the bare SQL that gives the same
figures, or bare WeasyPrint — and, for pages, a bare page (the same middleware, session
and user, then only the bare SQL). This driver puts the rows in one table with the date
and the machine, between the markers of docs/benchmarks.md; the notes around them are
prose kept by hand. Not a test: `make test` never runs it.
"""

import argparse
import datetime as dt
import shlex
import sys
import time

import bench_certificates
import bench_helpdesk
import bench_scoring
import benchlib

START = "<!-- bench:start -->"
END = "<!-- bench:end -->"


def section(rows, lines, machine: dict, command: str, runs: int, minutes: float) -> str:
    now = dt.datetime.now().astimezone()
    return "\n".join(
        [
            START,
            f"- date: {now:%Y-%m-%d %H:%M %z}; the whole run took {minutes:.0f} min",
            f"- machine: {machine['cores']} cores, {machine['cpu']}; {machine['os']}; "
            f"Python {machine['python']}, SQLite {machine['sqlite']}, "
            f"PostgreSQL {machine['postgresql']}",
            f"- command: `{command}`",
            f"- pages: {runs} timed requests each through the Django test Client (DEBUG "
            "off), interleaved with their baselines after 3 untimed warm-ups; medians",
            *(f"- data: {line}" for line in lines),
            "",
            *benchlib.table(rows),
            END,
        ]
    )


def record(text: str) -> None:
    doc = benchlib.DOCS.read_text(encoding="utf-8") if benchlib.DOCS.exists() else "# Benchmarks\n"
    if START in doc and END in doc:
        before, rest = doc.split(START, 1)
        doc = before + text + rest.split(END, 1)[1]
    else:
        doc = doc.rstrip("\n") + "\n\n" + text + "\n"
    benchlib.DOCS.write_text(doc, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--no-record", action="store_true", help="do not write docs/benchmarks.md")
    args = parser.parse_args()
    backends = args.backends.split(",")
    if unknown := set(backends) - set(benchlib.BACKENDS):
        parser.error(f"unknown backends: {', '.join(sorted(unknown))}")
    if args.runs < 5:
        parser.error("--runs must be at least 5")
    started = time.perf_counter()
    machine = benchlib.machine()
    command = shlex.join(["scripts/bench.py", *sys.argv[1:]])
    rows, lines = [], []
    for name, run in (
        ("points", lambda: bench_scoring.run(args.runs, backends)),
        ("grid service", lambda: bench_helpdesk.run(args.runs, backends)),
        ("certificates", lambda: bench_certificates.run(100, 3)),
    ):
        benchlib.say(f"== {name} ==")
        more_rows, more_lines = run()
        rows += more_rows
        lines += more_lines
        minutes = (time.perf_counter() - started) / 60
        text = section(rows, lines, machine, command, args.runs, minutes)
        # Recorded after each part, so that a run cut short still leaves its figures.
        if not args.no_record:
            record(text)
    print(text)
    if not args.no_record:
        benchlib.say(f"recorded in {benchlib.DOCS.relative_to(benchlib.ROOT)}")


if __name__ == "__main__":
    main()
