"""Certificates as PDF (党员岗位证, 择岗承诺书), the branch batch, and the public pages that
verify them."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from posts import services
from posts.models import Choice, Pledge
from tests.factories import MemberFactory, PostFactory
from tests.posts.conftest import lines_for
from tests.test_pdf import page_count, poppler

YEAR = 2026
# The notice a version that is not reviewed prints under the title (next to a stamp).
UNDER_REVIEW = "Under review: not valid yet."


def pdf_text(response, tmp_path) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return poppler("pdftotext", response.content, tmp_path)


def in_print_language(message: str) -> str:
    """Printed documents are in the site's language, whatever the catalogue holds."""
    with translation.override("zh-hans"):
        return gettext(message)


def holder(post, secretary, name: str, **member_fields) -> Choice:
    member = MemberFactory(branch=post.branch, name=name, **member_fields)
    choice = services.recommend_member(
        member=member, post=post, meeting_date=dt.date(YEAR, 3, 1), meeting_note="", by=secretary
    )
    return services.confirm_choice(choice=choice, by=secretary)


def written(choice: Choice, secretary, *commitments: str) -> Pledge:
    pledge = Pledge.objects.get(choice=choice)
    services.write_pledge(
        pledge=pledge,
        lines=lines_for(choice.post, *commitments),
        based_on=pledge.version_count,
        by=secretary,
    )
    return Pledge.objects.get(pk=pledge.pk)


def approved(choice: Choice, secretary, *commitments: str) -> Pledge:
    pledge = written(choice, secretary, *commitments)
    return services.approve_pledge(pledge=pledge, comment="承诺具体，同意。", by=secretary)


@pytest.fixture
def big_post(tree, post_type):
    return PostFactory(branch=tree.branch, post_type=post_type, name="平安建设岗", seats=20)


# --- post certificate (党员岗位证) --------------------------------------------------------


def test_the_member_downloads_their_post_certificate(client, member_user, held_post, tmp_path):
    client.force_login(member_user)

    response = client.get(reverse("posts:post-certificate", args=[held_post.pk]))

    text = pdf_text(response, tmp_path)
    assert "王建国" in text
    assert "治安维稳岗" in text
    assert "秦望村" in text
    assert held_post.certificate_number in text
    assert page_count(response.content, tmp_path) == 1  # the card fits on one card page
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("name", ["刘䶮", "𠮷祥"])
def test_rare_name_characters_print_on_the_card_in_an_embedded_noto_sc_subset(
    client, secretary, post, name, tmp_path
):
    choice = holder(post, secretary, name)
    client.force_login(secretary)

    response = client.get(reverse("posts:post-certificate", args=[choice.pk]))

    assert name in pdf_text(response, tmp_path)
    # name  type (several words)  encoding  emb sub uni object-number generation
    rows = [line.split() for line in poppler("pdffonts", response.content, tmp_path).splitlines()]
    fonts = rows[2:]
    assert fonts
    for row in fonts:
        font, emb, sub = row[0], row[-5], row[-4]
        assert (emb, sub) == ("yes", "yes"), row
        prefix, _, face = font.partition("+")
        assert len(prefix) == 6 and prefix.isupper(), font
        assert face.replace("-", "").startswith(("NotoSerifCJKSC", "NotoSansCJKSC")), font


def test_only_a_confirmed_choice_has_a_post_certificate(client, secretary, post, member):
    pending = services.apply_for_post(member=member, post=post, by=None)
    ended = holder(post, secretary, "赵德华")
    Choice.objects.filter(pk=ended.pk).update(status=Choice.Status.ENDED)
    client.force_login(secretary)

    for choice in (pending, ended):
        assert client.get(reverse("posts:post-certificate", args=[choice.pk])).status_code == 404


def test_another_branchs_secretary_gets_404_for_every_document(
    client, secretary, neighbour_secretary, held_post, tree
):
    approved(held_post, secretary, "每周巡逻两次")
    client.force_login(neighbour_secretary)

    urls = [
        reverse("posts:post-certificate", args=[held_post.pk]),
        reverse("posts:pledge-certificate", args=[held_post.pledge.pk]),
        reverse("posts:branch-pledge-certificates", args=[tree.branch.pk]),
    ]
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]


# --- pledge certificate (择岗承诺书) ------------------------------------------------------


def test_the_pledge_certificate_holds_the_member_the_post_and_the_pledged_items(
    client, member_user, secretary, held_post, tmp_path
):
    approved(held_post, secretary, "每周两次夜间巡逻", "每月报送平安信息")
    client.force_login(member_user)

    response = client.get(reverse("posts:pledge-certificate", args=[held_post.pledge.pk]))

    text = pdf_text(response, tmp_path)
    for expected in ["王建国", "秦望村", "治安维稳岗", "夜间治安巡逻", "每周两次夜间巡逻"]:
        assert expected in text
    assert "平安信息报送" in text and "每月报送平安信息" in text
    assert "维稳普法宣传" not in text  # on the menu, not pledged
    assert "承诺具体，同意。" in text  # the branch's review
    assert in_print_language(UNDER_REVIEW) not in text


def test_a_pledge_without_a_version_has_no_certificate(client, member_user, held_post):
    client.force_login(member_user)

    response = client.get(reverse("posts:pledge-certificate", args=[held_post.pledge.pk]))

    assert response.status_code == 404


def test_by_default_the_newest_approved_version_prints_not_a_revision_under_review(
    client, secretary, held_post, tmp_path
):
    approved(held_post, secretary, "每周两次夜间巡逻")
    written(held_post, secretary, "每天夜间巡逻")
    client.force_login(secretary)
    url = reverse("posts:pledge-certificate", args=[held_post.pledge.pk])

    default = poppler("pdftotext", client.get(url).content, tmp_path)
    revision = poppler("pdftotext", client.get(url, {"version": 2}).content, tmp_path)

    assert "每周两次夜间巡逻" in default and "每天夜间巡逻" not in default
    assert in_print_language(UNDER_REVIEW) not in default
    assert "每天夜间巡逻" in revision
    assert in_print_language(UNDER_REVIEW) in revision
    assert client.get(url, {"version": 3}).status_code == 404
    assert client.get(url, {"version": "x"}).status_code == 404


def test_a_pledge_never_reviewed_prints_stamped_as_not_reviewed(
    client, member_user, held_post, tmp_path
):
    written(held_post, member_user, "每周两次夜间巡逻")
    client.force_login(member_user)

    response = client.get(reverse("posts:pledge-certificate", args=[held_post.pledge.pk]))

    text = pdf_text(response, tmp_path)
    assert in_print_language(UNDER_REVIEW) in text
    assert "每周两次夜间巡逻" in text


def test_user_text_prints_as_text_not_markup(client, secretary, held_post, tmp_path):
    approved(held_post, secretary, '<b>巡逻</b> & <img src="file:///etc/passwd">')
    client.force_login(secretary)

    response = client.get(reverse("posts:pledge-certificate", args=[held_post.pledge.pk]))

    assert '<b>巡逻</b> & <img src="file:///etc/passwd">' in pdf_text(response, tmp_path)


# --- the branch batch ----------------------------------------------------------------------


def test_the_batch_is_one_pdf_of_the_branchs_approved_and_published_pledges(
    client, secretary, town_organiser, big_post, tree, tmp_path
):
    names = ["刘䶮", "李秀英", "张卫东"]
    pledges = [approved(holder(big_post, secretary, name), secretary, "巡逻") for name in names]
    services.publish_pledges(pledges=pledges[:1], by=town_organiser)
    written(holder(big_post, secretary, "草稿甲"), secretary, "待审")  # submitted
    returned = written(holder(big_post, secretary, "退回乙"), secretary, "太笼统")
    services.return_pledge(pledge=returned, comment="请细化", by=secretary)
    holder(big_post, secretary, "未写丙")  # draft: no version at all
    client.force_login(secretary)

    response = client.get(
        reverse("posts:branch-pledge-certificates", args=[tree.branch.pk]), {"year": YEAR}
    )

    text = pdf_text(response, tmp_path)
    assert page_count(response.content, tmp_path) >= 3
    for name in names:
        assert name in text
    for name in ["草稿甲", "退回乙", "未写丙"]:
        assert name not in text
    assert in_print_language(UNDER_REVIEW) not in text


def test_a_published_pledge_under_revision_prints_its_published_version_in_the_batch(
    client, secretary, town_organiser, big_post, tree, tmp_path
):
    choice = holder(big_post, secretary, "陈桂兰")
    services.publish_pledges(pledges=[approved(choice, secretary, "每周巡逻")], by=town_organiser)
    written(choice, secretary, "每天巡逻")
    client.force_login(town_organiser)  # organisers above the branch print too

    response = client.get(
        reverse("posts:branch-pledge-certificates", args=[tree.branch.pk]), {"year": YEAR}
    )

    text = pdf_text(response, tmp_path)
    assert "陈桂兰" in text and "每周巡逻" in text and "每天巡逻" not in text


def test_an_approved_pledge_whose_revision_was_returned_prints_its_approved_version(
    client, secretary, big_post, tree, tmp_path
):
    choice = holder(big_post, secretary, "张卫东")
    approved(choice, secretary, "每周巡逻")
    services.return_pledge(
        pledge=written(choice, secretary, "偶尔巡逻"), comment="请细化", by=secretary
    )
    client.force_login(secretary)

    response = client.get(
        reverse("posts:branch-pledge-certificates", args=[tree.branch.pk]), {"year": YEAR}
    )

    text = pdf_text(response, tmp_path)
    assert "张卫东" in text and "每周巡逻" in text and "偶尔巡逻" not in text
    assert verify_pledge(client, choice.pledge, 1).context["verdict"].valid


def test_a_year_without_pledges_prints_one_page_saying_so(client, secretary, tree, tmp_path):
    client.force_login(secretary)

    response = client.get(
        reverse("posts:branch-pledge-certificates", args=[tree.branch.pk]), {"year": 1999}
    )

    assert "秦望村" in pdf_text(response, tmp_path)
    assert page_count(response.content, tmp_path) == 1


def test_the_batch_query_count_does_not_grow_with_the_pledges(
    client, secretary, big_post, tree, django_assert_num_queries
):
    for name in ["甲一", "乙二"]:
        approved(holder(big_post, secretary, name), secretary, "巡逻", "报送")
    client.force_login(secretary)
    url = reverse("posts:branch-pledge-certificates", args=[tree.branch.pk])
    with CaptureQueriesContext(connection) as two:
        assert client.get(url, {"year": YEAR}).status_code == 200
    for name in ["丙三", "丁四", "戊五", "己六", "庚七", "辛八"]:
        choice = holder(big_post, secretary, name)
        approved(choice, secretary, "巡逻", "报送")
        written(choice, secretary, "巡逻两次")  # more versions must not add queries either

    with django_assert_num_queries(len(two.captured_queries)):
        response = client.get(url, {"year": YEAR})

    assert response.status_code == 200


# --- public verification ------------------------------------------------------------------


def verify_post(client, choice):
    return client.get(reverse("posts:verify-post", args=[choice.verify_code]))


def verify_pledge(client, pledge, number):
    return client.get(reverse("posts:verify-pledge", args=[pledge.verify_code, number]))


def test_a_valid_post_certificate_verifies_without_logging_in(client, held_post):
    response = verify_post(client, held_post)

    assert response.status_code == 200
    assert response.context["verdict"].state == "valid"
    assert response.context["verdict"].valid
    content = response.content.decode()
    assert "王建国" in content and "治安维稳岗" in content
    assert held_post.certificate_number in content
    assert response["X-Robots-Tag"].startswith("noindex")


@pytest.mark.parametrize(
    ("status", "state"),
    [
        (Choice.Status.DECLINED, "declined"),
        (Choice.Status.WITHDRAWN, "withdrawn"),
        (Choice.Status.ENDED, "ended"),
    ],
)
def test_a_certificate_of_a_choice_no_longer_confirmed_says_it_is_not_valid(
    client, held_post, status, state
):
    Choice.objects.filter(pk=held_post.pk).update(status=status)

    response = verify_post(client, held_post)

    assert response.status_code == 200
    assert response.context["verdict"].state == state
    assert not response.context["verdict"].valid
    assert str(response.context["verdict"].message) in response.content.decode()


def test_a_declined_choice_verifies_as_not_valid(client, secretary, post, member):
    choice = services.apply_for_post(member=member, post=post, by=None)
    services.decline_choice(choice=choice, reason="席位已满", by=secretary)

    response = verify_post(client, choice)

    assert response.context["verdict"].state == "declined"
    assert "席位已满" not in response.content.decode()  # the reason stays internal


def test_unknown_codes_are_not_genuine_and_404(client, held_post, secretary):
    approved(held_post, secretary, "巡逻")

    responses = [
        client.get(reverse("posts:verify-post", args=["no-such-code"])),
        client.get(reverse("posts:verify-pledge", args=["no-such-code", 1])),
        verify_pledge(client, held_post.pledge, 2),  # a version that does not exist
        client.get(reverse("posts:verify-pledge", args=[held_post.verify_code, 1])),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert all(r.context["found"] is False for r in responses)
    assert "王建国" not in responses[2].content.decode()


def test_pledge_versions_verify_as_published_approved_superseded_or_under_review(
    client, secretary, town_organiser, held_post
):
    pledge = approved(held_post, secretary, "每周巡逻")
    assert verify_pledge(client, pledge, 1).context["verdict"].state == "approved"
    services.publish_pledges(pledges=[pledge], by=town_organiser)
    assert verify_pledge(client, pledge, 1).context["verdict"].state == "published"

    written(held_post, secretary, "每天巡逻")
    assert verify_pledge(client, pledge, 1).context["verdict"].state == "published"
    assert verify_pledge(client, pledge, 2).context["verdict"].state == "under_review"

    # Approved, version 2 waits for publication: version 1 stays valid, as the board
    # still shows it.
    services.approve_pledge(pledge=pledge, by=secretary)
    assert verify_pledge(client, pledge, 1).context["verdict"].state == "published"
    assert verify_pledge(client, pledge, 2).context["verdict"].state == "approved"

    services.publish_pledges(pledges=[pledge], by=town_organiser)
    superseded = verify_pledge(client, pledge, 1).context["verdict"]
    assert (superseded.state, superseded.superseded_by, superseded.valid) == (
        "superseded",
        2,
        False,
    )
    assert verify_pledge(client, pledge, 2).context["verdict"].state == "published"


def test_returned_and_withdrawn_pledges_verify_as_not_valid(client, secretary, held_post):
    pledge = written(held_post, secretary, "巡逻")
    services.return_pledge(pledge=pledge, comment="请细化", by=secretary)
    assert verify_pledge(client, pledge, 1).context["verdict"].state == "returned"

    Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.WITHDRAWN)
    verdict = verify_pledge(client, pledge, 1).context["verdict"]
    assert (verdict.state, verdict.valid) == ("withdrawn", False)


def test_the_pledged_items_show_only_once_approved(client, secretary, held_post):
    pledge = written(held_post, secretary, "每周巡逻")
    assert "每周巡逻" not in verify_pledge(client, pledge, 1).content.decode()

    services.approve_pledge(pledge=pledge, by=secretary)

    assert "每周巡逻" in verify_pledge(client, pledge, 1).content.decode()


def test_verification_pages_never_show_a_phone_or_an_id_number(client, secretary, post):
    choice = holder(post, secretary, "欧阳明", phone="13912345678")
    member = choice.member
    pledge = approved(choice, secretary, "巡逻")

    for response in (verify_post(client, choice), verify_pledge(client, pledge, 1)):
        content = response.content.decode()
        assert response.status_code == 200
        assert "欧阳明" in content
        assert member.phone not in content
        assert member.id_number not in content


@pytest.mark.parametrize(
    "role, sees_link",
    [("member_user", True), ("secretary", True), ("town_organiser", True), ("instructor", False)],
)
def test_the_pledge_page_links_the_post_certificate_exactly_for_those_who_may_open_it(
    client, request, held_post, role, sees_link
):
    """The link's rule is the certificate view's (posts.access.PledgeAccess): its
    member and the branch's overseers; an instructor reads the pledge but not the card."""
    user = request.getfixturevalue(role)
    held_post.post.instructor = request.getfixturevalue("instructor")
    held_post.post.save()
    client.force_login(user)
    page = client.get(reverse("posts:pledge-detail", args=[held_post.pledge.pk]))
    assert page.status_code == 200
    assert ('id="post-certificate-link"' in page.content.decode()) is sees_link
    card = client.get(reverse("posts:post-certificate", args=[held_post.pk]))
    assert (card.status_code == 200) is sees_link
