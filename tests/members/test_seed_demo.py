import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from members import demo, idnumbers
from members.models import (
    CapabilityType,
    LocalSituation,
    Member,
    PartnerUnit,
    ResidentNeed,
    RoleAssignment,
    Unit,
)


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def seed_members() -> None:
    """Only the members layer, for tests of what that layer writes (later layers, e.g.
    the volunteer service, add files and history of their own)."""
    demo.seed_demo("small")


def roles_of(username: str) -> set[tuple[str, str]]:
    return set(
        RoleAssignment.objects.filter(user__username=username).values_list("role", "unit__name")
    )


@pytest.mark.django_db
def test_it_builds_the_small_tree():
    seed()

    district = Unit.objects.get(path="/330602/")
    assert district.name == "越城区"
    assert Unit.objects.filter(kind=Unit.Kind.TOWN).count() == 2
    assert Unit.objects.filter(kind=Unit.Kind.BRANCH).count() == 6
    assert Unit.objects.filter(kind=Unit.Kind.GRID).count() == 18
    home = Unit.objects.get(kind=Unit.Kind.BRANCH, name="秦望村")
    assert home.parent.name == "鉴湖镇"
    for unit in Unit.objects.exclude(pk=district.pk).select_related("parent"):
        assert unit.path == f"{unit.parent.path}{unit.code}/"
    grid = home.children.get(name="第1网格")
    assert 25 <= grid.households <= 36


@pytest.mark.django_db
def test_it_creates_one_log_in_per_role():
    output = seed()

    assert roles_of("district") == {(RoleAssignment.Role.DISTRICT_ORGANISER, "越城区")}
    assert roles_of("town") == {(RoleAssignment.Role.TOWN_ORGANISER, "鉴湖镇")}
    assert roles_of("secretary") == {(RoleAssignment.Role.BRANCH_SECRETARY, "秦望村")}
    assert roles_of("instructor") == {(RoleAssignment.Role.INSTRUCTOR, "秦望村")}
    assert roles_of("leader") == {(RoleAssignment.Role.TEAM_LEADER, "第1网格")}
    leader_grid = RoleAssignment.objects.get(user__username="leader").unit
    assert leader_grid.parent.name == "秦望村"
    assert roles_of("member") == set()
    secretary2 = RoleAssignment.objects.get(user__username="secretary2").unit
    assert secretary2.parent.name != "鉴湖镇"

    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert admin.check_password(demo.DEMO_PASSWORD)
    for username, _description in demo.DEMO_LOGINS:
        assert username in output
    assert demo.DEMO_PASSWORD in output


@pytest.mark.django_db
def test_the_secretary_is_also_a_member_of_their_branch():
    seed()

    secretary = User.objects.get(username="secretary")
    assert secretary.member_file.branch.name == "秦望村"
    assert secretary.first_name == secretary.member_file.name


@pytest.mark.django_db
def test_the_member_log_in_has_a_registered_file_with_a_rare_character():
    seed()

    member = User.objects.get(username="member").member_file
    assert member.branch.name == "秦望村"
    assert member.category == Member.Category.REGISTERED
    assert not member.is_exempt
    assert member.name == "刘䶮"
    assert Member.objects.filter(name="𠮷祥").exists()


@pytest.mark.django_db
def test_every_id_number_is_valid_unique_and_matches_the_file():
    seed()

    members = list(Member.objects.all())
    assert 140 <= len(members) <= 160
    assert len({m.id_number for m in members}) == len(members)
    for m in members:
        idnumbers.validate_id_number(m.id_number)
        assert m.id_number.startswith("330602")
        assert idnumbers.birth_date(m.id_number) == m.birth_date
        assert idnumbers.gender_code(m.id_number) == m.gender
        assert dt.date(1940, 1, 1) <= m.birth_date <= dt.date(2003, 12, 31)


@pytest.mark.django_db
def test_member_files_are_consistent():
    seed_members()

    for m in Member.objects.select_related("branch", "grid", "employer"):
        assert m.grid.parent_id == m.branch_id
        if m.category in (Member.Category.ACTIVIST, Member.Category.CAPABLE):
            assert m.joined_party_on is None
        else:
            adult = m.birth_date.replace(year=m.birth_date.year + 18, day=min(m.birth_date.day, 28))
            assert m.joined_party_on >= adult
        if m.category == Member.Category.IN_SERVICE:
            assert m.employer.served_units.filter(pk=m.branch_id).exists()
        else:
            assert m.employer is None
        if m.is_exempt:
            assert m.exemption_reason and m.exempted_at
    assert CapabilityType.objects.count() == 5
    volunteers = Member.objects.filter(category=Member.Category.VOLUNTEER)
    assert volunteers.exists()
    for volunteer in volunteers.prefetch_related("capability_types"):
        assert 1 <= len(volunteer.capability_types.all()) <= 2
    assert PartnerUnit.objects.count() >= 10


@pytest.mark.django_db
def test_every_branch_has_its_situation_and_needs():
    seed()

    for branch in Unit.objects.branches():
        assert LocalSituation.objects.get(branch=branch).households > 0
        assert 2 <= ResidentNeed.objects.filter(branch=branch).count() <= 5


@pytest.mark.django_db
def test_seed_rows_have_no_history():
    seed_members()

    assert Member.history.count() == 0
    assert Unit.history.count() == 0


def test_the_plan_is_deterministic():
    first = demo.plan_demo("small")
    second = demo.plan_demo("small")

    assert first == second
    fingerprint = [(m.name, m.id_number) for m in first.members[:40]]
    assert fingerprint == [(m.name, m.id_number) for m in second.members[:40]]
    other_seed = demo.plan_demo("small", seed=demo.SEED + 1)
    assert [m.id_number for m in other_seed.members] != [m.id_number for m in first.members]


@pytest.mark.django_db
def test_the_database_holds_what_the_plan_says():
    seed_members()

    planned = {(m.name, m.id_number) for m in demo.plan_demo("small").members}
    assert set(Member.objects.values_list("name", "id_number")) == planned


@pytest.mark.django_db
def test_a_second_run_adds_nothing_and_resets_passwords():
    seed()
    counts = (Unit.objects.count(), Member.objects.count(), ResidentNeed.objects.count())
    member = User.objects.get(username="member")
    member.set_password("something-else-entirely")
    member.save()

    output = seed()

    assert "already present" in output
    assert (Unit.objects.count(), Member.objects.count(), ResidentNeed.objects.count()) == counts
    assert RoleAssignment.objects.count() == 6
    assert User.objects.get(username="member").check_password(demo.DEMO_PASSWORD)


@pytest.mark.django_db
def test_it_refuses_production_settings(settings):
    settings.IS_PRODUCTION = True

    with pytest.raises(CommandError, match="production"):
        seed()

    assert not Unit.objects.exists()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_it_rejects_an_unknown_scale():
    with pytest.raises(CommandError):
        seed("--scale", "galaxy")
