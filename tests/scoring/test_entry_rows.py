"""An activity's entry rows and attendance links, written in Python
(scoring/templatetags/entry_rows.py): what each row says, links to and for whom, and
names typed by people stay text."""

from decimal import Decimal

import pytest
from django.template import Context
from django.urls import reverse

from scoring import services
from scoring.models import PointsEntry
from scoring.templatetags.entry_rows import activity_entry_rows
from tests.factories import MemberFactory
from tests.scoring.activities import patrol


@pytest.fixture
def corrected(tree, secretary):
    people = [MemberFactory(branch=tree.branch, name=n) for n in ("张<b>伟", "李娜")]
    activity = patrol(tree, people, secretary)
    first, second = PointsEntry.objects.order_by("id")
    services.correct_entry(entry=first, right_points=Decimal("3.5"), reason="补<记>", by=secretary)
    return activity, first, second


def _rows(client, user, activity) -> list[str]:
    client.force_login(user)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("scoring:activity-detail", args=[activity.pk])).content.decode()
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    return [row for row in body.split("</tr>") if "<tr" in row]


def test_each_entry_shows_its_member_points_rule_and_month_and_a_correction_follows_it(
    client, secretary, corrected
):
    activity, first, _second = corrected
    original, correction, other = _rows(client, secretary, activity)
    assert "<td>张&lt;b&gt;伟</td>" in original
    assert '<td class="text-end text-nowrap">2 <small class="text-muted">→ 3.5</small></td>' in (
        original
    )
    assert "District rule: 2 pts (default)" in original
    assert "· counts in March 2026</span>" in original
    assert '<tr class="table-warning">' in correction
    assert '<td class="text-end text-nowrap">+1.5</td>' in correction
    assert "补&lt;记&gt; · secretary, " in correction
    assert "<td>李娜</td>" in other and "→" not in other


def test_the_secretary_may_correct_originals_only(client, secretary, corrected):
    activity, first, second = corrected
    rows = _rows(client, secretary, activity)
    links = [reverse("scoring:entry-correct", args=[e.pk]) for e in (first, second)]
    assert f'href="{links[0]}"' in rows[0] and f'href="{links[1]}"' in rows[2]
    assert "entries/" not in rows[1]


def test_an_organiser_reads_the_rows_without_correction_links(
    client, district_organiser, corrected
):
    activity, _first, _second = corrected
    rows = _rows(client, district_organiser, activity)
    assert len(rows) == 3
    assert not any("/correct/" in row for row in rows)


def test_the_attendance_links_open_each_card_on_the_activitys_month(client, secretary, corrected):
    activity, first, second = corrected
    client.force_login(secretary)
    html = client.get(reverse("scoring:activity-detail", args=[activity.pk])).content.decode()
    links = html.split('<p id="attendance">')[1].split("</p>")[0]
    month = f"{activity.held_on:%Y-%m}"
    for entry in (first, second):
        assert f'href="{reverse("scoring:points-card", args=[entry.member_id])}?month={month}"' in (
            links
        )
    assert "张&lt;b&gt;伟</a>" in links


def test_no_entries_say_so(db):
    assert "No entries." in activity_entry_rows(Context({"can_manage": True}), [])
