import pytest
from django.urls import reverse

from members.models import RoleAssignment
from posts import services
from posts.models import Choice, DutyItem, Pledge, Post, PostType
from tests.conftest import make_member_user
from tests.factories import MemberFactory, PostFactory, RoleFactory
from tests.posts.conftest import lines_for


def test_a_town_organiser_adds_a_common_type_and_its_menu(client, town_organiser, tree):
    client.force_login(town_organiser)
    client.post(
        reverse("posts:type-add", args=[tree.town.pk]),
        {"name": "环境保洁岗", "sort_order": 3, "is_active": "on"},
    )
    post_type = PostType.objects.get(name="环境保洁岗")
    client.post(reverse("posts:type-detail", args=[post_type.pk]), {"name": "清除牛皮藓"})
    assert post_type.town == tree.town
    assert [i.name for i in post_type.menu_items.all()] == ["清除牛皮藓"]


def test_a_secretary_cannot_change_the_towns_menu(client, secretary, post_type):
    client.force_login(secretary)
    response = client.post(reverse("posts:type-detail", args=[post_type.pk]), {"name": "私自添加"})
    assert response.status_code == 404
    assert not DutyItem.objects.filter(name="私自添加").exists()


def test_a_secretary_sets_up_a_post_from_a_common_type(client, secretary, tree, post_type):
    client.force_login(secretary)
    response = client.post(
        reverse("posts:post-add", args=[tree.branch.pk]),
        {"year": 2026, "post_type": post_type.pk, "name": "", "seats": 4, "is_active": "on"},
    )
    post = Post.objects.get()
    assert response.status_code == 302
    assert (post.name, post.seats, post.branch) == ("治安维稳岗", 4, tree.branch)
    assert [i.name for i in post.menu()] == ["夜间治安巡逻", "平安信息报送", "维稳普法宣传"]


def test_a_secretary_sets_up_the_branchs_own_post_with_its_own_menu(client, secretary, tree):
    client.force_login(secretary)
    client.post(
        reverse("posts:post-add", args=[tree.branch.pk]),
        {"year": 2026, "name": "侨情联络岗", "seats": 2, "is_active": "on"},
    )
    post = Post.objects.get(name="侨情联络岗")
    client.post(reverse("posts:post-detail", args=[post.pk]), {"name": "侨胞回乡事务代办"})
    assert post.is_own_post
    assert [i.name for i in post.menu()] == ["侨胞回乡事务代办"]


@pytest.mark.parametrize("name", ["", "治安维稳岗"])
def test_a_second_post_named_like_the_first_is_refused_with_the_typed_values_kept(
    client, secretary, tree, post_type, name
):
    """The obvious name (the common type's, typed or left empty) a second time in a year:
    a form error naming the clash, never a server error."""
    client.force_login(secretary)
    url = reverse("posts:post-add", args=[tree.branch.pk])
    data = {"year": 2026, "post_type": post_type.pk, "name": name, "seats": 3, "is_active": "on"}
    client.post(url, data)
    response = client.post(url, data | {"seats": 5, "duties": "负责二组"})
    assert response.status_code == 200
    assert "治安维稳岗" in response.context["form"].errors["name"][0]
    assert response.context["form"]["duties"].value() == "负责二组"
    assert Post.objects.count() == 1
    renamed = client.post(url, data | {"name": "治安维稳岗（二组）"})
    assert renamed.status_code == 302
    assert Post.objects.count() == 2


def test_renaming_a_post_to_a_taken_name_is_refused(client, secretary, tree, post_type):

    PostFactory(branch=tree.branch, year=2026, name="环境保洁岗")
    other = PostFactory(branch=tree.branch, year=2026, name="文明劝导岗")
    client.force_login(secretary)
    response = client.post(
        reverse("posts:post-edit", args=[other.pk]),
        {"year": 2026, "name": "环境保洁岗", "seats": 2, "is_active": "on"},
    )
    assert response.context["form"].errors["name"]
    other.refresh_from_db()
    assert other.name == "文明劝导岗"


def test_an_own_post_needs_a_name(client, secretary, tree):
    client.force_login(secretary)
    response = client.post(
        reverse("posts:post-add", args=[tree.branch.pk]), {"year": 2026, "seats": 2}
    )
    assert response.context["form"].errors["name"]
    assert not Post.objects.exists()


def test_a_post_can_answer_the_branchs_needs(client, secretary, tree):
    from tests.factories import ResidentNeedFactory

    need = ResidentNeedFactory(branch=tree.branch)
    client.force_login(secretary)
    client.post(
        reverse("posts:post-add", args=[tree.branch.pk]),
        {"year": 2026, "name": "环境保洁岗", "seats": 2, "needs": [need.pk], "is_active": "on"},
    )
    assert list(Post.objects.get().needs.all()) == [need]


def test_a_member_applies_and_sees_it_on_their_page(client, member_user, post):
    client.force_login(member_user)
    client.post(reverse("posts:apply", args=[post.pk]))
    response = client.get(reverse("posts:my-posts"))
    assert [c.status for c in response.context["choices"]] == ["applied"]
    assert post not in response.context["open_posts"]


def test_the_secretary_confirms_from_the_choices_page(client, secretary, post, member):
    choice = services.apply_for_post(member=member, post=post, by=None)
    client.force_login(secretary)
    client.post(reverse("posts:choice-confirm", args=[choice.pk]))
    choice.refresh_from_db()
    assert choice.status == Choice.Status.CONFIRMED


def test_right_after_confirming_the_post_certificate_is_one_tap_away(
    client, secretary, post, member
):
    choice = services.apply_for_post(member=member, post=post, by=None)
    client.force_login(secretary)
    response = client.post(reverse("posts:choice-confirm", args=[choice.pk]), follow=True)
    certificate = reverse("posts:post-certificate", args=[choice.pk])
    assert response.context["just_confirmed"] == choice
    assert certificate in response.content.decode()
    assert client.get(certificate)["Content-Type"] == "application/pdf"


def test_the_holder_row_of_a_post_prints_its_certificate(client, secretary, held_post):
    client.force_login(secretary)
    page = client.get(reverse("posts:post-detail", args=[held_post.post_id]))
    assert reverse("posts:post-certificate", args=[held_post.pk]) in page.content.decode()


def test_another_branchs_confirmed_choice_is_not_offered(client, neighbour_secretary, held_post):
    client.force_login(neighbour_secretary)
    url = reverse("posts:choice-list", args=[neighbour_secretary.role_assignments.get().unit_id])
    response = client.get(url, {"confirmed": held_post.pk})
    assert response.context["just_confirmed"] is None


def test_confirming_a_full_post_shows_why(client, secretary, post, tree):
    choices = [
        services.apply_for_post(member=MemberFactory(branch=tree.branch), post=post, by=None)
        for _ in range(2)
    ]
    late = services.recommend_member(
        member=MemberFactory(branch=tree.branch),
        post=post,
        meeting_date="2026-03-02",
        meeting_note="",
        by=secretary,
    )
    for choice in choices:
        services.confirm_choice(choice=choice, by=secretary)
    client.force_login(secretary)
    response = client.post(reverse("posts:choice-confirm", args=[late.pk]), follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    late.refresh_from_db()
    assert late.status == "recommended"


def test_a_town_organiser_cannot_confirm(client, town_organiser, post, member):
    choice = services.apply_for_post(member=member, post=post, by=None)
    client.force_login(town_organiser)
    assert client.post(reverse("posts:choice-confirm", args=[choice.pk])).status_code == 403


def test_the_member_writes_their_pledge_through_the_form(client, member_user, pledge):
    items = pledge.choice.post.menu()
    client.force_login(member_user)
    client.post(
        reverse("posts:pledge-edit", args=[pledge.pk]),
        {
            "based_on": 0,
            f"pick_{items[0].pk}": "on",
            f"commitment_{items[0].pk}": "每周二、周五晚巡逻",
        },
    )
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.SUBMITTED
    assert [i.commitment for i in pledge.current_version().items.all()] == ["每周二、周五晚巡逻"]


def test_a_picked_item_without_a_commitment_is_refused(client, member_user, pledge):
    items = pledge.choice.post.menu()
    client.force_login(member_user)
    response = client.post(
        reverse("posts:pledge-edit", args=[pledge.pk]), {"based_on": 0, f"pick_{items[0].pk}": "on"}
    )
    assert response.status_code == 200
    assert pledge.versions.count() == 0


def test_the_secretary_enters_a_paper_pledge_for_the_member(client, secretary, pledge):
    items = pledge.choice.post.menu()
    client.force_login(secretary)
    client.post(
        reverse("posts:pledge-edit", args=[pledge.pk]),
        {
            "based_on": 0,
            "on_paper": "on",
            f"pick_{items[1].pk}": "on",
            f"commitment_{items[1].pk}": "每月报送平安信息",
        },
    )
    version = pledge.current_version()
    assert version.on_paper and version.written_by == secretary


def test_a_stale_form_is_refused_with_a_message(client, member_user, secretary, pledge):
    services.write_pledge(
        pledge=pledge, lines=lines_for(pledge.choice.post, "秘书代录"), based_on=0, by=secretary
    )
    items = pledge.choice.post.menu()
    client.force_login(member_user)
    response = client.post(
        reverse("posts:pledge-edit", args=[pledge.pk]),
        {"based_on": 0, f"pick_{items[0].pk}": "on", f"commitment_{items[0].pk}": "本人填写"},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert pledge.versions.count() == 1


def test_the_secretary_returns_then_approves_and_the_page_shows_what_changed(
    client, member_user, secretary, pledge
):
    post = pledge.choice.post
    services.write_pledge(
        pledge=pledge, lines=lines_for(post, "偶尔巡逻"), based_on=0, by=member_user
    )
    client.force_login(secretary)
    client.post(
        reverse("posts:pledge-review", args=[pledge.pk]),
        {"decision": "return", "comment": "请写明频次"},
    )
    services.write_pledge(
        pledge=pledge, lines=lines_for(post, "每周两晚"), based_on=1, by=member_user
    )
    client.post(reverse("posts:pledge-review", args=[pledge.pk]), {"decision": "approve"})
    response = client.get(reverse("posts:pledge-detail", args=[pledge.pk]))
    content = response.content.decode()
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.APPROVED
    assert "请写明频次" in content and "偶尔巡逻" in content and "每周两晚" in content


def test_returning_without_comments_changes_nothing(client, member_user, secretary, pledge):
    services.write_pledge(
        pledge=pledge, lines=lines_for(pledge.choice.post, "偶尔巡逻"), based_on=0, by=member_user
    )
    client.force_login(secretary)
    client.post(
        reverse("posts:pledge-review", args=[pledge.pk]), {"decision": "return", "comment": ""}
    )
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.SUBMITTED


def test_a_member_cannot_review_their_own_pledge(client, member_user, pledge):
    services.write_pledge(
        pledge=pledge, lines=lines_for(pledge.choice.post, "偶尔巡逻"), based_on=0, by=member_user
    )
    client.force_login(member_user)
    assert (
        client.post(
            reverse("posts:pledge-review", args=[pledge.pk]), {"decision": "approve"}
        ).status_code
        == 403
    )


def test_an_organiser_publishes_the_ticked_pledges_in_bulk(
    client, town_organiser, member_user, secretary, pledge
):
    services.write_pledge(
        pledge=pledge, lines=lines_for(pledge.choice.post, "每周两晚"), based_on=0, by=member_user
    )
    services.approve_pledge(pledge=pledge, by=secretary)
    client.force_login(town_organiser)
    assert list(
        client.get(reverse("posts:publish-queue", args=[tree_town(pledge)])).context["waiting"]
    ) == [pledge]
    client.post(reverse("posts:publish-queue", args=[tree_town(pledge)]), {"pledge": [pledge.pk]})
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.PUBLISHED


def tree_town(pledge) -> int:
    return pledge.choice.post.branch.parent_id


def test_an_organiser_of_another_town_cannot_publish(
    client, other_town_organiser, member_user, secretary, pledge
):
    services.write_pledge(
        pledge=pledge, lines=lines_for(pledge.choice.post, "每周两晚"), based_on=0, by=member_user
    )
    services.approve_pledge(pledge=pledge, by=secretary)
    client.force_login(other_town_organiser)
    response = client.post(
        reverse("posts:publish-queue", args=[tree_town(pledge)]), {"pledge": [pledge.pk]}
    )
    assert response.status_code == 404
    pledge.refresh_from_db()
    assert pledge.status == Pledge.Status.APPROVED


def test_the_post_page_keeps_the_history_of_changes(client, secretary, post):
    client.force_login(secretary)
    client.post(
        reverse("posts:post-edit", args=[post.pk]),
        {
            "year": 2026,
            "post_type": post.post_type_id,
            "name": "治安维稳岗",
            "seats": 5,
            "is_active": "on",
        },
    )
    response = client.get(reverse("posts:post-detail", args=[post.pk]))
    assert any(change.new == "5" for entry in response.context["log"] for change in entry.changes)


@pytest.mark.parametrize("rows", [3, 30])
def test_the_post_list_makes_the_same_number_of_queries_whatever_its_length(
    client, secretary, tree, post_type, django_assert_num_queries, rows
):
    for n in range(rows):
        post = PostFactory(branch=tree.branch, post_type=post_type, name=f"岗位{n}")
        services.confirm_choice(
            choice=services.apply_for_post(
                member=MemberFactory(branch=tree.branch), post=post, by=None
            ),
            by=secretary,
        )
    client.force_login(secretary)
    url = reverse("posts:post-list", args=[tree.branch.pk]) + "?year=2026"
    client.get(url)
    with django_assert_num_queries(QUERIES_ON_POST_LIST):
        client.get(url)


# session, user, unit, roles, posts, coverage (2), pending count, the menu's one statement
# (unread count, own file)
QUERIES_ON_POST_LIST = 9


@pytest.mark.parametrize("rows", [3, 30])
def test_the_pledge_list_makes_the_same_number_of_queries_whatever_its_length(
    client, secretary, tree, post_type, django_assert_num_queries, rows
):
    post = PostFactory(branch=tree.branch, post_type=post_type, seats=40)
    for _ in range(rows):
        services.confirm_choice(
            choice=services.apply_for_post(
                member=MemberFactory(branch=tree.branch), post=post, by=None
            ),
            by=secretary,
        )
    client.force_login(secretary)
    url = reverse("posts:pledge-list", args=[tree.branch.pk]) + "?year=2026"
    client.get(url)
    with django_assert_num_queries(QUERIES_ON_PLEDGE_LIST):
        response = client.get(url)
    assert len(response.context["pledges"]) == rows


QUERIES_ON_PLEDGE_LIST = 7  # … and the count of pledges waiting for review


def test_the_home_page_lists_what_waits_for_the_secretary(client, secretary, member_user, pledge):
    services.write_pledge(
        pledge=pledge, lines=lines_for(pledge.choice.post, "每周两晚"), based_on=0, by=member_user
    )
    client.force_login(secretary)
    (branch,) = client.get(reverse("home")).context["branches"]
    assert [(step.key, step.todo) for step in branch.steps if step.todo][:2] == [
        ("pledges", 1),
        ("tally", 1),
    ]


def test_the_home_page_lists_pledges_to_publish_for_the_organiser(
    client, town_organiser, member_user, secretary, pledge
):
    services.write_pledge(
        pledge=pledge, lines=lines_for(pledge.choice.post, "每周两晚"), based_on=0, by=member_user
    )
    services.approve_pledge(pledge=pledge, by=secretary)
    client.force_login(town_organiser)
    (area,) = client.get(reverse("home")).context["areas"]
    assert area.lagging[0].to_publish == 1


def test_the_pledge_page_shows_who_confirmed_the_choice(client, secretary, pledge):
    client.force_login(secretary)
    response = client.get(reverse("posts:pledge-detail", args=[pledge.pk]))
    entries = response.context["choice_log"]
    assert entries[0].who == "secretary"
    assert any(change.new == str(Choice.Status.CONFIRMED.label) for change in entries[0].changes)


def test_returning_a_pledge_to_a_member_no_message_reaches_offers_a_paper_notice(
    client, secretary, post
):

    from tests.pdf import pdf_text

    member = MemberFactory(branch=post.branch, name="陶阿婆", phone="")
    choice = services.apply_for_post(member=member, post=post, by=None)
    services.confirm_choice(choice=choice, by=secretary)
    services.write_pledge(
        pledge=choice.pledge,
        lines=lines_for(post, "每周巡逻"),
        based_on=0,
        by=secretary,
        on_paper=True,
    )
    client.force_login(secretary)
    response = client.post(
        reverse("posts:pledge-review", args=[choice.pledge.pk]),
        {"decision": "return", "comment": "请写明哪一天"},
    )
    notice = reverse("posts:pledge-notice", args=[choice.pledge.pk])
    assert response["Location"] == notice
    page = client.get(notice)
    assert "请写明哪一天" in page.content.decode()
    assert "陶阿婆" in pdf_text(client.get(notice, {"pdf": "1"}).content)


def test_returning_a_pledge_says_how_the_member_was_told(client, member_user, secretary, pledge):
    services.write_pledge(
        pledge=pledge, lines=lines_for(pledge.choice.post, "偶尔巡逻"), based_on=0, by=member_user
    )
    client.force_login(secretary)
    response = client.post(
        reverse("posts:pledge-review", args=[pledge.pk]),
        {"decision": "return", "comment": "请写明频次"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("posts:pledge-detail", args=[pledge.pk])
    assert "站内消息" in str(list(response.context["messages"])[0])


def test_declining_a_choice_of_a_member_with_only_a_phone_texts_them(
    client, secretary, post, django_capture_on_commit_callbacks
):
    from inbox.models import TextMessage

    member = MemberFactory(branch=post.branch, name="陶阿公", phone="13905750001")
    choice = services.apply_for_post(member=member, post=post, by=None)
    client.force_login(secretary)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("posts:choice-decline", args=[choice.pk]), {"reason": "本岗位已满"}
        )
    assert response["Location"] == reverse("posts:choice-list", args=[post.branch_id])
    text = TextMessage.objects.get(mobile="13905750001")
    assert "本岗位已满" in text.text


def test_the_revise_form_shows_the_secretarys_return_comment(
    client, member_user, secretary, pledge
):
    services.write_pledge(
        pledge=pledge, lines=lines_for(pledge.choice.post, "偶尔巡逻"), based_on=0, by=member_user
    )
    services.return_pledge(pledge=pledge, comment="请写明每周几晚", by=secretary)
    client.force_login(member_user)
    page = client.get(reverse("posts:pledge-edit", args=[pledge.pk]))
    assert "请写明每周几晚" in page.content.decode()
    assert page.context["returned"].review_comment == "请写明每周几晚"


def test_the_pledge_list_opens_on_what_waits_oldest_first(client, secretary, tree, post_type):
    import time_machine

    post = PostFactory(branch=tree.branch, post_type=post_type, seats=5)
    held = []
    for name in ("先交", "后交", "未交"):
        choice = services.apply_for_post(
            member=MemberFactory(branch=tree.branch, name=name), post=post, by=None
        )
        services.confirm_choice(choice=choice, by=secretary)
        held.append(choice)
    with time_machine.travel("2026-11-01 09:00 +0800"):
        services.write_pledge(
            pledge=held[0].pledge, lines=lines_for(post, "一"), based_on=0, by=secretary
        )
    with time_machine.travel("2026-11-20 09:00 +0800"):
        services.write_pledge(
            pledge=held[1].pledge, lines=lines_for(post, "二"), based_on=0, by=secretary
        )
    client.force_login(secretary)
    url = reverse("posts:pledge-list", args=[tree.branch.pk])
    waiting = client.get(url, {"year": 2026})
    assert [p.choice.member.name for p in waiting.context["pledges"]] == ["先交", "后交"]
    every = client.get(url, {"year": 2026, "show": "all"})
    assert len(every.context["pledges"]) == 3


def test_history_is_told_in_words(client, secretary, pledge, member_user):
    secretary.first_name = "马慧燕"
    secretary.save()
    services.write_pledge(
        pledge=pledge, lines=lines_for(pledge.choice.post, "每周两晚"), based_on=0, by=member_user
    )
    client.force_login(secretary)
    response = client.get(reverse("posts:pledge-detail", args=[pledge.pk]))
    changes = [c for entry in response.context["choice_log"] for c in entry.changes]
    decided_by = next(c for c in changes if c.field == "处理人")
    assert decided_by.new == "马慧燕"  # a person by name, not a number
    decided_at = next(c for c in changes if c.field == "处理时间")
    assert "年" in decided_at.new and "." not in decided_at.new  # a Chinese date, no microseconds
    pledge_changes = [c.field for entry in response.context["log"] for c in entry.changes]
    assert "version count" not in pledge_changes and pledge_changes  # counters left out


def test_the_secretarys_main_action_on_a_post_is_recommending_a_member(client, tree, post):
    secretary = make_member_user(tree)
    RoleFactory(user=secretary, unit=tree.branch, role=RoleAssignment.Role.BRANCH_SECRETARY)
    client.force_login(secretary)
    page = client.get(reverse("posts:post-detail", args=[post.pk])).content.decode()
    recommend = page.index('id="recommend-member"')
    assert 'class="btn btn-danger" id="recommend-member"' in page
    apply_form = page[page.rindex("<form", 0, page.index('id="apply-myself"')) :]
    assert "data-confirm=" in apply_form[: apply_form.index(">")]
    assert recommend < page.index('id="apply-myself"')


def test_a_member_reads_no_management_history_on_a_post_page(client, post, member_user):
    client.force_login(member_user)
    response = client.get(reverse("posts:post-detail", args=[post.pk]))
    assert response.status_code == 200
    assert response.context["log"] == []


def test_seats_cannot_go_below_the_members_holding_the_post(client, secretary, held_post):
    post = held_post.post
    client.force_login(secretary)
    data = {"name": post.name, "year": post.year, "seats": 0, "post_type": post.post_type_id}
    response = client.post(reverse("posts:post-edit", args=[post.pk]), data | {"seats": 0})
    assert response.status_code == 200
    post.refresh_from_db()
    assert post.seats == 2
    assert "1 member holds this post" in response.content.decode() or response.context[
        "form"
    ].errors.get("seats")


def test_exempting_a_post_holder_names_the_post_and_ends_it(client, secretary, held_post):
    member = held_post.member
    client.force_login(secretary)
    url = reverse("posts:member-exempt", args=[member.pk])
    assert 'id="posts-held"' in client.get(url).content.decode()
    client.post(url, {"reason": "年老体弱"})
    held_post.refresh_from_db()
    member.refresh_from_db()
    assert member.is_exempt
    assert held_post.status == Choice.Status.ENDED


def test_exempting_a_holder_with_the_longest_reason_ends_the_post_and_keeps_the_reason(
    client, secretary, held_post
):
    """The post's note adds words to the reason: cut to the note's length, never a
    server error; the member's file keeps the reason whole."""
    member = held_post.member
    client.force_login(secretary)
    reason = "长" * 200
    response = client.post(reverse("posts:member-exempt", args=[member.pk]), {"reason": reason})
    assert response.status_code == 302
    held_post.refresh_from_db()
    member.refresh_from_db()
    assert held_post.status == Choice.Status.ENDED
    assert len(held_post.reason) == 200
    assert member.exemption_reason == reason


def test_an_exempted_holder_is_left_out_of_the_year_end_evaluation(tree, secretary, held_post):
    from scoring import evaluation as ev

    services.exempt_from_posts(member=held_post.member, reason="长期住院", by=secretary)
    assert ev.post_holders(tree.branch, held_post.post.year).count() == 0
