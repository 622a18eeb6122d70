"""The base layout's header and menu: who sees which links, the unread count as it
changes, the one statement behind them (volunteer/layout.py), what a page with no data
of its own costs in queries, and the header served from its stored pieces
(volunteer/templatetags/layout.py) exactly as the template renders it."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.template import Context, RequestContext, engines
from django.test import Client
from django.urls import reverse
from django.utils import translation

from helpdesk.templatetags.helpdesk_tags import NAV_ROLES
from inbox import services
from inbox.models import Notification
from members import access
from members.models import Member
from tests.conftest import make_member_user
from tests.factories import MemberFactory, RoleFactory, UserFactory
from volunteer import layout
from volunteer.templatetags import layout as layout_tags

FLOOR = reverse("password_change_done")
MY_FILE = reverse("members:my-file")
OWN_LINKS = [
    MY_FILE,
    reverse("posts:my-posts"),
    reverse("scoring:my-card"),
    reverse("scoring:my-evaluation"),
    reverse("helpdesk:my-volunteer"),
]
SERVICE = reverse("helpdesk:board")
ADMIN = reverse("admin:index")
EVERYONES = [reverse("home"), reverse("inbox:list"), reverse("jobs:list")]


def _menu_links(html: str) -> list[str]:
    menu = html.split('<ul class="navbar-nav me-auto">', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'class="nav-link" href="([^"]+)"', menu)


def _page(client: Client, user, url: str = FLOOR) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _badges(html: str) -> list[str]:
    """The unread count as shown: on the closed menu's button and beside "Inbox"."""
    return re.findall(r'class="(?:toggler-badge )?badge rounded-pill text-bg-\w+">(\d+)<', html)


def _notify(user, subject: str = "岗位已确认") -> Notification:
    return services.notify(recipient=user, subject=subject, body="您的选岗已确认。")


# --- who sees which links ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "own", "service", "admin"),
    [
        ("member_user", True, False, False),
        ("secretary", False, True, False),
        ("district_organiser", False, True, False),
        ("town_organiser", False, True, False),
        ("team_leader", False, True, False),
        ("instructor", False, False, False),
        ("superuser", False, True, True),
    ],
)
def test_the_menu_shows_each_role_its_links(client, request, who, own, service, admin):
    user = request.getfixturevalue(who)
    expected = [*EVERYONES, *(OWN_LINKS if own else []), *([SERVICE] if service else [])]
    assert _menu_links(_page(client, user)) == expected + ([ADMIN] if admin else [])


def test_a_role_holder_with_a_member_file_gets_both_sets_of_links(client, tree, secretary):
    MemberFactory(branch=tree.branch, user=secretary, name="秦书记")
    assert _menu_links(_page(client, secretary)) == [*EVERYONES, *OWN_LINKS, SERVICE]


def test_a_departed_members_file_still_gives_the_own_links(client, tree, member_user):
    # As `user.member_file` did: the file is theirs to read after they leave the branch.
    Member.all_files.filter(user=member_user).update(left_on="2026-06-30")
    assert _menu_links(_page(client, member_user)) == [*EVERYONES, *OWN_LINKS]


def test_a_role_given_shows_its_link_on_the_next_page(client, tree, member_user):
    assert SERVICE not in _menu_links(_page(client, member_user))
    RoleFactory(user=member_user, unit=tree.grid, role=access.Role.TEAM_LEADER)
    assert SERVICE in _menu_links(client.get(FLOOR).content.decode())


def test_a_visitor_gets_no_menu_links_and_no_count(client, db):
    response = client.get(reverse("login"))
    assert _menu_links(response.content.decode()) == []
    assert response.context["inbox_unread"] == 0


def test_the_menu_names_the_user_and_escapes_what_they_typed(client, tree):
    user = UserFactory(username="x", first_name='<b>"王"</b>', last_name="")
    html = _page(client, user, FLOOR + '?next="><script>alert(1)</script>')
    assert (
        '<span class="navbar-text text-white me-2">&lt;b&gt;&quot;王&quot;&lt;/b&gt;</span>' in html
    )
    assert "<script>alert(1)" not in html
    # Both switches come back to this page.
    assert html.count('name="next" type="hidden" value="/accounts/password/done/?next=%22%3E') == 2


# --- the unread count ---------------------------------------------------------------------


def test_the_count_goes_up_when_a_message_arrives_and_down_when_it_is_read(
    client, member_user, secretary
):
    assert _badges(_page(client, member_user)) == []
    first = _notify(member_user)
    assert _badges(client.get(FLOOR).content.decode()) == ["1", "1"]
    services.notify_many(recipients=[member_user, secretary], subject="会议通知", body="周五开会")
    assert _badges(client.get(FLOOR).content.decode()) == ["2", "2"]

    client.get(reverse("inbox:open", args=[first.pk]))  # opening a message reads it
    assert _badges(client.get(FLOOR).content.decode()) == ["1", "1"]
    client.post(reverse("inbox:mark-all-read"))
    page = client.get(FLOOR).content.decode()
    assert _badges(page) == []
    assert "unread" not in page.split("<main")[0] and "未读" not in page.split("<main")[0]

    # The other recipient's count is theirs: their message is still unread.
    assert _badges(_page(Client(), secretary)) == ["1", "1"]


def test_two_people_with_the_same_menu_each_see_their_own_count_and_name(client, tree):
    one, other = make_member_user(tree), UserFactory(username="other", first_name="李四")
    MemberFactory(branch=tree.branch, user=other)
    _notify(one)
    for _ in range(3):
        _notify(other)
    assert _badges(_page(Client(), one)) == ["1", "1"]
    page = _page(Client(), other)
    assert _badges(page) == ["3", "3"]
    assert '<span class="navbar-text text-white me-2">李四</span>' in page
    assert _badges(_page(Client(), one)) == ["1", "1"]


# --- the one statement ----------------------------------------------------------------------


def _facts_by_querysets(user) -> tuple[int, bool, bool]:
    """What the menu used to ask: the inbox queryset, `user.member_file` and the roles
    helpdesk's `sees_helpdesk` filter looked for."""
    try:
        has_file = user.member_file is not None
    except Member.DoesNotExist:
        has_file = False
    sees = user.is_superuser or access.has_role(user, *NAV_ROLES)
    return Notification.objects.for_user(user).unread().count(), has_file, sees


def test_the_statement_gives_what_the_querysets_give(
    tree, member_user, secretary, district_organiser, instructor, team_leader, superuser
):
    _notify(member_user)
    _notify(member_user)
    services.mark_read(notification=_notify(member_user))
    _notify(secretary)
    MemberFactory(branch=tree.branch, user=team_leader)
    assert layout.MENU_SERVICE_ROLES == NAV_ROLES
    for user in (member_user, secretary, district_organiser, instructor, team_leader, superuser):
        facts = layout.menu_facts(user)
        user = type(user).objects.get(pk=user.pk)  # nothing cached on it
        assert (facts.unread, facts.has_file, facts.sees_service) == _facts_by_querysets(user)
    assert layout.menu_facts(member_user).unread == 2
    assert layout.menu_facts(AnonymousUser()) is layout.NOBODY


def test_a_page_with_no_data_of_its_own_costs_three_queries(
    client, district_organiser, member_user, django_assert_num_queries
):
    # The session, the user (as any page) and the menu's one statement.
    _notify(district_organiser)
    for user in (district_organiser, member_user):
        client.force_login(user)
        client.get(FLOOR)
        with django_assert_num_queries(3):
            assert client.get(FLOOR).status_code == 200


# --- the stored header ----------------------------------------------------------------------


def _context_for(rf, user, path: str = "/somewhere/?a=1") -> RequestContext:
    request = rf.get(path)
    request.user = user
    request.session = SessionStore()
    return RequestContext(request)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_stored_header_is_what_the_template_renders(
    rf, language, tree, member_user, district_organiser, superuser
):
    _notify(member_user)
    engine = engines["django"].engine
    page = engine.from_string("{% load layout %}{% navbar %}")
    fresh_header = engine.get_template(layout_tags.TEMPLATE)
    layout_tags._pieces.clear()
    with translation.override(language):
        for user in (member_user, district_organiser, superuser, AnonymousUser()):
            for _ in range(2):  # rendered and stored, then served from the pieces
                context = _context_for(rf, user, '/x/?a=<b>&c="d"')
                with context.bind_template(page):  # the context processors run here
                    served = layout_tags.navbar(context)
                    fresh = fresh_header.render(Context(layout_tags.navbar_context(context)))
                assert served == fresh
                assert "\x00" not in served
    assert len(layout_tags._pieces) == 4


def test_the_form_token_in_the_stored_header_is_accepted(db, member_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member_user)
    for _ in range(2):
        page = client.get(FLOOR).content.decode()
        tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page))
        assert len(tokens) == 1
        response = client.post(
            reverse("inbox:text-size"),
            {"csrfmiddlewaretoken": tokens.pop(), "large_text": "1", "next": FLOOR},
        )
        assert response.status_code == 302
    assert 'class="large-text"' in client.get(FLOOR).content.decode()


def test_a_settings_change_drops_the_stored_header(client, member_user, settings):
    _page(client, member_user)
    assert layout_tags._pieces
    settings.LANGUAGES = [("zh-hans", "简体中文")]
    assert not layout_tags._pieces
