"""The points card on screen, one month at a time: the year's figures month by month (one
aggregate), the entries of the month asked for in ?month=YYYY-MM or of the default month,
links between months; the printed card stays a whole year."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Count, Sum
from django.urls import reverse

from scoring import queries, services
from scoring.models import ActivityKind, PointsEntry
from tests.factories import MemberFactory
from tests.pdf import pdf_text
from tests.scoring.activities import on_day, patrol


def card_url(member) -> str:
    return reverse("scoring:points-card", args=[member.pk])


def page_main(response) -> str:
    """The page's <main> (the menu around it names the address asked for)."""
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def service(tree, member, by, *, held_on, hours="2", title="家电维修"):
    return services.record_activity(
        branch=tree.branch,
        kind=ActivityKind.INDIVIDUAL,
        title=title,
        held_on=held_on,
        members=[member],
        by=by,
        hours=Decimal(hours),
    )


@pytest.fixture
def me(member_user):
    return member_user.member_file


@pytest.fixture
def busy_year(tree, secretary, me):
    """Entries in February, March and May 2026 (each month's title names it), a
    correction in March of a February entry and a withdrawn service in May."""
    patrol(tree, [me], secretary, held_on=dt.date(2026, 2, 3), title="二月巡逻")
    patrol(tree, [me], secretary, held_on=dt.date(2026, 3, 12), title="三月巡逻")
    service(tree, me, secretary, held_on=dt.date(2026, 3, 20), hours="1.5", title="三月维修")
    services.publish_tally(branch=tree.branch, month=dt.date(2026, 2, 1), by=secretary)
    services.correct_entry(
        entry=PointsEntry.objects.get(occurred_on=dt.date(2026, 2, 3)),
        right_points=Decimal("1"),
        reason="中途离开",
        by=secretary,
    )
    withdrawn = service(tree, me, secretary, held_on=dt.date(2026, 5, 6), hours="3", title="五月")
    services.correct_entry(
        entry=PointsEntry.objects.get(attendance__activity=withdrawn),
        right_points=Decimal("0"),
        reason="重复登记",
        by=secretary,
    )
    service(tree, me, secretary, held_on=dt.date(2026, 5, 9), hours="2", title="五月维修")


# --- which month ------------------------------------------------------------------------------


def test_month_shows_the_entries_of_that_month_only(client, member_user, me, busy_year):
    client.force_login(member_user)
    response = client.get(card_url(me), {"month": "2026-03"})
    assert response.status_code == 200
    card = response.context["card"]
    assert (card.year, card.month.month) == (2026, dt.date(2026, 3, 1))
    html = response.content.decode()
    assert "三月巡逻" in html and "三月维修" in html
    assert "五月维修" not in html
    entries = card.month.entries
    assert {entry.month for entry in entries} == {dt.date(2026, 3, 1)}
    assert [e.activity_title for e in entries if not e.is_correction] == ["三月巡逻", "三月维修"]
    # The March correction of February's entry shows what it corrects.
    (correction,) = [e for e in entries if e.is_correction]
    assert correction.corrected_month == dt.date(2026, 2, 1)
    assert "中途离开" in html
    # February's entry, asked for, names its later correction.
    february = client.get(card_url(me), {"month": "2026-2"}).context["card"].month
    (original,) = february.entries
    assert [(c.points, c.month) for c in original.later_corrections] == [
        (Decimal("-1"), dt.date(2026, 3, 1))
    ]


def test_a_month_of_another_year_opens_that_year(client, member_user, me, tree, secretary):
    patrol(tree, [me], secretary, held_on=dt.date(2025, 7, 1), title="去年七月")
    client.force_login(member_user)
    response = client.get(card_url(me), {"month": "2025-07"})
    card = response.context["card"]
    assert (card.year, card.month.month, card.total) == (2025, dt.date(2025, 7, 1), Decimal("2"))
    assert "去年七月" in response.content.decode()


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2026, 3, 25), dt.date(2026, 3, 1)),  # this month has entries
        (dt.date(2026, 4, 2), dt.date(2026, 3, 1)),  # this month has none yet: the latest
        (dt.date(2026, 6, 10), dt.date(2026, 5, 1)),
    ],
)
def test_the_card_opens_on_this_month_or_the_latest_with_entries(
    client, member_user, me, tree, secretary, today, expected
):
    with on_day(dt.date(2026, 3, 25)):
        patrol(tree, [me], secretary, held_on=dt.date(2026, 2, 3))
        patrol(tree, [me], secretary, held_on=dt.date(2026, 3, 12))
    if today.month == 6:
        with on_day(dt.date(2026, 5, 20)):
            patrol(tree, [me], secretary, held_on=dt.date(2026, 5, 12))
    client.force_login(member_user)
    with on_day(today):
        card = client.get(card_url(me)).context["card"]
    assert card.month.month == expected


def test_a_card_without_entries_opens_on_this_month_a_past_year_on_december(
    client, member_user, me, tree, secretary
):
    client.force_login(member_user)
    with on_day(dt.date(2026, 8, 8)):
        assert client.get(card_url(me)).context["card"].month.month == dt.date(2026, 8, 1)
        past = client.get(card_url(me), {"year": 2024}).context["card"]
        future = client.get(card_url(me), {"year": 2027}).context["card"]
        patrol(tree, [me], secretary, held_on=dt.date(2025, 4, 4))
        last_year = client.get(card_url(me), {"year": 2025}).context["card"]
    assert past.month.month == dt.date(2024, 12, 1)
    assert future.month.month == dt.date(2027, 1, 1)
    assert last_year.month.month == dt.date(2025, 4, 1)  # December empty: the latest month


@pytest.mark.parametrize(
    "asked", ["2026-13", "2026-00", "march", "2026-03-01", "1999-12", "９９９９-０１", "", "2026-"]
)
def test_a_month_that_is_no_month_falls_back_to_the_default_and_says_so(
    client, member_user, me, busy_year, asked
):
    client.force_login(member_user)
    with on_day(dt.date(2026, 3, 25)):
        response = client.get(card_url(me), {"month": asked})
    assert response.status_code == 200
    card = response.context["card"]
    assert card.month.month == dt.date(2026, 3, 1)
    html = response.content.decode()
    if asked:
        assert 'id="card-month-refused"' in html
        assert "is not a month of this card" in html
    else:
        assert 'id="card-month-refused"' not in html


def test_a_month_outside_the_year_asked_for_falls_back_to_that_year(
    client, member_user, me, busy_year
):
    client.force_login(member_user)
    response = client.get(card_url(me), {"year": 2026, "month": "2025-05"})
    assert response.status_code == 200
    card = response.context["card"]
    assert card.year == 2026 and card.month.month.year == 2026
    assert 'id="card-month-refused"' in response.content.decode()
    # The same year in both is no conflict.
    agreed = client.get(card_url(me), {"year": 2026, "month": "2026-05"})
    assert agreed.context["card"].month.month == dt.date(2026, 5, 1)
    assert 'id="card-month-refused"' not in agreed.content.decode()


def test_a_hostile_month_parameter_comes_back_as_text(client, member_user, me):
    client.force_login(member_user)
    html = client.get(card_url(me), {"month": "<b>x</b>"}).content.decode()
    assert "<b>x</b>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html


# --- figures ----------------------------------------------------------------------------------


def test_the_monthly_figures_are_the_ledgers_and_the_full_cards(me, busy_year, tree, secretary):
    # A correction counted next year of a December entry does not count in this year.
    patrol(tree, [me], secretary, held_on=dt.date(2026, 12, 1), title="十二月")
    services.publish_tally(branch=tree.branch, month=dt.date(2026, 12, 1), by=secretary)
    services.correct_entry(
        entry=PointsEntry.objects.get(occurred_on=dt.date(2026, 12, 1)),
        right_points=Decimal("0"),
        reason="x",
        by=secretary,
    )
    card = queries.month_card(me, 2026, dt.date(2026, 5, 1))
    full = queries.points_card(me, 2026)
    ledger = {
        row["month"]: (row["total"], row["entries"])
        for row in PointsEntry.objects.filter(member=me, month__year=2026)
        .values("month")
        .annotate(total=Sum("points"), entries=Count("id"))
    }
    for shown, month in zip(card.figures, full.months, strict=True):
        assert shown.month == month.month
        assert (shown.total, shown.entries, shown.hours) == (
            month.total,
            len(month.entries),
            month.hours,
        )
        assert (shown.total, shown.entries) == ledger.get(shown.month, (Decimal("0"), 0))
    assert (card.total, card.hours) == (full.total, full.hours)
    # The withdrawn May service counts no hours: 1.5 in March, 2 in May.
    assert [f.hours for f in card.figures[2:5]] == [Decimal("1.5"), Decimal("0"), Decimal("2")]
    assert card.hours == Decimal("3.5")
    # The shown month's own totals are its figure.
    may = card.figures[4]
    assert (card.month.total, len(card.month.entries), card.month.hours) == (
        may.total,
        may.entries,
        may.hours,
    )


def test_the_page_shows_the_year_and_each_months_figures(client, member_user, me, busy_year):
    client.force_login(member_user)
    html = client.get(card_url(me), {"month": "2026-03"}).content.decode()
    assert 'id="year-total">9<' in html  # 2 in February, 2 + 3 - 1 in March, 3 - 3 + 3 in May
    assert 'id="year-hours">3.5<' in html
    figures = html.split('id="card-year-months"', 1)[1].split("</nav>", 1)[0]
    assert figures.count("data-month-figure>") == 12
    assert 'data-month="2026-03" title="March 2026" aria-current="page"' in figures
    assert "data-month-figure>4<" in figures  # March
    assert "data-month-figure>—<" in figures  # a month with no entries


def test_an_empty_month_says_so(client, member_user, me, busy_year):
    client.force_login(member_user)
    html = client.get(card_url(me), {"month": "2026-04"}).content.decode()
    assert 'id="card-month-empty"' in html


# --- links ------------------------------------------------------------------------------------


def test_every_month_is_a_link_and_the_neighbours_cross_the_year(client, member_user, me):
    client.force_login(member_user)
    january = client.get(card_url(me), {"month": "2026-01"}).content.decode()
    for month in range(1, 13):
        assert f'href="?month=2026-{month:02d}"' in january
    assert 'href="?month=2025-12" rel="prev"' in january
    assert 'href="?month=2026-02" rel="next"' in january
    december = client.get(card_url(me), {"month": "2026-12"}).content.decode()
    assert 'href="?month=2027-01" rel="next"' in december
    assert 'href="?year=2025"' in december and 'href="?year=2027"' in december
    # The printed card is the whole year's.
    pdf = reverse("scoring:points-card-pdf", args=[me.pk])
    assert f'href="{pdf}?year=2026"' in december


def test_the_printed_card_still_lists_the_whole_year(client, member_user, me, busy_year):
    client.force_login(member_user)
    response = client.get(reverse("scoring:points-card-pdf", args=[me.pk]), {"year": 2026})
    text = pdf_text(response.content)
    for title in ("二月巡逻", "三月巡逻", "五月维修"):
        assert title in text


def test_an_activity_links_each_attendees_card_at_its_month(client, secretary, me, tree):
    activity = patrol(tree, [me], secretary, held_on=dt.date(2026, 3, 12))
    client.force_login(secretary)
    html = client.get(reverse("scoring:activity-detail", args=[activity.pk])).content.decode()
    assert f'href="{card_url(me)}?month=2026-03"' in html


def test_the_secretary_reads_a_members_month_with_their_links(
    client, secretary, me, tree, busy_year
):
    client.force_login(secretary)
    response = client.get(card_url(me), {"month": "2026-03"})
    html = response.content.decode()
    entry = PointsEntry.objects.get(occurred_on=dt.date(2026, 3, 12))
    assert reverse("scoring:entry-correct", args=[entry.pk]) in html
    assert reverse("scoring:activity-detail", args=[entry.attendance.activity_id]) in html
    # Scope holds for every month: a member of another branch's card is not theirs.
    stranger = MemberFactory(branch=tree.other_branch)
    assert client.get(card_url(stranger), {"month": "2026-03"}).status_code == 404


def test_a_member_reads_no_one_elses_month(client, member_user, member):
    client.force_login(member_user)
    assert client.get(card_url(member), {"month": "2026-03"}).status_code == 404


# --- queries ----------------------------------------------------------------------------------


def test_the_card_pages_statements_read_what_their_querysets_read(me, busy_year):
    # Corrections across months, a withdrawn service, hours and none: the written-out
    # statements give the rows of the querysets they stand for.
    for year in (2026, 2027):
        assert queries._card_year_rows(me, year) == sorted(queries._card_year_queryset(me, year))
        for month in queries.year_months(year):
            assert queries._card_month_rows(me, month) == list(
                queries._card_month_queryset(me, month)
            )
    assert any(queries._card_year_rows(me, 2026))


@pytest.mark.parametrize("months", [1, 6])
def test_the_card_page_reads_the_same_queries_however_many_months_have_entries(
    client, member_user, me, tree, secretary, django_assert_num_queries, months
):
    for month in range(1, months + 1):
        for day in (3, 10, 17):
            service(tree, me, secretary, held_on=dt.date(2026, month, day))
    client.force_login(member_user)
    url = card_url(me) + "?month=2026-01"
    client.get(url)
    # session, user, member, roles, the year's figures, the month's entries, the menu
    with django_assert_num_queries(7):
        response = client.get(url)
    assert len(response.context["card"].month.entries) == 3
    # The member's own card from the menu: the same page, in as many queries.
    with django_assert_num_queries(7):
        response = client.get(reverse("scoring:my-card"), {"month": "2026-01"})
    assert len(response.context["card"].month.entries) == 3


def test_my_card_shows_the_month_asked_for(client, member_user, me, busy_year):
    client.force_login(member_user)
    response = client.get(reverse("scoring:my-card"), {"month": "2026-03", "other": "x"})
    assert response.status_code == 200
    assert response.context["member"] == me
    assert response.context["card"].month.month == dt.date(2026, 3, 1)
    own = client.get(card_url(me), {"month": "2026-03"})
    assert page_main(response) == page_main(own)  # the same page, the same links
    assert 'href="?month=2026-03"' in response.content.decode()
    by_year = client.get(reverse("scoring:my-card"), {"year": 2025})
    assert (by_year.status_code, by_year.context["year"]) == (200, 2025)
