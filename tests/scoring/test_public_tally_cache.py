"""A published month's public tally is rendered once and then served from the cache: its
figures are frozen, so the cached copy can never be stale."""

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scoring import services
from tests.factories import MemberFactory
from tests.scoring.activities import patrol

FEBRUARY = dt.date(2026, 2, 1)
MARCH = dt.date(2026, 3, 1)


@pytest.fixture
def published(tree, secretary):
    people = [MemberFactory(branch=tree.branch, name=name) for name in ("张伟", "李娜")]
    patrol(tree, people, secretary, held_on=dt.date(2026, 2, 3))
    patrol(tree, people[:1], secretary, held_on=dt.date(2026, 3, 4))
    services.publish_tally(branch=tree.branch, month=FEBRUARY, by=secretary)
    services.publish_tally(branch=tree.branch, month=MARCH, by=secretary)
    return tree.branch


def _lines_read(client, branch, **params) -> tuple[str, bool]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("scoring:public-tally", args=[branch.pk]), params)
    assert response.status_code == 200
    read = any("scoring_tallyline" in q["sql"] for q in queries.captured_queries)
    return response.content.decode(), read


def test_the_second_visit_does_not_read_the_lines_again(client, published):
    first, read_first = _lines_read(client, published)
    second, read_second = _lines_read(client, published)
    assert read_first and not read_second
    assert "张伟" in second
    assert _table(first) == _table(second)


def _table(page: str) -> str:
    return page[page.index('id="tally-lines"') : page.index("</table>")]


def test_each_month_is_cached_apart(client, published):
    _lines_read(client, published)  # March, the latest, now cached
    february, read = _lines_read(client, published, month="2026-02")
    assert read
    assert "李娜" in february


def test_each_language_is_cached_apart(client, published):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese, _read = _lines_read(client, published)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english, read = _lines_read(client, published)
    assert read, "the English page reused the Chinese copy"
    assert "Year to date" in english and "Year to date" not in chinese
