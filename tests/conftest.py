"""Named people in a small organisation tree, for tests that read as sentences.

district 越城区
├── town 鉴湖镇 ── branch 秦望村 ── grid 第1网格   (the secretary's branch)
│              └── branch 坡塘村                  (a neighbour in the same town)
└── town 东浦街道 ── branch 东浦社区              (another town)
"""

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings

from members.models import Member, RoleAssignment, Unit
from tests.factories import (
    DutyItemFactory,
    MemberFactory,
    PostTypeFactory,
    RoleFactory,
    UnitFactory,
    UserFactory,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

Role = RoleAssignment.Role


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The suite's "now": every test, demo seed and page served in the test process sees this
# clock (ticking from here), so the dates the tests write (March 2026, "last month",
# "this year") mean the same on 1 January and in 2027 as on the day they were written.
# Subprocesses (gunicorn, manage.py) and the browser keep the real clock.
NOW = dt.datetime(2026, 12, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="session", autouse=True)
def _fixed_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def real_clock() -> Iterator[None]:
    """The real time again, for a test whose other processes (a job worker) compare
    their clock with this one's."""
    with time_machine.travel(time_machine.escape_hatch.time.time(), tick=True):
        yield


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Each test starts with an empty cache: cached fragments keyed by primary key
    (e.g. a published tally's) must not leak from one test's rows into the next."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def _loaded_once(request, django_db_setup, django_db_blocker) -> Iterator[Any]:
    """The module's `load()`, run once for the module outside the tests' transactions;
    the database is emptied after the module."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        loaded = request.module.load()
    yield loaded
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def seeded(_loaded_once, db) -> Any:
    """For a module whose tests all read the same data (the demo, the URL table's
    objects): the module defines `load()`, and its tests take `seeded`, what `load()`
    returned. The rows stay for every test of the module, each test still running in a
    transaction that is rolled back, so what a test changes is undone. Seeding the demo
    per test cost minutes a run. A module's tests share one xdist worker (`--dist
    loadfile` in the Makefile), so the module loads once."""
    return _loaded_once


@dataclass
class Tree:
    district: Unit
    town: Unit
    branch: Unit
    grid: Unit
    neighbour_branch: Unit
    other_town: Unit
    other_branch: Unit


@pytest.fixture
def tree(db) -> Tree:
    return make_tree()


def make_tree() -> Tree:
    """The tree above, written to the database (for module-scoped data too)."""
    district = UnitFactory(kind=Unit.Kind.DISTRICT, name="越城区", code="330602")
    town = UnitFactory(kind=Unit.Kind.TOWN, name="鉴湖镇", code="01", parent=district)
    branch = UnitFactory(kind=Unit.Kind.BRANCH, name="秦望村", code="001", parent=town)
    grid = UnitFactory(kind=Unit.Kind.GRID, name="第1网格", code="G1", parent=branch, households=30)
    neighbour = UnitFactory(kind=Unit.Kind.BRANCH, name="坡塘村", code="002", parent=town)
    other_town = UnitFactory(kind=Unit.Kind.TOWN, name="东浦街道", code="02", parent=district)
    other_branch = UnitFactory(
        kind=Unit.Kind.BRANCH, name="东浦社区", code="001", parent=other_town
    )
    return Tree(district, town, branch, grid, neighbour, other_town, other_branch)


def user_with_role(username: str, unit: Unit, role: str) -> User:
    user = UserFactory(username=username)
    RoleFactory(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def district_organiser(tree) -> User:
    return user_with_role("district", tree.district, Role.DISTRICT_ORGANISER)


@pytest.fixture
def town_organiser(tree) -> User:
    return user_with_role("town", tree.town, Role.TOWN_ORGANISER)


@pytest.fixture
def other_town_organiser(tree) -> User:
    return user_with_role("town2", tree.other_town, Role.TOWN_ORGANISER)


@pytest.fixture
def secretary(tree) -> User:
    return user_with_role("secretary", tree.branch, Role.BRANCH_SECRETARY)


@pytest.fixture
def neighbour_secretary(tree) -> User:
    return user_with_role("secretary2", tree.neighbour_branch, Role.BRANCH_SECRETARY)


@pytest.fixture
def instructor(tree) -> User:
    return user_with_role("instructor", tree.branch, Role.INSTRUCTOR)


@pytest.fixture
def team_leader(tree) -> User:
    return user_with_role("leader", tree.grid, Role.TEAM_LEADER)


@pytest.fixture
def member_user(tree) -> User:
    return make_member_user(tree)


def make_member_user(tree: Tree) -> User:
    user = UserFactory(username="member")
    MemberFactory(branch=tree.branch, grid=tree.grid, user=user, name="王建国")
    return user


@pytest.fixture
def superuser(db) -> User:
    return UserFactory(username="admin", is_superuser=True, is_staff=True)


@pytest.fixture
def member(tree) -> Member:
    """A member of the secretary's branch, with no log-in."""
    return make_member(tree)


def make_member(tree: Tree) -> Member:
    return MemberFactory(branch=tree.branch, grid=tree.grid, name="李秀英", gender="F")


@pytest.fixture
def post_type(tree):
    """治安维稳岗 of 鉴湖镇 with a three-item duty menu."""
    post_type = PostTypeFactory(town=tree.town, name="治安维稳岗")
    for order, name in enumerate(["夜间治安巡逻", "平安信息报送", "维稳普法宣传"], start=1):
        DutyItemFactory(post_type=post_type, name=name, sort_order=order)
    return post_type
