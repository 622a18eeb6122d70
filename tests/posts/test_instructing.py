"""A post instructor follows the holders of their posts and writes guidance that the
member and the secretary read."""

from django.urls import reverse

from inbox.models import Notification
from posts.models import GuidanceNote


def _instructed(post, instructor):
    post.instructor = instructor
    post.save()


def test_the_instructor_sees_their_posts_holders_and_pledges(
    client, instructor, post, pledge, held_post
):
    _instructed(post, instructor)
    client.force_login(instructor)
    response = client.get(reverse("posts:instructing"))
    (shown,) = response.context["posts"]
    assert [c.member.name for c in shown.holders] == ["王建国"]
    assert reverse("posts:pledge-detail", args=[pledge.pk]) in response.content.decode()


def test_guidance_reaches_the_member_and_shows_on_the_pledge_page(
    client, instructor, secretary, member_user, post, pledge, held_post
):
    _instructed(post, instructor)
    client.force_login(instructor)
    client.post(reverse("posts:guidance-add", args=[held_post.pk]), {"text": "巡逻记录请按周填写"})
    assert GuidanceNote.objects.get().written_by == instructor
    assert Notification.objects.filter(recipient=member_user).exists()
    for reader in (member_user, secretary):
        client.force_login(reader)
        page = client.get(reverse("posts:pledge-detail", args=[pledge.pk])).content.decode()
        assert "巡逻记录请按周填写" in page


def test_only_the_posts_instructor_writes_guidance(client, instructor, post, held_post):
    client.force_login(instructor)  # an instructor, but not of this post
    response = client.post(reverse("posts:guidance-add", args=[held_post.pk]), {"text": "意见"})
    assert response.status_code == 404
    assert not GuidanceNote.objects.exists()


def test_empty_guidance_is_a_message_and_saves_nothing(client, instructor, post, held_post):
    _instructed(post, instructor)
    client.force_login(instructor)
    response = client.post(
        reverse("posts:guidance-add", args=[held_post.pk]), {"text": "  "}, follow=True
    )
    assert response.status_code == 200
    assert not GuidanceNote.objects.exists()


def test_someone_who_instructs_nothing_has_no_instructor_page(client, member_user):
    client.force_login(member_user)
    assert client.get(reverse("posts:instructing")).status_code == 404


def test_the_town_names_a_posts_instructor_from_the_post_page(client, tree, town_organiser, post):
    from members.models import RoleAssignment
    from tests.conftest import user_with_role

    cadre = user_with_role("cadre", tree.town, RoleAssignment.Role.INSTRUCTOR)
    client.force_login(town_organiser)
    page = client.get(reverse("posts:post-detail", args=[post.pk])).content.decode()
    assert 'id="instructor-form"' in page
    client.post(reverse("posts:post-instructor", args=[post.pk]), {"instructor": cadre.pk})
    post.refresh_from_db()
    assert post.instructor == cadre


def test_someone_not_named_instructor_cannot_be_chosen(client, tree, town_organiser, post):
    from tests.factories import UserFactory

    stranger = UserFactory(username="stranger")
    client.force_login(town_organiser)
    client.post(reverse("posts:post-instructor", args=[post.pk]), {"instructor": stranger.pk})
    post.refresh_from_db()
    assert post.instructor is None


def test_a_member_cannot_name_an_instructor(client, member_user, instructor, post):
    client.force_login(member_user)
    response = client.post(
        reverse("posts:post-instructor", args=[post.pk]), {"instructor": instructor.pk}
    )
    assert response.status_code == 403
    post.refresh_from_db()
    assert post.instructor is None
