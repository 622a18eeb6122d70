"""Every URL, requested as every role and as an anonymous visitor.

The table names the answer each role must get for a GET. A URL pattern without a row
fails `test_every_url_has_a_row`, so nobody can add a page and forget its scope.
Objects belong to 秦望村, the secretary's branch (see conftest.py).
"""

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from inbox.models import Notification
from members.models import RosterImport
from tests.factories import CapabilityTypeFactory, ResidentNeedFactory, next_id_number, roster_file

ROLES = [
    "anonymous",
    "district",
    "town",
    "other_town",
    "secretary",
    "neighbour_secretary",
    "instructor",
    "team_leader",
    "member",
    "superuser",
]

# Shorthands for the common shapes of a row.
EVERYONE_LOGGED_IN = {r: 200 for r in ROLES} | {"anonymous": 302}
BRANCH_READ = {
    "anonymous": 302,
    "district": 200,
    "town": 200,
    "other_town": 404,
    "secretary": 200,
    "neighbour_secretary": 404,
    "instructor": 404,
    "team_leader": 404,
    "member": 404,
    "superuser": 200,
}
BRANCH_WRITE = BRANCH_READ | {"district": 403, "town": 403}
ORGANISERS_READ = {r: 404 for r in ROLES} | {
    "anonymous": 302,
    "district": 200,
    "town": 200,
    "other_town": 200,
    "superuser": 200,
}
DISTRICT_WRITE = ORGANISERS_READ | {"town": 403, "other_town": 403}
TOWN_READ = {r: 404 for r in ROLES} | {
    "anonymous": 302,
    "district": 200,
    "town": 200,
    "superuser": 200,
}
ORGANISE_BRANCH = TOWN_READ
MEMBER_ONLY = {r: 404 for r in ROLES} | {"anonymous": 302, "member": 200}
ALL = lambda status: {r: status for r in ROLES}  # noqa: E731

# url name -> (kwargs key, expected status per role)
TABLE = {
    "home": (None, EVERYONE_LOGGED_IN),
    "login": (None, ALL(302) | {"anonymous": 200}),
    "logout": (None, ALL(405)),
    "password_change": (None, EVERYONE_LOGGED_IN),
    "password_change_done": (None, EVERYONE_LOGGED_IN),
    "set_language": (None, ALL(302)),
    "members:my-file": (None, ALL(302)),
    "members:unit-detail": ("branch", BRANCH_READ),
    "members:member-list": ("branch", BRANCH_READ),
    # Adding a grid to a branch: its secretary and the organisers above.
    "members:unit-add": ("branch", BRANCH_READ),
    # Editing a branch is for the organisers above it, not for its own secretary.
    "members:unit-edit": ("branch", BRANCH_READ | {"secretary": 403}),
    "members:member-add": ("branch", BRANCH_WRITE),
    "members:situation-edit": ("branch", BRANCH_WRITE),
    "members:need-list": ("branch", BRANCH_READ),
    "members:need-add": ("branch", BRANCH_WRITE),
    "members:need-edit": ("need", BRANCH_WRITE),
    "members:roster-template": ("branch", BRANCH_WRITE),
    "members:roster-export": ("branch", BRANCH_READ),
    "members:roster-import": ("branch", BRANCH_WRITE),
    "members:roster-preview": ("roster_import", BRANCH_WRITE),
    # The member's own file: they read it, and only the secretary changes it.
    "members:member-detail": ("member", BRANCH_READ | {"member": 200}),
    "members:member-edit": ("member", BRANCH_WRITE | {"member": 403}),
    "members:member-exempt": ("member", BRANCH_WRITE | {"member": 403}),
    "members:member-unexempt": ("member", ALL(405)),
    "members:capability-list": (None, ORGANISERS_READ),
    "members:capability-add": (None, DISTRICT_WRITE),
    "members:capability-edit": ("capability", DISTRICT_WRITE),
    "members:partner-list": (None, ORGANISERS_READ),
    # Everyone has an inbox; a message is read by its recipient only (the member's has no
    # link, so opening it shows it rather than redirecting).
    "inbox:list": (None, EVERYONE_LOGGED_IN),
    "inbox:open": ("notification", {r: 404 for r in ROLES} | {"anonymous": 302, "member": 200}),
    "inbox:mark-all-read": (None, ALL(405)),
    # Steps 1-3: post types (town), posts, choices, pledges (branch), publication.
    "posts:type-list": ("town", TOWN_READ),
    "posts:type-add": ("town", TOWN_READ),
    "posts:type-detail": ("post_type", TOWN_READ),
    "posts:type-edit": ("post_type", TOWN_READ),
    "posts:item-edit": ("duty_item", TOWN_READ),
    "posts:post-list": ("branch", BRANCH_READ),
    "posts:post-add": ("branch", BRANCH_WRITE),
    "posts:choice-list": ("branch", BRANCH_READ),
    "posts:pledge-list": ("branch", BRANCH_READ),
    "posts:post-detail": ("post", BRANCH_READ | {"member": 200}),
    "posts:post-edit": ("post", BRANCH_WRITE | {"member": 403}),
    "posts:apply": ("post", ALL(405)),
    "posts:recommend": ("post", BRANCH_WRITE | {"member": 403}),
    "posts:choice-confirm": ("choice", ALL(405)),
    "posts:choice-decline": ("choice", BRANCH_WRITE),
    "posts:choice-withdraw": ("choice", ALL(405)),
    "posts:my-posts": (None, MEMBER_ONLY),
    "posts:pledge-detail": ("pledge", BRANCH_READ | {"member": 200}),
    "posts:pledge-edit": ("pledge", BRANCH_WRITE | {"member": 200}),
    "posts:pledge-review": ("pledge", ALL(405)),
    "posts:publish-queue": ("branch", ORGANISE_BRANCH),
    # -- public notice board (公示) --
    # -- certificates and verification --
    # -- ledgers and coverage --
    # -- scoring: activities, ledger, cards, tallies --
    # -- scoring: evaluation --
    # Ledgers of any unit one oversees; coverage for a district or town (a branch: 404).
    "posts:post-ledger": ("branch", BRANCH_READ),
    "posts:pledge-ledger": ("branch", BRANCH_READ),
    "posts:coverage": ("town", TOWN_READ),
}


def _url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue  # the admin has its own test below
            prefix = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _url_names(entry, prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_url_has_a_row():
    names = set(_url_names())
    assert names - set(TABLE) == set(), "add these URLs to TABLE"
    assert set(TABLE) - names == set(), "TABLE lists URLs that no longer exist"


@pytest.fixture
def people(
    district_organiser,
    town_organiser,
    other_town_organiser,
    secretary,
    neighbour_secretary,
    instructor,
    team_leader,
    member_user,
    superuser,
):
    return {
        "anonymous": None,
        "district": district_organiser,
        "town": town_organiser,
        "other_town": other_town_organiser,
        "secretary": secretary,
        "neighbour_secretary": neighbour_secretary,
        "instructor": instructor,
        "team_leader": team_leader,
        "member": member_user,
        "superuser": superuser,
    }


@pytest.fixture
def objects(tree, member_user, member, secretary):
    from posts import services as post_services
    from tests.factories import DutyItemFactory, PostFactory, PostTypeFactory

    post_type = PostTypeFactory(town=tree.town)
    duty_item = DutyItemFactory(post_type=post_type)
    post = PostFactory(branch=tree.branch, post_type=post_type)
    held = post_services.apply_for_post(member=member_user.member_file, post=post, by=member_user)
    post_services.confirm_choice(choice=held, by=secretary)
    pending = post_services.apply_for_post(member=member, post=post, by=None)
    return {
        "town": tree.town.pk,
        "post_type": post_type.pk,
        "duty_item": duty_item.pk,
        "post": post.pk,
        "choice": pending.pk,
        "pledge": held.pledge.pk,
        "branch": tree.branch.pk,
        "member": member_user.member_file.pk,
        "need": ResidentNeedFactory(branch=tree.branch).pk,
        "roster_import": RosterImport.objects.create(
            branch=tree.branch,
            uploaded_by=secretary,
            filename="a.xlsx",
            content=roster_file(
                [{"name": "张三", "id_number": next_id_number(), "category": "在册党员"}]
            ),
        ).pk,
        "capability": CapabilityTypeFactory(name="医疗服务型").pk,
        "notification": Notification.objects.create(
            recipient=member_user, subject="岗位已确认", body="您的选岗已确认。"
        ).pk,
    }


@pytest.mark.parametrize("name", sorted(TABLE))
def test_url_answers_each_role_as_the_table_says(client, people, objects, name):
    key, expected = TABLE[name]
    url = reverse(name, kwargs={"pk": objects[key]} if key else None)
    got = {}
    for role in ROLES:
        client.logout()
        if people[role] is not None:
            client.force_login(people[role])
        got[role] = client.get(url).status_code
    assert got == expected


def _admin_urls():
    for model in admin.site._registry:
        meta = model._meta
        yield reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")


def test_the_admin_is_for_superusers_only(client, people):
    urls = [reverse("admin:index"), *_admin_urls()]
    for role, user in people.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        statuses = {client.get(url).status_code for url in urls}
        assert statuses == ({200} if role == "superuser" else {302}), role
