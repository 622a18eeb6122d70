"""Benchmark a branch's batch of pledge certificates (择岗承诺书) against bare WeasyPrint.

    .venv/bin/python scripts/bench_certificates.py [--pledges 100] [--runs 3] [--no-record]

(`make bench` runs it with the defaults.) It builds a throwaway SQLite database in a
temporary directory (DATABASE_URL is pointed there before Django starts; the project's
databases are never touched), migrates it, and seeds one branch with `--pledges`
members, each holding a post with an approved pledge (half of them published), through
the posts services. Then, `--runs` times each, interleaved:

- app:  posts.documents.branch_pledge_certificates_pdf, the function the batch view
        calls: the queries, QR codes, template and WeasyPrint through the print layer;
- bare: weasyprint.HTML(string=html, base_url=PRINT_BASE_URL,
        url_fetcher=StaticOnlyFetcher()).write_pdf() on the same HTML, rendered once
        beforehand, with no app around it.

One untimed warm-up render (two certificates) loads fonts and caches for both sides.
It prints seconds in all, per page and the median of each side, the ratio app/bare,
the targets (ratio <= 1.10, 100 pages < 6 s) and, timed apart, where the app's own
time goes (queries and QR codes; template), and records them with the date,
the machine and the command in docs/benchmarks.md (its own section, replaced on each
run) unless --no-record is given. Not a test: `make test` never runs it.
"""

import argparse
import datetime as dt
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "benchmarks.md"
START = "<!-- bench_certificates:start -->"
END = "<!-- bench_certificates:end -->"
SITE = "https://volunteer.example.invalid"
YEAR = 2026
RATIO_TARGET = 1.10
SECONDS_TARGET = 6.0
PDFINFO = shutil.which("pdfinfo")  # poppler-utils, installed by `make test`

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗俞章傅楼裘鲁骆"
GIVEN = [
    "建国",
    "秀英",
    "卫东",
    "桂兰",
    "德华",
    "晓春",
    "永明",
    "丽萍",
    "䶮",
    "国强",
    "海燕",
    "志刚",
]
POST_TYPES = {
    "治安维稳岗": ["夜间治安巡逻", "平安信息报送", "维稳普法宣传", "矛盾纠纷调解"],
    "环境保洁岗": ["清除“牛皮藓”", "村道垃圾清理", "河道巡查", "垃圾分类督导"],
    "政策宣传岗": ["政策入户宣讲", "宣传栏更新", "微信群政策解读", "党员学习辅导"],
    "扶贫帮困岗": ["结对走访困难户", "代办民生事项", "就业信息推送", "助学帮扶"],
    "便民服务岗": ["家电维修", "代购代办", "家庭教育讲座", "法律咨询"],
}
COMMITMENTS = [
    "每周参加两次夜间巡逻，重点巡查村口、桥头和独居老人住户，发现隐患当日报告网格长。",
    "每月入户走访结对的三户困难家庭，了解实际困难，帮助联系村委会和镇社会事务办解决。",
    "每季度在村文化礼堂开展一次政策宣讲，用村民听得懂的话讲清楚惠民政策。",
    "随叫随到，为村里老年人免费维修小家电，全年不少于二十次。",
]


def setup_django(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "volunteer.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def seed(pledges: int):
    """One branch with `pledges` approved pledges (every other one published)."""
    from django.contrib.auth import get_user_model

    from members import idnumbers
    from members import services as member_services
    from members.models import Member, RoleAssignment, Unit
    from posts import services
    from posts.models import Post, PostType

    User = get_user_model()
    district = member_services.create_unit(
        parent=None, kind=Unit.Kind.DISTRICT, name="越城区", code="330602"
    )
    town = member_services.create_unit(
        parent=district, kind=Unit.Kind.TOWN, name="鉴湖镇", code="01"
    )
    branch = member_services.create_unit(
        parent=town, kind=Unit.Kind.BRANCH, name="秦望村", code="0001"
    )
    secretary = User.objects.create_user("bench-secretary", password=None)
    member_services.assign_role(
        user=secretary, unit=branch, role=RoleAssignment.Role.BRANCH_SECRETARY
    )
    organiser = User.objects.create_user("bench-organiser", password=None)
    member_services.assign_role(user=organiser, unit=town, role=RoleAssignment.Role.TOWN_ORGANISER)

    posts = []
    seats = -(-pledges // len(POST_TYPES))
    for order, (type_name, items) in enumerate(POST_TYPES.items(), start=1):
        post_type = PostType.objects.create(town=town, name=type_name, sort_order=order)
        for item in items:
            services.add_duty_item(name=item, post_type=post_type, by=organiser)
        posts.append(
            Post.objects.create(
                branch=branch, year=YEAR, post_type=post_type, name=type_name, seats=seats
            )
        )

    approved = []
    for i in range(pledges):
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i // len(SURNAMES) + i) % len(GIVEN)]
        member = Member.objects.create(
            name=name,
            gender=Member.Gender.MALE,
            birth_date=dt.date(1970, 1, 1) + dt.timedelta(days=97 * i),
            id_number=idnumbers.make_id_number(
                "330602", dt.date(1970, 1, 1) + dt.timedelta(days=97 * i), (2 * i + 1) % 1000
            ),
            phone=f"139{i:08d}",
            category=Member.Category.REGISTERED,
            branch=branch,
        )
        post = posts[i % len(posts)]
        choice = services.recommend_member(
            member=member,
            post=post,
            meeting_date=dt.date(YEAR, 3, 1),
            meeting_note="",
            by=secretary,
        )
        choice = services.confirm_choice(choice=choice, by=secretary)
        menu = post.menu()
        lines = [
            services.PledgeLine(menu[(i + k) % len(menu)], COMMITMENTS[(i + k) % len(COMMITMENTS)])
            for k in range(3)
        ]
        services.write_pledge(pledge=choice.pledge, lines=lines, based_on=0, by=secretary)
        approved.append(
            services.approve_pledge(pledge=choice.pledge, comment="承诺具体，同意。", by=secretary)
        )
    services.publish_pledges(pledges=approved[::2], by=organiser)
    return branch


def page_count(pdf: bytes) -> int | None:
    """Pages of a PDF by poppler's pdfinfo (poppler-utils), None without it."""
    if PDFINFO is None:
        return None
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        info = subprocess.run(  # noqa: S603 - a fixed tool on a file of our own
            [PDFINFO, file.name], capture_output=True, text=True, check=True
        )
    line = next(line for line in info.stdout.splitlines() if line.startswith("Pages:"))
    return int(line.split()[1])


def machine() -> str:
    return (
        f"{platform.machine()}, {len(os.sched_getaffinity(0))} CPUs (nproc), "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pledges", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-record", action="store_true", help="do not write docs/benchmarks.md")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-certificates-") as folder:
        setup_django(Path(folder) / "bench.sqlite3")
        from weasyprint import HTML

        from posts import documents
        from volunteer.pdf import PRINT_BASE_URL, StaticOnlyFetcher

        started = time.perf_counter()
        branch = seed(args.pledges)
        print(f"seeded {args.pledges} approved pledges in {time.perf_counter() - started:.1f} s")

        def absolute(path: str) -> str:
            return SITE + path

        def app() -> bytes:
            return documents.branch_pledge_certificates_pdf(branch, YEAR, absolute=absolute)

        certificates = documents.branch_pledge_certificates(branch, YEAR, absolute=absolute)
        html = documents.pledge_certificates_html(
            documents.pledge_certificates_context(certificates, branch=branch, year=YEAR)
        )

        def bare() -> bytes:
            return HTML(
                string=html, base_url=PRINT_BASE_URL, url_fetcher=StaticOnlyFetcher()
            ).write_pdf()

        warm_up = documents.pledge_certificates_context(certificates[:2], branch=branch, year=YEAR)
        documents.render_pledge_certificates(warm_up)

        load = os.getloadavg()[0]
        timings: dict[str, list[float]] = {"app": [], "bare": [], "data": [], "template": []}
        pages = {}
        for _ in range(args.runs):
            for side, function in (("app", app), ("bare", bare)):
                start = time.perf_counter()
                pdf = function()
                timings[side].append(time.perf_counter() - start)
                pages[side] = page_count(pdf)
            # Where the app's own time goes (timed apart, outside the comparison).
            start = time.perf_counter()
            data = documents.branch_pledge_certificates(branch, YEAR, absolute=absolute)
            timings["data"].append(time.perf_counter() - start)
            start = time.perf_counter()
            documents.pledge_certificates_html(
                documents.pledge_certificates_context(data, branch=branch, year=YEAR)
            )
            timings["template"].append(time.perf_counter() - start)

    if pages["app"] != pages["bare"]:
        sys.exit(f"the two sides laid out different documents: {pages}")
    count = pages["app"]
    if count is None:
        print("pdfinfo not found (poppler-utils): counting one page per pledge")
        count = args.pledges
    median = {side: statistics.median(values) for side, values in timings.items()}
    ratio = median["app"] / median["bare"]
    rows = [
        "| side | runs (s) | median (s) | per page (ms) |",
        "| --- | --- | ---: | ---: |",
    ]
    labels = {
        "app": "app: `branch_pledge_certificates_pdf`",
        "bare": "bare: `HTML(string=html).write_pdf()`",
    }
    for side in ("app", "bare"):
        runs = ", ".join(f"{s:.2f}" for s in timings[side])
        rows.append(
            f"| {labels[side]} | {runs} | {median[side]:.2f} | {median[side] / count * 1000:.1f} |"
        )
    ratio_ok = ratio <= RATIO_TARGET
    pages_ok = median["app"] / count * 100 < SECONDS_TARGET
    verdicts = [
        f"- ratio app/bare: **{ratio:.3f}** (target ≤ {RATIO_TARGET:.2f}: "
        f"{'met' if ratio_ok else 'NOT met'})",
        f"- 100 pages through the app: **{median['app'] / count * 100:.2f} s** "
        f"(target < {SECONDS_TARGET:.0f} s: {'met' if pages_ok else 'NOT met'})",
        f"- the app's own part, timed apart: queries and QR codes "
        f"{median['data']:.3f} s, template {median['template']:.3f} s (medians)",
    ]
    script = ".venv/bin/python scripts/bench_certificates.py"
    command = f"{script} {shlex.join(sys.argv[1:])}" if sys.argv[1:] else f"make bench ({script})"
    summary = [
        f"{args.pledges} pledges → one PDF of {count} pages, {args.runs} runs per side, "
        f"interleaved, after one untimed warm-up; load average {load:.2f} when timing began.",
        "",
        *rows,
        "",
        *verdicts,
    ]
    print("\n".join(summary))
    if not args.no_record:
        record(summary, command.rstrip())
        print(f"\nrecorded in {DOCS.relative_to(ROOT)}")


def record(summary: list[str], command: str) -> None:
    section = "\n".join(
        [
            START,
            "## Pledge certificates: a branch batch as one PDF",
            "",
            f"- date: {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %z}",
            f"- machine: {machine()}",
            f"- command: `{command}`",
            "- what: `scripts/bench_certificates.py` seeds a throwaway SQLite database, then "
            "times the batch function the view `posts:branch-pledge-certificates` calls "
            "(queries, QR codes, template, WeasyPrint through `volunteer.pdf`) against "
            "bare WeasyPrint laying out the same HTML with the same static-only fetcher.",
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


if __name__ == "__main__":
    main()
