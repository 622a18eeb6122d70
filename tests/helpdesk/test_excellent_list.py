"""The excellent-volunteer list (优秀党员义工): the district's choice between "at least"
and "more than" the favourable share (the case report's 满意票超过80% against the design
brief's "at least 80 %"), a page at a time with its filters, and the whole list in
Excel."""

import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from helpdesk import queries, services, views_reports
from helpdesk.models import ExcellenceRule, VolunteerYear
from tests.helpdesk.objects import make_volunteer


@pytest.fixture(autouse=True)
def _pages_in_english(client):
    """The pages are matched in English, the source language (the catalogue changes)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


YEAR = timezone.localdate().year
AT_LEAST = ExcellenceRule.Comparison.AT_LEAST
MORE_THAN = ExcellenceRule.Comparison.MORE_THAN


def _figures(profile, *, hours="400", votes=10, favourable=10) -> VolunteerYear:
    return VolunteerYear.objects.create(
        profile=profile,
        year=YEAR,
        hours=Decimal(hours),
        services=0,
        votes=votes,
        favourable=favourable,
    )


def _set_rule(tree, comparison, by=None) -> ExcellenceRule:
    return services.set_excellence_rule(
        district=tree.district,
        year=YEAR,
        min_hours=Decimal("300"),
        min_services=100,
        min_favourable_percent=80,
        favourable_comparison=comparison,
        by=by,
    )


def _names(tree) -> set[str]:
    rule = services.excellence_rule(tree.district, YEAR)
    return {row.profile.member.name for row in queries.excellent_volunteers(tree.town, YEAR, rule)}


# --- at least or more than -------------------------------------------------------------------


def test_without_a_rule_the_share_is_a_minimum(tree):
    assert services.excellence_rule(tree.district, YEAR).favourable_comparison == AT_LEAST


@pytest.mark.parametrize(
    "comparison, votes, favourable, excellent",
    [
        (AT_LEAST, 10, 8, True),  # exactly 80 %: enough
        (AT_LEAST, 1000, 799, False),  # 79.9 %
        (MORE_THAN, 10, 8, False),  # exactly 80 % is not more than 80 %
        (MORE_THAN, 1000, 801, True),  # 80.1 %
        (MORE_THAN, 5, 5, True),
        (MORE_THAN, 0, 0, False),  # no votes: no satisfaction to speak of
    ],
)
def test_the_share_is_compared_as_the_district_says_at_its_boundary(
    tree, volunteers, comparison, votes, favourable, excellent
):
    _set_rule(tree, comparison)
    _figures(volunteers[0], votes=votes, favourable=favourable)
    assert (_names(tree) == {"章立新"}) is excellent
    rule = services.excellence_rule(tree.district, YEAR)
    assert (
        rule.qualifies(hours=Decimal("400"), services=0, votes=votes, favourable=favourable)
        is excellent
    )


def test_setting_the_figures_alone_keeps_the_comparison(tree, district_organiser):
    _set_rule(tree, MORE_THAN)
    services.set_excellence_rule(
        district=tree.district,
        year=YEAR,
        min_hours=Decimal("200"),
        min_services=50,
        min_favourable_percent=90,
        by=district_organiser,
    )
    rule = services.excellence_rule(tree.district, YEAR)
    assert (rule.min_favourable_percent, rule.favourable_comparison) == (90, MORE_THAN)


def test_an_unknown_comparison_is_refused_and_changes_nothing(tree):
    _set_rule(tree, MORE_THAN)
    with pytest.raises(services.HelpdeskError):
        _set_rule(tree, "roughly")
    assert services.excellence_rule(tree.district, YEAR).favourable_comparison == MORE_THAN


def test_the_district_organiser_chooses_more_than_and_a_town_organiser_reads_it(
    english_client, district_organiser, town_organiser, tree
):
    english_client.force_login(district_organiser)
    url = reverse("helpdesk:excellence-rule", args=[tree.district.pk, YEAR])
    english_client.post(
        url,
        {
            "min_hours": "300",
            "min_services": "100",
            "min_favourable_percent": "80",
            "favourable_comparison": "more_than",
        },
    )
    assert services.excellence_rule(tree.district, YEAR).favourable_comparison == MORE_THAN
    english_client.force_login(town_organiser)
    assert 'id="rule-share">more than 80<' in english_client.get(url).content.decode()


@pytest.mark.parametrize(
    "comparison, wording",
    [(AT_LEAST, "and at least 80 % favourable"), (MORE_THAN, "and more than 80 % favourable")],
)
def test_the_list_shows_the_rule_with_its_comparison(
    english_client, district_organiser, tree, comparison, wording
):
    _set_rule(tree, comparison)
    english_client.force_login(district_organiser)
    page = english_client.get(reverse("helpdesk:excellent", args=[tree.district.pk, YEAR]))
    assert wording in page.content.decode()


# --- pages, filters, Excel -------------------------------------------------------------------


@pytest.fixture
def few_per_page(monkeypatch):
    monkeypatch.setattr(views_reports, "EXCELLENT_PER_PAGE", 3)


def _excellent_volunteers(tree, count: int, *, branch=None, prefix="优秀") -> list:
    """`count` excellent volunteers, the first with the most hours."""
    profiles = []
    for i in range(count):
        profile = make_volunteer(branch or tree.branch, None, f"{prefix}{i:02d}")
        _figures(profile, hours=str(900 - i))
        profiles.append(profile)
    return profiles


def _url(tree, unit=None, **query) -> str:
    url = reverse("helpdesk:excellent", args=[(unit or tree.district).pk, YEAR])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_list_is_shown_a_page_at_a_time(client, district_organiser, tree, few_per_page):
    _excellent_volunteers(tree, 7)
    client.force_login(district_organiser)
    first = client.get(_url(tree))
    assert [row.profile.member.name for row in first.context["page"]] == [
        "优秀00",
        "优秀01",
        "优秀02",
    ]
    last = client.get(_url(tree, page=3))
    assert [row.profile.member.name for row in last.context["page"]] == ["优秀06"]
    assert first.context["page"].paginator.count == 7


def test_page_links_keep_the_filters(client, district_organiser, tree, few_per_page):
    _excellent_volunteers(tree, 5)
    _excellent_volunteers(tree, 2, branch=tree.other_branch, prefix="东浦")
    client.force_login(district_organiser)
    response = client.get(_url(tree, town=tree.town.pk, q="优秀"))
    assert response.context["page"].paginator.count == 5
    content = response.content.decode()
    assert f"?town={tree.town.pk}&amp;q=%E4%BC%98%E7%A7%80&amp;page=2" in content
    assert f"?town={tree.town.pk}&amp;q=%E4%BC%98%E7%A7%80" in content  # the Excel link
    second = client.get(_url(tree, town=tree.town.pk, q="优秀", page=2))
    assert [row.profile.member.name for row in second.context["page"]] == ["优秀03", "优秀04"]


def test_a_search_by_number_finds_one_volunteer(client, district_organiser, tree):
    profiles = _excellent_volunteers(tree, 3)
    client.force_login(district_organiser)
    response = client.get(_url(tree, q=profiles[1].number))
    assert [row.profile_id for row in response.context["page"]] == [profiles[1].pk]


def test_a_town_narrows_its_list_to_a_village(client, town_organiser, tree):
    _excellent_volunteers(tree, 2)
    _excellent_volunteers(tree, 1, branch=tree.neighbour_branch, prefix="坡塘")
    client.force_login(town_organiser)
    response = client.get(_url(tree, unit=tree.town, branch=tree.neighbour_branch.pk))
    assert [row.profile.member.name for row in response.context["page"]] == ["坡塘00"]


def test_the_excel_file_holds_the_whole_list_not_one_page(
    client, district_organiser, tree, few_per_page
):
    _excellent_volunteers(tree, 7)
    client.force_login(district_organiser)
    url = reverse("helpdesk:excellent-xlsx", args=[tree.district.pk, YEAR])
    sheet = load_workbook(io.BytesIO(client.get(url).content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[1] for row in rows[:-1]] == [f"优秀{i:02d}" for i in range(7)]
    assert rows[-1][:2] == ("Total", 7)  # the totals row


@pytest.mark.parametrize("size", [2, 8])
def test_a_page_of_the_list_makes_the_same_number_of_queries_whatever_the_list_length(
    client, district_organiser, tree, few_per_page, django_assert_num_queries, size
):
    _excellent_volunteers(tree, size)
    client.force_login(district_organiser)
    url = _url(tree, town=tree.town.pk, page=2 if size > 3 else 1)
    client.get(url)
    with django_assert_num_queries(QUERIES_ON_A_PAGE):
        response = client.get(url)
    assert len(response.context["page"]) == min(size, 3)


# session, user, unit, roles, district, rule, the town chosen, the count, the page's rows,
# the towns to choose from, the totals of the whole list, those with too few ratings,
# the menu (unread count, own file)
QUERIES_ON_A_PAGE = 13
