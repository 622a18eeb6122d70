"""Demo data for steps 4–5 in the 越城区 demo district: a year and more of activities
with their attendance, the points ledger they earn (with a few corrections), published
monthly tallies, and last year's year-end evaluation of 秦望村.

It runs after `members.demo.seed_demo` and `posts.demo.seed_posts_demo` (the
`seed_demo` command calls all three) and reads what they wrote: the branches, the
members holding a confirmed post this year, and the duty items of their posts. Like
them, every choice comes from `random.Random(SEED)`: `plan_month()` is pure (no
database) and gives the same plan for the same world and month; `seed_scoring_demo()`
writes it month by month through the ledger's services. Seed rows get no history records.

What a month holds, per branch (h = its post holders, about 20):

- two to four collective activities (night patrols, visits to needy households, cleaning
  illegal posters…), each attended by 40–80% of the holders;
- individual services (appliance repair, legal advice…), about h / 2 of them;
- a training most months (85%), and a quarterly exchange meeting in March, June,
  September and December;

linked to the duty items of the branch's posts. That is about three entries per holder
and month: at district scale (about 6,000 holders) some 18,000 entries a month, about
400,000 for last year and this year up to last month. The current month is left empty.

Everything is written through the ledger's own services, month by month as a branch
would: activities and entries through `scoring.services.record_activities` (the rules
in force, 2/3/1/1 by default; the branch's first open month), a few corrections through
`correct_entry` (half recorded before the month is published and counting in it, the
others after it and counting in the next month), and every past month frozen through
`publish_tally`. Only the times are the plan's: when an activity, a correction or a
publication was recorded. 秦望村's last month, and last month of a few other branches,
is left for their secretaries to publish.
"""

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from members import demo as member_demo
from members import idnumbers
from members.models import Member, RoleAssignment, Unit
from posts.models import Choice, DutyItem
from scoring import evaluation as ev
from scoring import services
from scoring.models import (
    Activity,
    ActivityKind,
    Ballot,
    Evaluation,
    EvaluationRule,
    Grade,
    Honour,
    MonthlyTally,
    PointsEntry,
    Sanction,
)
from scoring.services import ActivityRecord

SEED = 20100603
BATCH_SIZE = 2000
ZERO = Decimal("0")

Kind = ActivityKind

# (title, the duty item it fulfils, place, people served)
COLLECTIVE = [
    ("夜间治安巡逻", "夜间治安巡逻", "村口至河边小路", ""),
    ("走访慰问困难户", "走访困难户", "", "困难家庭、独居老人"),
    ('清除"牛皮藓"', '清除"牛皮藓"', "主干道两侧墙面和电线杆", ""),
    ("河道巡查保洁", "河道巡查", "村内河道", ""),
    ("村道义务保洁", "村道保洁", "村主干道", ""),
    ("垃圾分类定点督导", "垃圾分类督导", "垃圾投放点", "早间投放的村民"),
    ("惠民政策入户宣传", "入户宣传", "", "网格内住户"),
    ("防诈骗宣传进家门", "维稳普法宣传", "", "独居老人"),
    ("出租房消防安全检查", "消防安全检查", "出租房集中片区", "外来租户"),
    ("看望慰问老党员", "困难党员慰问", "", "生活困难的老党员"),
]
INDIVIDUAL = [
    ("上门维修小家电", "家电维修", "独居老人"),
    ("法律咨询", "政策咨询", "邻里纠纷当事人"),
    ("家庭教育讲座", "安全教育", "留守儿童家长"),
    ("升学报考咨询", "", "应届考生家庭"),
    ("代办社保认证", "代办社保医保", "行动不便的老人"),
    ("义务理发", "义务理发", "高龄老人"),
    ("帮独居老人代购药品", "代办代购", "独居老人"),
    ("结对帮扶上门", "结对帮扶", "结对困难家庭"),
    ("调解邻里纠纷", "矛盾纠纷排查", "邻里双方"),
    ("侨胞回乡事务代办", "侨胞回乡事务代办", "回乡侨胞"),
    ("农技上门指导", "农技指导", "种养户"),
]
TRAININGS = [
    ("党员先锋岗履职能力培训", "镇党校"),
    ("垃圾分类知识培训", "区综合行政执法局"),
    ("防范电信诈骗知识培训", "区公安分局反诈中心"),
    ("应急救护培训", "区红十字会"),
    ("矛盾纠纷调解实务培训", "镇司法所"),
    ("惠民政策解读", "镇党校"),
    ("消防安全培训", "区消防救援大队"),
    ("智能手机助老服务培训", "区老年大学"),
    ("党的创新理论学习", "区委党校"),
]
PLACES = ["村党群服务中心", "村文化礼堂", "村委会二楼会议室", "老年活动室"]
QUARTERS = {3: "第一季度", 6: "第二季度", 9: "第三季度", 12: "第四季度"}
CORRECTIONS = [
    ("实际未到场，登记有误", Decimal("0")),
    ("重复登记，予以冲销", Decimal("0")),
    ("中途离开，按半程计分", Decimal("1")),
]
SELF_REPORTS = [
    "一年来按承诺履岗，参加夜间巡逻和环境整治，帮助困难群众解决实际问题。",
    "认真履行岗位职责，积极参加支部组织的各项活动，不足之处是入户走访次数偏少。",
    "坚持每月参加集体活动，发挥个人特长开展便民服务，群众反映较好。",
]
ASSESSMENTS = [
    "履岗积极，服务群众热情，完成承诺事项。",
    "能按要求参加活动，承诺事项基本完成。",
    "履岗主动性有待加强，部分承诺事项未完成。",
]


@dataclass(frozen=True)
class BranchWorld:
    pk: int
    name: str
    is_home: bool
    recorder: int  # user pk: who records activities (the secretary or an instructor)
    publisher: int  # user pk: who publishes tallies (the secretary or an organiser)
    holders: tuple[int, ...]  # member pks of this year's confirmed post holders
    menus: dict[int, dict[str, int]]  # holder pk -> {duty item name: pk} of their posts
    items: dict[str, int]  # every duty item of the branch's posts, by name
    forced: tuple[int, ...] = ()  # holders with a demo log-in: in every month
    keenness: dict[int, float] = field(default_factory=dict)  # holder pk -> `engagement`

    def __post_init__(self) -> None:
        # By the holder's place in the branch, not by row number, so that both database
        # engines (whose row numbers differ) draw the same demo.
        keenness = {m: engagement(f"{self.name}/{i}") for i, m in enumerate(self.holders)}
        object.__setattr__(self, "keenness", keenness)  # frozen: set once, here


@dataclass
class ScoringWorld:
    district: Unit
    branches: list[BranchWorld]
    names: dict[int, str]  # member pk -> name


@dataclass(frozen=True)
class ActivityPlan:
    branch: int  # index into ScoringWorld.branches
    kind: str
    title: str
    held_on: dt.date
    members: tuple[int, ...]
    items: tuple[int, ...] = ()
    place: str = ""
    trainer: str = ""
    people_served: str = ""
    recorded: dt.datetime | None = None


@dataclass(frozen=True)
class CorrectionPlan:
    activity: int  # index into MonthPlan.activities
    member: int
    right_points: Decimal
    reason: str
    month: dt.date  # the tally month it counts in
    recorded: dt.datetime


@dataclass
class MonthPlan:
    month: dt.date
    activities: list[ActivityPlan] = field(default_factory=list)
    corrections: list[CorrectionPlan] = field(default_factory=list)


@dataclass
class ScoringSeedResult:
    created: bool
    activities: int = 0
    entries: int = 0
    tallies: int = 0
    evaluations: int = 0


# --- planning: pure functions of a random.Random -------------------------------------


def next_month(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


def months_to_seed(today: dt.date) -> list[dt.date]:
    """Last year's twelve months and this year's up to last month."""
    last_year = [dt.date(today.year - 1, m, 1) for m in range(1, 13)]
    return last_year + [dt.date(today.year, m, 1) for m in range(1, today.month)]


def _day(rng: random.Random, month: dt.date) -> dt.date:
    last = (next_month(month) - dt.timedelta(days=1)).day
    return month.replace(day=rng.randint(1, last))


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=member_demo.CHINA_TZ)


def _recorded(rng: random.Random, held_on: dt.date, now: dt.datetime) -> dt.datetime:
    """When an activity is recorded: the evening of its day or up to three days later,
    within its month (the month is published in the first week of the next)."""
    month_end = next_month(held_on.replace(day=1)) - dt.timedelta(days=1)
    day = min(held_on + dt.timedelta(days=rng.randint(0, 3)), month_end)
    return min(_at(day, rng.randint(17, 21), rng.randint(0, 59)), now)


def engagement(key: str) -> float:
    """How keen a holder is, from 0.4 (seldom comes) to 2 (always there): a year's points
    then spread as a real branch's do, instead of bunching every holder near the
    average. Drawn from its own generator per member, so the plans' stream is not
    disturbed by it."""
    return 0.4 + 1.6 * random.Random(f"engagement-{key}").random() ** 0.8


def _attending(rng: random.Random, branch: BranchWorld, low: float, high: float) -> list[int]:
    """Who comes, keener holders more often (a weighted draw without replacement)."""
    count = min(max(1, round(len(branch.holders) * rng.uniform(low, high))), len(branch.holders))
    keys = {m: rng.random() ** (1 / branch.keenness[m]) for m in branch.holders}
    return sorted(sorted(branch.holders, key=lambda m: -keys[m])[:count])


def plan_month(
    rng: random.Random, world: ScoringWorld, month: dt.date, *, last: dt.date, now: dt.datetime
) -> MonthPlan:
    """Every branch's activities of `month`, and the corrections of some of their
    entries. `last` is the last month seeded: its corrections are all recorded before
    it is published."""
    plan = MonthPlan(month)
    for b, branch in enumerate(world.branches):
        if not branch.holders:
            continue
        first = len(plan.activities)
        for title, item, place, served in rng.sample(COLLECTIVE, rng.choice([2, 3, 3, 4])):
            members = _attending(rng, branch, 0.4, 0.8)
            if branch.forced and len(plan.activities) == first:
                # The demo log-ins take part in every month's first one, in place of
                # others, so that it draws as many as it would have.
                others = [m for m in members if m not in branch.forced]
                keep = max(0, len(members) - len(branch.forced))
                members = sorted(set(others[:keep]) | set(branch.forced))
            held_on = _day(rng, month)
            plan.activities.append(
                ActivityPlan(
                    b,
                    Kind.COLLECTIVE,
                    title,
                    held_on,
                    tuple(members),
                    (branch.items[item],) if item in branch.items else (),
                    place,
                    "",
                    served,
                    _recorded(rng, held_on, now),
                )
            )
        weights = [branch.keenness[m] for m in branch.holders]
        for _ in range(round(len(branch.holders) * rng.uniform(0.3, 0.7))):
            (member,) = rng.choices(branch.holders, weights)
            menu = branch.menus.get(member, {})
            own = [service for service in INDIVIDUAL if service[1] in menu]
            title, item, served = rng.choice(own if own and rng.random() < 0.7 else INDIVIDUAL)
            held_on = _day(rng, month)
            plan.activities.append(
                ActivityPlan(
                    b,
                    Kind.INDIVIDUAL,
                    title,
                    held_on,
                    (member,),
                    (menu[item],) if item in menu else (),
                    "",
                    "",
                    served,
                    _recorded(rng, held_on, now),
                )
            )
        if rng.random() < 0.85:
            title, trainer = rng.choice(TRAININGS)
            held_on = _day(rng, month)
            plan.activities.append(
                ActivityPlan(
                    b,
                    Kind.TRAINING,
                    title,
                    held_on,
                    tuple(_attending(rng, branch, 0.5, 0.9)),
                    place=rng.choice(PLACES),
                    trainer=trainer,
                    recorded=_recorded(rng, held_on, now),
                )
            )
        if month.month in QUARTERS:
            held_on = month.replace(day=rng.randint(20, 28))
            plan.activities.append(
                ActivityPlan(
                    b,
                    Kind.MEETING,
                    f"{month.year}年{QUARTERS[month.month]}党员先锋岗工作交流会",
                    held_on,
                    tuple(_attending(rng, branch, 0.6, 0.9)),
                    place=rng.choice(PLACES),
                    recorded=_recorded(rng, held_on, now),
                )
            )
        if rng.random() < 0.3:
            plan.corrections.append(_plan_correction(rng, plan, first, month, last=last, now=now))
    return plan


def _plan_correction(
    rng: random.Random, plan: MonthPlan, first: int, month: dt.date, *, last: dt.date, now
) -> CorrectionPlan:
    """A correction of one of the branch's entries of the month (activities from
    `first` on): recorded before the month is published (it counts in the month), or
    after, in the next month (it counts there)."""
    index = rng.randrange(first, len(plan.activities))
    activity = plan.activities[index]
    member = rng.choice(activity.members)
    reason, right = rng.choice(CORRECTIONS)
    if activity.kind != Kind.COLLECTIVE:
        reason, right = CORRECTIONS[1]
    after = month < last and rng.random() < 0.5
    if after:
        day = next_month(month) + dt.timedelta(days=rng.randint(9, 20))
        counts_in = next_month(month)
    else:
        day = min(activity.held_on + dt.timedelta(days=rng.randint(1, 5)), next_month(month))
        day = min(day, next_month(month) - dt.timedelta(days=1))
        counts_in = month
    recorded = _at(day, rng.randint(9, 17), rng.randint(0, 59))
    recorded = min(max(recorded, activity.recorded + dt.timedelta(hours=1)), now)
    return CorrectionPlan(index, member, right, reason, counts_in, recorded)


def publication_time(rng: random.Random, month: dt.date, now: dt.datetime) -> dt.datetime:
    """When a branch publishes a month: in the first week of the next month."""
    day = next_month(month) + dt.timedelta(days=rng.randint(1, 6))
    return min(_at(day, rng.randint(9, 17), rng.randint(0, 59)), now - dt.timedelta(hours=1))


# --- reading what the member and posts seeds wrote ------------------------------------


def read_world(district: Unit, year: int) -> ScoringWorld:
    """The branches in path order, each with its holders of `year` (in member-file
    order) and the duty items of their posts, and who records and publishes."""
    users = dict(
        get_user_model()
        .objects.filter(username__in=[u for u, _ in member_demo.DEMO_LOGINS])
        .values_list("username", "pk")
    )
    roles = RoleAssignment.objects.filter(unit__path__startswith=district.path)
    secretaries = dict(
        roles.filter(role=RoleAssignment.Role.BRANCH_SECRETARY)
        .order_by("pk")
        .values_list("unit_id", "user_id")
    )
    organisers = dict(
        roles.filter(role=RoleAssignment.Role.TOWN_ORGANISER)
        .order_by("pk")
        .values_list("unit_id", "user_id")
    )
    # By branch, ID number, post name: the number is encrypted, so it is sorted here.
    held = [
        row[:-2]
        for row in idnumbers.in_id_number_order(
            list(
                Choice.objects.in_unit(district)
                .confirmed()
                .filter(post__year=year)
                .order_by("member__branch__path", "post__name", "pk")
                .values_list(
                    "member_id", "member__user__username", "post__branch_id", "post_id",
                    "post__post_type_id", "post__instructor_id",
                    "member__branch_id", "member__id_number_cipher",
                )
            ),
            group=lambda row: row[-2],
            token=lambda row: row[-1],
        )
    ]  # fmt: skip
    items_of_type: dict[int, dict[str, int]] = defaultdict(dict)
    items_of_post: dict[int, dict[str, int]] = defaultdict(dict)
    for pk, name, type_id, post_id in (
        DutyItem.objects.filter(is_active=True)
        .order_by("sort_order", "pk")
        .values_list("pk", "name", "post_type_id", "post_id")
    ):
        if type_id is not None:
            items_of_type[type_id].setdefault(name, pk)
        else:
            items_of_post[post_id].setdefault(name, pk)

    holders: dict[int, list[int]] = defaultdict(list)
    menus: dict[int, dict[int, dict[str, int]]] = defaultdict(dict)
    items: dict[int, dict[str, int]] = defaultdict(dict)
    forced: dict[int, list[int]] = defaultdict(list)
    recorders: dict[int, int] = {}
    for member, username, branch, post, post_type, instructor in held:
        menu = items_of_type[post_type] if post_type else items_of_post[post]
        if member not in menus[branch]:
            holders[branch].append(member)
            menus[branch][member] = {}
            if username in ("member", "secretary"):
                forced[branch].append(member)
        menus[branch][member].update(menu)
        for name, pk in menu.items():
            items[branch].setdefault(name, pk)
        if instructor:
            recorders.setdefault(branch, instructor)

    branches = []
    for pk, name, parent_id in (
        Unit.objects.within(district)
        .branches()
        .order_by("path")
        .values_list("pk", "name", "parent_id")
    ):
        secretary = secretaries.get(pk)
        branches.append(
            BranchWorld(
                pk=pk,
                name=name,
                is_home=not branches and name == member_demo.HOME_BRANCH,
                recorder=secretary or recorders.get(pk) or users["district"],
                publisher=secretary or organisers.get(parent_id) or users["district"],
                holders=tuple(holders[pk]),
                menus=menus[pk],
                items=items[pk],
                forced=tuple(forced[pk]),
            )
        )
    names = dict(Member.objects.in_unit(district).values_list("pk", "name"))
    return ScoringWorld(district, branches, names)


# --- writing ---------------------------------------------------------------------------


@contextmanager
def _given_timestamps(*fields) -> Iterator[None]:
    """Let bulk_create keep the `recorded_at` the plan gives instead of "now"."""
    saved = [(f, f.auto_now_add) for f in fields]
    for f, _auto in saved:
        f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto in saved:
            f.auto_now_add = auto


def _write_month(world: ScoringWorld, plan: MonthPlan) -> list:
    """The month's activities through the ledger's writer (`record_activities`), each
    record naming its branch's recorder; returns them in plan order."""
    records = [
        ActivityRecord(
            branch_id=world.branches[a.branch].pk,
            kind=a.kind,
            title=a.title,
            held_on=a.held_on,
            member_ids=a.members,
            duty_item_ids=a.items,
            place=a.place,
            trainer=a.trainer,
            people_served=a.people_served,
            recorded_at=a.recorded,
            recorded_by_id=world.branches[a.branch].recorder,
        )
        for a in plan.activities
    ]
    return services.record_activities(records=records, by=None, batch_size=BATCH_SIZE)


def _correct(
    world: ScoringWorld,
    plan: MonthPlan,
    activities: list,
    corrections: list[CorrectionPlan],
    users: dict[int, object],
) -> None:
    """Corrections through `correct_entry`, which counts each in its branch's first
    open month, recorded at the plan's time."""
    for c in corrections:
        branch = world.branches[plan.activities[c.activity].branch]
        original = PointsEntry.objects.get(
            attendance__activity=activities[c.activity], member_id=c.member, corrects=None
        )
        with _given_timestamps(PointsEntry._meta.get_field("recorded_at")):
            services.correct_entry(
                entry=original,
                right_points=c.right_points,
                reason=c.reason,
                by=users[branch.recorder],
                recorded_at=c.recorded,
            )


def _publication_times(
    rng: random.Random, world: ScoringWorld, months: list[dt.date], now: dt.datetime
) -> dict[tuple[int, dt.date], dt.datetime]:
    """When each branch published each month: every past month, but 秦望村's last month
    and that of about one branch in eight, left for their secretaries to publish."""
    last = months[-1]
    times = {}
    for branch in world.branches:
        keep_last_open = branch.is_home or rng.random() < 0.12
        for month in months:
            if month == last and keep_last_open:
                continue
            times[branch.pk, month] = publication_time(rng, month, now)
    return times


def _publish_month(
    world: ScoringWorld,
    month: dt.date,
    times: dict[tuple[int, dt.date], dt.datetime],
    users: dict[int, object],
) -> int:
    """Freeze the branches' month through `publish_tally`, dated as planned."""
    tallies = []
    units = Unit.objects.in_bulk([b.pk for b in world.branches if (b.pk, month) in times])
    for branch in world.branches:
        if branch.pk not in units:
            continue
        tally = services.publish_tally(
            branch=units[branch.pk], month=month, by=users[branch.publisher]
        )
        tally.published_at = times[branch.pk, month]
        tallies.append(tally)
    MonthlyTally.objects.bulk_update(tallies, ["published_at"], batch_size=BATCH_SIZE)
    return len(tallies)


def _evaluate_home(rng: random.Random, world: ScoringWorld, year: int, now: dt.datetime) -> int:
    """Last year's evaluation of 秦望村, computed and published: paper votes for every
    holder, one member graded excellent and named 履岗先锋, one graded poor who had an
    admonishment talk."""
    home = next((b for b in world.branches if b.is_home), None)
    if home is None or not home.holders:
        return 0
    district = world.district
    rule = EvaluationRule.objects.filter(district=district, year=year).first()
    if rule is None:
        rule = EvaluationRule.objects.bulk_create([EvaluationRule(district=district, year=year)])[0]
    totals = dict(
        PointsEntry.objects.filter(member__in=home.holders, month__range=ev.year_months_range(year))
        .order_by()
        .values("member")
        .annotate(total=Sum("points"))
        .values_list("member", "total")
    )
    points = {m: totals.get(m) or ZERO for m in home.holders}
    best = max([ZERO, *points.values()])
    members, residents = len(home.holders), rng.randint(12, 18)  # residents' representatives
    voters = members + residents

    def by_group(favourable: int) -> tuple[ev.VoteCount, ev.VoteCount]:
        # The favourable votes shared between the groups in proportion to their size.
        of_members = min(members, favourable, round(favourable * members / voters))
        of_members = max(of_members, favourable - residents)
        return (
            ev.VoteCount(Ballot.Voter.MEMBER, of_members, members),
            ev.VoteCount(Ballot.Voter.RESIDENT, favourable - of_members, residents),
        )

    ranked = sorted(home.holders, key=lambda m: (points[m], m))
    top = ranked[-1]
    logins = set(home.forced)
    poor = next((m for m in ranked if m not in logins), ranked[0])

    def computed(member: int, favourable: int) -> ev.Computation:
        votes = ev.Votes(paper=by_group(favourable))
        return ev.compute(points_total=points[member], best_in_branch=best, votes=votes, rule=rule)

    published = min(_at(dt.date(year + 1, 1, 12), 10, 0), now - dt.timedelta(hours=2))
    evaluations = []
    for member in home.holders:
        # Voters judge much as the points do: the keen get more favourable votes.
        keen = min(home.keenness[member], 2.0) / 2.0
        favourable = round(voters * min(0.98, 0.6 + 0.28 * keen + rng.uniform(0, 0.15)))
        if member == poor:
            favourable = round(voters * 0.45)
            while favourable > 0 and computed(member, favourable).grade != Grade.POOR:
                favourable -= 1
        elif member == top:
            favourable = round(voters * 0.94)
            while favourable < voters and computed(member, favourable).grade != Grade.EXCELLENT:
                favourable += 1
        result = computed(member, favourable)
        paper = by_group(favourable)
        grade = result.grade
        evaluations.append(
            Evaluation(
                member_id=member,
                branch_id=home.pk,
                year=year,
                self_report=rng.choice(SELF_REPORTS),
                organisation_assessment=ASSESSMENTS[
                    0 if grade == Grade.EXCELLENT else 2 if grade == Grade.POOR else 1
                ],
                paper_member_favourable=paper[0].favourable,
                paper_member_total=members,
                paper_resident_favourable=paper[1].favourable,
                paper_resident_total=residents,
                rule=rule,
                points_total=result.points_total,
                points_basis=result.points_basis,
                points_score=result.points_score,
                appraisal_score=result.appraisal_score,
                final_score=result.final_score,
                grade=grade,
                computed_at=published - dt.timedelta(days=2),
                published_at=published,
            )
        )
    Evaluation.objects.bulk_create(evaluations)
    grades = {e.member_id: e.grade for e in evaluations}
    if grades[top] == Grade.EXCELLENT:
        Honour.objects.bulk_create(
            [
                Honour(
                    member_id=top,
                    year=year,
                    kind=Honour.Kind.PIONEER,
                    note=f"{year}年度履岗先锋",
                    awarded_by_id=home.publisher,
                )
            ]
        )
    if grades[poor] == Grade.POOR:
        Sanction.objects.bulk_create(
            [
                Sanction(
                    member_id=poor,
                    year=year,
                    kind=Sanction.Kind.ADMONISHMENT,
                    held_on=min(published.date() + dt.timedelta(days=6), now.date()),
                    record="支部书记与其谈话，指出履岗中参加活动偏少、承诺事项未完成等问题，"
                    "本人表示接受，今后按承诺履岗。",
                    decided_by_id=home.publisher,
                )
            ]
        )
    return len(evaluations)


def seed_scoring_demo(
    scale: str = "small", *, seed: int = SEED, today: dt.date | None = None
) -> ScoringSeedResult:
    """Load the scoring demo data into the demo district the member and posts seeds
    made. Does nothing if the district already has activities (or is not there).
    Refuses under production settings, like the other seeds."""
    if getattr(settings, "IS_PRODUCTION", False):
        raise member_demo.DemoRefused(
            "Refusing to load demo data: these settings are production (DJANGO_ENV=production)."
        )
    if scale not in member_demo.SCALES:
        raise ValueError(f"Unknown scale {scale!r}: choose one of {', '.join(member_demo.SCALES)}.")
    today = today or timezone.localdate()
    now = min(timezone.now(), _at(today, 23, 59))
    with transaction.atomic():
        district = member_demo.demo_district()
        if district is None or Activity.objects.in_unit(district).exists():
            return ScoringSeedResult(False)
        world = read_world(district, today.year)
        months = months_to_seed(today)
        rng = random.Random(seed)
        plans = [plan_month(rng, world, month, last=months[-1], now=now) for month in months]
        times = _publication_times(rng, world, months, now)
        ids = {b.recorder for b in world.branches} | {b.publisher for b in world.branches}
        users = get_user_model().objects.in_bulk(ids)
        fields = [
            Activity._meta.get_field("recorded_at"),
            PointsEntry._meta.get_field("recorded_at"),
        ]
        activities = published = 0
        entries_before = PointsEntry.objects.count()
        late: list[tuple[MonthPlan, list, list[CorrectionPlan]]] = []
        for month, plan in zip(months, plans, strict=True):
            with _given_timestamps(*fields):
                written = _write_month(world, plan)
            activities += len(written)
            on_time = [c for c in plan.corrections if c.month == month]
            _correct(world, plan, written, on_time, users)
            # Last month's late corrections, recorded after it was published.
            for earlier, earlier_written, corrections in late:
                _correct(world, earlier, earlier_written, corrections, users)
            late = [(plan, written, [c for c in plan.corrections if c.month != month])]
            published += _publish_month(world, month, times, users)
        entries = PointsEntry.objects.count() - entries_before
        evaluations = _evaluate_home(rng, world, today.year - 1, now)
    return ScoringSeedResult(True, activities, entries, published, evaluations)
