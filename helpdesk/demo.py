"""Demo data of the grid volunteer service in the 越城区 demo district: the volunteer
pool, a service team for (nearly) every grid, a year of help requests in every state
with their logs and ratings, and service logs.

It runs after `members.demo.seed_demo` and reads what that wrote; wire it after the
scoring demo too, so that the points of its service logs go where the ledger puts them
(the open months). Like the other demos, every choice comes from
`random.Random(SEED)`; times are counted back from the moment of seeding, so the board
looks current whenever the data is loaded.

What it makes:

- every member who is not exempt becomes a volunteer (a member without a capability
  type gets one: volunteers are classified by type); the `leader` log-in gets a member
  file in 秦望村 第1网格 and leads its team; the `member` log-in (刘䶮) is a volunteer;
- a team of 3–10 volunteers of mixed types for each grid, except a few (two at small
  scale) left without one;
- REQUESTS[scale] requests spread over the last twelve months: older ones resolved
  (a few closed, a few late and still open), the last days' in every state; about 70 %
  of the resolved ones rated, mostly favourably; a few re-dispatched;
- a service log for each resolved request, and a weekly-or-so round of visits by one
  "star" volunteer in every fourth team, so that the excellent-volunteer list has
  candidates (and near misses).

At small scale the logs go through `helpdesk.services.log_service`, so the volunteers'
points reach the ledger as in real use. At district and city scale (40,000 and 100,000
requests) everything is bulk-loaded; the logs' points go through
`scoring.services.record_activities`, the ledger's bulk recorder, which keeps the rules
`log_service` keeps (the rule in force on each date, the branch's open month, inserts
only) with one bulk insert per table.
"""

import datetime as dt
import random
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from helpdesk import escalation, services
from helpdesk.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    FAVOURABLE_RATING,
    HelpRequest,
    RequestEvent,
    ServiceCategory,
    ServiceLog,
    ServiceTeam,
    TeamEvent,
    TeamMembership,
    VolunteerProfile,
    VolunteerYear,
)
from inbox.models import Notification
from members import demo as member_demo
from members import idnumbers
from members.models import ActivationCode, CapabilityType, Member, RoleAssignment, Unit
from scoring import services as scoring

SEED = 20100603
BATCH_SIZE = 2000
REQUESTS = {"small": 600, "district": 40_000, "city": 100_000}
DAYS = 365
# Every fourth team has a star volunteer who visits the grid every STAR_EVERY days.
STAR_TEAMS = 4
STAR_EVERY = 4
LEADER_NAME = "章立新"

State = HelpRequest.State
Event = RequestEvent.Kind
Category = ServiceCategory

CHANNELS = [("hotline", 35), ("group", 30), ("online", 25), ("walk_in", 10)]
# Roughly the case report's mix: cleaning 900, farming 300, medical 150, errands 500.
CATEGORIES = [
    (Category.CLEANING, 28),
    (Category.AGRICULTURE, 10),
    (Category.MEDICAL, 8),
    (Category.LEGAL, 5),
    (Category.DAILY_LIFE, 35),
    (Category.MEDIATION, 8),
    (Category.OTHER, 6),
]
RATINGS = [(5, 62), (4, 24), (3, 7), (2, 4), (1, 3)]
ASKS: dict[str, list[tuple[str, str]]] = {
    Category.CLEANING: [
        ("门前河道漂浮垃圾较多，希望帮忙清理。", "打捞河面漂浮物，清理河岸垃圾"),
        ("楼道堆放杂物，影响通行。", "协助住户清理楼道杂物"),
        ("村道旁有“牛皮藓”小广告。", "清除小广告，并宣传文明张贴"),
        ("房前屋后柴草乱堆，想请人帮忙整理。", "帮助整理柴草、清扫院落"),
    ],
    Category.AGRICULTURE: [
        ("茶树叶子发黄，不知道什么病。", "上门查看茶园，讲解病虫害防治"),
        ("鱼塘的鱼最近浮头，想请懂行的人看看。", "检测水质，指导增氧和投喂"),
        ("果树该怎么修剪？", "现场示范果树修剪"),
        ("想在网上卖自家的梅干菜，不会操作。", "帮助开通网店，讲解上架流程"),
    ],
    Category.MEDICAL: [
        ("老人行动不便，需要上门量血压。", "上门测量血压血糖，讲解用药"),
        ("想了解慢性病医保报销怎么办理。", "讲解慢病报销政策，协助准备材料"),
        ("家里老人摔了一跤，想请人看看要不要去医院。", "初步检查伤情，陪同就医"),
    ],
    Category.LEGAL: [
        ("宅基地边界和邻居有争议，想咨询法律。", "讲解相关法规，建议调解途径"),
        ("打工工资被拖欠，不知道怎么维权。", "讲解维权途径，协助写申请材料"),
        ("想立一份遗嘱，请人把把关。", "讲解遗嘱形式和注意事项"),
    ],
    Category.DAILY_LIFE: [
        ("厨房水管漏水，需要帮忙修理。", "更换水管接头"),
        ("家里电灯不亮了，老人不会修。", "检修线路，更换灯具"),
        ("想办社保认证，不会用手机。", "上门帮助完成社保认证"),
        ("独居老人需要有人帮忙买菜配药。", "代购蔬菜和药品"),
        ("电视没有信号了。", "调试机顶盒"),
        ("想给车子上牌，不知道去哪里办。", "陪同办理车辆上牌手续"),
    ],
    Category.MEDIATION: [
        ("楼上漏水到我家，和邻居说不拢。", "上门调解，双方达成维修协议"),
        ("兄弟俩为赡养老人的事吵架。", "调解家庭矛盾，明确赡养分工"),
        ("邻居养狗吵闹，多次沟通无果。", "组织双方协商，约定养犬规范"),
    ],
    Category.OTHER: [
        ("想找人帮忙给在外地的子女写封信。", "代写书信"),
        ("孩子放学后没人看，想问问有没有托管。", "介绍村里的课后托管点"),
    ],
}
VISITS = [
    ("走访网格住户，了解困难和需求", Category.DAILY_LIFE),
    ("看望独居老人，帮助打扫卫生", Category.CLEANING),
    ("网格环境巡查，清理卫生死角", Category.CLEANING),
    ("为老人量血压，讲解健康知识", Category.MEDICAL),
    ("走访种养户，讲解农技", Category.AGRICULTURE),
]


@dataclass
class HelpdeskSeedResult:
    created: bool
    volunteers: int
    teams: int
    grids_without_team: int
    requests: int
    logs: int


def _check_not_production() -> None:
    if getattr(settings, "IS_PRODUCTION", False):
        raise member_demo.DemoRefused(
            "Refusing to load demo data: these settings are production (DJANGO_ENV=production)."
        )


def _weighted(rng: random.Random, pairs):
    return rng.choices([v for v, _ in pairs], weights=[w for _, w in pairs])[0]


# --- volunteers and teams ---------------------------------------------------------------------


def _leader_member(district: Unit, types: dict[str, CapabilityType]) -> None:
    """The `leader` log-in's own member file in 秦望村 第1网格, so that they can lead
    its team as a volunteer."""
    user = get_user_model().objects.filter(username="leader").first()
    if user is None or Member.objects.filter(user=user).exists():
        return
    home = Unit.objects.filter(
        path__startswith=district.path, kind=Unit.Kind.BRANCH, name=member_demo.HOME_BRANCH
    ).first()
    if home is None:
        return
    grid = Unit.objects.filter(parent=home, kind=Unit.Kind.GRID).order_by("code").first()
    born = dt.date(1972, 8, 16)
    taken = set(Member.all_files.values_list("id_number_hash", flat=True))
    sequence = 551
    number = idnumbers.make_id_number(member_demo.REGION, born, sequence)
    while idnumbers.digest(number) in taken:
        sequence += 2
        number = idnumbers.make_id_number(member_demo.REGION, born, sequence)
    member = Member.objects.create(
        name=LEADER_NAME,
        gender=Member.Gender.MALE,
        birth_date=born,
        phone="13857512368",
        id_number=number,
        occupation="水电工",
        branch=home,
        grid=grid,
        category=Member.Category.VOLUNTEER,
        specialties="水电维修、家电维修",
        user=user,
    )
    member.capability_types.set([types["生活服务型"]])


def _enrol_everyone(rng: random.Random, district: Unit, now: dt.datetime) -> None:
    """Every member who is not exempt, with a number of the year they joined."""
    types = list(CapabilityType.objects.filter(is_active=True).order_by("sort_order", "pk"))
    members = list(
        Member.objects.filter(branch__path__startswith=district.path, is_exempt=False)
        .filter(volunteer_profile__isnull=True)
        .order_by("pk")
        .values_list("pk", "specialties")
    )
    typed = set(
        Member.capability_types.through.objects.filter(
            member_id__in=[pk for pk, _s in members]
        ).values_list("member_id", flat=True)
    )
    through = Member.capability_types.through
    through.objects.bulk_create(
        [
            through(member_id=pk, capabilitytype_id=rng.choice(types).pk)
            for pk, _s in members
            if pk not in typed
        ],
        batch_size=BATCH_SIZE,
    )
    sequences: dict[int, int] = defaultdict(int)
    for number in VolunteerProfile.objects.values_list("number", flat=True):
        _prefix, year, sequence = number.rsplit("-", 2)
        sequences[int(year)] = max(sequences[int(year)], int(sequence))
    profiles = []
    for pk, _specialties in members:
        enrolled = (now - dt.timedelta(days=rng.randint(40, 6 * 365))).date()
        sequences[enrolled.year] += 1
        profiles.append(
            VolunteerProfile(
                member_id=pk,
                number=services.volunteer_number(enrolled.year, sequences[enrolled.year]),
                availability=rng.choice(
                    ["", "", "周末", "工作日晚上", "随叫随到", "白天在家，随时可以"]
                ),
                enrolled_on=enrolled,
            )
        )
    VolunteerProfile.objects.bulk_create(profiles, batch_size=BATCH_SIZE)


@dataclass
class TeamPlan:
    grid: Unit
    members: list[int]  # profile pks, the leader first
    star: int | None


def _plan_teams(
    rng: random.Random, district: Unit, skip: set[int], leader_profile: int | None
) -> list[TeamPlan]:
    grids = list(
        Unit.objects.filter(path__startswith=district.path, kind=Unit.Kind.GRID)
        .select_related("parent")
        .order_by("path")
    )
    by_grid: dict[int, list[tuple[int, int]]] = defaultdict(list)
    rows = (
        VolunteerProfile.objects.filter(member__branch__path__startswith=district.path)
        .filter(member__grid__isnull=False, membership__isnull=True, is_active=True)
        .order_by("pk")
        .values_list("pk", "member__grid_id", "member__capability_types")
    )
    seen: set[int] = set()
    for pk, grid_id, type_id in rows:
        if pk not in seen:  # the first capability type of each volunteer
            seen.add(pk)
            by_grid[grid_id].append((pk, type_id))
    plans = []
    for index, grid in enumerate(grids):
        if grid.pk in skip:
            continue
        candidates = by_grid.get(grid.pk, [])
        rng.shuffle(candidates)
        if leader_profile is not None and any(pk == leader_profile for pk, _t in candidates):
            candidates.sort(key=lambda c: c[0] != leader_profile)
        size = min(len(candidates), rng.randint(4, 10))
        chosen, types = [], set()
        for pk, type_id in candidates:  # one of each type first, then anyone
            if type_id not in types or len(types) >= 3:
                chosen.append(pk)
                types.add(type_id)
            if len(chosen) == size:
                break
        for pk, _t in candidates:
            if len(chosen) >= size:
                break
            if pk not in chosen:
                chosen.append(pk)
        if len(chosen) < 3 or len(types) < 2:
            continue
        star = chosen[1] if index % STAR_TEAMS == 0 else None
        plans.append(TeamPlan(grid, chosen, star))
    return plans


def _write_teams(plans: list[TeamPlan], today: dt.date) -> dict[int, ServiceTeam]:
    teams = ServiceTeam.objects.bulk_create(
        [
            ServiceTeam(
                grid=p.grid, name=f"{p.grid.parent.name}{p.grid.name}服务队", leader_id=p.members[0]
            )
            for p in plans
        ],
        batch_size=BATCH_SIZE,
    )
    TeamMembership.objects.bulk_create(
        [
            TeamMembership(team=team, profile_id=pk, joined_on=today - dt.timedelta(days=400))
            for team, plan in zip(teams, plans, strict=True)
            for pk in plan.members
        ],
        batch_size=BATCH_SIZE,
    )
    founded = today - dt.timedelta(days=400)
    at = timezone.make_aware(dt.datetime.combine(founded, dt.time(9)))
    TeamEvent.objects.bulk_create(
        [
            TeamEvent(team=team, profile_id=pk, kind=kind, on=founded, at=at)
            for team, plan in zip(teams, plans, strict=True)
            for pk, kind in [(pk, TeamEvent.Kind.JOINED) for pk in plan.members]
            + [(plan.members[0], TeamEvent.Kind.LEADER)]
        ],
        batch_size=BATCH_SIZE,
    )
    return {team.grid_id: team for team in teams}


def _leader_logins(teams: list[ServiceTeam]) -> None:
    """Every team leader can log in (with the demo password) and holds the team leader
    role on their grid, as the team editor leaves things."""
    user_model = get_user_model()
    profiles = VolunteerProfile.objects.in_bulk([t.leader_id for t in teams])
    members = Member.all_files.select_related("user").in_bulk(
        [p.member_id for p in profiles.values()]
    )
    hashed = make_password(member_demo.DEMO_PASSWORD)
    taken = set(user_model.objects.values_list("username", flat=True))
    missing = []
    for member in members.values():
        if member.user_id is None:
            username = member.phone if member.phone and member.phone not in taken else ""
            suffix = member.pk
            while not username or username in taken:
                username, suffix = f"dy{suffix:06d}", suffix + 1
            taken.add(username)
            member.user = user_model(username=username, first_name=member.name, password=hashed)
            missing.append(member)
        elif not member.user.has_usable_password():
            member.user.password = hashed
            member.user.save(update_fields=["password"])
    user_model.objects.bulk_create([m.user for m in missing], batch_size=BATCH_SIZE)
    for member in missing:
        member.user_id = member.user.pk
    Member.all_files.bulk_update(missing, ["user"], batch_size=BATCH_SIZE)
    ActivationCode.objects.filter(
        user_id__in=[m.user_id for m in members.values()],
        used_at__isnull=True,
        voided_at__isnull=True,
    ).update(voided_at=timezone.now())
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(
                user_id=members[profiles[t.leader_id].member_id].user_id,
                unit_id=t.grid_id,
                role=RoleAssignment.Role.TEAM_LEADER,
            )
            for t in teams
        ],
        batch_size=BATCH_SIZE,
        ignore_conflicts=True,
    )


# --- requests, events, logs -----------------------------------------------------------------


@dataclass
class LogPlan:
    team: ServiceTeam
    served_at: dt.datetime
    people_served: str
    category: str
    content: str
    volunteers: list[int]
    hours: Decimal
    request: HelpRequest | None


def _code(rng: random.Random, used: set[str]) -> str:
    while True:
        code = "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in used:
            used.add(code)
            return code


def _address(rng: random.Random, grid: Unit) -> str:
    area = grid.address or grid.parent.name
    digits = [int(n) for n in re.findall(r"\d+", area)]
    word = "幢" if "幢" in area else "组"
    place = area.split(str(digits[0]))[0] if digits else area
    group = rng.randint(digits[0], digits[-1]) if digits else rng.randint(1, 9)
    return f"{place}{group}{word}{rng.randint(1, 60)}号"


def _plan_requests(
    rng: random.Random,
    count: int,
    grids: list[Unit],
    teams: dict[int, ServiceTeam],
    members_of: dict[int, list[int]],
    now: dt.datetime,
):
    """The requests with their events (kind, at, team, from_team, reason) and the logs
    of the resolved ones."""
    used: set[str] = set(HelpRequest.objects.values_list("code", flat=True))
    team_list = list(teams.values())
    requests, events, logs = [], [], []
    for _ in range(count):
        grid = rng.choice(grids)
        team = teams.get(grid.pk)
        age = dt.timedelta(minutes=rng.triangular(0, DAYS * 24 * 60, DAYS * 24 * 60 * 0.45))
        if rng.random() < 0.02:  # the last hours: every state
            age = dt.timedelta(minutes=rng.randint(1, 60 * 30))
        received = now - age
        category = _weighted(rng, CATEGORIES)
        ask, done = rng.choice(ASKS[category])
        name = member_demo._person_name(rng, rng.choice("MF"), 1950)
        request = HelpRequest(
            code=_code(rng, used),
            channel=_weighted(rng, CHANNELS),
            resident_name=name,
            phone=rng.choice(["13", "15", "18"]) + f"{rng.randint(0, 999_999_999):09d}",
            address=_address(rng, grid),
            branch_id=grid.parent_id,
            grid=grid,
            category=category,
            description=ask,
            received_at=received,
            state=State.RECEIVED,
        )
        steps = [(Event.RECEIVED, received, None, None, "", None)]
        by_hand = team is None or rng.random() < 0.01
        if by_hand:
            # No team for the grid (or the grid was not told): an operator dispatches it
            # by hand to a team of the same village, or the nearest, within the hour;
            # the last day's wait for it.
            nearby = [t for t in team_list if t.grid.parent_id == grid.parent_id] or team_list
            if age < dt.timedelta(days=1) or not nearby:
                requests.append(request)
                events.append(steps)
                continue
            team = rng.choice(nearby)
            if rng.random() < 0.5:
                request.grid = None
        request.team = team
        minutes = rng.randint(12, 70) if by_hand else rng.choice([1, 2, 3, 5, 6, 8, 9, 12, 18])
        dispatched = received + dt.timedelta(minutes=minutes)
        if dispatched > now:
            requests.append(request)
            events.append(steps)
            request.team = None
            continue
        request.state, request.dispatched_at = State.DISPATCHED, dispatched
        steps.append(
            (Event.DISPATCHED, dispatched, team, None, "", "operator" if by_hand else None)
        )
        if rng.random() < 0.02 and len(team_list) > 1:
            other = rng.choice(team_list)
            if other.pk != team.pk:
                dispatched += dt.timedelta(minutes=rng.randint(5, 40))
                steps.append(
                    (
                        Event.REDISPATCHED,
                        dispatched,
                        other,
                        team,
                        "原服务队队员外出，改派邻近网格",
                        "operator",
                    )
                )
                request.team, request.dispatched_at, team = other, dispatched, other
        on_site = dispatched + dt.timedelta(minutes=rng.triangular(8, 240, 40))
        stuck = age < dt.timedelta(days=4) and rng.random() < 0.15
        if on_site > now or stuck:
            requests.append(request)
            events.append(steps)
            continue
        request.state, request.on_site_at = State.ON_SITE, on_site
        steps.append((Event.ON_SITE, on_site, team, None, "", "leader"))
        resolved = on_site + dt.timedelta(minutes=rng.triangular(15, 60 * 60, 90))
        if resolved > now or (age < dt.timedelta(days=4) and rng.random() < 0.15):
            requests.append(request)
            events.append(steps)
            continue
        if rng.random() < 0.04:
            request.state, request.closed_at = State.CLOSED, resolved
            request.close_reason = rng.choice(["居民已自行解决", "重复求助", "不属于义工服务范围"])
            steps.append((Event.CLOSED, resolved, team, None, request.close_reason, "operator"))
            requests.append(request)
            events.append(steps)
            continue
        request.state, request.resolved_at, request.resolution = State.RESOLVED, resolved, done
        steps.append((Event.RESOLVED, resolved, team, None, done, "leader"))
        if rng.random() < 0.7:
            rated = resolved + dt.timedelta(hours=rng.randint(1, 72))
            if rated < now:
                request.rating = _weighted(rng, RATINGS)
                request.rated_at = rated
                if rng.random() < 0.3:
                    request.rating_comment = rng.choice(
                        [
                            "来得很及时，谢谢！",
                            "服务热情",
                            "问题解决了",
                            "还要再跟进一下",
                            "态度很好",
                        ]
                    )
                steps.append((Event.RATED, rated, None, None, f"{request.rating}/5", None))
        requests.append(request)
        events.append(steps)
        crew = members_of[team.pk]
        logs.append(
            LogPlan(
                team=team,
                served_at=on_site,
                people_served=name,
                category=category,
                content=done,
                volunteers=rng.sample(crew, min(len(crew), rng.choice([1, 2, 2, 3]))),
                hours=Decimal(rng.choice(["0.5", "1", "1", "1.5", "2", "2", "3", "4"])),
                request=request,
            )
        )
    return requests, events, logs


def _plan_star_visits(
    rng: random.Random, plans: list[TeamPlan], teams: dict[int, ServiceTeam], now: dt.datetime
) -> list[LogPlan]:
    logs = []
    for plan in plans:
        if plan.star is None:
            continue
        team = teams[plan.grid.pk]
        day = now - dt.timedelta(days=DAYS - rng.randint(0, STAR_EVERY))
        while day < now - dt.timedelta(hours=6):
            content, category = rng.choice(VISITS)
            served = timezone.localtime(day).replace(
                hour=rng.randint(8, 16), minute=rng.choice([0, 15, 30, 45])
            )
            if served < now:
                logs.append(
                    LogPlan(
                        team=team,
                        served_at=served,
                        people_served=rng.choice(["网格住户", "独居老人", "困难家庭", "种养户"]),
                        category=category,
                        content=content,
                        volunteers=[plan.star],
                        hours=Decimal(rng.choice(["3", "3.5", "4", "4"])),
                        request=None,
                    )
                )
            day += dt.timedelta(days=rng.choice([STAR_EVERY - 1, STAR_EVERY, STAR_EVERY + 1]))
    return logs


def _write_requests(requests, events, people: dict) -> None:
    HelpRequest.objects.bulk_create(requests, batch_size=BATCH_SIZE)
    RequestEvent.objects.bulk_create(
        [
            RequestEvent(
                request=request,
                kind=kind,
                at=at,
                team=team,
                from_team=from_team,
                reason=reason,
                by=people.get(who),
            )
            for request, steps in zip(requests, events, strict=True)
            for kind, at, team, from_team, reason, who in steps
        ],
        batch_size=BATCH_SIZE,
    )


def _write_logs_through_services(logs: list[LogPlan], by) -> None:
    profiles = VolunteerProfile.objects.in_bulk({pk for log in logs for pk in log.volunteers})
    for log in sorted(logs, key=lambda item: item.served_at):
        services.log_service(
            team=log.team,
            served_at=log.served_at,
            people_served=log.people_served,
            category=log.category,
            content=log.content,
            volunteers=[profiles[pk] for pk in log.volunteers],
            hours=log.hours,
            request=log.request,
            by=by,
        )


def _activity_records(logs: list[LogPlan]) -> list[scoring.ActivityRecord]:
    """What `log_service` hands to the scoring ledger for each log, by ids."""
    member_of = dict(
        VolunteerProfile.objects.filter(pk__in={pk for log in logs for pk in log.volunteers})
        .values_list("pk", "member_id")
        .iterator(chunk_size=BATCH_SIZE)
    )
    titles: dict[tuple[str, Decimal], str] = {}
    records = []
    for log in logs:
        grid = log.team.grid
        key = (log.category, log.hours)
        if key not in titles:
            titles[key] = services.activity_title(log.category, log.hours)
        records.append(
            scoring.ActivityRecord(
                branch_id=grid.parent_id,
                kind=services.points_kind(len(log.volunteers)),
                title=titles[key],
                held_on=timezone.localtime(log.served_at).date(),
                member_ids=tuple(member_of[pk] for pk in log.volunteers),
                place=f"{grid.parent.name}{grid.name}",
                people_served=log.people_served,
                description=log.content,
                hours=log.hours,
            )
        )
    return records


def _write_logs_in_bulk(logs: list[LogPlan], by) -> None:
    """The logs and their points: the ledger's entries through scoring's bulk recorder
    (the rule in force, the open month), as `log_service` would one by one."""
    activities = scoring.record_activities(
        records=_activity_records(logs), by=by, batch_size=BATCH_SIZE
    )
    rows = ServiceLog.objects.bulk_create(
        [
            ServiceLog(
                team=log.team,
                served_at=log.served_at,
                people_served=log.people_served,
                category=log.category,
                content=log.content,
                hours=log.hours,
                request=log.request,
                activity=activity,
                recorded_by=by,
            )
            for log, activity in zip(logs, activities, strict=True)
        ],
        batch_size=BATCH_SIZE,
    )
    through = ServiceLog.volunteers.through
    through.objects.bulk_create(
        [
            through(servicelog_id=row.pk, volunteerprofile_id=pk)
            for row, log in zip(rows, logs, strict=True)
            for pk in log.volunteers
        ],
        batch_size=BATCH_SIZE * 2,
    )


def refresh_all_years(district: Unit) -> None:
    """Every volunteer's figures per year from the logs, in two aggregate queries."""
    through = ServiceLog.volunteers.through
    present = through.objects.filter(
        volunteerprofile__member__branch__path__startswith=district.path
    ).annotate(year=ExtractYear("servicelog__served_at"))
    work = present.values("volunteerprofile_id", "year").annotate(
        hours=Sum("servicelog__hours"), services=Count("servicelog_id")
    )
    votes = {
        (row["volunteerprofile_id"], row["year"]): row
        for row in present.filter(servicelog__request__rating__isnull=False)
        .values("volunteerprofile_id", "year")
        .annotate(
            votes=Count("servicelog__request_id", distinct=True),
            favourable=Count(
                "servicelog__request_id",
                filter=Q(servicelog__request__rating__gte=FAVOURABLE_RATING),
                distinct=True,
            ),
        )
    }
    VolunteerYear.objects.filter(profile__member__branch__path__startswith=district.path).delete()
    VolunteerYear.objects.bulk_create(
        [
            VolunteerYear(
                profile_id=row["volunteerprofile_id"],
                year=row["year"],
                hours=row["hours"],
                services=row["services"],
                votes=votes.get((row["volunteerprofile_id"], row["year"]), {}).get("votes", 0),
                favourable=votes.get((row["volunteerprofile_id"], row["year"]), {}).get(
                    "favourable", 0
                ),
            )
            for row in work.order_by()
        ],
        batch_size=BATCH_SIZE,
    )


def _skipped_grids(district: Unit, scale: str) -> set[int]:
    """Grids left without a team: two at small scale (秦望村 第3网格 and one in 薛渎村),
    one in a hundred at the larger scales."""
    grids = list(
        Unit.objects.filter(path__startswith=district.path, kind=Unit.Kind.GRID)
        .select_related("parent")
        .order_by("path")
        .values_list("pk", "parent__name", "code")
    )
    skip = {
        pk
        for pk, branch, code in grids
        if (branch, code) in {(member_demo.HOME_BRANCH, "03"), (member_demo.OTHER_BRANCH, "02")}
    }
    if scale != "small":
        skip |= {pk for i, (pk, _b, _c) in enumerate(grids) if i % 100 == 57}
    return skip


def _notify_leader(team: ServiceTeam | None, now: dt.datetime) -> None:
    user = get_user_model().objects.filter(username="leader").first()
    if team is None or user is None:
        return
    recent = HelpRequest.objects.filter(team=team, state__in=HelpRequest.OPEN_STATES)
    Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                subject=f"新的求助 {r.code}：{r.get_category_display()}，{team.grid.name}",
                body=r.description,
                link=f"/helpdesk/requests/{r.pk}/",
            )
            for r in recent.order_by("received_at")
        ]
    )


def seed_helpdesk_demo(
    scale: str = "small", *, seed: int = SEED, now: dt.datetime | None = None
) -> HelpdeskSeedResult:
    """Load the volunteer-service demo data into the demo district. Does nothing if its
    grids already have teams (or the district is not there). Refuses in production."""
    _check_not_production()
    if scale not in member_demo.SCALES:
        raise ValueError(f"Unknown scale {scale!r}: choose one of {', '.join(member_demo.SCALES)}.")
    now = (now or timezone.now()).replace(second=0, microsecond=0)
    with transaction.atomic():
        district = member_demo.demo_district()
        if district is None:
            return HelpdeskSeedResult(False, 0, 0, 0, 0, 0)
        already = ServiceTeam.objects.in_unit(district).exists()
        if not already:
            _seed(scale, seed, district, now)
        return HelpdeskSeedResult(not already, *_counts(district))


def _seed(scale: str, seed: int, district: Unit, now: dt.datetime) -> None:
    rng = random.Random(seed)
    types = {t.name: t for t in CapabilityType.objects.all()}
    if "生活服务型" in types:
        _leader_member(district, types)
    _enrol_everyone(rng, district, now)
    leader = VolunteerProfile.objects.filter(member__user__username="leader").first()
    plans = _plan_teams(rng, district, _skipped_grids(district, scale), leader and leader.pk)
    teams = _write_teams(plans, now.date())
    _leader_logins(list(teams.values()))
    members_of = {teams[p.grid.pk].pk: p.members for p in plans}
    grids = list(
        Unit.objects.filter(path__startswith=district.path, kind=Unit.Kind.GRID)
        .select_related("parent")
        .order_by("path")
    )
    requests, events, logs = _plan_requests(rng, REQUESTS[scale], grids, teams, members_of, now)
    logs += _plan_star_visits(rng, plans, teams, now)
    users = get_user_model().objects
    recorder = users.filter(username="leader").first() or users.filter(is_superuser=True).first()
    _write_requests(
        requests,
        events,
        {"leader": recorder, "operator": users.filter(username="secretary").first() or recorder},
    )
    if scale == "small":
        _write_logs_through_services(logs, recorder)
    else:
        _write_logs_in_bulk(logs, recorder)
    refresh_all_years(district)
    home = next((t for t in teams.values() if leader and t.leader_id == leader.pk), None)
    _notify_leader(home, now)
    if scale == "small":  # the alerts the five-minute sweep would have sent by now
        escalation.escalate(now)


def _counts(district: Unit) -> tuple[int, int, int, int, int]:
    from helpdesk import queries

    return (
        VolunteerProfile.objects.in_unit(district).count(),
        ServiceTeam.objects.in_unit(district).count(),
        queries.grids_without_team(district).count(),
        HelpRequest.objects.in_unit(district).count(),
        ServiceLog.objects.in_unit(district).count(),
    )
