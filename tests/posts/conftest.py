import pytest

from posts import services
from tests.factories import PostFactory


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
