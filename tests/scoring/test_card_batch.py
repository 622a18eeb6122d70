"""A branch's points cards (积分卡) for a year as one PDF: a card per member of the
branch, by name; a large batch runs as a background job and gives the same pages."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jobs import services as jobs
from jobs.models import Job
from scoring import batches, queries
from tests.factories import MemberFactory
from tests.pdf import pdf_text
from tests.scoring.activities import patrol

YEAR = 2026
NAMES = ["刘䶮", "李秀英", "张卫东"]


def pdf_pages(content: bytes) -> list[str]:
    """The text of each page (pdftotext ends every page with a form feed)."""
    return pdf_text(content).split("\f")[:-1]


def pdf_of(response) -> bytes:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


def url(branch, year=YEAR) -> str:
    return reverse("scoring:branch-cards-pdf", args=[branch.pk]) + f"?year={year}"


@pytest.fixture
def members(tree, member_user):
    """王建国 (member_user) and three more members of 秦望村, in the branch's order."""
    for name in NAMES:
        MemberFactory(branch=tree.branch, name=name)
    return list(queries.branch_card_members(tree.branch))


def test_the_batch_is_one_pdf_with_a_card_per_member_by_name(
    client, tree, secretary, members, tmp_path
):
    patrol(tree, members[:2], secretary, title="村道清扫", hours="2")
    MemberFactory(branch=tree.neighbour_branch, name="邻村甲")
    client.force_login(secretary)

    response = client.get(url(tree.branch))

    pages = pdf_pages(pdf_of(response))
    assert len(pages) == len(members) == 4
    for member, page in zip(members, pages, strict=True):  # the branch's order: by name
        assert member.name in page
        assert not any(other.name in page for other in members if other != member)
    assert all("村道清扫" in page for page in pages[:2])
    assert not any("村道清扫" in page for page in pages[2:])  # no entries: an empty card
    assert "邻村甲" not in "".join(pages)
    assert "attachment" not in response["Content-Disposition"]


def test_the_organisers_above_the_branch_print_it_too(client, tree, town_organiser, members):
    client.force_login(town_organiser)
    assert len(pdf_pages(pdf_of(client.get(url(tree.branch))))) == len(members)


def test_the_year_defaults_to_this_year(client, tree, secretary, members):
    client.force_login(secretary)
    response = client.get(reverse("scoring:branch-cards-pdf", args=[tree.branch.pk]))
    pages = pdf_pages(pdf_of(response))
    assert str(dt.date.today().year) in pages[0]


def test_a_secretary_of_another_branch_gets_404(client, tree, neighbour_secretary, members):
    client.force_login(neighbour_secretary)
    assert client.get(url(tree.branch)).status_code == 404
    assert client.post(url(tree.branch)).status_code == 404
    assert not Job.objects.exists()


def test_a_branch_without_members_prints_one_page_saying_so(client, tree, secretary):
    client.force_login(secretary)
    (page,) = pdf_pages(pdf_of(client.get(url(tree.branch))))
    assert "秦望村" in page


def test_the_tally_list_links_to_the_batch(client, tree, secretary):
    client.force_login(secretary)
    page = client.get(reverse("scoring:tally-list", args=[tree.branch.pk]), {"year": YEAR})
    assert f'href="{url(tree.branch)}"' in page.content.decode()


def test_a_large_batch_is_offered_as_a_job_that_gives_the_same_pages(
    client, tree, secretary, members, settings
):
    patrol(tree, members, secretary, title="村道清扫", hours="2")
    patrol(tree, members[1:], secretary, title="理论学习", held_on=dt.date(YEAR, 5, 8), hours="2")
    client.force_login(secretary)
    direct = pdf_pages(pdf_of(client.get(url(tree.branch))))
    settings.JOBS_DIRECT_MAX = 2
    settings.JOBS_CHUNK_SIZE = 3  # four cards in two parts

    offer = client.get(url(tree.branch))

    page = offer.content.decode()
    assert offer["Content-Type"].startswith("text/html")
    assert f'action="{url(tree.branch)}"' in page and 'method="post"' in page
    assert "This batch has 4 documents." in page
    assert not Job.objects.exists()

    response = client.post(url(tree.branch))

    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.status == Job.Status.DONE and job.kind == batches.POINTS_CARDS
    assert job.params["year"] == YEAR and job.total == 2 * len(members)
    assert pdf_pages(pdf_of(client.get(reverse("jobs:file", args=[job.pk])))) == direct


def test_the_job_checks_the_owners_scope_again(tree, secretary):
    job = jobs.start_job(
        owner=secretary,
        kind=batches.POINTS_CARDS,
        label="x",
        params={
            "branch": tree.neighbour_branch.pk,
            "year": YEAR,
            "base_url": "http://testserver/",
            "filename": "x.pdf",
        },
    )
    assert job.status == Job.Status.FAILED and "no longer print" in job.error


def test_the_batch_query_count_does_not_grow_with_the_members(
    client, tree, secretary, members, django_assert_num_queries
):
    patrol(tree, members[:2], secretary, hours="2")
    client.force_login(secretary)
    with CaptureQueriesContext(connection) as two:
        assert len(pdf_pages(pdf_of(client.get(url(tree.branch))))) == 4
    more = [MemberFactory(branch=tree.branch, name=f"新党员{n}") for n in range(6)]
    patrol(tree, members + more, secretary, held_on=dt.date(YEAR, 4, 2), hours="2")
    patrol(tree, more, secretary, held_on=dt.date(YEAR, 6, 9), hours="2")

    with django_assert_num_queries(len(two.captured_queries)):
        response = client.get(url(tree.branch))

    assert len(pdf_pages(pdf_of(response))) == 10
