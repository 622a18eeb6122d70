"""The posts part of the demo data (posts/demo.py), loaded by `seed_demo`."""

import re

from django.contrib.auth import get_user_model
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone

from members import demo as member_demo
from members.models import Member, Unit
from posts import demo, services
from posts.models import Choice, Pledge, PledgeVersion, Post, PostType


def load() -> demo.PostsSeedResult:
    member_demo.seed_demo("small")
    return demo.seed_posts_demo("small")


def test_every_town_has_the_six_common_types_with_their_menus(seeded):
    names = ["政策宣传岗", "治安维稳岗", "环境保洁岗", "扶贫帮困岗", "便民服务岗", "民主监督岗"]
    for town in Unit.objects.filter(kind=Unit.Kind.TOWN):
        types = PostType.objects.filter(town=town).prefetch_related("menu_items")
        assert [t.name for t in types] == names
        assert all(len(t.menu_items.all()) >= 3 for t in types)
    patrol = PostType.objects.filter(name="治安维稳岗").first()
    menu = {item.name for item in patrol.menu_items.all()}
    assert {"夜间治安巡逻", "平安信息报送", "维稳普法宣传"} <= menu
    cleaning = PostType.objects.filter(name="环境保洁岗").first()
    assert '清除"牛皮藓"' in {item.name for item in cleaning.menu_items.all()}


def test_every_branch_has_posts_of_this_year_each_with_an_instructor(seeded):
    year = timezone.localdate().year
    for branch in Unit.objects.branches():
        posts = Post.objects.filter(branch=branch, year=year)
        assert 4 <= posts.filter(post_type__isnull=False).count() <= 6
        assert not posts.filter(instructor__isnull=True).exists()
        assert all(p.post_type is None or p.post_type.town_id == branch.parent_id for p in posts)
    home = Post.objects.get(branch__name="秦望村", name="侨情联络岗")
    assert home.is_own_post
    assert [i.name for i in home.menu()] == ["侨情走访", "侨胞回乡事务代办", "侨资项目联络"]
    assert set(
        Post.objects.filter(branch__name="秦望村").values_list("instructor__username", flat=True)
    ) == {"instructor"}
    assert home.needs.filter(title="侨眷联络和侨胞回乡事务代办").exists()


def test_about_three_quarters_of_members_hold_a_post_and_no_post_is_over_filled(seeded):
    district = member_demo.demo_district()
    figures = services.coverage(Member.objects.in_unit(district), Choice.objects.in_unit(district))
    assert 0.65 <= figures["ratio"] <= 0.85
    over = Post.objects.with_holders().filter(holders_count__gt=F("seats"))
    assert not over.exists()
    two_posts = Choice.objects.confirmed().values("member").annotate(n=Count("id")).filter(n__gt=1)
    assert two_posts.exists()
    assert not Choice.objects.confirmed().filter(member__is_exempt=True).exists()


def test_certificate_numbers_are_unique_and_follow_the_services_format(seeded):
    confirmed = Choice.objects.confirmed().select_related("post")
    numbers = [c.certificate_number for c in confirmed]
    assert len(set(numbers)) == len(numbers) > 0
    for choice in confirmed:
        assert choice.certificate_number == (
            f"{choice.post.year}{choice.post.branch_id:05d}{choice.pk:07d}"
        )
    assert all(re.fullmatch(r"\d{16}", n) for n in numbers)  # year, 5-digit branch, 7-digit choice
    assert not Choice.objects.exclude(status=Choice.Status.CONFIRMED).exclude(
        certificate_number=None
    )


def test_pledges_are_in_every_state_with_their_versions(seeded):
    states = set(Pledge.objects.values_list("status", flat=True))
    assert {"published", "approved", "submitted", "returned", "draft"} <= states
    assert Pledge.objects.count() == Choice.objects.confirmed().count()
    for pledge in Pledge.objects.prefetch_related("versions__items"):
        versions = list(pledge.versions.all())
        assert pledge.version_count == len(versions)
        assert all(v.items.all() for v in versions)
        if pledge.status == Pledge.Status.DRAFT:
            assert not versions
        if pledge.status == Pledge.Status.RETURNED:
            assert versions[-1].decision == PledgeVersion.Decision.RETURNED
            assert versions[-1].review_comment
        if pledge.status == Pledge.Status.PUBLISHED:
            assert pledge.published_version == versions[-1]
            assert versions[-1].written_at < pledge.approved_at < pledge.published_at
    assert Choice.objects.filter(status=Choice.Status.APPLIED).exists()
    assert Choice.objects.filter(status=Choice.Status.RECOMMENDED).exists()
    recommended = Choice.objects.filter(source=Choice.Source.RECOMMENDATION).first()
    assert recommended.meeting_date and recommended.meeting_note


def test_pledged_items_come_from_the_posts_menu(seeded):
    for pledge in Pledge.objects.select_related("choice__post__post_type").prefetch_related(
        "versions__items"
    )[:60]:
        menu = {item.pk for item in pledge.choice.post.menu()}
        for version in pledge.versions.all():
            assert {item.duty_item_id for item in version.items.all()} <= menu


def test_the_member_log_in_holds_a_post_with_a_published_pledge(seeded, client):
    pledge = Pledge.objects.filter(
        choice__member__user__username="member", status=Pledge.Status.PUBLISHED
    ).first()
    assert pledge is not None
    assert pledge.choice.member.name == "刘䶮"
    assert pledge.published_version.items.count() >= 2
    assert pledge.choice.post.is_active


def test_the_secretary_has_a_pledge_waiting_and_the_town_one_to_publish(seeded, client):
    home = Unit.objects.get(kind=Unit.Kind.BRANCH, name="秦望村")
    assert Pledge.objects.in_unit(home).filter(status=Pledge.Status.SUBMITTED).exists()
    assert Choice.objects.in_unit(home).pending().exists()
    client.force_login(get_user_model().objects.get(username="town"))
    response = client.get(reverse("posts:publish-queue", args=[home.parent_id]))
    assert len(response.context["waiting"]) >= 1


def test_the_plan_is_deterministic(seeded):
    world = demo.read_world(member_demo.demo_district())

    first = demo.plan_posts(world, 2026)

    assert first == demo.plan_posts(world, 2026)
    assert first.choices != demo.plan_posts(world, 2026, seed=demo.SEED + 1).choices


def test_a_second_run_adds_nothing(seeded):
    counts = (Post.objects.count(), Choice.objects.count(), PledgeVersion.objects.count())

    again = demo.seed_posts_demo("small")

    assert seeded.created and not again.created
    assert (Post.objects.count(), Choice.objects.count(), PledgeVersion.objects.count()) == counts
    assert again.posts == counts[0]


def test_seed_rows_have_no_history(seeded):
    assert Post.history.count() == 0
    assert Pledge.history.count() == 0
