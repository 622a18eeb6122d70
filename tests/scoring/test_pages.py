import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from members.models import Unit
from posts import services as post_services
from scoring import services
from scoring.models import Activity, ActivityKind, MonthlyTally, PointsEntry, PointsRule
from tests.factories import (
    DutyItemFactory,
    MemberFactory,
    PostFactory,
    PostTypeFactory,
    UnitFactory,
)
from tests.pdf import pdf_text
from tests.scoring.activities import on_day, patrol
from tests.scoring.test_card_months import page_main

MARCH = dt.date(2026, 3, 12)


@pytest.fixture
def people(tree):
    return [
        MemberFactory(branch=tree.branch, name=name, phone=phone)
        for name, phone in (
            ("张伟", "13900000001"),
            ("李娜", "13900000002"),
            ("王芳", "13900000003"),
        )
    ]


def activity_form(ticked, **overrides):
    data = {
        "kind": ActivityKind.COLLECTIVE,
        "title": "清除牛皮藓",
        "held_on": "2026-03-12",
        "place": "村文化礼堂",
        "members": [m.pk for m in ticked],
    }
    return data | overrides


# --- recording an activity --------------------------------------------------------------------


def test_a_secretary_records_an_activity_and_everyone_ticked_earns_points(
    client, secretary, tree, people
):
    client.force_login(secretary)
    response = client.post(
        reverse("scoring:activity-add", args=[tree.branch.pk]), activity_form(people[:2])
    )
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("scoring:activity-detail", args=[activity.pk])
    assert (activity.title, activity.place, activity.recorded_by) == (
        "清除牛皮藓",
        "村文化礼堂",
        secretary,
    )
    entries = PointsEntry.objects.order_by("member__name")
    assert [(e.member.name, e.points, e.month) for e in entries] == [
        ("张伟", Decimal("2"), dt.date(2026, 3, 1)),
        ("李娜", Decimal("2"), dt.date(2026, 3, 1)),
    ]
    assert all(e.rule.kind == ActivityKind.COLLECTIVE for e in entries)


def test_the_form_lists_the_branchs_members_not_exempt_first_with_a_select_all_box(
    client, secretary, tree, people
):
    exempt = MemberFactory(
        branch=tree.branch, name="阿爷", is_exempt=True, exemption_reason="年老体弱"
    )
    MemberFactory(branch=tree.other_branch, name="外村人")
    client.force_login(secretary)
    response = client.get(reverse("scoring:activity-add", args=[tree.branch.pk]))
    listed = list(response.context["form"].fields["members"].queryset)
    assert listed[-1] == exempt
    assert {m.name for m in listed} == {"张伟", "李娜", "王芳", "阿爷"}
    assert b'data-check-all="members"' in response.content
    assert b"<script>" not in response.content.split(b"</main>")[0]


def test_an_activity_can_be_linked_to_items_of_the_branchs_posts(client, secretary, tree, people):
    post_type = PostTypeFactory(town=tree.town, name="治安维稳岗")
    patrol_item = DutyItemFactory(post_type=post_type, name="夜间治安巡逻")
    post = PostFactory(branch=tree.branch, post_type=post_type, year=2026)
    own_item = DutyItemFactory(post=post, name="侨胞回乡事务代办")
    other_town_item = DutyItemFactory(post_type=PostTypeFactory(town=tree.other_town))
    client.force_login(secretary)
    url = reverse("scoring:activity-add", args=[tree.branch.pk])
    offered = set(client.get(url).context["form"].fields["duty_items"].queryset)
    client.post(url, activity_form(people[:1], duty_items=[patrol_item.pk, own_item.pk]))
    assert offered == {patrol_item, own_item}
    assert other_town_item not in offered
    assert set(Activity.objects.get().duty_items.all()) == {patrol_item, own_item}


def test_a_secretary_of_another_branch_gets_404(client, neighbour_secretary, tree, people):
    client.force_login(neighbour_secretary)
    add = reverse("scoring:activity-add", args=[tree.branch.pk])
    assert client.get(add).status_code == 404
    assert client.post(add, activity_form(people)).status_code == 404
    assert client.get(reverse("scoring:activity-list", args=[tree.branch.pk])).status_code == 404
    assert not Activity.objects.exists()


def test_a_town_organiser_reads_activities_but_gets_403_on_the_form(
    client, town_organiser, tree, people
):
    client.force_login(town_organiser)
    add = reverse("scoring:activity-add", args=[tree.branch.pk])
    assert client.get(add).status_code == 403
    assert client.post(add, activity_form(people)).status_code == 403
    assert client.get(reverse("scoring:activity-list", args=[tree.branch.pk])).status_code == 200
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    "change, message",
    [
        ({"held_on": "FUTURE"}, "cannot be recorded before it happens"),
        ({"members": []}, "Tick at least one member"),
        ({"kind": ActivityKind.INDIVIDUAL}, "done by one member"),
    ],
    ids=["future date", "no members", "individual service with two members"],
)
def test_bad_input_shows_an_error_and_saves_nothing(
    client, secretary, tree, people, change, message
):
    if change.get("held_on") == "FUTURE":
        change = {"held_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat()}
    client.force_login(secretary)
    response = client.post(
        reverse("scoring:activity-add", args=[tree.branch.pk]), activity_form(people[:2], **change)
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].non_field_errors())
    assert message in response.content.decode()
    assert not Activity.objects.exists()
    assert not PointsEntry.objects.exists()


def test_the_activity_page_shows_attendance_entries_with_their_rules_and_history(
    client, secretary, tree, people
):
    activity = patrol(tree, people[:2], secretary)
    client.force_login(secretary)
    response = client.get(reverse("scoring:activity-detail", args=[activity.pk]))
    page = response.content.decode()
    assert "张伟" in page and "李娜" in page and "王芳" not in page
    assert [e.rule.points for e in response.context["entries"]] == [Decimal("2")] * 2
    assert len(response.context["log"]) == 1


def test_the_activity_list_filters_by_kind_and_month(client, secretary, tree, people):
    patrol(tree, people[:1], secretary, held_on=dt.date(2026, 2, 3), title="二月巡逻")
    patrol(tree, people[:1], secretary, held_on=MARCH, title="三月巡逻")
    services.record_activity(
        branch=tree.branch,
        kind=ActivityKind.TRAINING,
        title="三月培训",
        held_on=MARCH,
        members=people,
        trainer="镇党校",
        by=secretary,
    )
    client.force_login(secretary)
    url = reverse("scoring:activity-list", args=[tree.branch.pk])
    titles = lambda query: [a.title for a in client.get(url, query).context["page"]]  # noqa: E731
    assert titles({}) == ["三月培训", "三月巡逻", "二月巡逻"]
    assert titles({"month": "2026-03"}) == ["三月培训", "三月巡逻"]
    assert titles({"kind": "collective", "month": "2026-03"}) == ["三月巡逻"]


# --- corrections -------------------------------------------------------------------------


def test_a_secretary_corrects_an_entry_with_a_reason(client, secretary, tree, people):
    patrol(tree, people[:1], secretary)
    entry = PointsEntry.objects.get()
    client.force_login(secretary)
    url = reverse("scoring:entry-correct", args=[entry.pk])
    assert client.get(url).context["worth"] == Decimal("2")
    client.post(url, {"right_points": "0", "reason": "实际未到场"})
    correction = PointsEntry.objects.get(corrects=entry)
    assert (correction.points, correction.reason, correction.recorded_by) == (
        Decimal("-2"),
        "实际未到场",
        secretary,
    )
    response = client.get(url)
    assert response.context["worth"] == Decimal("0")
    assert "实际未到场" in response.content.decode()


def test_a_correction_without_a_change_is_refused(client, secretary, tree, people):
    patrol(tree, people[:1], secretary)
    entry = PointsEntry.objects.get()
    client.force_login(secretary)
    response = client.post(
        reverse("scoring:entry-correct", args=[entry.pk]), {"right_points": "2", "reason": "核对"}
    )
    assert response.context["form"].non_field_errors()
    assert PointsEntry.objects.count() == 1


def test_a_town_organiser_cannot_correct(client, town_organiser, secretary, tree, people):
    patrol(tree, people[:1], secretary)
    client.force_login(town_organiser)
    response = client.post(
        reverse("scoring:entry-correct", args=[PointsEntry.objects.get().pk]),
        {"right_points": "0", "reason": "x"},
    )
    assert response.status_code == 403
    assert PointsEntry.objects.count() == 1


# --- the points card ------------------------------------------------------------------------


def test_the_card_shows_twelve_months_totals_and_marks_corrections(
    client, secretary, member_user, tree
):
    me = member_user.member_file
    patrol(tree, [me], secretary, held_on=dt.date(2026, 2, 3))
    patrol(tree, [me], secretary, held_on=MARCH)
    services.correct_entry(
        entry=PointsEntry.objects.get(occurred_on=dt.date(2026, 2, 3)),
        right_points=Decimal("0"),
        reason="重复登记",
        by=secretary,
    )
    client.force_login(member_user)
    url = reverse("scoring:points-card", args=[me.pk])
    response = client.get(url, {"month": "2026-02"})
    card = response.context["card"]
    assert len(card.figures) == 12
    assert [m.total for m in card.figures[:3]] == [Decimal("0"), Decimal("0"), Decimal("2")]
    assert card.total == Decimal("2")
    assert card.month.has_corrections
    page = response.content.decode()
    assert page.count('class="card mb-2 card-month"') == 1  # one month's entries at a time
    assert page.count("data-month-figure>") == 12
    assert "重复登记" in page
    assert "correction" in page


def test_the_secretary_sees_activity_and_correction_links_on_each_card_entry(
    client, secretary, member_user, tree
):
    me = member_user.member_file
    activity = patrol(tree, [me], secretary)
    entry = PointsEntry.objects.get()
    client.force_login(secretary)
    page = client.get(reverse("scoring:points-card", args=[me.pk]), {"year": 2026})
    html = page.content.decode()
    assert f'href="{reverse("scoring:activity-detail", args=[activity.pk])}"' in html
    assert f'href="{reverse("scoring:entry-correct", args=[entry.pk])}"' in html


def test_the_member_sees_their_entries_without_secretary_links(
    client, secretary, member_user, tree
):
    me = member_user.member_file
    patrol(tree, [me], secretary)
    client.force_login(member_user)
    html = client.get(reverse("scoring:points-card", args=[me.pk]), {"year": 2026})
    html = html.content.decode()
    assert "夜间治安巡逻" in html
    assert "/activities/" not in html
    assert "/correct" not in html


def test_card_entries_show_hostile_titles_as_text(client, secretary, member_user, tree):
    me = member_user.member_file
    patrol(tree, [me], secretary, title='"><img src=x onerror=alert(1)>')
    client.force_login(secretary)
    html = client.get(reverse("scoring:points-card", args=[me.pk]), {"year": 2026})
    html = html.content.decode()
    assert "<img src=x" not in html
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html


def test_a_member_sees_only_their_own_card(client, member_user, tree, people):
    client.force_login(member_user)
    own = client.get(reverse("scoring:points-card", args=[member_user.member_file.pk]))
    other = client.get(reverse("scoring:points-card", args=[people[0].pk]))
    assert (own.status_code, other.status_code) == (200, 404)
    assert client.get(reverse("scoring:points-card-pdf", args=[people[0].pk])).status_code == 404


def test_my_card_is_the_members_own_card(client, member_user, secretary, tree):
    me = member_user.member_file
    patrol(tree, [me], secretary)
    client.force_login(member_user)
    response = client.get(reverse("scoring:my-card"))
    assert response.status_code == 200  # the page itself, no redirect
    own = client.get(reverse("scoring:points-card", args=[me.pk]))
    assert response.context["member"] == me
    assert response.context["card"].total == own.context["card"].total
    assert page_main(response) == page_main(own)  # the same page, the same links
    client.force_login(secretary)  # no member file
    assert client.get(reverse("scoring:my-card")).status_code == 404


def test_the_card_prints_as_a_pdf_with_the_members_name(
    client, member_user, secretary, tree, tmp_path
):
    patrol(tree, [member_user.member_file], secretary)
    client.force_login(member_user)
    response = client.get(
        reverse("scoring:points-card-pdf", args=[member_user.member_file.pk]), {"year": 2026}
    )
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "王建国" in text
    assert "秦望村" in text
    assert "夜间治安巡逻" in text


# --- monthly tallies ----------------------------------------------------------------------


def tally_url(name, unit, month=MARCH):
    return reverse(name, args=[unit.pk, month.year, month.month])


def test_publishing_freezes_the_month_and_a_later_correction_shows_in_the_next_month(
    client, secretary, tree, people
):
    patrol(tree, people, secretary)
    client.force_login(secretary)
    client.post(tally_url("scoring:tally-publish", tree.branch))
    published = client.get(tally_url("scoring:tally", tree.branch))
    assert published.context["tally"].is_published
    before = [(r.name, r.points) for r in published.context["tally"].rows]

    entry = PointsEntry.objects.get(member=people[0])
    client.post(
        reverse("scoring:entry-correct", args=[entry.pk]),
        {"right_points": "0", "reason": "实际未到场"},
    )

    march = client.get(tally_url("scoring:tally", tree.branch)).context["tally"]
    assert [(r.name, r.points) for r in march.rows] == before
    assert march.total == Decimal("6")
    assert MonthlyTally.objects.get().total_points == Decimal("6")
    april = client.get(tally_url("scoring:tally", tree.branch, dt.date(2026, 4, 1)))
    assert not april.context["tally"].is_published
    row = next(r for r in april.context["tally"].rows if r.name == "张伟")
    assert (row.points, row.corrections, row.year_to_date) == (
        Decimal("-2"),
        Decimal("-2"),
        Decimal("0"),
    )
    page = april.content.decode()
    assert "实际未到场" in page
    assert 'id="tally-corrections"' in page
    assert "Not yet published" in page


def test_a_month_cannot_be_published_twice_and_the_error_is_shown(client, secretary, tree):
    client.force_login(secretary)
    client.post(tally_url("scoring:tally-publish", tree.branch))
    response = client.post(tally_url("scoring:tally-publish", tree.branch), follow=True)
    assert MonthlyTally.objects.count() == 1
    assert "already published" in response.content.decode()


def test_only_the_secretary_publishes(client, town_organiser, tree):
    client.force_login(town_organiser)
    assert client.post(tally_url("scoring:tally-publish", tree.branch)).status_code == 403
    assert client.get(tally_url("scoring:tally-publish", tree.branch)).status_code == 405
    assert not MonthlyTally.objects.exists()


def test_the_tally_list_shows_each_month_with_its_status_and_a_chart(
    client, secretary, tree, people
):
    patrol(tree, people, secretary)
    services.publish_tally(branch=tree.branch, month=MARCH, by=secretary)
    client.force_login(secretary)
    response = client.get(reverse("scoring:tally-list", args=[tree.branch.pk]), {"year": 2026})
    months = response.context["months"]
    assert len(months) == 12
    assert [m.month.month for m in months if m.is_published] == [3]
    assert months[2].total == Decimal("6")
    assert "<svg" in response.content.decode()


def test_the_public_tally_shows_published_months_only_and_no_phones(
    client, secretary, tree, people
):
    patrol(tree, people, secretary, held_on=dt.date(2026, 2, 3))
    patrol(tree, people[:1], secretary, held_on=MARCH)
    services.publish_tally(branch=tree.branch, month=dt.date(2026, 2, 1), by=secretary)
    response = client.get(reverse("scoring:public-tally", args=[tree.branch.pk]))
    assert response.status_code == 200
    assert [t.month for t in response.context["tallies"]] == [dt.date(2026, 2, 1)]
    page = response.content.decode()
    assert "张伟" in page and "王芳" in page
    assert not any(person.phone in page for person in people)
    # A month that is not published is not shown, even when asked for.
    asked = client.get(reverse("scoring:public-tally", args=[tree.branch.pk]), {"month": "2026-03"})
    assert asked.context["chosen"].month == dt.date(2026, 2, 1)


def test_the_public_tally_of_a_town_is_404(client, tree):
    assert client.get(reverse("scoring:public-tally", args=[tree.town.pk])).status_code == 404


def test_the_town_tally_lists_published_totals_per_branch(
    client, town_organiser, secretary, tree, people
):
    patrol(tree, people, secretary)
    services.publish_tally(branch=tree.branch, month=MARCH, by=secretary)
    client.force_login(town_organiser)
    response = client.get(tally_url("scoring:unit-tally", tree.town))
    rows = {row.unit.name: row for row in response.context["rows"]}
    assert (rows["秦望村"].published, rows["秦望村"].total) == (1, Decimal("6"))
    assert (rows["坡塘村"].published, rows["坡塘村"].total) == (0, Decimal("0"))
    assert (response.context["published"], response.context["branches"]) == (1, 2)


def test_the_district_tally_adds_up_towns(client, district_organiser, secretary, tree, people):
    patrol(tree, people, secretary)
    services.publish_tally(branch=tree.branch, month=MARCH, by=secretary)
    client.force_login(district_organiser)
    rows = client.get(tally_url("scoring:unit-tally", tree.district)).context["rows"]
    assert [(r.unit.name, r.branches, r.published, r.total) for r in rows] == [
        ("鉴湖镇", 2, 1, Decimal("6")),
        ("东浦街道", 1, 0, Decimal("0")),
    ]


def _cells(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[cell for cell in row] for row in sheet.iter_rows()]


def test_excel_exports_never_turn_hostile_names_into_formulas(
    client, district_organiser, secretary, tree
):
    hostile = '=HYPERLINK("http://evil.example","点我")'
    member = MemberFactory(branch=tree.branch, name=hostile[:50])
    patrol(tree, [member], secretary)
    tree.branch.name = "=1+2"
    tree.branch.save()
    services.publish_tally(branch=tree.branch, month=MARCH, by=secretary)
    client.force_login(district_organiser)
    for unit in (tree.branch, tree.district):
        response = client.get(tally_url("scoring:tally-xlsx", unit))
        cells = [cell for row in _cells(response) for cell in row]
        assert all(cell.data_type != "f" for cell in cells)
        texts = [cell.value for cell in cells if isinstance(cell.value, str)]
        assert not any(text.startswith("=") for text in texts)
    branch_rows = _cells(client.get(tally_url("scoring:tally-xlsx", tree.branch)))
    assert branch_rows[1][0].value == "'" + hostile[:50]
    assert branch_rows[1][1].value == 2


def test_the_chart_escapes_a_branch_named_like_a_script(client, town_organiser, tree):
    UnitFactory(
        kind=Unit.Kind.BRANCH, name="<script>alert(1)</script>", code="666", parent=tree.town
    )
    client.force_login(town_organiser)
    page = client.get(tally_url("scoring:unit-tally", tree.town)).content.decode()
    chart = page[page.index("<svg") : page.index("</svg>")]
    assert "<script>" not in page
    assert "&lt;script&gt;" in chart


# --- points rules ----------------------------------------------------------------------------


def test_the_district_organiser_changes_a_rule_from_a_date_and_the_history_keeps_both(
    client, district_organiser, secretary, tree, people
):
    with on_day(dt.date(2026, 2, 3)):
        patrol(tree, people[:1], secretary, held_on=dt.date(2026, 2, 3))  # the default rule
    client.force_login(district_organiser)
    url = reverse("scoring:rules", args=[tree.district.pk])
    with on_day(dt.date(2026, 2, 20)):
        response = client.post(
            url, {"kind": "collective", "points": "2.5", "effective_from": "2026-03-01"}
        )
    assert response.status_code == 302
    response = client.get(url)
    history = [(r.kind, r.points, r.effective_from) for r in response.context["history"]]
    assert history == [
        ("collective", Decimal("2.5"), dt.date(2026, 3, 1)),
        ("collective", Decimal("2"), services.DEFAULT_RULES_FROM),
    ]
    now = {row.kind: row for row in response.context["now"]}
    assert now["collective"].rule.points == Decimal("2.5")
    assert now["individual"].default_points == Decimal("3")
    assert district_organiser.username in response.content.decode()
    patrol(tree, people[:1], secretary, held_on=MARCH)
    assert PointsEntry.objects.get(occurred_on=MARCH).points == Decimal("2.5")


def test_a_town_organiser_reads_the_rules_but_cannot_change_them(client, town_organiser, tree):
    client.force_login(town_organiser)
    url = reverse("scoring:rules", args=[tree.district.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"kind": "collective", "points": "9", "effective_from": "2026-03-01"}
    )
    assert response.status_code == 403
    assert not PointsRule.objects.exists()


def test_the_rules_of_a_town_are_404(client, district_organiser, tree):
    client.force_login(district_organiser)
    assert client.get(reverse("scoring:rules", args=[tree.town.pk])).status_code == 404


# --- pledge fulfilment ----------------------------------------------------------------------


def test_pledge_fulfilment_lists_the_members_activities_per_pledged_item(
    client, member_user, secretary, tree, people
):
    post_type = PostTypeFactory(town=tree.town, name="治安维稳岗")
    patrol_item = DutyItemFactory(post_type=post_type, name="夜间治安巡逻")
    talk_item = DutyItemFactory(post_type=post_type, name="维稳普法宣传")
    post = PostFactory(branch=tree.branch, post_type=post_type, year=2026)
    choice = post_services.apply_for_post(member=member_user.member_file, post=post, by=None)
    post_services.confirm_choice(choice=choice, by=secretary)
    pledge = choice.pledge
    post_services.write_pledge(
        pledge=pledge,
        lines=[
            post_services.PledgeLine(patrol_item, "每周巡逻一次"),
            post_services.PledgeLine(talk_item, "每季度宣讲一次"),
        ],
        based_on=0,
        by=member_user,
    )
    me = member_user.member_file
    done = patrol(tree, [me], secretary)
    done.duty_items.set([patrol_item])
    other = patrol(tree, people[:1], secretary, title="别人巡逻")
    other.duty_items.set([patrol_item])
    client.force_login(member_user)
    response = client.get(reverse("scoring:pledge-fulfilment", args=[pledge.pk]))
    items = {row.item.duty_item.name: row.activities for row in response.context["items"]}
    assert items == {"夜间治安巡逻": [done], "维稳普法宣传": []}
    detail = client.get(reverse("posts:pledge-detail", args=[pledge.pk])).content.decode()
    assert reverse("scoring:pledge-fulfilment", args=[pledge.pk]) in detail


# --- constant queries -----------------------------------------------------------------------


def _busy_branch(tree, secretary, size):
    members = [MemberFactory(branch=tree.branch) for _ in range(size)]
    for day in range(1, size + 1):
        activity = patrol(tree, members, secretary, held_on=dt.date(2026, 3, day))
        services.correct_entry(
            entry=PointsEntry.objects.filter(attendance__activity=activity).first(),
            right_points=Decimal("1"),
            reason="半程",
            by=secretary,
        )
    return members


@pytest.mark.parametrize("size", [2, 6])
def test_the_activity_list_makes_the_same_number_of_queries_whatever_its_length(
    client, secretary, tree, django_assert_num_queries, size
):
    _busy_branch(tree, secretary, size)
    client.force_login(secretary)
    url = reverse("scoring:activity-list", args=[tree.branch.pk])
    client.get(url)
    with django_assert_num_queries(QUERIES_ON_ACTIVITY_LIST):
        response = client.get(url)
    assert len(response.context["page"]) == size


# session, user, unit, roles, count, activities, their items, the menu's one statement
QUERIES_ON_ACTIVITY_LIST = 8


@pytest.mark.parametrize("size", [2, 6])
def test_the_card_makes_the_same_number_of_queries_whatever_its_length(
    client, secretary, tree, django_assert_num_queries, size
):
    members = _busy_branch(tree, secretary, size)
    client.force_login(secretary)
    url = reverse("scoring:points-card", args=[members[0].pk]) + "?month=2026-03"
    client.get(url)
    with django_assert_num_queries(QUERIES_ON_CARD):
        response = client.get(url)
    assert len(response.context["card"].month.entries) >= size


# session, user, member, roles, the year's monthly figures, the month's entries with their
# later corrections, the menu's unread count and own file
QUERIES_ON_CARD = 7


def test_a_member_reading_their_own_card_reads_their_file_once(
    client, member_user, django_assert_num_queries
):
    # The menu's "my file" links come with the menu's one statement: no second read of the
    # member's file, and no more queries than the secretary's reading.
    client.force_login(member_user)
    url = reverse("scoring:points-card", args=[member_user.member_file.pk])
    client.get(url)
    with django_assert_num_queries(QUERIES_ON_CARD):
        response = client.get(url)
    assert reverse("scoring:my-card") in response.content.decode()


@pytest.mark.parametrize("published", [False, True])
@pytest.mark.parametrize("size", [2, 6])
def test_the_tally_makes_the_same_number_of_queries_whatever_its_length(
    client, secretary, tree, django_assert_num_queries, size, published
):
    _busy_branch(tree, secretary, size)
    if published:
        services.publish_tally(branch=tree.branch, month=MARCH, by=secretary)
    client.force_login(secretary)
    url = tally_url("scoring:tally", tree.branch)
    client.get(url)
    with django_assert_num_queries(QUERIES_ON_TALLY[published]):
        response = client.get(url)
    assert len(response.context["tally"].rows) == size


# session, user, unit, roles, tally, lines or (month, year to date, names), corrections,
# late entries, the menu's one statement (unread count, own file)
QUERIES_ON_TALLY = {True: 9, False: 11}


@pytest.mark.parametrize("size", [2, 6])
def test_the_unit_tally_makes_the_same_number_of_queries_whatever_its_size(
    client, district_organiser, secretary, tree, django_assert_num_queries, size
):
    for n in range(size):
        town = UnitFactory(kind=Unit.Kind.TOWN, name=f"镇{n}", code=f"T{n}", parent=tree.district)
        for m in range(2):
            branch = UnitFactory(kind=Unit.Kind.BRANCH, code=f"B{m}", parent=town)
            services.publish_tally(branch=branch, month=MARCH, by=secretary)
    client.force_login(district_organiser)
    url = tally_url("scoring:unit-tally", tree.district)
    client.get(url)
    with django_assert_num_queries(QUERIES_ON_UNIT_TALLY):
        response = client.get(url)
    assert response.context["published"] == 2 * size


# session, user, unit, roles, towns, branch paths, tallies, the menu's one statement (a
# district has no units above it to ask for) and, for an organiser, the branches that
# have not published, with their towns
QUERIES_ON_UNIT_TALLY = 9
