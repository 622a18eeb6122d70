import threading

import pytest
from django.db import connection

from inbox.models import Notification
from members.models import Member
from posts import services
from posts.models import Choice, Pledge, Post
from tests.factories import MemberFactory, PostFactory
from tests.posts.conftest import lines_for


def test_applying_creates_an_open_choice_and_tells_the_secretary(post, member_user, secretary):
    choice = services.apply_for_post(member=member_user.member_file, post=post, by=member_user)
    assert (choice.status, choice.source) == ("applied", "application")
    assert Notification.objects.filter(recipient=secretary, subject__contains="治安维稳岗").exists()


def test_an_exempt_member_cannot_apply(post, member):
    member.is_exempt, member.exemption_reason = True, "年老体弱"
    member.save()
    with pytest.raises(services.PostsError):
        services.apply_for_post(member=member, post=post, by=None)
    assert not Choice.objects.exists()


def test_a_member_cannot_apply_for_another_branchs_post(tree, post_type):
    outsider = MemberFactory(branch=tree.neighbour_branch)
    post = PostFactory(branch=tree.branch, post_type=post_type)
    with pytest.raises(services.PostsError):
        services.apply_for_post(member=outsider, post=post, by=None)


def test_a_member_cannot_apply_twice_for_the_same_post(post, member):
    services.apply_for_post(member=member, post=post, by=None)
    with pytest.raises(services.PostsError):
        services.apply_for_post(member=member, post=post, by=None)
    assert Choice.objects.count() == 1


def test_a_closed_post_takes_no_applications(post, member):
    post.is_active = False
    post.save()
    with pytest.raises(services.PostsError):
        services.apply_for_post(member=member, post=post, by=None)


def test_confirming_issues_a_unique_certificate_and_opens_a_pledge(post, member, secretary, tree):
    other = MemberFactory(branch=tree.branch)
    first = services.confirm_choice(
        choice=services.apply_for_post(member=member, post=post, by=None), by=secretary
    )
    second = services.confirm_choice(
        choice=services.apply_for_post(member=other, post=post, by=None), by=secretary
    )
    assert first.certificate_number and first.certificate_number != second.certificate_number
    assert first.pledge.status == Pledge.Status.DRAFT
    assert first.decided_by == secretary


def test_the_member_hears_that_their_choice_was_confirmed(held_post, member_user):
    assert Notification.objects.filter(
        recipient=member_user, subject__contains="治安维稳岗"
    ).exists()


def test_confirming_beyond_the_seats_is_refused_and_changes_nothing(post, tree, secretary):
    choices = [
        services.recommend_member(
            member=MemberFactory(branch=tree.branch),
            post=post,
            meeting_date="2026-03-01",
            meeting_note="",
            by=secretary,
        )
        for _ in range(3)
    ]
    services.confirm_choice(choice=choices[0], by=secretary)
    services.confirm_choice(choice=choices[1], by=secretary)
    with pytest.raises(services.PostFull):
        services.confirm_choice(choice=choices[2], by=secretary)
    choices[2].refresh_from_db()
    assert choices[2].status == "recommended"
    assert post.choices.confirmed().count() == 2


def test_a_full_post_takes_no_new_applications(post, tree, secretary):
    for _ in range(2):
        services.confirm_choice(
            choice=services.apply_for_post(
                member=MemberFactory(branch=tree.branch), post=post, by=None
            ),
            by=secretary,
        )
    with pytest.raises(services.PostFull):
        services.apply_for_post(member=MemberFactory(branch=tree.branch), post=post, by=None)


def test_a_member_may_hold_several_posts(tree, post_type, member, secretary):
    for name in ("治安维稳岗", "便民服务岗"):
        post = PostFactory(branch=tree.branch, post_type=post_type, name=name)
        services.confirm_choice(
            choice=services.apply_for_post(member=member, post=post, by=None), by=secretary
        )
    assert member.choices.confirmed().count() == 2


def test_declining_needs_a_reason_and_tells_the_member(post, member_user, secretary):
    choice = services.apply_for_post(member=member_user.member_file, post=post, by=member_user)
    with pytest.raises(services.PostsError):
        services.decline_choice(choice=choice, reason=" ", by=secretary)
    services.decline_choice(choice=choice, reason="岗位人员已满足需要", by=secretary)
    choice.refresh_from_db()
    assert choice.status == "declined"
    assert Notification.objects.filter(
        recipient=member_user, body__contains="岗位人员已满足需要"
    ).exists()


def test_a_declined_member_may_apply_again(post, member, secretary):
    choice = services.apply_for_post(member=member, post=post, by=None)
    services.decline_choice(choice=choice, reason="请先参加培训", by=secretary)
    assert services.apply_for_post(member=member, post=post, by=None).status == "applied"


def test_only_an_undecided_application_can_be_withdrawn(held_post, member_user):
    with pytest.raises(services.PostsError):
        services.withdraw_choice(choice=held_post, by=member_user)


def test_a_pledge_takes_items_from_the_posts_menu_only(pledge, member_user, tree):
    from posts.models import DutyItem, PostType

    stranger = DutyItem.objects.create(
        post_type=PostType.objects.create(town=tree.town, name="其他岗"), name="不相干的事"
    )
    with pytest.raises(services.PostsError):
        services.write_pledge(
            pledge=pledge,
            lines=[services.PledgeLine(stranger, "做点事")],
            based_on=0,
            by=member_user,
        )
    assert pledge.versions.count() == 0


def test_a_pledge_needs_a_commitment_for_every_item(pledge, member_user):
    with pytest.raises(services.PostsError):
        services.write_pledge(
            pledge=pledge, lines=lines_for(pledge.choice.post, "  "), based_on=0, by=member_user
        )


def test_writing_a_pledge_keeps_every_version_and_asks_for_review(pledge, member_user, secretary):
    post = pledge.choice.post
    services.write_pledge(
        pledge=pledge, lines=lines_for(post, "每周巡逻两晚"), based_on=0, by=member_user
    )
    services.write_pledge(
        pledge=pledge,
        lines=lines_for(post, "每周巡逻三晚", "每月报送一次"),
        based_on=1,
        by=member_user,
    )
    pledge.refresh_from_db()
    assert [v.number for v in pledge.versions.all()] == [1, 2]
    assert pledge.status == Pledge.Status.SUBMITTED
    assert (
        Notification.objects.filter(
            recipient=secretary, link=f"/posts/pledges/{pledge.pk}/"
        ).count()
        == 2
    )


def test_a_second_writer_on_a_stale_form_is_told_and_nothing_is_overwritten(
    pledge, member_user, secretary
):
    post = pledge.choice.post
    services.write_pledge(
        pledge=pledge, lines=lines_for(post, "秘书代录"), based_on=0, by=secretary, on_paper=True
    )
    with pytest.raises(services.StaleEdit):
        services.write_pledge(
            pledge=pledge, lines=lines_for(post, "本人填写"), based_on=0, by=member_user
        )
    assert [i.commitment for i in pledge.current_version().items.all()] == ["秘书代录"]


def test_returning_needs_comments_and_tells_the_member(pledge, member_user, secretary):
    services.write_pledge(
        pledge=pledge, lines=lines_for(pledge.choice.post, "偶尔巡逻"), based_on=0, by=member_user
    )
    with pytest.raises(services.PostsError):
        services.return_pledge(pledge=pledge, comment="", by=secretary)
    services.return_pledge(pledge=pledge, comment="请细化巡逻频次", by=secretary)
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.RETURNED
    assert pledge.current_version().review_comment == "请细化巡逻频次"
    assert Notification.objects.filter(recipient=member_user, body="请细化巡逻频次").exists()


def test_only_approved_pledges_are_published(pledge, member_user, secretary, town_organiser):
    services.write_pledge(
        pledge=pledge,
        lines=lines_for(pledge.choice.post, "每周巡逻两晚"),
        based_on=0,
        by=member_user,
    )
    assert services.publish_pledges(pledges=[pledge], by=town_organiser) == 0
    services.approve_pledge(pledge=pledge, by=secretary)
    assert services.publish_pledges(pledges=[pledge], by=town_organiser) == 1
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.PUBLISHED
    assert pledge.published_version.number == 1


def test_a_revision_keeps_the_published_version_on_the_board_until_it_is_published(
    pledge, member_user, secretary, town_organiser
):
    post = pledge.choice.post
    services.write_pledge(
        pledge=pledge, lines=lines_for(post, "每周巡逻两晚"), based_on=0, by=member_user
    )
    services.approve_pledge(pledge=pledge, by=secretary)
    services.publish_pledges(pledges=[pledge], by=town_organiser)
    services.write_pledge(
        pledge=pledge, lines=lines_for(post, "每周巡逻三晚"), based_on=1, by=member_user
    )
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.SUBMITTED
    assert pledge.published_version.number == 1


def test_version_changes_name_added_removed_and_reworded_items(pledge, member_user):
    post = pledge.choice.post
    first = services.write_pledge(
        pledge=pledge, lines=lines_for(post, "两晚", "每月一次"), based_on=0, by=member_user
    )
    menu = post.menu()
    second = services.write_pledge(
        pledge=pledge,
        lines=[services.PledgeLine(menu[0], "三晚"), services.PledgeLine(menu[2], "每季度一次")],
        based_on=1,
        by=member_user,
    )
    changes = {(c.item, c.kind) for c in services.version_changes(first, second)}
    assert changes == {
        ("夜间治安巡逻", "changed"),
        ("平安信息报送", "removed"),
        ("维稳普法宣传", "added"),
    }


def test_coverage_counts_holders_among_members_not_exempt(held_post, tree):
    MemberFactory(branch=tree.branch)
    MemberFactory(branch=tree.branch, is_exempt=True, exemption_reason="长期卧病")
    result = services.coverage(Member.objects.filter(branch=tree.branch), Choice.objects.all())
    assert (result["covered"], result["eligible"]) == (1, 2)


@pytest.mark.django_db(transaction=True)
def test_twenty_confirmations_racing_for_five_seats_fill_exactly_five(tree, secretary, post_type):
    if connection.vendor != "postgresql":
        pytest.skip("a race needs concurrent writers: this test runs in the PostgreSQL pass")
    post = PostFactory(branch=tree.branch, post_type=post_type, seats=5)
    choices = [
        services.apply_for_post(member=MemberFactory(branch=tree.branch), post=post, by=None)
        for _ in range(5)
    ] + [
        services.recommend_member(
            member=MemberFactory(branch=tree.branch),
            post=post,
            meeting_date="2026-03-01",
            meeting_note="",
            by=secretary,
        )
        for _ in range(15)
    ]
    start = threading.Barrier(len(choices))
    outcomes = []

    def confirm(choice):
        from django.db import connection as thread_connection

        try:
            start.wait()
            services.confirm_choice(choice=choice, by=secretary)
            outcomes.append("confirmed")
        except services.PostFull:
            outcomes.append("full")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=confirm, args=(choice,)) for choice in choices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes).count("confirmed") == 5
    assert outcomes.count("full") == 15
    assert Post.objects.get(pk=post.pk).choices.confirmed().count() == 5


def test_leaving_a_post_ends_the_choice_and_withdraws_the_pledge(held_post, secretary, member_user):
    services.end_choice(choice=held_post, reason="年度考评较差，作退岗处理", by=secretary)
    held_post.refresh_from_db()
    assert held_post.status == Choice.Status.ENDED
    assert held_post.pledge.status == Pledge.Status.WITHDRAWN
    assert services.seats_left(held_post.post) == 2
