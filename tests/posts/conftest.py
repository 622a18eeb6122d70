import pytest

from posts import services
from tests.factories import DutyItemFactory, PostFactory, PostTypeFactory


@pytest.fixture
def post_type(tree):
    """治安维稳岗 of 鉴湖镇 with a three-item duty menu."""
    post_type = PostTypeFactory(town=tree.town, name="治安维稳岗")
    for order, name in enumerate(["夜间治安巡逻", "平安信息报送", "维稳普法宣传"], start=1):
        DutyItemFactory(post_type=post_type, name=name, sort_order=order)
    return post_type


@pytest.fixture
def post(tree, post_type):
    return PostFactory(branch=tree.branch, post_type=post_type, name="治安维稳岗", seats=2)


@pytest.fixture
def held_post(post, member_user, secretary):
    """The member_user holds `post`: applied and confirmed."""
    choice = services.apply_for_post(member=member_user.member_file, post=post, by=member_user)
    return services.confirm_choice(choice=choice, by=secretary)


@pytest.fixture
def pledge(held_post):
    return held_post.pledge


def lines_for(post, *commitments):
    """PledgeLines for the first items of the post's menu."""
    return [
        services.PledgeLine(item, text)
        for item, text in zip(post.menu(), commitments, strict=False)
    ]
