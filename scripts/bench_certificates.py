"""Benchmark a branch's batch of pledge certificates (择岗承诺书) against bare WeasyPrint.

    .venv/bin/python scripts/bench_certificates.py [--pledges 100] [--runs 3]

`make bench` runs it through scripts/bench.py, which writes docs/benchmarks.md; run
alone it prints its row. A child process builds a throwaway SQLite database
(scripts/benchlib.py), migrates it, and seeds one branch with `--pledges` members, each
holding a post with an approved pledge (half of them published), through the posts
services. Then, `--runs` times each, interleaved:

- app:  posts.documents.branch_pledge_certificates_pdf, the function the batch view
        calls: the queries, QR codes, template and WeasyPrint through the print layer;
- bare: weasyprint.HTML(string=html, base_url=PRINT_BASE_URL,
        url_fetcher=StaticOnlyFetcher()).write_pdf() on the same HTML, rendered once
        beforehand, with no app around it.

One untimed warm-up render (two certificates) loads fonts and caches for both sides.
Both sides must lay out the same number of pages (poppler's pdfinfo, when installed).
Targets: ratio <= 1.10, 100 pages < 6 s. Not a test: `make test` never runs it.
"""

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import benchlib
from benchlib import Row

AREA = "print (PDF)"
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


def measure(pledges: int, runs: int) -> dict:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from weasyprint import HTML

    from posts import documents
    from volunteer.pdf import PRINT_BASE_URL, StaticOnlyFetcher

    branch = seed(pledges)

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
    for _ in range(runs):
        for side, function in (("app", app), ("bare", bare)):
            start = time.perf_counter()
            pdf = function()
            timings[side].append((time.perf_counter() - start) * 1000)
            pages[side] = page_count(pdf)
        # Where the app's own time goes (timed apart, outside the comparison).
        start = time.perf_counter()
        data = documents.branch_pledge_certificates(branch, YEAR, absolute=absolute)
        timings["data"].append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        documents.pledge_certificates_html(
            documents.pledge_certificates_context(data, branch=branch, year=YEAR)
        )
        timings["template"].append((time.perf_counter() - start) * 1000)
    if pages["app"] != pages["bare"]:
        sys.exit(f"the two sides laid out different documents: {pages}")
    medians = {side: statistics.median(values) for side, values in timings.items()}
    return {"medians": medians, "pages": pages["app"] or pledges, "load": load}


def run(pledges: int, runs: int) -> tuple[list[Row], list[str]]:
    with benchlib.throwaway_database("sqlite", "bench-certificates") as url:
        result = benchlib.run_child(__file__, url, "--pledges", str(pledges), "--runs", str(runs))
    m = result["medians"]
    row = Row(
        AREA,
        "sqlite",
        f"a branch's {pledges} pledge certificates as one PDF (`branch_pledge_certificates_pdf`)",
        m["app"],
        None,
        "bare WeasyPrint on the same HTML: `HTML(string=html).write_pdf()`",
        m["bare"],
        note=f"median of {runs}; the app's own part: queries and QR codes "
        f"{m['data'] / 1000:.2f} s, template {m['template'] / 1000:.2f} s",
    )
    line = (
        f"certificates: {pledges} pledges → one PDF of {result['pages']} pages, "
        f"{m['app'] / result['pages']:.0f} ms a page; load average {result['load']:.2f} "
        "when timing began"
    )
    return [row], [line]


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pledges", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)


def main() -> None:
    benchlib.script_main(
        __doc__,
        lambda args: run(args.pledges, args.runs),
        lambda args: measure(args.pledges, args.runs),
        _arguments,
    )


if __name__ == "__main__":
    main()
