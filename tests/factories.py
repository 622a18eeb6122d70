import datetime as dt
import itertools

import factory
from django.contrib.auth import get_user_model

from members import idnumbers
from members.models import (
    CapabilityType,
    LocalSituation,
    Member,
    PartnerUnit,
    ResidentNeed,
    RoleAssignment,
    Unit,
)

_id_sequence = itertools.count(1)


def next_id_number(born: dt.date = dt.date(1975, 3, 14), *, male: bool = True) -> str:
    """A fresh valid ID number; the sequence digit's parity carries the gender."""
    n = next(_id_sequence)
    sequence = (n * 2 + (1 if male else 0)) % 1000
    region = f"33{(n // 500) % 100:02d}02"
    return idnumbers.make_id_number(region, born, sequence)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests")


class UnitFactory(factory.django.DjangoModelFactory):
    """Build units with `parent`; the path follows the parent's as the service makes it."""

    class Meta:
        model = Unit

    kind = Unit.Kind.DISTRICT
    name = factory.Sequence(lambda n: f"单位{n}")
    code = factory.Sequence(lambda n: f"U{n}")
    parent = None
    path = factory.LazyAttribute(lambda o: f"{o.parent.path if o.parent else '/'}{o.code}/")


class PartnerUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerUnit

    name = factory.Sequence(lambda n: f"共建单位{n}")


class CapabilityTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CapabilityType
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"能力{n}")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Sequence(lambda n: f"党员{n}")
    gender = Member.Gender.MALE
    birth_date = dt.date(1975, 3, 14)
    id_number = factory.LazyAttribute(lambda o: next_id_number(o.birth_date, male=o.gender == "M"))
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    category = Member.Category.REGISTERED
    branch = factory.SubFactory(UnitFactory, kind=Unit.Kind.BRANCH)


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)


class LocalSituationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalSituation

    households = 320


class ResidentNeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResidentNeed

    category = ResidentNeed.Category.ENVIRONMENT
    title = "村道两侧垃圾清理"
    raised_on = dt.date(2026, 3, 1)


def roster_file(rows: list[dict], headers: list[str] | None = None) -> bytes:
    """An .xlsx roster with the template's headers (or `headers`) and the given rows,
    each a dict from field name to cell value."""
    from members.roster import COLUMNS
    from volunteer.xlsx import rows_to_xlsx

    fields = [c.field for c in COLUMNS]
    labels = headers or [str(c.label) for c in COLUMNS]
    return rows_to_xlsx(labels, [[row.get(f) for f in fields] for row in rows])


class PostTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "posts.PostType"

    name = factory.Sequence(lambda n: f"治安维稳岗{n}")


class DutyItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "posts.DutyItem"

    name = factory.Sequence(lambda n: f"夜间治安巡逻{n}")
    sort_order = factory.Sequence(lambda n: n)


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "posts.Post"

    year = 2026
    name = factory.Sequence(lambda n: f"便民服务岗{n}")
    seats = 3


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "posts.Choice"

    status = "applied"
    source = "application"
