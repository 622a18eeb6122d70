"""Volunteers and a service team in 秦望村 第1网格 (the tree of tests/conftest.py).

秦望村 第1网格 (tree.grid, area 秦望村1—3组): a team of four of the five volunteers
坡塘村 第1网格 (neighbour_grid): a team of three, for re-dispatching
"""

import pytest
from django.core.cache import cache
from django.utils import translation

from helpdesk import services
from members.models import Unit
from tests.factories import CapabilityTypeFactory, UnitFactory
from tests.helpdesk.objects import make_volunteer

CAPABILITIES = ["农业服务型", "生活服务型", "医疗服务型", "法律服务型", "矛盾化解型"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The public form's flood limit lives in the cache: every test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english():
    """Messages are matched in English, the source language (the translation changes)."""
    with translation.override("en"):
        yield


@pytest.fixture
def english_client(client):
    """A client that picked English with the language switch."""
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def capabilities(db) -> dict:
    return {name: CapabilityTypeFactory(name=name) for name in CAPABILITIES}


@pytest.fixture
def volunteers(tree, capabilities) -> list:
    """Five volunteers of 秦望村 第1网格: farming, daily life ×2, medical, legal."""
    tree.grid.address = "秦望村1—3组"
    tree.grid.save()
    c = capabilities
    return [
        make_volunteer(tree.branch, tree.grid, "章立新", c["生活服务型"], specialties="水电维修"),
        make_volunteer(tree.branch, tree.grid, "俞桂兰", c["医疗服务型"], specialties="护理"),
        make_volunteer(tree.branch, tree.grid, "楼国强", c["农业服务型"]),
        make_volunteer(tree.branch, tree.grid, "傅晓春", c["生活服务型"]),
        make_volunteer(tree.branch, tree.grid, "裘丽萍", c["法律服务型"]),
    ]


@pytest.fixture
def team(tree, volunteers):
    return services.set_team(
        grid=tree.grid,
        name="秦望村第1网格服务队",
        leader=volunteers[0],
        volunteers=volunteers[:4],
        by=None,
    )


@pytest.fixture
def neighbour_grid(tree) -> Unit:
    return UnitFactory(
        kind=Unit.Kind.GRID, name="第1网格", code="G1", parent=tree.neighbour_branch,
        address="坡塘村1—4组",
    )  # fmt: skip


@pytest.fixture
def neighbour_team(tree, neighbour_grid, capabilities):
    c = capabilities
    people = [
        make_volunteer(tree.neighbour_branch, neighbour_grid, "陈志华", c["矛盾化解型"]),
        make_volunteer(tree.neighbour_branch, neighbour_grid, "孙海燕", c["医疗服务型"]),
        make_volunteer(tree.neighbour_branch, neighbour_grid, "王建明", c["农业服务型"]),
    ]
    return services.set_team(
        grid=neighbour_grid,
        name="坡塘村第1网格服务队",
        leader=people[0],
        volunteers=people,
        by=None,
    )


def ask(tree, *, grid="default", address="秦望村2组15号", by=None, **extra):
    """A request from 秦望村 as the public form makes it."""
    fields = {
        "channel": "online",
        "branch": tree.branch,
        "grid": tree.grid if grid == "default" else grid,
        "resident_name": "王大爷",
        "phone": "13905751234",
        "address": address,
        "category": "daily_life",
        "description": "厨房水管漏水，需要帮忙修理。",
        "by": by,
    }
    fields.update(extra)
    return services.create_request(**fields)
