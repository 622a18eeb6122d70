"""A secretary starts next year's cycle from this year's posts in one step."""

import pytest
from django.urls import reverse

from posts import services
from posts.models import Choice, DutyItem, Post
from tests.factories import DutyItemFactory, MemberFactory, PostFactory


@pytest.fixture
def this_year(tree, secretary, post_type, instructor):
    """2026: 治安维稳岗 (type, 2 seats, instructor) with an own item and a holder;
    侨情联络岗 (own post) held by an exempt member; a closed post."""
    patrol = PostFactory(
        branch=tree.branch,
        year=2026,
        post_type=post_type,
        name="治安维稳岗",
        seats=2,
        instructor=instructor,
    )
    DutyItemFactory(post=patrol, name="节假日值守")
    liaison = PostFactory(branch=tree.branch, year=2026, name="侨情联络岗", seats=1)
    PostFactory(branch=tree.branch, year=2026, name="已关闭岗", is_active=False)
    holder = MemberFactory(branch=tree.branch, name="张伟")
    services.confirm_choice(
        choice=services.apply_for_post(member=holder, post=patrol, by=secretary), by=secretary
    )
    exempt = MemberFactory(branch=tree.branch, name="李大爷")
    services.confirm_choice(
        choice=services.apply_for_post(member=exempt, post=liaison, by=secretary), by=secretary
    )
    exempt.is_exempt = True
    exempt.exemption_reason = "年老体弱"
    exempt.save()
    return patrol, holder


def test_starting_a_year_sets_up_the_open_posts_again_with_items_seats_and_instructor(
    tree, secretary, this_year
):
    patrol, _holder = this_year
    started = services.start_year(branch=tree.branch, year=2027, by=secretary)
    assert sorted(p.name for p in started.posts) == ["侨情联络岗", "治安维稳岗"]
    again = Post.objects.get(branch=tree.branch, year=2027, name="治安维稳岗")
    assert (again.seats, again.instructor_id, again.post_type_id) == (
        2,
        patrol.instructor_id,
        patrol.post_type_id,
    )
    assert [i.name for i in DutyItem.objects.filter(post=again)] == ["节假日值守"]


def test_last_years_holders_are_recommended_to_continue_and_exempt_members_listed(
    tree, secretary, this_year
):
    patrol, holder = this_year
    started = services.start_year(branch=tree.branch, year=2027, by=secretary)
    (invited,) = Choice.objects.filter(post__year=2027)
    assert (invited.member, invited.status) == (holder, Choice.Status.RECOMMENDED)
    assert started.invited == 1
    assert [m.name for m in started.exempt] == ["李大爷"]
    confirmed = services.confirm_choice(choice=invited, by=secretary)
    old = Choice.objects.get(post=patrol, member=holder)
    assert confirmed.certificate_number != old.certificate_number


def test_last_year_stays_as_it_was(tree, secretary, this_year):
    patrol, holder = this_year
    before = list(Choice.objects.filter(post__year=2026).values_list("pk", "status"))
    services.start_year(branch=tree.branch, year=2027, by=secretary)
    assert list(Choice.objects.filter(post__year=2026).values_list("pk", "status")) == before
    assert Post.objects.filter(year=2026).count() == 3


def test_a_year_is_started_once(tree, secretary, this_year):
    services.start_year(branch=tree.branch, year=2027, by=secretary)
    with pytest.raises(services.PostsError):
        services.start_year(branch=tree.branch, year=2027, by=secretary)
    assert Post.objects.filter(year=2027).count() == 2


def test_the_post_list_of_an_empty_year_offers_to_start_it(client, tree, secretary, this_year):
    client.force_login(secretary)
    url = reverse("posts:post-list", args=[tree.branch.pk])
    assert 'id="start-year"' in client.get(url, {"year": 2027}).content.decode()
    assert 'id="start-year"' not in client.get(url, {"year": 2026}).content.decode()
    response = client.post(reverse("posts:start-year", args=[tree.branch.pk]), {"year": "2027"})
    assert response.status_code == 302
    assert Post.objects.filter(year=2027).count() == 2


def test_a_bad_year_is_a_message_and_changes_nothing(client, tree, secretary, this_year):
    client.force_login(secretary)
    response = client.post(
        reverse("posts:start-year", args=[tree.branch.pk]), {"year": "99999"}, follow=True
    )
    assert response.status_code == 200
    assert not Post.objects.filter(year__gt=2026).exists()
