"""Demo data for steps 1–3 in the 越城区 demo district: every town's six common post
types with their duty menus, every branch's posts for the current year, choices,
certificates and pledges in every state.

It runs after `members.demo.seed_demo` (the `seed_demo` command calls both) and reads
what that wrote. Like it, everything comes from `random.Random(SEED)`: `plan_posts()` is
pure (no database) and, for the same member files and year, gives the same plan;
`seed_posts_demo()` writes it with `bulk_create`. Times are given as days before the
moment of seeding, so the data looks recent whenever it is loaded. Seed rows get no
history records.
"""

import datetime as dt
import random
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone

from members import demo as member_demo
from members import idnumbers
from members.models import Member, ResidentNeed, RoleAssignment, Unit
from posts.models import Choice, DutyItem, Pledge, PledgeItem, PledgeVersion, Post, PostType

SEED = 20100602
BATCH_SIZE = 2000

Need = ResidentNeed.Category


@dataclass(frozen=True)
class ItemSpec:
    name: str
    commitments: tuple[str, ...]  # templates; {n} and {area} are filled in


@dataclass(frozen=True)
class PostSpec:
    name: str
    duties: str
    items: tuple[ItemSpec, ...]
    need_categories: frozenset[str] = frozenset()


def _items(*pairs: tuple[str, tuple[str, ...]]) -> tuple[ItemSpec, ...]:
    return tuple(ItemSpec(name, commitments) for name, commitments in pairs)


# The six common post types every town sets (see the five-step-method case), each with
# its duty menu (履岗菜单).
POST_TYPES: list[PostSpec] = [
    PostSpec(
        "政策宣传岗",
        "宣传党的路线方针政策和各项惠民政策，及时传达上级精神，收集反映群众意见。",
        _items(
            (
                "政策宣讲",
                (
                    "每季度在党员大会或村民会议上宣讲1次惠民政策",
                    "每月为网格群众讲解1项新出台的惠农政策",
                ),
            ),
            (
                "入户宣传",
                (
                    "每月入户宣传{n}次，重点走访{area}的住户",
                    "结合网格走访，每月向{n}户群众发放政策宣传资料",
                ),
            ),
            (
                "宣传栏更新",
                ("每月更新村务公开栏和宣传栏1次", "负责{area}宣传栏的日常维护，过期内容及时更换"),
            ),
            ("理论学习辅导", ("每季度为年老体弱党员送学上门1次", "每月组织网格内党员集中学习1次")),
            (
                "移风易俗宣传",
                (
                    "倡导婚事新办、丧事简办，每季度入户劝导{n}户",
                    "带头签订移风易俗承诺书，并动员亲友参与",
                ),
            ),
        ),
        frozenset({Need.OTHER}),
    ),
    PostSpec(
        "治安维稳岗",
        "协助维护社会治安，开展夜间巡逻，排查化解矛盾纠纷，及时报送平安信息。",
        _items(
            (
                "夜间治安巡逻",
                (
                    "每月参加夜间治安巡逻{n}次，负责{area}一带",
                    "每周参加1次夜间巡逻，重点查看河边小路和村口",
                ),
            ),
            (
                "平安信息报送",
                (
                    "发现治安隐患和可疑情况及时报送村平安办，每月不少于{n}条",
                    "每月收集报送所在网格的平安信息",
                ),
            ),
            (
                "维稳普法宣传",
                ("每季度开展1次防诈骗宣传，重点帮助独居老人", "每半年协助组织1次普法讲座"),
            ),
            (
                "矛盾纠纷排查",
                ("每月排查网格内邻里纠纷，发现苗头及时报告", "参与调解邻里纠纷，做到小事不出村"),
            ),
            (
                "消防安全检查",
                ("每季度检查出租房消防安全{n}次", "劝导楼道内电动车飞线充电，每月巡查1次"),
            ),
        ),
        frozenset({Need.PUBLIC_ORDER}),
    ),
    PostSpec(
        "环境保洁岗",
        "带头搞好环境卫生，清除乱贴乱画，督促垃圾分类，维护河道和村容村貌整洁。",
        _items(
            (
                '清除"牛皮藓"',
                ("每月参加清除“牛皮藓”行动{n}次", "负责{area}墙面、电线杆上小广告的清理"),
            ),
            (
                "河道巡查",
                (
                    "每周巡查{area}河段1次，发现漂浮物及时打捞或报告",
                    "担任党员河长助理，每月巡河{n}次",
                ),
            ),
            (
                "垃圾分类督导",
                ("每周{n}个早晨在垃圾投放点值守督导", "每月入户指导{n}户做好垃圾分类"),
            ),
            ("村道保洁", ("每月参加村道义务保洁{n}次", "负责家门口及周边道路的日常保洁")),
            (
                "房前屋后整治",
                ("带头清理自家房前屋后杂物，并劝导{n}户邻居整治", "每季度参加1次环境整治集中行动"),
            ),
        ),
        frozenset({Need.ENVIRONMENT}),
    ),
    PostSpec(
        "扶贫帮困岗",
        "联系走访困难群众和困难党员，开展结对帮扶，帮助解决生产生活中的实际困难。",
        _items(
            (
                "走访困难户",
                ("每月走访困难户{n}户，了解生活和就医情况", "逢年过节走访慰问结对的困难家庭"),
            ),
            (
                "结对帮扶",
                ("结对帮扶困难家庭1户，每月上门至少1次", "帮助结对户发展庭院经济，增加收入"),
            ),
            (
                "助学助医",
                ("资助困难家庭学生1名完成学业", "帮助困难群众申请医疗救助，必要时陪同就医"),
            ),
            ("困难党员慰问", ("每季度看望慰问生活困难的老党员", "为困难党员代办日常事务")),
            ("就业信息推介", ("每季度为失地农民推介就业岗位信息", "帮助{n}名村民联系技能培训")),
        ),
        frozenset({Need.LIVELIHOOD, Need.INCOME}),
    ),
    PostSpec(
        "便民服务岗",
        "发挥个人专业特长，为群众特别是老年人提供便民利民服务。",
        _items(
            ("家电维修", ("每月参加1次义务家电维修活动", "为独居老人免费上门维修小家电，随叫随到")),
            ("代办代购", ("为行动不便的老人代办代购，每周至少1次", "帮助独居老人买菜配药")),
            (
                "政策咨询",
                ("每月在党群服务中心值班{n}次，解答群众咨询", "为群众提供社保、医保政策咨询"),
            ),
            ("义务理发", ("每月为村里老人义务理发1次", "为行动不便的老人上门理发")),
            (
                "代办社保医保",
                (
                    "帮助老年人办理社保认证和医保报销，每月不少于{n}人次",
                    "教老年人用手机办理社保业务",
                ),
            ),
        ),
        frozenset({Need.PUBLIC_SERVICE}),
    ),
    PostSpec(
        "民主监督岗",
        "监督村务、财务公开和工程建设，收集反馈群众意见，促进村务规范运行。",
        _items(
            (
                "村务监督",
                ("列席村两委会议，监督重大事项“五议两公开”程序", "每季度参加1次村务监督委员会会议"),
            ),
            ("财务公开监督", ("每月核对村务财务公开栏内容", "参与村级财务季度审核")),
            (
                "工程质量监督",
                ("对村级工程建设进行现场监督，每月不少于{n}次", "监督道路硬化工程的质量和进度"),
            ),
            ("三资管理监督", ("监督村集体资产出租、发包程序", "每半年参与1次集体资产清查")),
            (
                "民情收集反馈",
                ("每月收集群众意见建议{n}条，及时向村党组织反馈", "定期向村民反馈意见办理情况"),
            ),
        ),
    ),
]

# 秦望村's own post: the case's example of a post set for local circumstances.
HOME_OWN_POST = PostSpec(
    "侨情联络岗",
    "联系旅居海外的侨胞和在村侨眷，代办侨胞回乡事务，为侨资项目牵线搭桥。",
    _items(
        ("侨情走访", ("每季度走访在村侨眷{n}户，建立联系台账", "逢年过节上门慰问侨眷家庭")),
        ("侨胞回乡事务代办", ("为回乡侨胞代办证照、房产等事务", "协助侨胞办理回乡探亲和祭祖事宜")),
        ("侨资项目联络", ("每半年联系海外侨胞1次，介绍家乡发展情况", "为侨资项目落地牵线搭桥")),
    ),
)
HOME_OWN_NEED = "侨眷联络和侨胞回乡事务代办"

# Own posts (个性岗位) other branches sometimes add.
OWN_POSTS: list[PostSpec] = [
    PostSpec(
        "经济发展岗",
        "带头发展特色产业，传授致富技术，帮助群众拓宽增收渠道。",
        _items(
            ("农技指导", ("每季度为种养户上门指导{n}次", "在农忙季节组织1次田间技术讲座")),
            ("农产品销售", ("帮助{n}户村民联系农产品销路", "组织茶叶、稻米等农产品参加展销")),
            ("电商带货", ("每月开展1次农产品直播带货", "帮助{n}名年轻村民开设网店")),
        ),
        frozenset({Need.INCOME}),
    ),
    PostSpec(
        "文化礼堂管理岗",
        "管理农村文化礼堂，组织群众性文体活动，传承地方文化。",
        _items(
            ("文艺活动组织", ("每季度组织1场越剧或莲花落演出", "每月组织1次广场舞或太极拳活动")),
            ("礼堂开放值守", ("每月在文化礼堂值守{n}个半天", "负责礼堂设施的日常检查")),
            ("村史资料整理", ("收集整理老党员手中的村史资料", "协助布置村史陈列室")),
        ),
        frozenset({Need.OTHER}),
    ),
    PostSpec(
        "关爱帮扶岗",
        "关爱留守儿童、独居老人和残疾人，提供陪伴照料和安全教育。",
        _items(
            ("课后托管", ("每周{n}个下午参与留守儿童课后托管", "寒暑假为留守儿童辅导功课")),
            ("亲情陪伴", ("每月看望独居老人{n}户，陪聊并检查用电用气安全", "结对陪伴1名留守儿童")),
            ("安全教育", ("每学期为孩子讲1次防溺水安全课", "暑假前开展1次防溺水入户宣传")),
        ),
        frozenset({Need.LIVELIHOOD}),
    ),
    PostSpec(
        "矛盾调解岗",
        "发挥老党员威望，调解邻里纠纷，化解信访矛盾，促进邻里和睦。",
        _items(
            (
                "邻里纠纷调解",
                ("参与调解宅基地、通道等邻里纠纷，做到随叫随到", "每月走访网格排查纠纷苗头"),
            ),
            ("信访化解", ("协助村里做好重点信访对象的稳控和化解", "每季度参加1次信访接待日")),
            ("心理疏导", ("为有情绪困扰的群众做好疏导", "结对联系{n}户重点家庭")),
        ),
        frozenset({Need.PUBLIC_ORDER}),
    ),
    PostSpec(
        "老年服务岗",
        "为居家老人提供助餐、健康监测和日常照料服务。",
        _items(
            ("助餐服务", ("每周{n}次为居家养老服务中心送餐", "帮助行动不便的老人解决用餐")),
            ("健康监测", ("每月为独居老人测量血压血糖1次", "协助卫生服务站开展义诊")),
            ("陪伴聊天", ("每周看望1次空巢老人，陪伴聊天", "为老人读报讲新闻")),
        ),
        frozenset({Need.LIVELIHOOD, Need.PUBLIC_SERVICE}),
    ),
]

AREAS = ["村东片", "村西片", "村南片", "村北片", "老街", "第1网格", "第2网格", "第3网格", "新村"]
REFINEMENTS = [
    "，每次服务后在积分卡上登记",
    "，服务时间和对象报村党组织备案",
    "，遇到特殊情况及时向网格长报告",
    "，每季度向支部汇报1次",
]
RETURN_COMMENTS = [
    "承诺内容不够具体，请写明服务次数和服务对象。",
    "请细化时间安排，写清每月参加几次。",
    "承诺与本人身体状况不太相符，请适当减少事项。",
    "建议增加一项与本岗位相关的服务事项。",
]
APPROVE_COMMENTS = ["", "", "", "承诺具体可行，同意。", "同意，请按承诺履岗。"]
DECLINE_REASONS = [
    "本岗位名额已满，建议改选便民服务岗。",
    "结合本人特长，建议选择其他岗位。",
    "本人近期外出务工时间较长，暂不安排此岗位。",
]
MEETING_NOTES = [
    "经支部党员大会民主推荐，本人同意。",
    "党员大会推荐，熟悉村情，群众基础好。",
    "支委会提名，党员大会表决通过。",
]
INSTRUCTOR_NAMES = [
    "沈国良", "陶建平", "裘伟民", "钱晓东", "周海峰", "何立群", "骆永祥", "马建新",
    "楼国庆", "鲁志刚", "傅红英", "俞丽萍", "金晓燕", "宋卫东", "罗建军", "屠国荣",
    "黄志明", "张伟强", "陈丽娟", "王卫国", "胡海英", "吴建华", "徐志坚", "杨国平",
    "朱永明", "郑晓红", "谢建忠", "韩立军", "蒋美芳", "叶文斌",
]  # fmt: skip
INSTRUCTORS_PER_TOWN = 2

# Pledge states of confirmed holders, by weight.
PLEDGE_STATES: list[tuple[str, int]] = [
    (Pledge.Status.PUBLISHED, 62),
    (Pledge.Status.APPROVED, 8),
    (Pledge.Status.SUBMITTED, 10),
    (Pledge.Status.RETURNED, 7),
    (Pledge.Status.DRAFT, 13),
]


# What the plan is made from: the member seed's rows, in a fixed order.


@dataclass(frozen=True)
class TownInfo:
    pk: int
    name: str
    code: str
    organiser: str  # demo log-in of its town organiser, if any


@dataclass(frozen=True)
class BranchInfo:
    pk: int
    name: str
    town: int  # index into World.towns
    secretary: str  # demo log-in of its secretary, if any


@dataclass(frozen=True)
class MemberInfo:
    pk: int
    branch: int  # index into World.branches
    name: str
    is_exempt: bool
    login: str


@dataclass(frozen=True)
class NeedInfo:
    pk: int
    branch: int
    category: str
    title: str


@dataclass
class World:
    district: Unit
    towns: list[TownInfo]
    branches: list[BranchInfo]
    members: list[MemberInfo]
    needs: list[NeedInfo]


# The plan. Times are (days before seeding, minute of the day).

Stamp = tuple[int, int]


@dataclass(frozen=True)
class PostPlan:
    branch: int
    spec: PostSpec
    is_common: bool  # an instance of a town type, else the branch's own post
    type_index: int | None
    seats: int
    is_active: bool
    needs: tuple[int, ...]  # indexes into World.needs
    instructor: str  # username
    created: Stamp


@dataclass(frozen=True)
class VersionPlan:
    items: tuple[tuple[int, str], ...]  # (index into the post's menu, commitment)
    written: Stamp
    decision: str = ""
    comment: str = ""
    reviewed: Stamp | None = None


@dataclass(frozen=True)
class ChoicePlan:
    post: int  # index into PostsPlan.posts
    member: int  # index into World.members
    status: str
    source: str
    created: Stamp
    decided: Stamp | None = None
    meeting_days_ago: int | None = None
    meeting_note: str = ""
    reason: str = ""
    pledge_status: str = ""
    versions: tuple[VersionPlan, ...] = ()
    published: Stamp | None = None
    writer: str = ""  # username who wrote the versions
    on_paper: bool = False


@dataclass(frozen=True)
class InstructorPlan:
    username: str
    name: str


@dataclass
class PostsPlan:
    year: int
    instructors: list[InstructorPlan]
    town_instructors: list[list[str]]
    posts: list[PostPlan] = field(default_factory=list)
    choices: list[ChoicePlan] = field(default_factory=list)


@dataclass
class PostsSeedResult:
    created: bool
    post_types: int
    posts: int
    confirmed: int
    pledges_by_status: dict[str, int]


# Planning: pure functions of a random.Random.


def _at(rng: random.Random, days: int) -> Stamp:
    return (days, rng.randint(8 * 60, 20 * 60))


def _menu(post: PostPlan) -> tuple[ItemSpec, ...]:
    return post.spec.items


def _commitment(rng: random.Random, item: ItemSpec) -> str:
    text = rng.choice(item.commitments)
    return text.format(n=rng.randint(2, 6), area=rng.choice(AREAS))


def _first_version(
    rng: random.Random, post: PostPlan, written: Stamp, at_least: int = 1
) -> VersionPlan:
    menu = _menu(post)
    count = rng.randint(min(at_least, len(menu)), min(3, len(menu)))
    picked = sorted(rng.sample(range(len(menu)), count))
    return VersionPlan(tuple((i, _commitment(rng, menu[i])) for i in picked), written)


def _revised(rng: random.Random, post: PostPlan, before: VersionPlan, written: Stamp):
    """A version written after a return: commitments made concrete, sometimes an item
    added."""
    items = [(i, text + rng.choice(REFINEMENTS)) for i, text in before.items]
    menu = _menu(post)
    unused = [i for i in range(len(menu)) if i not in {i for i, _ in items}]
    if unused and rng.random() < 0.4:
        extra = rng.choice(unused)
        items.append((extra, _commitment(rng, menu[extra])))
    return VersionPlan(tuple(sorted(items)), written)


def _reviewed(version: VersionPlan, decision: str, comment: str, when: Stamp) -> VersionPlan:
    return VersionPlan(version.items, version.written, decision, comment, when)


def _pledge_history(
    rng: random.Random, post: PostPlan, status: str, decided_days: int, at_least: int = 1
) -> tuple[tuple[VersionPlan, ...], Stamp | None]:
    """The versions a pledge went through to reach `status`, and when it was published."""
    if status == Pledge.Status.DRAFT:
        return (), None
    approve, give_back = PledgeVersion.Decision.APPROVED, PledgeVersion.Decision.RETURNED
    day = decided_days - rng.randint(2, 8)
    first = _first_version(rng, post, _at(rng, day), at_least)
    versions: list[VersionPlan] = []
    returned_first = (
        status == Pledge.Status.RETURNED
        or (status == Pledge.Status.SUBMITTED and rng.random() < 0.3)
        or (status in (Pledge.Status.APPROVED, Pledge.Status.PUBLISHED) and rng.random() < 0.25)
    )
    current = first
    if returned_first:
        day -= rng.randint(1, 3)
        versions.append(_reviewed(first, give_back, rng.choice(RETURN_COMMENTS), _at(rng, day)))
        if status == Pledge.Status.RETURNED and rng.random() < 0.7:
            return tuple(versions), None
        day -= rng.randint(1, 4)
        current = _revised(rng, post, first, _at(rng, day))
    if status == Pledge.Status.SUBMITTED:
        return (*versions, current), None
    if status == Pledge.Status.RETURNED:
        day -= rng.randint(1, 3)
        return (*versions, _reviewed(current, give_back, RETURN_COMMENTS[0], _at(rng, day))), None
    day -= rng.randint(1, 3)
    versions.append(_reviewed(current, approve, rng.choice(APPROVE_COMMENTS), _at(rng, day)))
    if status == Pledge.Status.APPROVED:
        return tuple(versions), None
    return tuple(versions), _at(rng, max(day - rng.randint(1, 5), 1))


def _plan_instructors(world: World) -> tuple[list[InstructorPlan], list[list[str]]]:
    instructors, per_town = [], []
    names = iter(INSTRUCTOR_NAMES * (len(world.towns) + 1))
    for town in world.towns:
        usernames = []
        for n in range(1, INSTRUCTORS_PER_TOWN + 1):
            username = f"instructor-{town.code}-{n}"
            instructors.append(InstructorPlan(username, next(names)))
            usernames.append(username)
        per_town.append(usernames)
    return instructors, per_town


def _plan_branch_posts(
    rng: random.Random, world: World, plan: PostsPlan, b: int, holders: dict, pending: dict
) -> list[int]:
    """The branch's posts (before seats are known); returns their indexes in the plan."""
    branch = world.branches[b]
    home = branch.name == member_demo.HOME_BRANCH and branch.town == 0
    if home:
        type_indexes = list(range(len(POST_TYPES)))
        own = HOME_OWN_POST
    else:
        type_indexes = sorted(rng.sample(range(len(POST_TYPES)), rng.randint(4, 6)))
        own = rng.choice(OWN_POSTS) if rng.random() < 0.3 else None
    specs: list[tuple[PostSpec, int | None]] = [(POST_TYPES[t], t) for t in type_indexes]
    if own is not None:
        specs.append((own, None))
    branch_needs = [i for i, need in enumerate(world.needs) if need.branch == b]
    created_days = rng.randint(42, 55)
    indexes = []
    for spec, type_index in specs:
        if type_index is None and spec is HOME_OWN_POST:
            needs = tuple(i for i in branch_needs if world.needs[i].title == HOME_OWN_NEED)
        else:
            needs = tuple(
                i
                for i in branch_needs
                if world.needs[i].category in spec.need_categories
                and world.needs[i].title != HOME_OWN_NEED
            )
        instructor = "instructor" if home else rng.choice(plan.town_instructors[branch.town])
        plan.posts.append(
            PostPlan(
                branch=b,
                spec=spec,
                is_common=type_index is not None,
                type_index=type_index,
                seats=0,
                is_active=home or not indexes or rng.random() > 0.04,
                needs=needs,
                instructor=instructor,
                created=_at(rng, created_days),
            )
        )
        index = len(plan.posts) - 1
        holders[index], pending[index] = [], 0
        indexes.append(index)
    return indexes


def plan_posts(world: World, year: int, *, seed: int = SEED) -> PostsPlan:
    """Posts, choices and pledges for every branch of `world`, without the database."""
    rng = random.Random(seed)
    instructors, town_instructors = _plan_instructors(world)
    plan = PostsPlan(year=year, instructors=instructors, town_instructors=town_instructors)
    members_of: list[list[int]] = [[] for _ in world.branches]
    for i, member in enumerate(world.members):
        members_of[member.branch].append(i)

    for b, branch in enumerate(world.branches):
        holders: dict[int, list[int]] = {}
        pending: dict[int, int] = {}
        post_indexes = _plan_branch_posts(rng, world, plan, b, holders, pending)
        open_posts = [p for p in post_indexes if plan.posts[p].is_active]
        meeting_days = rng.randint(32, 40)
        eligible = [i for i in members_of[b] if not world.members[i].is_exempt]
        forced = [i for i in eligible if world.members[i].login]
        others = [i for i in eligible if not world.members[i].login]
        target = round(len(eligible) * rng.uniform(0.70, 0.80))
        covered = forced + rng.sample(others, max(0, min(len(others), target - len(forced))))
        covered.sort()

        confirmed: list[tuple[int, int]] = []  # (member, post)
        for m in covered:
            first = rng.choice(open_posts if world.members[m].login else post_indexes)
            confirmed.append((m, first))
            if rng.random() < 0.15 and len(post_indexes) > 1:
                second = rng.choice([p for p in post_indexes if p != first])
                confirmed.append((m, second))
        for m, p in confirmed:
            holders[p].append(m)

        # A few members not holding a post yet: applications and recommendations waiting
        # for the secretary, and now and then a declined one.
        waiting: list[tuple[int, int, str]] = []
        free = [i for i in eligible if i not in set(covered)]
        for m in rng.sample(free, min(len(free), rng.randint(1, 2))):
            source = (
                Choice.Source.APPLICATION if rng.random() < 0.7 else Choice.Source.RECOMMENDATION
            )
            post = rng.choice(open_posts)
            waiting.append((m, post, source))
            pending[post] += 1
        declined = []
        if covered and rng.random() < 0.3:
            m = rng.choice(covered)
            taken = {p for mm, p in confirmed if mm == m}
            choices = [p for p in post_indexes if p not in taken]
            if choices:
                declined.append((m, rng.choice(choices)))

        for p in post_indexes:
            spare = rng.choice([0, 0, 1, 1, 2])
            seats = len(holders[p]) + pending[p] + spare
            if pending[p] and spare == 0:
                seats += 1
            plan.posts[p] = replace(plan.posts[p], seats=max(seats, 1))

        pledge_states = _branch_pledge_states(rng, world, confirmed, b)
        secretary = branch.secretary
        for (m, p), status in zip(confirmed, pledge_states, strict=True):
            member = world.members[m]
            decided_days = meeting_days - rng.randint(1, 3)
            versions, published = _pledge_history(
                rng, plan.posts[p], status, decided_days, at_least=2 if member.login else 1
            )
            writer = member.login or secretary or plan.posts[p].instructor
            recommended = rng.random() < 0.3
            plan.choices.append(
                ChoicePlan(
                    post=p,
                    member=m,
                    status=Choice.Status.CONFIRMED,
                    source=Choice.Source.RECOMMENDATION
                    if recommended
                    else Choice.Source.APPLICATION,
                    created=_at(rng, meeting_days + (0 if recommended else rng.randint(1, 5))),
                    decided=_at(rng, decided_days),
                    meeting_days_ago=meeting_days if recommended else None,
                    meeting_note=rng.choice(MEETING_NOTES) if recommended else "",
                    pledge_status=status,
                    versions=versions,
                    published=published,
                    writer=writer,
                    on_paper=not member.login,
                )
            )
        for m, p in declined:
            plan.choices.append(
                ChoicePlan(
                    post=p,
                    member=m,
                    status=Choice.Status.DECLINED,
                    source=Choice.Source.APPLICATION,
                    created=_at(rng, meeting_days + 2),
                    decided=_at(rng, meeting_days - 1),
                    reason=rng.choice(DECLINE_REASONS),
                )
            )
        for m, p, source in waiting:
            days = rng.randint(1, 6)
            recommended = source == Choice.Source.RECOMMENDATION
            plan.choices.append(
                ChoicePlan(
                    post=p,
                    member=m,
                    status=Choice.Status.RECOMMENDED if recommended else Choice.Status.APPLIED,
                    source=source,
                    created=_at(rng, days),
                    meeting_days_ago=days if recommended else None,
                    meeting_note=rng.choice(MEETING_NOTES) if recommended else "",
                )
            )
    return plan


def _branch_pledge_states(
    rng: random.Random, world: World, confirmed: list[tuple[int, int]], b: int
) -> list[str]:
    """A pledge state for each confirmed choice. The `member` log-in's first pledge is
    published; the home branch shows one pledge in each state so that every demo log-in
    has something to act on."""
    states = [
        rng.choices([s for s, _ in PLEDGE_STATES], weights=[w for _, w in PLEDGE_STATES])[0]
        for _ in confirmed
    ]
    branch = world.branches[b]
    if branch.name == member_demo.HOME_BRANCH and branch.town == 0:
        unforced = [k for k, (m, _p) in enumerate(confirmed) if not world.members[m].login]
        wanted = [
            Pledge.Status.SUBMITTED,
            Pledge.Status.APPROVED,
            Pledge.Status.SUBMITTED,
            Pledge.Status.RETURNED,
            Pledge.Status.APPROVED,
            Pledge.Status.DRAFT,
        ]
        for k, status in zip(unforced, wanted, strict=False):
            states[k] = status
    seen_logins = set()
    for k, (m, _p) in enumerate(confirmed):
        login = world.members[m].login
        if login and login not in seen_logins:
            states[k] = Pledge.Status.PUBLISHED
            seen_logins.add(login)
    return states


# Reading what the member seed wrote.


def read_world(district: Unit) -> World:
    logins = {username for username, _ in member_demo.DEMO_LOGINS}
    roles = RoleAssignment.objects.filter(
        unit__path__startswith=district.path, user__username__in=logins
    )
    secretaries = dict(
        roles.filter(role=RoleAssignment.Role.BRANCH_SECRETARY)
        .order_by("pk")
        .values_list("unit_id", "user__username")
    )
    organisers = dict(
        roles.filter(role=RoleAssignment.Role.TOWN_ORGANISER)
        .order_by("pk")
        .values_list("unit_id", "user__username")
    )
    town_rows = Unit.objects.filter(parent=district, kind=Unit.Kind.TOWN).order_by("path")
    towns = [TownInfo(t.pk, t.name, t.code, organisers.get(t.pk, "")) for t in town_rows]
    town_index = {t.pk: i for i, t in enumerate(towns)}
    branch_rows = Unit.objects.within(district).branches().order_by("path")
    branches = [
        BranchInfo(u.pk, u.name, town_index[u.parent_id], secretaries.get(u.pk, ""))
        for u in branch_rows
    ]
    branch_index = {b.pk: i for i, b in enumerate(branches)}
    # The named demo log-ins write their own pledges; every other member's pledge is the
    # clerk's copy of their paper one (most have log-ins too, given as slips).
    named = {username for username, _ in member_demo.DEMO_LOGINS}
    rows = list(
        Member.objects.in_unit(district)
        .order_by("branch__path", "pk")
        .values_list("pk", "branch_id", "name", "is_exempt", "user__username", "id_number_cipher")
    )
    members = [
        MemberInfo(
            pk, branch_index[branch_id], name, is_exempt, username if username in named else ""
        )
        for pk, branch_id, name, is_exempt, username, _token in idnumbers.in_id_number_order(
            rows, group=lambda row: row[1], token=lambda row: row[5]
        )
    ]
    needs = [
        NeedInfo(pk, branch_index[branch_id], category, title)
        for pk, branch_id, category, title in ResidentNeed.objects.filter(
            branch__path__startswith=district.path
        )
        .order_by("branch__path", "category", "title", "pk")
        .values_list("pk", "branch_id", "category", "title")
    ]
    return World(district, towns, branches, members, needs)


# Writing.


def _when(now: dt.datetime, stamp: Stamp | None) -> dt.datetime | None:
    if stamp is None:
        return None
    days, minute = stamp
    day = now.date() - dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=now.tzinfo)


def _ensure_instructors(plan: PostsPlan) -> dict[str, object]:
    """The town instructors' log-ins (no password: an administrator gives them one) and
    the demo log-ins, by username."""
    user_model = get_user_model()
    wanted = {i.username: i for i in plan.instructors}
    existing = set(
        user_model.objects.filter(username__in=wanted).values_list("username", flat=True)
    )
    unusable = make_password(None)
    user_model.objects.bulk_create(
        [
            user_model(username=i.username, first_name=i.name, password=unusable)
            for i in plan.instructors
            if i.username not in existing
        ]
    )
    names = [*wanted, *(username for username, _ in member_demo.DEMO_LOGINS)]
    return {u.username: u for u in user_model.objects.filter(username__in=names)}


def _write(world: World, plan: PostsPlan) -> None:
    now = timezone.localtime().replace(second=0, microsecond=0)
    users = _ensure_instructors(plan)

    def user(username: str):
        return users.get(username) if username else None

    types = PostType.objects.bulk_create(
        [
            PostType(town_id=town.pk, name=spec.name, description=spec.duties, sort_order=k + 1)
            for town in world.towns
            for k, spec in enumerate(POST_TYPES)
        ],
        batch_size=BATCH_SIZE,
    )
    type_items = [
        DutyItem(post_type=post_type, name=item.name, sort_order=k + 1)
        for post_type, spec in zip(types, POST_TYPES * len(world.towns), strict=True)
        for k, item in enumerate(spec.items)
    ]
    DutyItem.objects.bulk_create(type_items, batch_size=BATCH_SIZE)
    items_of_type: dict[int, list[DutyItem]] = {}
    for item in type_items:
        items_of_type.setdefault(item.post_type_id, []).append(item)

    posts = [
        Post(
            branch_id=world.branches[p.branch].pk,
            year=plan.year,
            post_type=types[world.branches[p.branch].town * len(POST_TYPES) + p.type_index]
            if p.is_common
            else None,
            name=p.spec.name,
            duties=p.spec.duties,
            seats=p.seats,
            instructor=user(p.instructor),
            is_active=p.is_active,
        )
        for p in plan.posts
    ]
    Post.objects.bulk_create(posts, batch_size=BATCH_SIZE)
    for post, p in zip(posts, plan.posts, strict=True):
        post.created_at = _when(now, p.created)
    Post.objects.bulk_update(posts, ["created_at"], batch_size=BATCH_SIZE)
    through = Post.needs.through
    through.objects.bulk_create(
        [
            through(post_id=post.pk, residentneed_id=world.needs[n].pk)
            for post, p in zip(posts, plan.posts, strict=True)
            for n in p.needs
        ],
        batch_size=BATCH_SIZE,
    )
    own_items = [
        DutyItem(post=post, name=item.name, sort_order=k + 1)
        for post, p in zip(posts, plan.posts, strict=True)
        if not p.is_common
        for k, item in enumerate(p.spec.items)
    ]
    DutyItem.objects.bulk_create(own_items, batch_size=BATCH_SIZE)
    menus: list[list[DutyItem]] = []
    own_iter = iter(own_items)
    for post, p in zip(posts, plan.posts, strict=True):
        if p.is_common:
            menus.append(items_of_type[post.post_type_id])
        else:
            menus.append([next(own_iter) for _ in p.spec.items])

    choices = []
    for c in plan.choices:
        post = posts[c.post]
        secretary = user(world.branches[plan.posts[c.post].branch].secretary)
        member = world.members[c.member]
        by_member = c.source == Choice.Source.APPLICATION and member.login
        choices.append(
            Choice(
                post=post,
                member_id=member.pk,
                status=c.status,
                source=c.source,
                meeting_date=(now.date() - dt.timedelta(days=c.meeting_days_ago))
                if c.meeting_days_ago is not None
                else None,
                meeting_note=c.meeting_note,
                reason=c.reason,
                created_by=user(member.login) if by_member else secretary,
                decided_at=_when(now, c.decided),
                decided_by=secretary if c.decided else None,
            )
        )
    Choice.objects.bulk_create(choices, batch_size=BATCH_SIZE)
    for choice, c in zip(choices, plan.choices, strict=True):
        choice.created_at = _when(now, c.created)
        if c.status == Choice.Status.CONFIRMED:
            # The number confirm_choice gives: year, branch, choice.
            choice.certificate_number = f"{plan.year}{choice.post.branch_id:05d}{choice.pk:07d}"
    Choice.objects.bulk_update(choices, ["created_at", "certificate_number"], batch_size=BATCH_SIZE)

    pledges, held = [], []
    for choice, c in zip(choices, plan.choices, strict=True):
        if c.status != Choice.Status.CONFIRMED:
            continue
        branch = world.branches[plan.posts[c.post].branch]
        approved = next(
            (v for v in reversed(c.versions) if v.decision == PledgeVersion.Decision.APPROVED),
            None,
        )
        is_approved = c.pledge_status in (Pledge.Status.APPROVED, Pledge.Status.PUBLISHED)
        publisher = world.towns[branch.town].organiser or "district"
        pledges.append(
            Pledge(
                choice=choice,
                status=c.pledge_status,
                version_count=len(c.versions),
                approved_at=_when(now, approved.reviewed) if is_approved and approved else None,
                approved_by=user(branch.secretary) if is_approved else None,
                published_at=_when(now, c.published),
                published_by=user(publisher) if c.published else None,
            )
        )
        held.append((c, menus[c.post], branch))
    Pledge.objects.bulk_create(pledges, batch_size=BATCH_SIZE)

    versions, pledge_items = [], []
    for pledge, (c, menu, branch) in zip(pledges, held, strict=True):
        for number, v in enumerate(c.versions, start=1):
            version = PledgeVersion(
                pledge=pledge,
                number=number,
                written_by=user(c.writer),
                on_paper=c.on_paper,
                decision=v.decision,
                review_comment=v.comment,
                reviewed_by=user(branch.secretary) if v.decision else None,
                reviewed_at=_when(now, v.reviewed),
            )
            version.written_at = _when(now, v.written)
            versions.append(version)
            pledge_items.extend(
                PledgeItem(version=version, duty_item=menu[i], commitment=text)
                for i, text in v.items
            )
    written = [v.written_at for v in versions]
    PledgeVersion.objects.bulk_create(versions, batch_size=BATCH_SIZE)
    for version, when in zip(versions, written, strict=True):
        version.written_at = when  # auto_now_add set "now" on insert
    PledgeVersion.objects.bulk_update(versions, ["written_at"], batch_size=BATCH_SIZE)
    PledgeItem.objects.bulk_create(pledge_items, batch_size=BATCH_SIZE)
    Pledge.objects.in_unit(world.district).published().update(
        published_version=Subquery(
            PledgeVersion.objects.filter(
                pledge=OuterRef("pk"), number=OuterRef("version_count")
            ).values("pk")[:1]
        )
    )


def seed_posts_demo(
    scale: str = "small", *, seed: int = SEED, year: int | None = None
) -> PostsSeedResult:
    """Load the posts demo data into the demo district that `members.demo.seed_demo`
    made. Does nothing if the district already has posts or post types (or is not
    there). Refuses under production settings, like the member seed."""
    if getattr(settings, "IS_PRODUCTION", False):
        raise member_demo.DemoRefused(
            "Refusing to load demo data: these settings are production (DJANGO_ENV=production)."
        )
    if scale not in member_demo.SCALES:
        raise ValueError(f"Unknown scale {scale!r}: choose one of {', '.join(member_demo.SCALES)}.")
    year = year or timezone.localdate().year
    with transaction.atomic():
        district = member_demo.demo_district()
        if district is None:
            return PostsSeedResult(False, 0, 0, 0, {})
        already = (
            Post.objects.in_unit(district).exists()
            or PostType.objects.filter(town__path__startswith=district.path).exists()
        )
        if not already:
            world = read_world(district)
            _write(world, plan_posts(world, year, seed=seed))
        return PostsSeedResult(not already, *_counts(district))


def _counts(district: Unit) -> tuple[int, int, int, dict[str, int]]:
    by_status = dict(
        Pledge.objects.in_unit(district).order_by().values_list("status").annotate(n=Count("id"))
    )
    return (
        PostType.objects.filter(town__path__startswith=district.path).count(),
        Post.objects.in_unit(district).count(),
        Choice.objects.in_unit(district).confirmed().count(),
        by_status,
    )
