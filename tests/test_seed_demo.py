"""`manage.py seed_demo`, the whole demo as a newcomer loads it: the command runs once
for the module (`load`, `seeded` in tests/conftest.py); each test reads what it wrote, in its own transaction.
The members layer alone is tested in tests/members/test_seed_demo.py, refusals on an
empty database in tests/members/test_seed_demo_refusals.py."""

import datetime as dt
import os
import shutil
import subprocess
from io import StringIO

from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection

from members import demo, idnumbers
from members.models import (
    LocalSituation,
    Member,
    ResidentNeed,
    RoleAssignment,
    Unit,
)
from posts.models import Pledge, Post
from scoring.models import Activity, Evaluation, MonthlyTally
from volunteer.history import save_with_history


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def roles_of(username: str) -> set[tuple[str, str]]:
    return set(
        RoleAssignment.objects.filter(user__username=username).values_list("role", "unit__name")
    )


def load() -> str:
    """The command, once for the module; `seeded` is what it printed."""
    return seed()


def test_it_builds_the_small_tree(seeded):
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


def test_it_creates_one_log_in_per_role(seeded):
    output = seeded

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


def test_the_secretary_is_also_a_member_of_their_branch(seeded):
    secretary = User.objects.get(username="secretary")
    assert secretary.member_file.branch.name == "秦望村"
    assert secretary.first_name == secretary.member_file.name


def test_the_member_log_in_has_a_registered_file_with_a_rare_character(seeded):
    member = User.objects.get(username="member").member_file
    assert member.branch.name == "秦望村"
    assert member.category == Member.Category.REGISTERED
    assert not member.is_exempt
    assert member.name == "刘䶮"
    assert Member.objects.filter(name="𠮷祥").exists()


def test_every_id_number_is_valid_unique_and_matches_the_file(seeded):
    members = list(Member.objects.all())
    assert 140 <= len(members) <= 160
    assert len({m.id_number for m in members}) == len(members)
    for m in members:
        idnumbers.validate_id_number(m.id_number)
        assert m.id_number.startswith("330602")
        assert idnumbers.birth_date(m.id_number) == m.birth_date
        assert idnumbers.gender_code(m.id_number) == m.gender
        assert dt.date(1940, 1, 1) <= m.birth_date <= dt.date(2003, 12, 31)


def _database_as_text() -> str:
    """The whole database as text, as someone holding a copy of it would read it: on
    SQLite its SQL dump; on PostgreSQL `pg_dump` (what is committed: the seeded demo)
    and every column of every table read through this connection (this test's rows too)."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        return "\n".join(connection.connection.iterdump())
    parts = []
    if shutil.which("pg_dump"):
        db = connection.settings_dict
        result = subprocess.run(
            ["pg_dump", "--no-owner", "-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432),
             "-U", db["USER"] or "postgres", db["NAME"]],
            env=os.environ | ({"PGPASSWORD": db["PASSWORD"]} if db["PASSWORD"] else {}),
            capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip
        parts.append(result.stdout)
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            parts.extend(" ".join(map(str, row)) for row in cursor.fetchall())
    return "\n".join(parts)


def test_the_demo_database_dumped_as_text_holds_no_whole_id_number(seeded):
    # A file corrected once, so its history holds the old number's row and the new one's.
    member = Member.objects.get(name="刘䶮")
    old_number = member.id_number
    member.id_number = idnumbers.make_id_number("330602", member.birth_date, 991)
    save_with_history(member, by=User.objects.get(username="secretary"), validate_unique=False)
    text = _database_as_text()
    assert "刘䶮" in text and member.id_number_hash in text  # the rows are in it
    assert idnumbers.find_in_text(text) == []
    assert old_number not in text and member.id_number not in text


def test_every_branch_has_its_situation_and_needs(seeded):
    for branch in Unit.objects.branches():
        assert LocalSituation.objects.get(branch=branch).households > 0
        assert 2 <= ResidentNeed.objects.filter(branch=branch).count() <= 5


def test_a_second_run_adds_nothing_and_resets_passwords(seeded):
    counts = (Unit.objects.count(), Member.objects.count(), ResidentNeed.objects.count())
    member = User.objects.get(username="member")
    member.set_password("something-else-entirely")
    member.save()

    output = seed()

    assert "already present" in output
    assert (Unit.objects.count(), Member.objects.count(), ResidentNeed.objects.count()) == counts
    assert RoleAssignment.objects.exclude(role=RoleAssignment.Role.TEAM_LEADER).count() == 5
    assert User.objects.get(username="member").check_password(demo.DEMO_PASSWORD)


def test_every_team_leader_can_log_in_and_holds_the_role(seeded):
    from helpdesk.models import ServiceTeam

    teams = list(ServiceTeam.objects.select_related("leader__member__user"))
    assert teams
    for team in teams:
        user = team.leader.member.user
        assert user is not None and user.is_active and user.has_usable_password()
        assert RoleAssignment.objects.filter(
            user=user, unit=team.grid, role=RoleAssignment.Role.TEAM_LEADER
        ).exists()


def test_most_members_can_log_in_and_some_hold_unused_slips(seeded):
    from members import activation

    members = list(activation.with_login_state(Member.objects.all()))
    states = [activation.login_state(m) for m in members]
    share = states.count("active") / len(states)
    assert 0.7 < share < 0.95
    assert states.count("waiting") >= 5
    assert states.count("none") >= 5


def test_the_command_loads_members_then_posts(seeded):
    assert Post.objects.exists()
    assert Pledge.objects.filter(status=Pledge.Status.PUBLISHED).exists()


def test_the_command_loads_members_posts_then_scoring(seeded):
    assert Activity.objects.exists()
    assert MonthlyTally.objects.exists()
    assert Evaluation.objects.filter(published_at__isnull=False).exists()
