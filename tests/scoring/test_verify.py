"""The QR codes on the points card and the result notice, and the public pages they open."""

import datetime as dt
import shutil
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import resolve, reverse
from django.utils import translation
from django.utils.translation import gettext

from scoring import documents, queries, services, views, views_evaluation
from scoring import evaluation as ev
from scoring.models import ActivityKind, Evaluation, PointsEntry
from tests.factories import ChoiceFactory, MemberFactory, PostFactory
from tests.test_pdf import poppler

YEAR = 2026
needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="needs poppler-utils")


def serve(tree, member, by, *, hours="2", held_on=dt.date(YEAR, 3, 12)):
    """A 2-hour repair service: 3 points (the default for an individual service)."""
    return services.record_activity(
        branch=tree.branch,
        kind=ActivityKind.INDIVIDUAL,
        title="家电维修",
        held_on=held_on,
        members=[member],
        by=by,
        hours=Decimal(hours),
    )


class Spy:
    """Wraps a module's render_pdf: records the template and context, still renders."""

    def __init__(self, render):
        self.render = render
        self.calls = []

    def __call__(self, template, context):
        self.calls.append((template, context))
        return self.render(template, context)


@pytest.fixture
def card_spy(monkeypatch):
    spy = Spy(views.render_pdf)
    monkeypatch.setattr(views, "render_pdf", spy)
    return spy


@pytest.fixture
def notice_spy(monkeypatch):
    spy = Spy(views_evaluation.render_pdf)
    monkeypatch.setattr(views_evaluation, "render_pdf", spy)
    return spy


def print_card(client, member) -> str:
    response = client.get(reverse("scoring:points-card-pdf", args=[member.pk]), {"year": YEAR})
    assert response["Content-Type"] == "application/pdf"
    return response


def path_of(url: str) -> str:
    return urlsplit(url).path


@pytest.fixture
def me(member_user):
    return member_user.member_file


# --- points card (积分卡) ------------------------------------------------------------------


def test_the_card_link_leads_to_the_cards_verification_page(tree, secretary, me):
    serve(tree, me, secretary)
    card = queries.points_card(me, YEAR)

    path = documents.verify_card_path(card, printed_on=dt.date(YEAR, 4, 1))

    match = resolve(path)
    assert match.view_name == "scoring:verify-card"
    assert signing.Signer(salt=documents.CARD_SALT).unsign_object(match.kwargs["token"]) == [
        me.pk,
        tree.branch.pk,
        YEAR,
        "2026-04-01",
        "3",
        "2",
    ]


def test_the_printed_card_carries_the_qr_code_of_its_verification_page(
    client, tree, secretary, me, card_spy
):
    serve(tree, me, secretary)
    client.force_login(me.user)

    print_card(client, me)

    ((template, context),) = card_spy.calls
    verify = context["verify"]
    assert verify.url.startswith("http://testserver/")
    assert resolve(path_of(verify.url)).view_name == "scoring:verify-card"
    assert verify.qr.startswith("data:image/svg+xml")
    assert f'src="{verify.qr}"' in render_to_string(template, context)


@needs_poppler
def test_the_card_pdf_says_scan_to_verify(client, tree, secretary, me, tmp_path):
    serve(tree, me, secretary)
    client.force_login(me.user)

    text = poppler("pdftotext", print_card(client, me).content, tmp_path)

    with translation.override(settings.LANGUAGE_CODE):
        assert gettext("Scan to verify") in text


def test_a_printed_card_verifies_without_logging_in(client, tree, secretary, me, card_spy):
    serve(tree, me, secretary)
    client.force_login(me.user)
    print_card(client, me)
    client.logout()

    response = client.get(path_of(card_spy.calls[0][1]["verify"].url))

    assert response.status_code == 200
    assert response["X-Robots-Tag"].startswith("noindex")
    check = response.context["check"]
    assert check.verdict.state == "current"
    assert not check.changed
    assert (check.member, check.branch, check.year) == (me, tree.branch, YEAR)
    assert (check.printed_points, check.printed_hours) == (Decimal("3"), Decimal("2"))
    content = response.content.decode()
    assert "王建国" in content and "秦望村" in content and str(YEAR) in content
    assert 'id="printed-points">3<' in content
    assert 'id="printed-hours">2<' in content
    assert "current-points" not in content


def test_a_correction_after_printing_shows_as_a_change_not_a_forgery(
    client, tree, secretary, me, card_spy
):
    serve(tree, me, secretary)
    client.force_login(me.user)
    print_card(client, me)
    services.correct_entry(
        entry=PointsEntry.objects.get(), right_points=Decimal("1"), reason="半程", by=secretary
    )
    client.logout()

    response = client.get(path_of(card_spy.calls[0][1]["verify"].url))

    assert response.status_code == 200
    check = response.context["check"]
    assert (check.verdict.state, check.verdict.valid, check.changed) == ("changed", True, True)
    content = response.content.decode()
    assert str(check.verdict.message) in content
    assert 'id="printed-points">3<' in content
    assert 'id="current-points">1<' in content
    assert 'id="current-hours">2<' in content  # a correction changes points, not hours


def test_a_member_who_moved_keeps_the_branch_the_card_was_printed_for(
    client, tree, secretary, me, card_spy
):
    serve(tree, me, secretary)
    client.force_login(me.user)
    print_card(client, me)
    me.branch, me.grid = tree.neighbour_branch, None
    me.save()

    check = client.get(path_of(card_spy.calls[0][1]["verify"].url)).context["check"]

    assert check.branch == tree.branch


def _altered(token: str) -> str:
    signature = token.rpartition(":")[2]
    # Claim 50 points instead of 3, keeping the old signature.
    forged = signing.b64_encode(
        signing.JSONSerializer().dumps(
            signing.Signer(salt=documents.CARD_SALT).unsign_object(token)[:4]
        )[:-1]
        + b',"50","2"]'
    ).decode()
    return f"{forged}:{signature}"


def test_a_garbled_forged_or_foreign_card_code_is_404(client, tree, secretary, me, card_spy):
    serve(tree, me, secretary)
    client.force_login(me.user)
    print_card(client, me)
    token = resolve(path_of(card_spy.calls[0][1]["verify"].url)).kwargs["token"]
    evaluation_code = documents.notice_token(1)
    other_key = signing.Signer(key="x", salt=documents.CARD_SALT).sign_object(
        [me.pk, tree.branch.pk, YEAR, "2026-04-01", "50", "2"]
    )
    client.logout()

    for code in ["garbled", token[:-3] + "abc", _altered(token), evaluation_code, other_key]:
        response = client.get(reverse("scoring:verify-card", args=[code]))
        assert response.status_code == 404, code
        assert response.context["check"] is None
        assert "王建国" not in response.content.decode()


def test_the_card_page_never_shows_a_phone_or_an_id_number(client, tree, secretary):
    member = MemberFactory(branch=tree.branch, name="欧阳明", phone="13912345678")
    serve(tree, member, secretary)
    path = documents.verify_card_path(queries.points_card(member, YEAR), printed_on=dt.date.today())

    content = client.get(path).content.decode()

    assert "欧阳明" in content
    assert member.phone not in content
    assert member.id_number not in content


def test_the_card_page_is_in_chinese_by_default(client, tree, secretary, me):
    serve(tree, me, secretary)
    path = documents.verify_card_path(queries.points_card(me, YEAR), printed_on=dt.date.today())
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]

    content = client.get(path).content.decode()

    assert "验证服务积分卡" in content
    assert "真实有效" in content


# --- evaluation result notice (考评结果通知书) ---------------------------------------------


@pytest.fixture
def result(tree, secretary, me) -> Evaluation:
    """The member's 2026 result, computed but not published: 9 of 10 favourable."""
    ChoiceFactory(post=PostFactory(branch=tree.branch, year=YEAR), member=me, status="confirmed")
    serve(tree, me, secretary, held_on=dt.date(YEAR, 5, 12))
    ev.open_evaluations(branch=tree.branch, year=YEAR, by=secretary)
    evaluation = Evaluation.objects.get(member=me)
    ev.enter_paper_counts(evaluation=evaluation, member_favourable=9, member_total=10, by=secretary)
    ev.compute_branch(branch=tree.branch, year=YEAR, by=secretary)
    evaluation.refresh_from_db()
    return evaluation


@pytest.fixture
def published(result, tree, secretary) -> Evaluation:
    ev.publish_branch(branch=tree.branch, year=YEAR, by=secretary)
    result.refresh_from_db()
    return result


def test_the_notice_link_leads_to_the_notices_verification_page(published):
    match = resolve(documents.verify_notice_path(published))

    assert match.view_name == "scoring:verify-notice"
    assert (
        signing.Signer(salt=documents.NOTICE_SALT).unsign_object(match.kwargs["token"])
        == published.pk
    )


def test_the_printed_notice_carries_the_qr_code_of_its_verification_page(
    client, me, published, notice_spy
):
    client.force_login(me.user)

    response = client.get(reverse("scoring:evaluation-notice", args=[published.pk]))

    assert response["Content-Type"] == "application/pdf"
    ((template, context),) = notice_spy.calls
    verify = context["notices"][0]["verify"]
    assert verify.url.startswith("http://testserver/")
    assert path_of(verify.url) == documents.verify_notice_path(published)
    assert f'src="{verify.qr}"' in render_to_string(template, context)


@needs_poppler
def test_the_notice_pdf_says_scan_to_verify(client, me, published, tmp_path):
    client.force_login(me.user)

    response = client.get(reverse("scoring:evaluation-notice", args=[published.pk]))

    text = poppler("pdftotext", response.content, tmp_path)
    with translation.override(settings.LANGUAGE_CODE):  # printed in the site's language
        assert gettext("Scan to verify") in text
        assert gettext("Excellent") in text
    assert "from 60.0" not in text  # the worked-out steps too
    assert "王建国" in text


def test_a_published_notice_verifies_without_logging_in_but_keeps_its_grade(client, published):
    response = client.get(documents.verify_notice_path(published))

    assert response.status_code == 200
    assert response["X-Robots-Tag"].startswith("noindex")
    content = response.content.decode()
    assert "王建国" in content and "秦望村" in content and str(YEAR) in content
    assert 'id="grade"' not in content and 'id="final-score"' not in content


@pytest.mark.parametrize("viewer", ["member_user", "town_organiser"])
def test_the_member_and_the_organisers_see_the_grade_on_the_notices_page(
    client, published, viewer, request
):
    client.force_login(request.getfixturevalue(viewer))
    content = client.get(documents.verify_notice_path(published)).content.decode()
    assert f'id="final-score">{published.final_score}<' in content
    assert f'id="grade">{published.get_grade_display()}<' in content
    assert published.grade


def test_a_neighbour_sees_no_grade_on_the_notices_page(client, published, neighbour_secretary):
    client.force_login(neighbour_secretary)
    content = client.get(documents.verify_notice_path(published)).content.decode()
    assert 'id="grade"' not in content


def test_an_unpublished_result_does_not_verify(client, result):
    response = client.get(documents.verify_notice_path(result))

    assert response.status_code == 404
    assert "王建国" not in response.content.decode()


def test_a_garbled_or_foreign_notice_code_is_404(client, published, me, tree):
    card_code = documents.card_token(
        member_pk=me.pk,
        branch_pk=tree.branch.pk,
        year=YEAR,
        printed_on=dt.date.today(),
        points=published.pk,
        hours=0,
    )
    token = documents.notice_token(published.pk)

    for code in [
        "garbled",
        token[:-2] + "xx",
        signing.Signer(key="x", salt=documents.NOTICE_SALT).sign_object(published.pk),
        card_code,
    ]:
        response = client.get(reverse("scoring:verify-notice", args=[code]))
        assert response.status_code == 404, code
        assert "王建国" not in response.content.decode()


def test_the_notice_page_never_shows_a_phone_or_an_id_number(client, published, me):
    content = client.get(documents.verify_notice_path(published)).content.decode()

    assert "王建国" in content
    assert me.phone not in content
    assert me.id_number not in content


def test_the_notice_page_is_in_chinese_by_default(client, published, member_user):
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    client.force_login(member_user)

    content = client.get(documents.verify_notice_path(published)).content.decode()

    assert "验证考评结果通知书" in content
    with translation.override("zh-hans"):
        assert published.get_grade_display() in content
