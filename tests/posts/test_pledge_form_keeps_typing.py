"""Nothing typed into the pledge form is lost: a commitment written under an unticked
duty item ticks it, and a refused form comes back with everything typed."""

from django.urls import reverse

from posts import services
from tests.posts.conftest import lines_for


def _send(client, pledge, data, based_on=0):
    return client.post(
        reverse("posts:pledge-edit", args=[pledge.pk]), {"based_on": based_on, **data}
    )


def _pledged(pledge) -> dict[str, str]:
    return {i.duty_item.name: i.commitment for i in pledge.current_version().items.all()}


def test_a_commitment_under_an_unticked_item_is_pledged_with_the_ticked_ones(
    client, member_user, pledge
):
    patrol, report, _ = pledge.choice.post.menu()
    client.force_login(member_user)
    _send(
        client,
        pledge,
        {
            f"pick_{patrol.pk}": "on",
            f"commitment_{patrol.pk}": "每周二晚巡逻",
            f"commitment_{report.pk}": "每月报送一次平安信息",  # its box left unticked
        },
    )
    assert _pledged(pledge) == {
        "夜间治安巡逻": "每周二晚巡逻",
        "平安信息报送": "每月报送一次平安信息",
    }


def test_a_commitment_with_no_box_ticked_at_all_is_pledged_rather_than_refused(
    client, member_user, pledge
):
    patrol = pledge.choice.post.menu()[0]
    client.force_login(member_user)
    _send(client, pledge, {f"commitment_{patrol.pk}": "每周二晚巡逻"})
    assert _pledged(pledge) == {"夜间治安巡逻": "每周二晚巡逻"}


def test_the_member_is_told_which_items_were_ticked_for_them(client, member_user, pledge):
    patrol = pledge.choice.post.menu()[0]
    client.force_login(member_user)
    response = _send(client, pledge, {f"commitment_{patrol.pk}": "每周二晚巡逻"}, based_on=0)
    shown = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert any("夜间治安巡逻" in message for message in shown)


def test_unticking_an_item_of_the_current_version_leaves_it_out_despite_its_old_text(
    client, member_user, pledge
):
    post = pledge.choice.post
    patrol, report, _ = post.menu()
    services.write_pledge(
        pledge=pledge, lines=lines_for(post, "每周巡逻", "每月报送"), based_on=0, by=member_user
    )
    client.force_login(member_user)
    # The form shows both items ticked with their text; the member unticks the second.
    _send(
        client,
        pledge,
        {
            f"pick_{patrol.pk}": "on",
            f"commitment_{patrol.pk}": "每周巡逻",
            f"commitment_{report.pk}": "每月报送",
        },
        based_on=1,
    )
    assert _pledged(pledge) == {"夜间治安巡逻": "每周巡逻"}


def test_new_text_under_an_item_unticked_on_revising_ticks_it_again(client, member_user, pledge):
    post = pledge.choice.post
    patrol, report, _ = post.menu()
    services.write_pledge(
        pledge=pledge, lines=lines_for(post, "每周巡逻", "每月报送"), based_on=0, by=member_user
    )
    client.force_login(member_user)
    _send(
        client,
        pledge,
        {
            f"pick_{patrol.pk}": "on",
            f"commitment_{patrol.pk}": "每周巡逻",
            f"commitment_{report.pk}": "每半月报送",
        },
        based_on=1,
    )
    assert _pledged(pledge) == {"夜间治安巡逻": "每周巡逻", "平安信息报送": "每半月报送"}


def test_a_refused_form_keeps_every_commitment_typed_and_shows_the_item_ticked(
    client, member_user, pledge
):
    patrol, report, propaganda = pledge.choice.post.menu()
    client.force_login(member_user)
    response = _send(
        client,
        pledge,
        {
            f"pick_{patrol.pk}": "on",  # ticked, nothing written: refused
            f"commitment_{report.pk}": "每月报送一次平安信息",
        },
    )
    assert response.status_code == 200
    assert pledge.versions.count() == 0
    form = response.context["form"]
    assert form.errors[f"commitment_{patrol.pk}"]
    page = response.content.decode()
    assert "每月报送一次平安信息" in page
    assert form[f"pick_{report.pk}"].value() is True
    assert form[f"pick_{propaganda.pk}"].value() is False


def test_blank_text_under_an_unticked_item_ticks_nothing(client, member_user, pledge):
    patrol, report, _ = pledge.choice.post.menu()
    client.force_login(member_user)
    _send(
        client,
        pledge,
        {
            f"pick_{patrol.pk}": "on",
            f"commitment_{patrol.pk}": "每周巡逻",
            f"commitment_{report.pk}": "   ",
        },
    )
    assert _pledged(pledge) == {"夜间治安巡逻": "每周巡逻"}
