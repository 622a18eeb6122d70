"""Demo data for 越城区 (Shaoxing): the organisation tree, member files, local situations,
residents' needs and one log-in per role.

Everything comes from `random.Random(SEED)`, so every run makes the same people with the
same ID numbers. `plan_demo()` is pure (no database); `seed_demo()` writes a plan with
`bulk_create`, level by level, inside one transaction. Seed rows get no history records.
"""

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from members import activation, idnumbers
from members.models import (
    ActivationCode,
    CapabilityType,
    LocalSituation,
    Member,
    PartnerUnit,
    ResidentNeed,
    RoleAssignment,
    Unit,
)
from members.services import assign_role

SEED = 20100601
DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - published demo log-ins, refused in production
REGION = "330602"
DISTRICT_NAME = "越城区"
DISTRICT_ADDRESS = "浙江省绍兴市越城区"
HOME_TOWN = "鉴湖镇"
HOME_BRANCH = "秦望村"
OTHER_TOWN = "东浦街道"
OTHER_BRANCH = "薛渎村"
# Dates are fixed rather than "today" so the data is the same whenever it is made.
REFERENCE_DATE = dt.date(2025, 12, 31)
CHINA_TZ = dt.timezone(dt.timedelta(hours=8))
BATCH_SIZE = 2000

# (username, role description): README and `make run` print this.
DEMO_LOGINS: list[tuple[str, str]] = [
    ("admin", "Superuser (Django admin)"),
    ("district", f"District organiser · {DISTRICT_NAME}"),
    ("town", f"Town organiser · {HOME_TOWN}"),
    ("secretary", f"Branch secretary · {HOME_TOWN} {HOME_BRANCH} (also a member there)"),
    ("instructor", f"Post instructor · {HOME_TOWN} {HOME_BRANCH}"),
    ("leader", f"Team leader · {HOME_BRANCH} 第1网格"),
    ("member", f"Member · {HOME_BRANCH} (刘䶮)"),
    ("secretary2", f"Branch secretary · {OTHER_TOWN} {OTHER_BRANCH}"),
]

# Names for log-ins that are not linked to a member file.
_LOGIN_NAMES = {
    "admin": "",
    "district": "陈志华",
    "town": "孙海燕",
    "instructor": "王建明",
    "leader": "章立新",
    "secretary2": "傅国强",
}


@dataclass(frozen=True)
class Scale:
    towns: int
    branches: int
    members: int


SCALES: dict[str, Scale] = {
    "small": Scale(towns=2, branches=6, members=150),
    "district": Scale(towns=14, branches=300, members=8230),
    "city": Scale(towns=20, branches=700, members=19000),
}
GRIDS_PER_BRANCH = 3

# Streets and towns of 越城区; the first fourteen are used at district scale. The share
# of communities (社区) among their branches: towns are villages, central streets are
# communities.
TOWNS: list[tuple[str, float]] = [
    ("鉴湖镇", 0.1),
    ("东浦街道", 0.3),
    ("皋埠街道", 0.3),
    ("陶堰街道", 0.2),
    ("富盛镇", 0.05),
    ("马山街道", 0.3),
    ("孙端街道", 0.25),
    ("斗门街道", 0.4),
    ("灵芝街道", 0.6),
    ("府山街道", 0.95),
    ("塔山街道", 0.95),
    ("北海街道", 0.9),
    ("城南街道", 0.85),
    ("稽山街道", 0.85),
    ("东湖街道", 0.6),
    ("迪荡街道", 0.9),
    ("蕺山街道", 0.95),
    ("昌安街道", 0.8),
    ("袍江街道", 0.5),
    ("镜湖街道", 0.7),
]

# Surnames by rough frequency, then a few common in Shaoxing; weights fall with rank.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤"
)
LOCAL_SURNAMES = "俞章傅楼裘鲁骆"
MALE_CHARS = (
    "伟强军建国明华平志勇林峰斌杰涛海东文辉刚健福根荣永兴祥宝金水龙德忠庆生成新立江松"
    "亮波宏俊浩宇鹏飞磊鑫鸿毅定富贵炳法"
)
FEMALE_CHARS = "芳娟英秀美兰萍燕红霞玲丽静敏琴梅凤珍月娣仙彩洁婷雪慧佳颖琳菊莲云香素珠妹琼"
NEUTRAL_CHARS = "晓春秋夏阳光明永小文安嘉子一思佳新利建"

VILLAGE_FIRST = "东西南北上下前后大小新青石山湖塘桥溪梅兰竹松柳杏安福和兴龙凤金玉云仁永长高双丰稽越"
VILLAGE_SECOND = "塘溇浦埠桥岙坞堰漾湾山头港湖墩庄园畈溪江岭坂泾汇渡"
COMMUNITY_FIRST = "东西南北新金银鉴越稽镜兰和安康华明阳光景锦百花城湖河江塔府望泉秀"
COMMUNITY_SECOND = "湖苑园城桥安和华景坊门河里光明新泰康庭湾江都"
SURNAME_VILLAGE_TAILS = ["", "", "", "埭", "畈", "桥", "湾", "溇", "墩", "葑"]

CAPABILITY_TYPES: list[tuple[str, str]] = [
    ("农业服务型", "种植养殖、农技推广、农产品销售"),
    ("生活服务型", "家电维修、水电安装、理发、代办跑腿"),
    ("医疗服务型", "义诊、护理、健康知识宣传"),
    ("法律服务型", "法律咨询、普法宣传、合同把关"),
    ("矛盾化解型", "邻里纠纷调解、信访化解、情绪疏导"),
]
SPECIALTIES_BY_CAPABILITY: dict[str, list[str]] = {
    "农业服务型": ["种植养殖", "茶叶栽培", "水产养殖", "果树修剪", "农机驾驶", "农产品电商"],
    "生活服务型": ["水电维修", "家电维修", "理发", "厨艺", "驾驶", "电脑操作", "裁缝"],
    "医疗服务型": ["医疗护理", "中医推拿", "急救常识", "健康宣教"],
    "法律服务型": ["法律咨询", "合同审查", "普法宣传"],
    "矛盾化解型": ["调解纠纷", "心理疏导", "群众工作"],
}
OTHER_SPECIALTIES = ["书法", "文艺表演", "财会", "摄影", "写作", "黄酒酿造", "电商直播", "宣传报道"]
INTERESTS = [
    "象棋",
    "越剧",
    "绍兴莲花落",
    "太极拳",
    "广场舞",
    "钓鱼",
    "书法",
    "读书",
    "园艺",
    "摄影",
    "乒乓球",
    "唱歌",
    "徒步",
    "围棋",
    "篮球",
]

# (name, contact, address, occupations of its members, capability they lean to)
PARTNER_UNITS: list[tuple[str, str, str, list[str], str]] = [
    ("越城区人民医院", "沈医生", "越城区中兴南路", ["医生", "护士", "药剂师"], "医疗服务型"),
    ("越城区教育局", "钱老师", "越城区延安路", ["教师", "教育局干部"], "生活服务型"),
    ("国网越城供电分局", "俞工", "越城区胜利东路", ["电力工程师", "供电所职工"], "生活服务型"),
    ("越城区人民法院", "章庭长", "越城区人民东路", ["法官", "法官助理", "书记员"], "法律服务型"),
    ("越城区司法局", "傅科长", "越城区凤林西路", ["司法所干部", "公职律师"], "法律服务型"),
    ("越城区农业农村局", "楼站长", "越城区解放北路", ["农技员", "农业干部"], "农业服务型"),
    ("越城区市场监督管理局", "裘科长", "越城区环城北路", ["市场监管干部"], "矛盾化解型"),
    ("越城区疾病预防控制中心", "鲁医生", "越城区越西路", ["公共卫生医生", "检验师"], "医疗服务型"),
    ("中国银行越城支行", "骆行长", "越城区解放南路", ["银行职员", "客户经理"], "生活服务型"),
    ("中国移动越城分公司", "孙经理", "越城区人民中路", ["通信工程师", "营业员"], "生活服务型"),
    ("越城区城市管理局", "陶队长", "越城区二环北路", ["城管队员", "环卫管理员"], "矛盾化解型"),
]

# Category weights: the district's 8,230 registered, 437 in-service, 535 activists and 168
# capable persons (see the five-step-method seed text), plus party-member volunteers.
CATEGORY_WEIGHTS: list[tuple[str, int]] = [
    (Member.Category.REGISTERED, 8230),
    (Member.Category.IN_SERVICE, 437),
    (Member.Category.ACTIVIST, 535),
    (Member.Category.CAPABLE, 168),
    (Member.Category.VOLUNTEER, 600),
]
EXEMPTION_REASONS = ["年老体弱", "年老体弱", "长期患病", "丧失劳动能力", "长期卧床", "重病治疗中"]

NEEDS: dict[str, list[tuple[str, str]]] = {
    ResidentNeed.Category.INCOME: [
        ("农产品销售渠道窄", "茶叶、稻米等农产品主要靠上门收购，价格偏低，希望拓宽线上销路。"),
        ("失地农民再就业难", "部分中年村民缺少技能，希望开展就业技能培训和岗位推介。"),
        ("水产养殖缺技术指导", "养殖户反映病害防治难，希望有技术人员定期上门指导。"),
        ("黄酒作坊缺少品牌推广", "家庭黄酒作坊产品好但知名度低，希望帮助申请商标、参加展会。"),
        ("电商带货培训", "年轻村民想做直播带货，缺少培训和起步指导。"),
        ("村集体经济增收路子少", "村级集体经济收入来源单一，希望盘活闲置厂房和土地。"),
    ],
    ResidentNeed.Category.PUBLIC_ORDER: [
        ("夜间治安巡逻力量不足", "村口和河边小路夜间照明差，群众希望增加巡逻。"),
        ("出租房流动人口管理难", "外来务工人员多，出租房登记不全，存在消防隐患。"),
        ("电动车违规充电隐患", "楼道内飞线充电现象较多，需要宣传劝导并增设充电桩。"),
        ("老年人防诈骗宣传", "近期有老人接到冒充公检法的电话，希望开展防诈骗宣传。"),
        ("邻里纠纷调解", "宅基地、通道等邻里纠纷时有发生，需要及时调解。"),
    ],
    ResidentNeed.Category.ENVIRONMENT: [
        ("河道保洁不及时", "部分河段水面漂浮物多，群众希望加强日常保洁。"),
        ("垃圾分类投放不规范", "部分住户分类意识不强，需要入户宣传和定时督导。"),
        ("房前屋后乱堆放", "柴草杂物乱堆乱放，影响村容村貌。"),
        ("公共厕所保洁差", "公厕保洁频次低，夏季异味大。"),
        ("违章搭建整治", "少数住户私搭乱建，群众意见较大。"),
    ],
    ResidentNeed.Category.LIVELIHOOD: [
        ("独居老人日常照料", "独居和空巢老人较多，需要定期探望、帮助买菜配药。"),
        ("留守儿童课后看护", "父母外出务工的孩子放学后无人看管，希望开设课后托管。"),
        ("困难家庭医疗救助申请", "困难家庭不熟悉医疗救助政策，需要帮助申请。"),
        ("老旧小区加装电梯", "多层住宅老年住户多，上下楼困难，希望推动加装电梯。"),
        ("残疾人康复服务", "残疾人家庭希望有人上门提供康复指导和代办服务。"),
    ],
    ResidentNeed.Category.PUBLIC_SERVICE: [
        ("代办社保医保业务", "老年人不会网上办理社保认证和医保报销，希望有人代办。"),
        ("老年人智能手机使用", "老人不会用健康码、网上挂号，希望开设手机课堂。"),
        ("家电义务维修", "家电损坏后维修不便，希望定期开展义务维修。"),
        ("义诊和健康体检", "慢性病老人较多，希望定期开展义诊和血压血糖检测。"),
        ("理发等便民服务", "行动不便的老人理发难，希望有人上门服务。"),
    ],
    ResidentNeed.Category.OTHER: [
        ("村史资料整理", "老党员手中有不少村史资料，希望整理成册、建设村史馆。"),
        ("文化礼堂活动偏少", "群众希望文化礼堂多开展越剧、莲花落等文艺活动。"),
    ],
}
NEED_SOURCES = ["入户走访", "党员大会征集", "网格员上报", "村民代表提出", "问卷调查", "民情恳谈会"]

AREA_PHRASES = [
    "地处会稽山北麓，山林茶园较多",
    "鉴湖水系穿村而过，河网密布",
    "紧邻104国道，交通便利",
    "地势平坦，以水田为主",
    "位于城郊结合部，厂房与民居交错",
    "临近古城区，老街巷较多",
]
ECONOMY_PHRASES = [
    "以水稻、茶叶种植为主",
    "以水产养殖为主",
    "黄酒酿造和纺织加工较发达",
    "村民多在周边企业务工",
    "发展农家乐和乡村旅游",
    "以商贸服务和物业出租为主",
]
VENUES = [
    "党群服务中心",
    "文化礼堂",
    "居家养老服务照料中心",
    "卫生服务站",
    "图书室",
    "老年活动室",
    "篮球场",
    "新时代文明实践站",
]


@dataclass(frozen=True)
class GridPlan:
    name: str
    code: str
    households: int
    address: str


@dataclass(frozen=True)
class SituationPlan:
    households: int
    registered_population: int
    resident_population: int
    migrant_population: int
    area: str
    economy: str
    venues: str
    needy_groups: str


@dataclass(frozen=True)
class NeedPlan:
    category: str
    title: str
    description: str
    raised_by: str
    raised_on: dt.date
    is_met: bool


@dataclass
class BranchPlan:
    town: int
    name: str
    code: str
    is_community: bool
    address: str
    member_count: int
    grids: list[GridPlan] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    situation: SituationPlan | None = None
    needs: list[NeedPlan] = field(default_factory=list)


@dataclass(frozen=True)
class TownPlan:
    name: str
    code: str
    address: str


@dataclass(frozen=True)
class MemberPlan:
    branch: int
    grid: int
    name: str
    gender: str
    birth_date: dt.date
    id_number: str
    phone: str
    occupation: str
    education: str
    joined_party_on: dt.date | None
    category: str
    specialties: str
    interests: str
    capabilities: tuple[str, ...]
    employer: str | None
    is_exempt: bool
    exemption_reason: str
    exempted_at: dt.datetime | None
    login: str = ""


@dataclass
class DemoPlan:
    scale: str
    towns: list[TownPlan]
    branches: list[BranchPlan]
    members: list[MemberPlan]


@dataclass
class SeedResult:
    created: bool
    scale: str
    unit_counts: dict[str, int]
    member_count: int
    logins: list[tuple[str, str]]
    # A member of the home branch whose printed slip is not used yet: (name, log-in, code).
    waiting_slip: tuple[str, str, str] | None = None


class DemoRefused(Exception):
    """Raised instead of writing demo data into a production database."""


# Planning: pure functions of a random.Random.


def _spread(rng: random.Random, total: int, parts: int, low: float, high: float) -> list[int]:
    """Split `total` into `parts` random-sized whole numbers that add up exactly."""
    weights = [rng.uniform(low, high) for _ in range(parts)]
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    counts = [int(x) for x in raw]
    by_remainder = sorted(range(parts), key=lambda i: raw[i] - counts[i], reverse=True)
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _branch_name(rng: random.Random, is_community: bool, used: set[str]) -> str:
    while True:
        if is_community:
            name = rng.choice(COMMUNITY_FIRST) + rng.choice(COMMUNITY_SECOND) + "社区"
        elif rng.random() < 0.25:
            name = rng.choice(SURNAMES[:60]) + "家" + rng.choice(SURNAME_VILLAGE_TAILS) + "村"
        else:
            name = rng.choice(VILLAGE_FIRST) + rng.choice(VILLAGE_SECOND) + "村"
        if name not in used and name[0] != name[1]:
            used.add(name)
            return name


def _plan_tree(rng: random.Random, scale: Scale) -> tuple[list[TownPlan], list[BranchPlan]]:
    towns = [
        TownPlan(name=name, code=f"{i + 1:02d}", address=f"{DISTRICT_ADDRESS}{name}")
        for i, (name, _share) in enumerate(TOWNS[: scale.towns])
    ]
    if scale.branches == scale.towns * 3:
        per_town = [3] * scale.towns
    else:
        per_town = [max(n, 3) for n in _spread(rng, scale.branches, scale.towns, 0.6, 1.4)]
    member_counts = _spread(rng, scale.members, sum(per_town), 0.7, 1.3)
    fixed = {(0, 0): HOME_BRANCH, (1, 0): OTHER_BRANCH}
    used = set(fixed.values())
    branches: list[BranchPlan] = []
    for t, (town, count) in enumerate(zip(towns, per_town, strict=True)):
        community_share = TOWNS[t][1]
        for b in range(count):
            name = fixed.get((t, b))
            if name is None:
                name = _branch_name(rng, rng.random() < community_share, used)
            is_community = name.endswith("社区")
            branch = BranchPlan(
                town=t,
                name=name,
                code=f"{b + 1:04d}",
                is_community=is_community,
                address=f"{town.address}{name}",
                member_count=member_counts[len(branches)],
            )
            unit_word = "幢" if is_community else "组"
            for g in range(GRIDS_PER_BRANCH):
                first = g * 3 + 1
                branch.grids.append(
                    GridPlan(
                        name=f"第{g + 1}网格",
                        code=f"{g + 1:02d}",
                        households=rng.randint(25, 36),
                        address=f"{name}{first}—{first + 2}{unit_word}",
                    )
                )
            branches.append(branch)
    # The home branch must hold the special demo members.
    branches[0].member_count = max(branches[0].member_count, 8)
    return towns, branches


def _person_name(rng: random.Random, gender: str, born: int) -> str:
    if rng.random() < 0.93:
        rank = min(int(rng.expovariate(1 / 18)), len(SURNAMES) - 1)
        surname = SURNAMES[rank]
    else:
        surname = rng.choice(LOCAL_SURNAMES)
    own = MALE_CHARS if gender == Member.Gender.MALE else FEMALE_CHARS
    single = 0.35 if born < 1970 else 0.15
    if rng.random() < single:
        return surname + rng.choice(own)
    first = rng.choice(own + NEUTRAL_CHARS)
    second = rng.choice(own)
    if second == first:
        second = rng.choice(own)
    return surname + first + second


def _birth_date(rng: random.Random, first_year: int, last_year: int) -> dt.date:
    start = dt.date(first_year, 1, 1)
    end = dt.date(last_year, 12, 31)
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _birth_years(rng: random.Random, category: str) -> tuple[int, int]:
    if category == Member.Category.ACTIVIST:
        return 1985, 2003
    if category == Member.Category.CAPABLE:
        return 1962, 1995
    if category == Member.Category.IN_SERVICE:
        return 1966, 2000
    if category == Member.Category.VOLUNTEER:
        return 1950, 2000
    # Village rolls are old: a third born before 1955.
    return (1940, 1955) if rng.random() < 0.33 else (1955, 2003)


def _education(rng: random.Random, born: int, category: str) -> str:
    edu = Member.Education
    if category == Member.Category.IN_SERVICE:
        return rng.choice([edu.COLLEGE, edu.BACHELOR, edu.BACHELOR, edu.BACHELOR, edu.POSTGRADUATE])
    if born < 1955:
        return rng.choice([edu.PRIMARY, edu.PRIMARY, edu.JUNIOR, edu.JUNIOR, edu.SENIOR])
    if born < 1975:
        return rng.choice([edu.JUNIOR, edu.JUNIOR, edu.SENIOR, edu.SENIOR, edu.COLLEGE])
    return rng.choice([edu.SENIOR, edu.COLLEGE, edu.COLLEGE, edu.BACHELOR, edu.BACHELOR])


def _occupation(rng: random.Random, born: int, category: str) -> str:
    if category == Member.Category.ACTIVIST:
        return rng.choice(["企业职工", "村后备干部", "网格员", "个体户", "教师", "大学生村官"])
    if category == Member.Category.CAPABLE:
        return rng.choice(["企业主", "种养大户", "合作社负责人", "电商创业者", "黄酒酿造师傅"])
    if born < 1962:
        return rng.choice(["农民", "农民", "退休职工", "退休教师", "退休干部", "村干部"])
    return rng.choice(
        ["农民", "企业职工", "企业职工", "个体户", "村干部", "医生", "教师", "驾驶员", "网格员"]
    )


def _join_date(rng: random.Random, born: dt.date) -> dt.date:
    if (born.month, born.day) == (2, 29):
        adult = dt.date(born.year + 18, 3, 1)
    else:
        adult = born.replace(year=born.year + 18)
    latest = min(REFERENCE_DATE, adult + dt.timedelta(days=365 * 35))
    return adult + dt.timedelta(days=rng.randint(1, (latest - adult).days))


def _phone(rng: random.Random, used: set[str]) -> str:
    while True:
        phone = rng.choice(["13", "13", "15", "18"]) + f"{rng.randint(0, 999_999_999):09d}"
        if phone not in used:
            used.add(phone)
            return phone


def _id_number(rng: random.Random, born: dt.date, gender: str, used: set[str]) -> str:
    parity = 1 if gender == Member.Gender.MALE else 0
    while True:
        sequence = rng.randrange(parity, 1000, 2)
        number = idnumbers.make_id_number(REGION, born, sequence)
        if number not in used:
            used.add(number)
            return number


def _member(
    rng: random.Random,
    *,
    branch_index: int,
    branch: BranchPlan,
    used_ids: set[str],
    used_phones: set[str],
    category: str | None = None,
    gender: str | None = None,
    name: str | None = None,
    exemptable: bool = True,
    login: str = "",
) -> MemberPlan:
    if category is None:
        category = rng.choices(
            [c for c, _ in CATEGORY_WEIGHTS], weights=[w for _, w in CATEGORY_WEIGHTS]
        )[0]
    if gender is None:
        male_share = 0.5 if category == Member.Category.ACTIVIST else 0.68
        gender = Member.Gender.MALE if rng.random() < male_share else Member.Gender.FEMALE
    born = _birth_date(rng, *_birth_years(rng, category))
    is_party_member = category not in (Member.Category.ACTIVIST, Member.Category.CAPABLE)

    employer = None
    occupation = _occupation(rng, born.year, category)
    leaning = None
    if category == Member.Category.IN_SERVICE:
        employer = rng.choice(branch.partners or [p[0] for p in PARTNER_UNITS])
        if employer not in branch.partners:
            branch.partners.append(employer)
        _n, _c, _a, occupations, leaning = next(p for p in PARTNER_UNITS if p[0] == employer)
        occupation = rng.choice(occupations)

    capability_names = [c for c, _ in CAPABILITY_TYPES]
    if category == Member.Category.VOLUNTEER:
        capabilities = rng.sample(capability_names, rng.choice([1, 1, 2]))
    elif leaning and rng.random() < 0.6:
        capabilities = [leaning]
    elif rng.random() < 0.3:
        capabilities = [rng.choice(capability_names)]
    else:
        capabilities = []
    specialties = [rng.choice(SPECIALTIES_BY_CAPABILITY[c]) for c in capabilities]
    if rng.random() < 0.3:
        specialties.append(rng.choice(OTHER_SPECIALTIES))
    interests = rng.sample(INTERESTS, rng.choice([0, 1, 1, 2]))

    exempt_chance = 0.14 if born.year < 1950 else 0.025 if born.year < 1960 else 0.004
    is_exempt = (
        exemptable and category == Member.Category.REGISTERED and rng.random() < exempt_chance
    )
    exempted_at = None
    if is_exempt:
        day = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(0, 300))
        exempted_at = dt.datetime(day.year, day.month, day.day, 9, 30, tzinfo=CHINA_TZ)

    return MemberPlan(
        branch=branch_index,
        grid=rng.randrange(len(branch.grids)),
        name=name or _person_name(rng, gender, born.year),
        gender=gender,
        birth_date=born,
        id_number=_id_number(rng, born, gender, used_ids),
        phone=_phone(rng, used_phones),
        occupation=occupation,
        education=_education(rng, born.year, category),
        joined_party_on=_join_date(rng, born) if is_party_member else None,
        category=category,
        specialties="、".join(dict.fromkeys(specialties)),
        interests="、".join(interests),
        capabilities=tuple(capabilities),
        employer=employer,
        is_exempt=is_exempt,
        exemption_reason=rng.choice(EXEMPTION_REASONS) if is_exempt else "",
        exempted_at=exempted_at,
        login=login,
    )


def plan_members(
    rng: random.Random, branches: list[BranchPlan], taken_ids: frozenset[str] = frozenset()
) -> list[MemberPlan]:
    """Member files for every branch. The home branch starts with the secretary's own
    file, the `member` log-in's file (刘䶮, a rare character) and 𠮷祥."""
    used_ids = set(taken_ids)
    used_phones: set[str] = set()
    members: list[MemberPlan] = []
    for index, branch in enumerate(branches):
        common = {
            "branch_index": index,
            "branch": branch,
            "used_ids": used_ids,
            "used_phones": used_phones,
        }
        specials = []
        if index == 0:
            registered = Member.Category.REGISTERED
            specials = [
                _member(rng, **common, category=registered, exemptable=False, login="secretary"),
                _member(
                    rng,
                    **common,
                    category=registered,
                    gender=Member.Gender.MALE,
                    name="刘䶮",
                    exemptable=False,
                    login="member",
                ),
                _member(
                    rng,
                    **common,
                    category=Member.Category.VOLUNTEER,
                    gender=Member.Gender.MALE,
                    name="𠮷祥",
                ),
            ]
        members.extend(specials)
        for _ in range(branch.member_count - len(specials)):
            members.append(_member(rng, **common))
    return members


def _plan_situation(rng: random.Random, branch: BranchPlan) -> SituationPlan:
    households = rng.randint(600, 2500) if branch.is_community else rng.randint(280, 1500)
    registered = int(households * rng.uniform(2.6, 3.3))
    migrants = rng.randint(50, 3000) if rng.random() < 0.6 else rng.randint(0, 200)
    resident = int(registered * rng.uniform(0.75, 0.95)) + migrants
    area = f"面积约{rng.uniform(0.4, 6.5):.1f}平方公里，{rng.choice(AREA_PHRASES)}。"
    economy = f"{rng.choice(ECONOMY_PHRASES)}，村级集体经济年收入约{rng.randint(40, 900)}万元。"
    if branch.name == HOME_BRANCH:
        economy += "旅居海外的侨胞和在村侨眷较多，侨情联络工作任务重。"
    venues = "、".join(rng.sample(VENUES, rng.randint(3, 5)))
    venues = f"{venues}；党群服务中心面积约{rng.randint(150, 900)}平方米。"
    needy = (
        f"独居老人{rng.randint(5, 60)}人，残疾人{rng.randint(3, 40)}人，"
        f"低保户{rng.randint(2, 25)}户，困难党员{rng.randint(0, 8)}人，"
        f"留守儿童{rng.randint(0, 30)}人。"
    )
    return SituationPlan(
        households=households,
        registered_population=registered,
        resident_population=resident,
        migrant_population=migrants,
        area=area,
        economy=economy,
        venues=venues,
        needy_groups=needy,
    )


def _plan_needs(rng: random.Random, branch: BranchPlan) -> list[NeedPlan]:
    categories = rng.sample(list(NEEDS), rng.randint(2, 4))
    needs = []
    for category in categories:
        title, description = rng.choice(NEEDS[category])
        needs.append(
            NeedPlan(
                category=category,
                title=title,
                description=description,
                raised_by=rng.choice(NEED_SOURCES),
                raised_on=dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(0, 330)),
                is_met=rng.random() < 0.2,
            )
        )
    if branch.name == HOME_BRANCH:
        needs.append(
            NeedPlan(
                category=ResidentNeed.Category.PUBLIC_SERVICE,
                title="侨眷联络和侨胞回乡事务代办",
                description="侨胞较多，侨眷希望有人帮助联系海外亲属、代办回乡手续。",
                raised_by="党员大会征集",
                raised_on=dt.date(2025, 3, 12),
                is_met=False,
            )
        )
    return needs


def plan_demo(
    scale: str = "small", *, seed: int = SEED, taken_ids: frozenset[str] = frozenset()
) -> DemoPlan:
    """The whole demo data set, without touching the database: same seed, same plan."""
    size = SCALES[scale]
    rng = random.Random(seed)
    towns, branches = _plan_tree(rng, size)
    partner_names = [p[0] for p in PARTNER_UNITS]
    for branch in branches:
        share = 0.7 if branch.is_community else 0.3
        if rng.random() < share:
            branch.partners = rng.sample(partner_names, rng.choice([1, 1, 2]))
    members = plan_members(rng, branches, taken_ids)
    for branch in branches:
        branch.situation = _plan_situation(rng, branch)
        branch.needs = _plan_needs(rng, branch)
    return DemoPlan(scale=scale, towns=towns, branches=branches, members=members)


# Writing.


def demo_district() -> Unit | None:
    return Unit.objects.filter(path=f"/{REGION}/").first()


def _demo_users(hashed: str) -> dict[str, object]:
    user_model = get_user_model()
    users = {}
    for username, _description in DEMO_LOGINS:
        user, _created = user_model.objects.get_or_create(username=username)
        user.password = hashed
        user.first_name = _LOGIN_NAMES.get(username, user.first_name)
        user.is_active = True
        if username == "admin":
            user.is_staff = True
            user.is_superuser = True
        user.save()
        users[username] = user
    return users


def reset_demo_passwords() -> int:
    """Set every existing demo log-in's password back to DEMO_PASSWORD."""
    user_model = get_user_model()
    hashed = make_password(DEMO_PASSWORD)
    names = [username for username, _ in DEMO_LOGINS]
    return user_model.objects.filter(username__in=names).update(password=hashed, is_active=True)


def _ensure_capability_types() -> dict[str, CapabilityType]:
    existing = {c.name: c for c in CapabilityType.objects.all()}
    missing = [
        CapabilityType(name=name, description=description, sort_order=(i + 1) * 10)
        for i, (name, description) in enumerate(CAPABILITY_TYPES)
        if name not in existing
    ]
    CapabilityType.objects.bulk_create(missing)
    return {c.name: c for c in CapabilityType.objects.all()}


def _ensure_partner_units(rng: random.Random) -> dict[str, PartnerUnit]:
    existing = {p.name: p for p in PartnerUnit.objects.all()}
    missing = [
        PartnerUnit(
            name=name,
            contact_name=contact,
            contact_phone=f"0575-8{rng.randint(0, 9_999_999):07d}",
            address=f"{DISTRICT_ADDRESS[3:]}{address[3:]}{rng.randint(1, 399)}号",
        )
        for name, contact, address, _occupations, _leaning in PARTNER_UNITS
        if name not in existing
    ]
    PartnerUnit.objects.bulk_create(missing)
    return {p.name: p for p in PartnerUnit.objects.filter(name__in=[p[0] for p in PARTNER_UNITS])}


def _create_units(plan: DemoPlan) -> tuple[Unit, list[Unit], list[list[Unit]]]:
    """Units level by level, so each level's parents already have primary keys."""
    (district,) = Unit.objects.bulk_create(
        [
            Unit(
                kind=Unit.Kind.DISTRICT,
                name=DISTRICT_NAME,
                code=REGION,
                path=f"/{REGION}/",
                address=DISTRICT_ADDRESS,
            )
        ]
    )
    towns = Unit.objects.bulk_create(
        [
            Unit(
                kind=Unit.Kind.TOWN,
                name=t.name,
                code=t.code,
                parent=district,
                path=f"{district.path}{t.code}/",
                address=t.address,
            )
            for t in plan.towns
        ]
    )
    branches = Unit.objects.bulk_create(
        [
            Unit(
                kind=Unit.Kind.BRANCH,
                name=b.name,
                code=b.code,
                parent=towns[b.town],
                path=f"{towns[b.town].path}{b.code}/",
                address=b.address,
            )
            for b in plan.branches
        ],
        batch_size=BATCH_SIZE,
    )
    grid_units = [
        Unit(
            kind=Unit.Kind.GRID,
            name=g.name,
            code=g.code,
            parent=branch,
            path=f"{branch.path}{g.code}/",
            households=g.households,
            address=g.address,
        )
        for branch, b in zip(branches, plan.branches, strict=True)
        for g in b.grids
    ]
    Unit.objects.bulk_create(grid_units, batch_size=BATCH_SIZE)
    grids, i = [], 0
    for b in plan.branches:
        grids.append(grid_units[i : i + len(b.grids)])
        i += len(b.grids)
    return district, branches, grids


def _check_not_production() -> None:
    if getattr(settings, "IS_PRODUCTION", False):
        raise DemoRefused(
            "Refusing to load demo data: these settings are production "
            "(DJANGO_ENV=production). Demo log-ins have a published password."
        )


def _counts(district: Unit) -> tuple[dict[str, int], int]:
    rows = Unit.objects.within(district).values("kind").annotate(n=Count("id"))
    by_kind = {row["kind"]: row["n"] for row in rows}
    unit_counts = {kind.value: by_kind.get(kind.value, 0) for kind in Unit.Kind}
    return unit_counts, Member.objects.in_unit(district).count()


def seed_demo(scale: str = "small", *, seed: int = SEED) -> SeedResult:
    """Load the demo data set, or, if the demo district is already there, only reset the
    demo passwords. Refuses under production settings."""
    _check_not_production()
    if scale not in SCALES:
        raise ValueError(f"Unknown scale {scale!r}: choose one of {', '.join(SCALES)}.")
    with transaction.atomic():
        district = demo_district()
        if district is not None:
            reset_demo_passwords()
            unit_counts, member_count = _counts(district)
            return SeedResult(False, scale, unit_counts, member_count, DEMO_LOGINS)

        taken = frozenset(
            idnumbers.decrypt(token)
            for token in Member.all_files.values_list("id_number_cipher", flat=True)
        )
        plan = plan_demo(scale, seed=seed, taken_ids=taken)
        rng = random.Random(seed + 1)
        capabilities = _ensure_capability_types()
        partners = _ensure_partner_units(rng)
        users = _demo_users(make_password(DEMO_PASSWORD))
        district, branches, grids = _create_units(plan)

        through = PartnerUnit.served_units.through
        through.objects.bulk_create(
            [
                through(partnerunit_id=partners[name].pk, unit_id=branches[i].pk)
                for i, b in enumerate(plan.branches)
                for name in b.partners
            ],
            batch_size=BATCH_SIZE,
            ignore_conflicts=True,
        )

        linked = set(
            Member.objects.filter(user__in=users.values()).values_list("user_id", flat=True)
        )
        member_logins, waiting = _member_logins(plan, random.Random(seed + 14))
        member_rows = []
        for index, m in enumerate(plan.members):
            user = users.get(m.login) if m.login else member_logins.get(index)
            if user is not None and user.pk in linked:
                user = None
            member_rows.append(
                Member(
                    name=m.name,
                    gender=m.gender,
                    birth_date=m.birth_date,
                    phone=m.phone,
                    id_number=m.id_number,
                    occupation=m.occupation,
                    education=m.education,
                    joined_party_on=m.joined_party_on,
                    branch=branches[m.branch],
                    grid=grids[m.branch][m.grid],
                    category=m.category,
                    specialties=m.specialties,
                    interests=m.interests,
                    employer=partners[m.employer] if m.employer else None,
                    user=user,
                    is_exempt=m.is_exempt,
                    exemption_reason=m.exemption_reason,
                    exempted_at=m.exempted_at,
                )
            )
        Member.objects.bulk_create(member_rows, batch_size=BATCH_SIZE)
        for m in plan.members:
            if m.login in users and users[m.login].pk not in linked:
                users[m.login].first_name = m.name
                users[m.login].save(update_fields=["first_name"])

        member_through = Member.capability_types.through
        member_through.objects.bulk_create(
            [
                member_through(member_id=row.pk, capabilitytype_id=capabilities[name].pk)
                for row, m in zip(member_rows, plan.members, strict=True)
                for name in m.capabilities
            ],
            batch_size=BATCH_SIZE,
        )

        LocalSituation.objects.bulk_create(
            [
                LocalSituation(branch=unit, **vars(b.situation))
                for unit, b in zip(branches, plan.branches, strict=True)
            ],
            batch_size=BATCH_SIZE,
        )
        ResidentNeed.objects.bulk_create(
            [
                ResidentNeed(branch=unit, **vars(need))
                for unit, b in zip(branches, plan.branches, strict=True)
                for need in b.needs
            ],
            batch_size=BATCH_SIZE,
        )

        home_branch, other_branch = branches[0], _first_branch_of_town(plan, branches, 1)
        role = RoleAssignment.Role
        for username, unit, role_name in [
            ("district", district, role.DISTRICT_ORGANISER),
            ("town", home_branch.parent, role.TOWN_ORGANISER),
            ("secretary", home_branch, role.BRANCH_SECRETARY),
            ("instructor", home_branch, role.INSTRUCTOR),
            ("leader", grids[0][0], role.TEAM_LEADER),
            ("secretary2", other_branch, role.BRANCH_SECRETARY),
        ]:
            assign_role(user=users[username], unit=unit, role=role_name)

        unit_counts, member_count = _counts(district)
        waiting_slip = _waiting_slip(plan, member_logins, waiting, home_branch=0)
    return SeedResult(True, scale, unit_counts, member_count, DEMO_LOGINS, waiting_slip)


# Of the members without a named demo log-in: this share set their own password (the
# demo password), this share have a printed slip not used yet, the rest have no log-in.
MEMBER_LOGIN_SHARE = 0.8
WAITING_SLIP_SHARE = 0.1
SLIP_AGE_DAYS = 3


def _member_logins(plan: DemoPlan, rng: random.Random) -> tuple[dict[int, object], dict[int, str]]:
    """Log-ins for most demo members, as a branch would have after handing out slips:
    {member index: user}, and {member index: the code on their unused slip}."""
    user_model = get_user_model()
    taken = set(user_model.objects.values_list("username", flat=True))
    hashed = make_password(DEMO_PASSWORD)
    chosen: dict[int, object] = {}
    waiting: dict[int, str] = {}
    for index, m in enumerate(plan.members):
        if m.login:
            continue
        roll = rng.random()
        if roll >= MEMBER_LOGIN_SHARE + WAITING_SLIP_SHARE:
            continue
        username = m.phone if m.phone and m.phone not in taken else ""
        while not username or username in taken:
            username = f"{activation.GENERATED_NAME_PREFIX}{rng.randint(100_000, 999_999)}"
        taken.add(username)
        user = user_model(username=username, first_name=m.name[:150], is_active=True)
        if roll < MEMBER_LOGIN_SHARE:
            user.password = hashed
        else:
            user.set_unusable_password()
            waiting[index] = "".join(
                rng.choice(activation.CODE_ALPHABET) for _ in range(activation.CODE_LENGTH)
            )
        chosen[index] = user
    user_model.objects.bulk_create(chosen.values(), batch_size=BATCH_SIZE)
    issued_at = timezone.now() - dt.timedelta(days=SLIP_AGE_DAYS)
    ActivationCode.objects.bulk_create(
        [
            ActivationCode(
                user=chosen[index],
                digest=activation.code_digest(code),
                issued_at=issued_at,
                expires_at=issued_at + dt.timedelta(days=activation.code_days()),
            )
            for index, code in waiting.items()
        ],
        batch_size=BATCH_SIZE,
    )
    return chosen, waiting


def _waiting_slip(
    plan: DemoPlan, logins: dict[int, object], waiting: dict[int, str], *, home_branch: int
) -> tuple[str, str, str] | None:
    for index, code in waiting.items():
        if plan.members[index].branch == home_branch:
            return (plan.members[index].name, logins[index].username, f"{code[:4]}-{code[4:]}")
    return None


def _first_branch_of_town(plan: DemoPlan, branches: list[Unit], town: int) -> Unit:
    return next(u for u, b in zip(branches, plan.branches, strict=True) if b.town == town)


# Reporting.


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_table(rows: list[tuple[str, ...]]) -> str:
    """Rows as aligned columns; Chinese characters count as two columns wide."""
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


def format_report(result: SeedResult) -> str:
    logins = format_table(
        [("Username", "Password", "Role and unit")]
        + [(username, DEMO_PASSWORD, description) for username, description in result.logins]
    )
    labels = dict(Unit.Kind.choices)
    counts = format_table(
        [("What", "Count")]
        + [(str(labels[kind]), str(n)) for kind, n in result.unit_counts.items()]
        + [("Members", str(result.member_count))]
    )
    report = f"Demo log-ins:\n{logins}\n\nDemo data in {DISTRICT_NAME}:\n{counts}"
    if result.waiting_slip:
        name, username, code = result.waiting_slip
        report += (
            f"\n\nMost members log in with their mobile number and the same password; some "
            f"have a printed slip not used yet, e.g. {name} (log-in {username}): open "
            f"/accounts/activate/ and type {code}."
        )
    return report
