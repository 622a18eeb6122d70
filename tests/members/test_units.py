import pytest
from django.urls import reverse

from members.models import Unit
from tests.factories import UnitFactory


def test_a_secretary_adds_a_grid_to_their_branch(client, secretary, tree):
    client.force_login(secretary)
    response = client.post(
        reverse("members:unit-add", args=[tree.branch.pk]), {"name": "第2网格", "households": 32}
    )
    grid = Unit.objects.get(name="第2网格")
    assert response.status_code == 302
    assert (grid.kind, grid.parent, grid.households) == ("grid", tree.branch, 32)
    assert grid.path == f"{tree.branch.path}{grid.code}/"


def test_new_units_are_numbered_within_their_parent(client, town_organiser, tree):
    client.force_login(town_organiser)
    client.post(reverse("members:unit-add", args=[tree.town.pk]), {"name": "新建村"})
    branch = Unit.objects.get(name="新建村")
    assert branch.kind == "branch"
    assert branch.code not in {"001", "002"} and len(branch.code) == 4


def test_a_grid_takes_no_children(client, secretary, tree):
    client.force_login(secretary)
    assert client.get(reverse("members:unit-add", args=[tree.grid.pk])).status_code == 404


def test_a_secretary_cannot_add_a_grid_to_another_branch(client, secretary, tree):
    client.force_login(secretary)
    response = client.post(
        reverse("members:unit-add", args=[tree.neighbour_branch.pk]), {"name": "第9网格"}
    )
    assert response.status_code == 404
    assert not Unit.objects.filter(name="第9网格").exists()


def test_a_town_organiser_renames_a_branch_and_the_history_keeps_the_old_name(
    client, town_organiser, tree
):
    client.force_login(town_organiser)
    client.post(
        reverse("members:unit-edit", args=[tree.branch.pk]), {"name": "秦望新村", "address": ""}
    )
    tree.branch.refresh_from_db()
    assert tree.branch.name == "秦望新村"
    assert tree.branch.history.earliest().name == "秦望村"


@pytest.mark.parametrize("name", ["", "   "])
def test_a_unit_needs_a_name(client, secretary, tree, name):
    client.force_login(secretary)
    response = client.post(reverse("members:unit-add", args=[tree.branch.pk]), {"name": name})
    assert response.status_code == 200
    assert Unit.objects.filter(kind="grid").count() == 1


def test_contains_follows_the_path(tree):
    other = UnitFactory(kind="branch", parent=tree.other_town, code="001X")
    assert tree.town.contains(tree.grid)
    assert not tree.town.contains(other)
