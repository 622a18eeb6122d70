"""`manage.py check_integrity`: what the load test runs afterwards. It passes on data
written through the services and names each kind of broken promise."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from helpdesk import services as helpdesk_services
from posts.models import Choice
from scoring import services as scoring_services
from scoring.models import Activity, Attendance, MonthlyTally, PointsEntry, TallyLine
from tests.factories import ChoiceFactory, MemberFactory, PostFactory


def _last_month() -> dt.date:
    return (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


@pytest.fixture
def ledger(tree, secretary):
    """Two members' activity last month, published; a second one recorded after."""
    members = [MemberFactory(branch=tree.branch, name=n) for n in ("甲", "乙")]
    held_on = _last_month() + dt.timedelta(days=3)
    scoring_services.record_activity(
        branch=tree.branch, kind="collective", title="夜间巡逻", held_on=held_on,
        members=members, by=secretary,
    )  # fmt: skip
    tally = scoring_services.publish_tally(branch=tree.branch, month=held_on, by=secretary)
    # After publication: counts in this month, the published one stays as it was.
    scoring_services.record_activity(
        branch=tree.branch, kind="collective", title="清除牛皮藓", held_on=held_on,
        members=members[:1], by=secretary,
    )  # fmt: skip
    return tally


def _check(*args) -> tuple[bool, str]:
    out = StringIO()
    try:
        call_command("check_integrity", *args, stdout=out)
    except CommandError:
        return False, out.getvalue()
    return True, out.getvalue()


def test_data_written_through_the_services_passes(ledger):
    passed, output = _check()
    assert passed, output
    assert PointsEntry.objects.exclude(month=ledger.month).exists()


def test_an_entry_slipped_into_a_published_month_fails(ledger, secretary):
    original = PointsEntry.objects.filter(month=ledger.month).first()
    PointsEntry.objects.create(
        member=original.member, branch=ledger.branch, month=ledger.month,
        occurred_on=original.occurred_on, points=Decimal("2"), attendance=original.attendance,
        rule=original.rule, recorded_by=secretary,
    )  # fmt: skip
    passed, output = _check()
    assert not passed
    assert "published tallies equal the ledger" in output
    assert f"member {original.member_id}: line says 2.0" in output


def test_a_changed_frozen_line_fails(ledger):
    line = TallyLine.objects.filter(tally=ledger).first()
    TallyLine.objects.filter(pk=line.pk).update(year_to_date=line.year_to_date + 1)
    passed, output = _check()
    assert not passed
    assert "year to date" in output


def test_a_tally_total_that_is_not_its_lines_fails(ledger):
    MonthlyTally.objects.filter(pk=ledger.pk).update(total_points=Decimal("99"))
    passed, output = _check()
    assert not passed
    assert "total 99.0" in output


def test_a_post_with_more_confirmed_choices_than_seats_fails(tree):
    post = PostFactory(branch=tree.branch, seats=1)
    for name in ("丙", "丁"):
        ChoiceFactory(post=post, member=MemberFactory(branch=tree.branch, name=name),
                      status=Choice.Status.CONFIRMED)  # fmt: skip
    passed, output = _check()
    assert not passed
    assert f"post {post.pk} {post.name}: 2 confirmed for 1 seat(s)" in output


def test_an_attendance_without_its_points_entry_fails(tree, secretary):
    activity = Activity.objects.create(
        branch=tree.branch, kind="collective", title="走访", held_on=timezone.localdate(),
        recorded_by=secretary,
    )  # fmt: skip
    attendance = Attendance.objects.create(
        activity=activity, member=MemberFactory(branch=tree.branch)
    )
    passed, output = _check()
    assert not passed
    assert f"attendance {attendance.pk} of activity {activity.pk} has no points entry" in output


def test_request_codes_are_looked_up(tree, tmp_path):
    request = helpdesk_services.create_request(
        channel="online", branch=tree.branch, grid=tree.grid, resident_name="王大爷",
        phone="13905751234", address="秦望村2组15号", category="daily_life", description="漏水",
    )  # fmt: skip
    codes = tmp_path / "codes.txt"
    codes.write_text(f"{request.code}\n")
    assert _check("--request-codes", str(codes))[0]
    codes.write_text(f"{request.code}\nQW-NOT-THERE\n")
    passed, output = _check("--request-codes", str(codes))
    assert not passed
    assert "help request QW-NOT-THERE was given out but is not stored" in output
