"""`manage.py backup` and `manage.py restore`: a backup restored into an empty database
gives back every member, pledge, ledger entry and published tally; a damaged file, a file
from other code, or a database holding data is refused and nothing changes.

Restore runs its own transaction, so these tests use real transactions (the database is
emptied after each)."""

import datetime as dt
import gzip
import io
import json
import os
import stat
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from members import idnumbers
from members.models import Member, Unit
from posts import services as posts_services
from posts.models import Pledge, PledgeItem, PledgeVersion
from scoring import services as scoring_services
from scoring.models import ActivityKind, MonthlyTally, PointsEntry, TallyLine
from tests.factories import MemberFactory, PostFactory, UnitFactory, UserFactory
from volunteer import backup

pytestmark = pytest.mark.django_db(transaction=True)

MARCH = dt.date(2026, 3, 12)
# What the production issue names: members, pledges with their versions and items, the
# points ledger, published tallies; plus log-ins and the pledge's change history.
COMPARED = {
    "users": get_user_model(),
    "members": Member,
    "member capability types": Member.capability_types.through,
    "pledges": Pledge,
    "pledge versions": PledgeVersion,
    "pledge items": PledgeItem,
    "pledge history": Pledge.history.model,
    "points entries": PointsEntry,
    "tallies": MonthlyTally,
    "tally lines": TallyLine,
}


def snapshot() -> dict[str, list[tuple]]:
    """Every row of the compared tables, every column, in primary-key order."""
    return {
        name: list(
            model._base_manager.order_by("pk").values_list(
                *[f.attname for f in model._meta.concrete_fields]
            )
        )
        for name, model in COMPARED.items()
    }


def run(command: str, *args) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def empty_the_database() -> None:
    call_command("flush", interactive=False, verbosity=0)


def rewrite(source, target, change) -> None:
    """Copy a backup, passing its lines through `change(lines) -> lines`."""
    with gzip.open(source, "rt", encoding="utf-8", newline="\n") as stream:
        lines = stream.readlines()
    with gzip.open(target, "wt", encoding="utf-8", newline="\n") as stream:
        stream.writelines(change(lines))


def sentinel_member() -> Member:
    """A row that must survive every refused restore, even with --force."""
    district = UnitFactory(kind=Unit.Kind.DISTRICT, name="哨兵区", code="S")
    town = UnitFactory(kind=Unit.Kind.TOWN, name="哨兵镇", code="S1", parent=district)
    branch = UnitFactory(kind=Unit.Kind.BRANCH, name="哨兵村", code="S11", parent=town)
    return MemberFactory(branch=branch, name="哨兵")


def only_the_sentinel_is_left(sentinel: Member) -> bool:
    return (
        list(Member.objects.values_list("pk", "name")) == [(sentinel.pk, "哨兵")]
        and not PointsEntry.objects.exists()
        and not Pledge.objects.exists()
    )


# --- data sets ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_backup(django_db_setup, django_db_blocker, tmp_path_factory):
    """The small demo district (seed_demo), backed up once for the module; the database
    is emptied again before any test runs."""
    path = tmp_path_factory.mktemp("backup") / "demo.json.gz"
    with django_db_blocker.unblock():
        call_command("seed_demo", stdout=io.StringIO())
        before = snapshot()
        run("backup", str(path))
        empty_the_database()
    return path, before


@pytest.fixture
def small_backup(tree, secretary, member_user, post_type, tmp_path):
    """A branch with a pledge that was returned once then published, a collective
    activity, a published tally and a correction after it; backed up, then emptied."""
    post = PostFactory(branch=tree.branch, post_type=post_type, name="治安维稳岗", seats=2)
    member = member_user.member_file
    choice = posts_services.apply_for_post(member=member, post=post, by=member_user)
    pledge = posts_services.confirm_choice(choice=choice, by=secretary).pledge
    patrol, report, _law = post.menu()
    first = [posts_services.PledgeLine(patrol, "每周巡逻")]
    posts_services.write_pledge(pledge=pledge, lines=first, based_on=0, by=member_user)
    posts_services.return_pledge(pledge=pledge, comment="请写明时间", by=secretary)
    second = [
        posts_services.PledgeLine(patrol, "每周二、周五晚巡逻"),
        posts_services.PledgeLine(report, "每月报送平安信息"),
    ]
    posts_services.write_pledge(pledge=pledge, lines=second, based_on=1, by=member_user)
    posts_services.approve_pledge(pledge=pledge, by=secretary)
    posts_services.publish_pledges(pledges=[pledge], by=secretary)
    others = [MemberFactory(branch=tree.branch, grid=tree.grid) for _ in range(3)]
    scoring_services.record_activity(
        branch=tree.branch,
        kind=ActivityKind.COLLECTIVE,
        title="夜间治安巡逻",
        held_on=MARCH,
        members=[member, *others],
        by=secretary,
    )
    scoring_services.publish_tally(branch=tree.branch, month=MARCH, by=secretary)
    scoring_services.correct_entry(
        entry=PointsEntry.objects.filter(member=member).get(),
        right_points=Decimal("3"),
        reason="补记带队",
        by=secretary,
    )
    path = tmp_path / "small.json.gz"
    before = snapshot()
    run("backup", str(path))
    empty_the_database()
    return path, before


# --- a restore gives everything back ---------------------------------------------------------


def test_a_restore_gives_back_every_member_pledge_ledger_entry_and_tally(demo_backup):
    path, before = demo_backup
    assert not Member.objects.exists()

    run("restore", str(path))

    after = snapshot()
    for name in COMPARED:
        # The demo writes pledges in bulk, without history rows; the small set has them.
        if name != "pledge history":
            assert before[name], f"the demo has no {name}: the comparison would prove nothing"
        assert after[name] == before[name], name


def test_the_demo_backup_holds_no_whole_id_number_and_a_restore_reads_them_back(demo_backup):
    path, before = demo_backup
    with gzip.open(path, "rt", encoding="utf-8") as stream:
        text = stream.read()
    assert "id_number_cipher" in text  # the members are in it, encrypted
    assert idnumbers.find_in_text(text) == []
    run("restore", str(path))
    members = list(Member.all_files.all())
    assert len(members) == len(before["members"])
    for member in members:
        idnumbers.validate_id_number(member.id_number)  # the same keys read them
        assert Member.all_files.get(id_number_hash=idnumbers.digest(member.id_number)) == member


def test_the_demo_backup_holds_corrections_and_pledges_in_review(demo_backup):
    # The comparison above covers the ledger's hard cases only if the demo has them.
    _path, before = demo_backup
    corrects = [f.attname for f in PointsEntry._meta.concrete_fields].index("corrects_id")
    assert any(row[corrects] for row in before["points entries"])
    status = [f.attname for f in Pledge._meta.concrete_fields].index("status")
    assert {row[status] for row in before["pledges"]} >= {"submitted", "returned", "published"}


def test_a_small_backup_restores_field_for_field(small_backup):
    path, before = small_backup

    run("restore", str(path))

    assert snapshot() == before
    assert before["tally lines"] and before["pledge versions"]


def test_the_restored_ledger_still_refuses_edits_and_deletes(small_backup):
    path, _before = small_backup
    run("restore", str(path))
    entry = PointsEntry.objects.filter(corrects__isnull=True).first()
    entry.points = Decimal("9")

    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()
    with pytest.raises(ValidationError):
        PointsEntry.objects.all().delete()
    assert PointsEntry.objects.get(pk=entry.pk).points == Decimal("2")


def test_rows_added_after_a_restore_get_new_ids(small_backup):
    path, before = small_backup
    run("restore", str(path))
    restored = Member.objects.get(name="王建国")
    branch = restored.branch

    newcomer = MemberFactory(branch=branch, name="新党员")
    entries = PointsEntry.objects.count()
    scoring_services.record_activity(
        branch=branch,
        kind=ActivityKind.INDIVIDUAL,
        title="免费家电维修",
        held_on=MARCH + dt.timedelta(days=40),
        members=[newcomer],
        by=get_user_model().objects.get(username="secretary"),
    )

    assert newcomer.pk > max(row[0] for row in before["members"])
    assert PointsEntry.objects.count() == entries + 1


def test_force_replaces_what_the_database_held(small_backup):
    path, before = small_backup
    sentinel_member()

    run("restore", "--force", str(path))

    assert snapshot() == before
    assert not Member.objects.filter(name="哨兵").exists()


def test_check_reads_the_file_and_changes_nothing(small_backup):
    path, _before = small_backup

    output = run("restore", "--check", str(path))

    assert "whole" in output
    assert not Member.objects.exists()


def test_the_backup_file_is_readable_by_its_owner_only(small_backup):
    path, _before = small_backup
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_permissions_and_admin_history_survive_content_type_ids_changing(tmp_path):
    # Content types and permissions get their ids from `migrate`, which differ between
    # databases: rows pointing at them must follow the natural key, not the old id.
    ledger_type = ContentType.objects.get_for_model(PointsEntry)
    user = UserFactory(username="auditor")
    user.user_permissions.add(Permission.objects.get(codename="view_pointsentry"))
    LogEntry.objects.create(
        user=user, content_type=ledger_type, object_id="7", object_repr="+2.0", action_flag=1
    )
    path = tmp_path / "perms.json.gz"
    run("backup", str(path))
    empty_the_database()
    renumber_content_types()
    assert ContentType.objects.get_for_model(PointsEntry, for_concrete_model=True).pk != (
        ledger_type.pk
    )

    run("restore", str(path))

    user = get_user_model().objects.get(username="auditor")
    assert user.has_perm("scoring.view_pointsentry")
    assert not user.has_perm("scoring.add_pointsentry")
    assert LogEntry.objects.get().content_type.model_class() is PointsEntry


def renumber_content_types() -> None:
    """Give every content type and permission a new id, as another database would."""
    names = list(ContentType.objects.order_by("pk").values_list("app_label", "model"))
    ContentType.objects.all().delete()
    ContentType.objects.clear_cache()
    ContentType.objects.bulk_create([ContentType(app_label=a, model=m) for a, m in names[::-1]])
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)


# --- refusals ---------------------------------------------------------------------------------


def test_a_database_holding_data_is_refused_without_force(small_backup):
    path, _before = small_backup
    sentinel = sentinel_member()

    with pytest.raises(CommandError, match="--force"):
        run("restore", str(path))

    assert only_the_sentinel_is_left(sentinel)


def test_a_truncated_file_is_refused_and_nothing_changes(small_backup, tmp_path):
    path, _before = small_backup
    truncated = tmp_path / "truncated.json.gz"
    data = path.read_bytes()
    truncated.write_bytes(data[: len(data) * 2 // 3])
    sentinel = sentinel_member()

    with pytest.raises(CommandError, match="damaged or incomplete"):
        run("restore", "--force", str(truncated))

    assert only_the_sentinel_is_left(sentinel)


def test_a_file_cut_at_a_line_end_is_refused(small_backup, tmp_path):
    # Valid gzip, but the end marker is missing: a backup that stopped part-way.
    path, _before = small_backup
    cut = tmp_path / "cut.json.gz"
    rewrite(path, cut, lambda lines: lines[: len(lines) // 2])
    sentinel = sentinel_member()

    with pytest.raises(CommandError, match="ends before its end marker"):
        run("restore", "--force", str(cut))

    assert only_the_sentinel_is_left(sentinel)


def test_a_file_with_an_altered_row_is_refused_and_nothing_changes(small_backup, tmp_path):
    path, _before = small_backup
    altered = tmp_path / "altered.json.gz"

    def raise_points(lines):
        section = lines.index('{"model":"scoring.pointsentry"}\n')
        lines[section + 1] = lines[section + 1].replace('"points":"2.0"', '"points":"20.0"')
        return lines

    rewrite(path, altered, raise_points)
    sentinel = sentinel_member()

    with pytest.raises(CommandError, match="scoring.pointsentry do not match their checksum"):
        run("restore", "--force", str(altered))

    assert only_the_sentinel_is_left(sentinel)


def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    other = tmp_path / "notes.json.gz"
    with gzip.open(other, "wt") as stream:
        stream.write('{"hello": "world"}\n')

    with pytest.raises(CommandError, match="not a backup"):
        run("restore", str(other))


def test_a_backup_from_other_migrations_is_refused_and_nothing_changes(small_backup, tmp_path):
    path, _before = small_backup
    future = tmp_path / "future.json.gz"

    def add_a_migration(lines):
        header = json.loads(lines[0])
        header["migrations"]["scoring"].append("9999_from_the_future")
        return [json.dumps(header) + "\n", *lines[1:]]

    rewrite(path, future, add_a_migration)
    sentinel = sentinel_member()

    with pytest.raises(CommandError, match="scoring: the backup has 9999_from_the_future"):
        run("restore", "--force", str(future))

    assert only_the_sentinel_is_left(sentinel)


def test_a_restore_whose_rows_do_not_come_back_identical_is_rolled_back(small_backup, monkeypatch):
    # Lose the last ledger row on the way in (as a faulty driver or disk might): the
    # check after loading must notice and undo everything.
    path, _before = small_backup
    read_sections = backup.sections

    def losing_a_row(file):
        for name, rows in read_sections(file):
            if name == "scoring.pointsentry":
                rows = iter(list(rows)[:-1])
            yield name, rows

    monkeypatch.setattr(backup, "sections", losing_a_row)

    with pytest.raises(CommandError, match="scoring.pointsentry: 4 rows instead of 5"):
        run("restore", str(path))

    assert not Member.objects.exists()
    assert not PointsEntry.objects.exists()
