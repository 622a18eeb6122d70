"""The points card on paper (issue 15, point 7): the certificates' official header, and
the year total printed once, at the end, however many sheets the year takes."""

import datetime as dt
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from scoring import services
from scoring.models import ActivityKind
from tests.pdf import pdf_page_count, pdf_text

YEAR_TOTAL = "全年合计"


def visits(tree, member, by, *, per_month):
    for month in range(1, 12):  # January to November: the suite's today is 3 December
        for day in range(1, per_month + 1):
            services.record_activity(
                branch=tree.branch,
                kind=ActivityKind.INDIVIDUAL,
                title="入户走访困难群众并登记需求",
                held_on=dt.date(2026, month, day),
                members=[member],
                by=by,
                hours=Decimal("2"),
            )


def card_pdf(client, member):
    return client.get(reverse("scoring:points-card-pdf", args=[member.pk]), {"year": 2026})


@pytest.fixture
def busy_year(tree, secretary, member_user):
    """Five visits a month: the card runs over several A5 sheets."""
    visits(tree, member_user.member_file, secretary, per_month=5)
    return member_user.member_file


def test_a_long_year_prints_its_total_once_on_the_last_sheet(client, secretary, busy_year):
    client.force_login(secretary)

    content = card_pdf(client, busy_year).content

    assert pdf_page_count(content) > 1
    sheets = pdf_text(content).split("\f")
    assert pdf_text(content).count(YEAR_TOTAL) == 1
    assert YEAR_TOTAL in [sheet for sheet in sheets if sheet.strip()][-1]
    assert "110" in sheets[-2] or "110" in sheets[-1]  # 55 visits of 2 hours


def test_the_card_is_headed_like_the_certificates_with_town_and_branch(client, tree, member_user):
    client.force_login(member_user)

    first_sheet = pdf_text(card_pdf(client, member_user.member_file).content).split("\f")[0]

    assert "鉴湖镇 · 秦望村" in first_sheet
    assert first_sheet.index("鉴湖镇 · 秦望村") < first_sheet.index("服务积分卡")


def test_the_card_is_named_in_chinese_in_the_chinese_ui(client, member_user):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    client.force_login(member_user)

    response = card_pdf(client, member_user.member_file)

    disposition = response["Content-Disposition"]
    assert unquote(disposition.split("filename*=UTF-8''", 1)[1]) == "王建国-2026-服务积分卡.pdf"


def test_the_branch_batch_of_cards_is_named_for_the_branch(client, tree, secretary, member_user):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    client.force_login(secretary)

    response = client.get(
        reverse("scoring:branch-cards-pdf", args=[tree.branch.pk]), {"year": 2026}
    )

    disposition = response["Content-Disposition"]
    with translation.override("zh-hans"):
        expected = gettext("Points cards %(branch)s %(year)s.pdf") % {
            "branch": "秦望村",
            "year": 2026,
        }
    assert unquote(disposition.split("filename*=UTF-8''", 1)[1]) == expected
    assert 'filename="Points cards 2026.pdf"' in disposition
