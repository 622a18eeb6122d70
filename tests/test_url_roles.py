"""Every URL, requested as every role and as an anonymous visitor.

The table names the answer each role must get for a GET. A URL pattern without a row
fails `test_every_url_has_a_row`, so nobody can add a page and forget its scope.
Objects belong to 秦望村, the secretary's branch (see conftest.py).
"""

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from inbox.models import Notification
from members import idnumbers
from members.models import Member, RoleAssignment, RosterImport
from scoring import documents as scoring_documents
from tests.conftest import make_member, make_member_user, make_tree, user_with_role
from tests.factories import (
    CapabilityTypeFactory,
    ResidentNeedFactory,
    UserFactory,
    next_id_number,
    roster_file,
)
from tests.helpdesk.objects import url_objects as helpdesk_url_objects
from tests.jobs.objects import url_objects as jobs_url_objects

Role = RoleAssignment.Role

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
DISTRICT_ONLY = {r: 404 for r in ROLES} | {"anonymous": 302, "district": 200, "superuser": 200}
JOB_OWNER = {r: 404 for r in ROLES} | {"anonymous": 302, "secretary": 200, "superuser": 200}

# url name -> (kwargs key, expected status per role). The key names an object of the
# `objects` fixture (passed as pk), or is a callable building the kwargs from `objects`
# for URLs that take other arguments (verification codes, a year and a month).
TABLE = {
    "home": (None, EVERYONE_LOGGED_IN),
    "login": (None, ALL(302) | {"anonymous": 200}),
    "logout": (None, ALL(405)),
    "password_change": (None, EVERYONE_LOGGED_IN),
    "activate": (None, ALL(200)),
    "password_reset": (None, ALL(200)),
    "password_reset_done": (None, ALL(200)),
    "password_reset_confirm": (lambda o: {"uidb64": "MQ", "token": "abc-def"}, ALL(200)),
    "password_reset_complete": (None, ALL(200)),
    "inbox:contact": (None, EVERYONE_LOGGED_IN),
    "members:branch-logins": ("branch", BRANCH_READ),
    "members:member-login": ("member", ALL(405)),
    "members:member-leave": ("member", BRANCH_WRITE | {"member": 403}),
    "members:unit-roles": ("branch", BRANCH_READ),
    "members:role-revoke": ("role", ALL(405)),
    "posts:choice-notice": ("declined_choice", BRANCH_WRITE),
    "posts:pledge-notice": ("returned_pledge", BRANCH_WRITE | {"member": 404}),
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
    "posts:member-exempt": ("member", BRANCH_WRITE | {"member": 403}),
    "posts:post-instructor": ("post", ALL(405)),
    "posts:instructing": (None, {r: 404 for r in ROLES} | {"anonymous": 302}),
    "posts:guidance-add": ("choice", ALL(405)),
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
    # The header's large-text switch (大字版): a POST for anyone, logged in or not.
    "inbox:text-size": (None, ALL(405)),
    # Steps 1-3: post types (town), posts, choices, pledges (branch), publication.
    "posts:type-list": ("town", TOWN_READ),
    "posts:type-add": ("town", TOWN_READ),
    "posts:type-detail": ("post_type", TOWN_READ),
    "posts:type-edit": ("post_type", TOWN_READ),
    "posts:item-edit": ("duty_item", TOWN_READ),
    "posts:post-list": ("branch", BRANCH_READ),
    "posts:post-add": ("branch", BRANCH_WRITE),
    "posts:start-year": ("branch", ALL(405)),
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
    "posts:board": ("branch", ALL(200)),
    "posts:board-kiosk": ("branch", ALL(200)),
    "posts:board-sheet": ("branch", ALL(200)),
    "posts:employer-pledges": ("partner", ORGANISERS_READ),
    # -- certificates and verification --
    # "choice" is another member's pending choice: no certificate, 404 to every reader.
    "posts:post-certificate": ("held_choice", BRANCH_READ | {"member": 200}),
    "posts:pledge-form": ("post", BRANCH_READ | {"member": 200}),
    "posts:choice-pledge-form": ("held_choice", BRANCH_READ | {"member": 200}),
    "posts:pledge-certificate": ("pledge", BRANCH_READ | {"member": 200}),
    "posts:branch-pledge-certificates": ("branch", BRANCH_READ),
    "posts:verify-post": (lambda o: {"code": o["held_choice_code"]}, ALL(200)),
    "posts:verify-pledge": (lambda o: {"code": o["pledge_code"], "version": 1}, ALL(200)),
    # -- ledgers and coverage --
    # -- scoring: activities, ledger, cards, tallies --
    # Activities and tallies are read by those who oversee the branch and written by its
    # secretary; a card by its member too; the public tally by anyone.
    "scoring:activity-list": ("branch", BRANCH_READ),
    "scoring:activity-add": ("branch", BRANCH_WRITE),
    "scoring:activity-detail": ("activity", BRANCH_READ),
    # A town's trainings: its organisers (and the district's); a training's page also to
    # the secretaries of the branches that took part.
    "scoring:training-list": ("town", TOWN_READ),
    "scoring:training-add": ("town", TOWN_READ),
    "scoring:training-detail": ("joint_training", BRANCH_READ),
    "scoring:entry-correct": ("entry", BRANCH_WRITE),
    "scoring:points-card": ("member", BRANCH_READ | {"member": 200}),
    "scoring:points-card-pdf": ("member", BRANCH_READ | {"member": 200}),
    "scoring:my-card": (None, ALL(404) | {"anonymous": 302, "member": 200}),
    "scoring:tally-list": ("branch", BRANCH_READ),
    "scoring:branch-cards-pdf": ("branch", BRANCH_READ),
    "scoring:tally": (lambda o: o["branch_month"], BRANCH_READ),
    "scoring:tally-publish": (lambda o: o["branch_month"], ALL(405)),
    "scoring:unit-tally-publish": (lambda o: o["branch_month"] | {"pk": o["town"]}, ALL(405)),
    "scoring:public-tally": ("branch", ALL(200)),
    "scoring:unit-tally": (lambda o: o["branch_month"] | {"pk": o["town"]}, TOWN_READ),
    "scoring:tally-xlsx": (lambda o: o["branch_month"], BRANCH_READ),
    "scoring:rules": ("district", ORGANISERS_READ),
    "scoring:pledge-fulfilment": ("pledge", BRANCH_READ | {"member": 200}),
    # -- scoring: evaluation --
    # The member's 2026 evaluation, published: boards, notices and Excel for those who
    # oversee the branch, the result and its notice for the member too. A published
    # self-report is closed: its writers are sent to the result, organisers get 403.
    "scoring:evaluation-branch": (lambda o: o["branch_year"], BRANCH_READ),
    "scoring:evaluation-open": (lambda o: o["branch_year"], ALL(405)),
    "scoring:evaluation-compute": (lambda o: o["branch_year"], ALL(405)),
    "scoring:evaluation-publish": (lambda o: o["branch_year"], ALL(405)),
    "scoring:evaluation-notices": (lambda o: o["branch_year"], BRANCH_READ),
    "scoring:evaluation-xlsx": (lambda o: o["branch_year"], BRANCH_READ),
    # Paper ballots of a year already published: those who oversee get the PDF anyway.
    "scoring:evaluation-ballot-sheets": (lambda o: o["branch_year"], BRANCH_READ),
    "scoring:public-results": (lambda o: o["branch_year"], ALL(200)),
    "scoring:evaluation-detail": ("evaluation", BRANCH_READ | {"member": 200}),
    "scoring:evaluation-notice": ("evaluation", BRANCH_READ | {"member": 200}),
    "scoring:evaluation-self-report": (
        "evaluation",
        BRANCH_READ
        | {"district": 403, "town": 403}
        | dict.fromkeys(["secretary", "member", "superuser"], 302),
    ),
    "scoring:evaluation-ballots": ("evaluation", ALL(405)),
    "scoring:evaluation-paper": ("evaluation", ALL(405)),
    "scoring:evaluation-assessment": ("evaluation", ALL(405)),
    "scoring:evaluation-honour": ("evaluation", ALL(405)),
    "scoring:evaluation-sanction": ("evaluation", ALL(405)),
    # District rules: read by the organisers in the district, set by its organiser.
    "scoring:evaluation-rules": (lambda o: {"pk": o["district"], "year": 2026}, ORGANISERS_READ),
    # An employer unit serving the branch: those who oversee the branch report to it.
    "scoring:evaluation-employer": (lambda o: {"pk": o["employer"], "year": 2026}, BRANCH_READ),
    "scoring:my-evaluation": (None, MEMBER_ONLY | {"member": 302}),
    # -- scoring: public verification of a printed points card and result notice --
    "scoring:verify-card": (
        lambda o: {
            "token": scoring_documents.card_token(
                member_pk=o["member"],
                branch_pk=o["branch"],
                year=2026,
                printed_on=dt.date(2026, 4, 1),
                points=5,
                hours=0,
            )
        },
        ALL(200),
    ),
    "scoring:verify-notice": (
        lambda o: {"token": scoring_documents.notice_token(o["evaluation"])},
        ALL(200),
    ),
    # -- scoring: dashboards --
    # A branch's dashboard: those who oversee the branch (a town's: its organisers).
    "scoring:dashboard": ("branch", BRANCH_READ),
    # Ledgers of any unit one oversees; coverage for a district or town (a branch: 404).
    "posts:post-ledger": ("branch", BRANCH_READ),
    "posts:pledge-ledger": ("branch", BRANCH_READ),
    "posts:coverage": ("town", TOWN_READ),
    # -- helpdesk --
    # Public pages (help form, request status by code, badge verification): everyone.
    "helpdesk:ask": (None, ALL(200)),
    "helpdesk:ask-form": ("branch", ALL(200)),
    "helpdesk:track": (None, ALL(302)),
    "helpdesk:request-status": (lambda o: {"code": o["help_code"]}, ALL(200)),
    "helpdesk:verify-badge": (lambda o: {"code": o["badge_code"]}, ALL(200)),
    # The board: overseers and team leaders; entering a request: town organisers and
    # secretaries (the district organiser and team leaders read only).
    "helpdesk:board": (None, EVERYONE_LOGGED_IN | {"instructor": 404, "member": 404}),
    "helpdesk:request-add": (
        None,
        EVERYONE_LOGGED_IN
        | {"district": 403, "team_leader": 403, "instructor": 404, "member": 404},
    ),
    # A request of 秦望村 dispatched to the team of its grid 1, led by team_leader.
    "helpdesk:request-detail": ("help_request", BRANCH_READ | {"team_leader": 200}),
    "helpdesk:request-dispatch": (
        "help_request",
        BRANCH_READ | {"district": 403, "team_leader": 403},
    ),
    "helpdesk:request-on-site": ("help_request", ALL(405)),
    "helpdesk:request-resolve": ("help_request", ALL(405)),
    "helpdesk:request-close": ("help_request", BRANCH_READ | {"district": 403, "team_leader": 403}),
    "helpdesk:unit": ("branch", BRANCH_READ),
    "helpdesk:grids-without-team": ("branch", BRANCH_READ),
    "helpdesk:volunteer-list": ("branch", BRANCH_READ),
    "helpdesk:volunteer-add": ("branch", BRANCH_WRITE),
    # The member's own volunteer profile, in team_leader's team.
    "helpdesk:volunteer-detail": ("profile", BRANCH_READ | {"team_leader": 200, "member": 200}),
    "helpdesk:volunteer-edit": ("profile", BRANCH_WRITE | {"team_leader": 403, "member": 403}),
    "helpdesk:my-volunteer": (None, ALL(404) | {"anonymous": 302, "member": 200}),
    "helpdesk:team-edit": ("grid", BRANCH_WRITE),
    "helpdesk:team-detail": ("team", BRANCH_READ | {"team_leader": 200}),
    "helpdesk:log-add": ("team", BRANCH_WRITE | {"team_leader": 200}),
    # A service log of that team: read with the team, corrected by its leader and the
    # branch secretary (a volunteer on it, the member, neither).
    "helpdesk:log-detail": ("service_log", BRANCH_READ | {"team_leader": 200}),
    "helpdesk:log-correct": ("service_log", BRANCH_WRITE | {"team_leader": 200}),
    # The monthly report of a branch: whoever oversees it (its secretary too); a town's:
    # its organisers and the district's (tests/helpdesk/test_reports.py).
    "helpdesk:month-report": (lambda o: o["branch_month"], BRANCH_READ),
    "helpdesk:month-report-xlsx": (lambda o: o["branch_month"], BRANCH_READ),
    "helpdesk:month-report-pdf": (lambda o: o["branch_month"], BRANCH_READ),
    "helpdesk:excellent": (lambda o: o["branch_year"], BRANCH_READ),
    "helpdesk:excellent-xlsx": (lambda o: o["branch_year"], BRANCH_READ),
    "helpdesk:excellence-rule": (lambda o: {"pk": o["district"], "year": 2026}, ORGANISERS_READ),
    # Excellent volunteers selected: the town proposes, the district confirms; public once
    # published. Joining the pool: the member applies, the branch decides, the district
    # keeps the code of conduct (tests/helpdesk/test_excellent_selection.py, test_joining.py).
    "helpdesk:excellent-proposals": (lambda o: {"pk": o["town"], "year": 2026}, TOWN_READ),
    "helpdesk:excellent-selection": (
        lambda o: {"pk": o["district"], "year": 2026},
        ORGANISERS_READ,
    ),
    "helpdesk:excellent-public": (lambda o: {"pk": o["district"], "year": 2026}, ALL(200)),
    "helpdesk:apply": (None, ALL(404) | {"anonymous": 302, "member": 200}),
    "helpdesk:application": ("application", BRANCH_READ),
    "helpdesk:conduct": ("district", ORGANISERS_READ),
    "helpdesk:response-rule": ("district", ORGANISERS_READ),
    # Prints: a badge for its volunteer too; the team's cards for its leader too.
    "helpdesk:badge": ("profile", BRANCH_READ | {"team_leader": 200, "member": 200}),
    "helpdesk:team-card": ("team", BRANCH_READ | {"team_leader": 200}),
    "helpdesk:log-sheet": ("team", BRANCH_READ | {"team_leader": 200}),
    "helpdesk:unit-badges": ("branch", BRANCH_READ),
    "helpdesk:unit-cards": ("branch", BRANCH_READ),
    "helpdesk:unit-badge-sheets": ("branch", BRANCH_READ),
    "helpdesk:unit-card-sheets": ("branch", BRANCH_READ),
    # -- background jobs: a job (a finished one, started by the secretary) is seen by
    # whoever started it and by superusers only; retrying is a POST --
    "jobs:list": (None, EVERYONE_LOGGED_IN),
    "jobs:detail": ("job", JOB_OWNER),
    "jobs:status": ("job", JOB_OWNER),
    "jobs:file": ("job", JOB_OWNER),
    "jobs:retry": ("job", ALL(405)),
    # -- security: failed log-ins of the users one oversees; unlocking is a POST --
    "members:login-failures": (
        None,
        ORGANISERS_READ | {"secretary": 200, "neighbour_secretary": 200},
    ),
    "members:login-unlock": ("member", ALL(405)),
    # The security audit trail: the district organiser's alone (tests/members/test_audit_trail.py).
    "members:security-events": (None, DISTRICT_ONLY),
    "members:security-events-xlsx": (None, DISTRICT_ONLY),
}


class _PagesNotLaidOut:
    """Stands in for WeasyPrint's HTML here: a print view still renders its template
    (so a template error still fails its row) but its pages are not laid out into a
    PDF, which costs a second a document and is tested where the PDF is under test
    (tests/test_pdf.py, tests/*/test_documents.py, the batch tests)."""

    pages: list = []
    printed: list[str] = []  # the HTML of the documents the test printed: its text

    def __init__(self, string: str, **_options) -> None:
        assert string.strip()
        _PagesNotLaidOut.printed.append(string)

    def write_pdf(self) -> bytes:
        return b"%PDF-1.7\n% not laid out: tests/test_url_roles.py\n"

    def render(self) -> "_PagesNotLaidOut":
        return self

    def copy(self, _pages) -> "_PagesNotLaidOut":
        return self


@pytest.fixture(autouse=True)
def _no_pdf_layout(monkeypatch):
    _PagesNotLaidOut.printed = []
    monkeypatch.setattr("volunteer.pdf.HTML", _PagesNotLaidOut)


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


def make_people(tree) -> dict:
    """The log-ins of tests/conftest.py, one per role."""
    return {
        "anonymous": None,
        "district": user_with_role("district", tree.district, Role.DISTRICT_ORGANISER),
        "town": user_with_role("town", tree.town, Role.TOWN_ORGANISER),
        "other_town": user_with_role("town2", tree.other_town, Role.TOWN_ORGANISER),
        "secretary": user_with_role("secretary", tree.branch, Role.BRANCH_SECRETARY),
        "neighbour_secretary": user_with_role(
            "secretary2", tree.neighbour_branch, Role.BRANCH_SECRETARY
        ),
        "instructor": user_with_role("instructor", tree.branch, Role.INSTRUCTOR),
        "team_leader": user_with_role("leader", tree.grid, Role.TEAM_LEADER),
        "member": make_member_user(tree),
        "superuser": UserFactory(username="admin", is_superuser=True, is_staff=True),
    }


def load() -> tuple[dict, dict]:
    """The people and objects every row requests, built once for the module (the tests
    only read, each in its own rolled-back transaction)."""
    tree = make_tree()
    people = make_people(tree)
    return people, make_objects(tree, people["member"], make_member(tree), people["secretary"])


@pytest.fixture
def people(seeded) -> dict:
    return seeded[0]


@pytest.fixture
def table_objects(seeded) -> dict:
    return seeded[1]


@pytest.fixture
def objects(tree, member_user, member, secretary) -> dict:
    """The same objects built for one test, for modules that import this fixture (the
    security and accessibility tests) and keep their own log-ins."""
    return make_objects(tree, member_user, member, secretary)


def make_objects(tree, member_user, member, secretary) -> dict:

    from posts import services as post_services
    from scoring import evaluation as year_end
    from scoring import services as scoring_services
    from tests.factories import (
        DutyItemFactory,
        MemberFactory,
        PartnerUnitFactory,
        PostFactory,
        PostTypeFactory,
    )

    post_type = PostTypeFactory(town=tree.town)
    duty_item = DutyItemFactory(post_type=post_type)
    post = PostFactory(branch=tree.branch, post_type=post_type)
    held = post_services.apply_for_post(member=member_user.member_file, post=post, by=member_user)
    post_services.confirm_choice(choice=held, by=secretary)
    post_services.write_pledge(  # version 1, under review: it prints, stamped as such
        pledge=held.pledge,
        lines=[post_services.PledgeLine(duty_item, "每周夜间巡逻一次")],
        based_on=0,
        by=member_user,
    )
    pending = post_services.apply_for_post(member=member, post=post, by=None)
    activity = scoring_services.record_activity(
        branch=tree.branch,
        kind="collective",
        title="夜间治安巡逻",
        held_on=dt.date(2026, 3, 12),
        members=[member_user.member_file],
        by=secretary,
    )
    year_end.open_evaluations(branch=tree.branch, year=2026, by=secretary)
    evaluation = member_user.member_file.evaluations.get()
    year_end.enter_paper_counts(
        evaluation=evaluation, member_favourable=9, member_total=10, by=secretary
    )
    year_end.compute_branch(branch=tree.branch, year=2026, by=secretary)
    year_end.publish_branch(branch=tree.branch, year=2026, by=secretary)
    # Members who join after the year-end results: a choice declined, a pledge returned.
    declined = post_services.apply_for_post(
        member=MemberFactory(branch=tree.branch, name="王芳"), post=post, by=None
    )
    post_services.decline_choice(choice=declined, reason="岗位已满", by=secretary)
    returned = post_services.apply_for_post(
        member=MemberFactory(branch=tree.branch, name="赵强"), post=post, by=None
    )
    post_services.confirm_choice(choice=returned, by=secretary)
    post_services.write_pledge(
        pledge=returned.pledge,
        lines=[post_services.PledgeLine(duty_item, "随时参加")],
        based_on=0,
        by=secretary,
        on_paper=True,
    )
    post_services.return_pledge(pledge=returned.pledge, comment="请写具体一些", by=secretary)
    employer = PartnerUnitFactory()
    employer.served_units.add(tree.branch)
    return {
        "town": tree.town.pk,
        "post_type": post_type.pk,
        "duty_item": duty_item.pk,
        "post": post.pk,
        "choice": pending.pk,
        "declined_choice": declined.pk,
        "returned_pledge": returned.pledge.pk,
        "role": RoleAssignment.objects.create(
            user=UserFactory(username="deputy"), unit=tree.grid, role=Role.TEAM_LEADER
        ).pk,
        "pledge": held.pledge.pk,
        "held_choice": held.pk,
        "held_choice_code": held.verify_code,
        "pledge_code": held.pledge.verify_code,
        "branch": tree.branch.pk,
        "branch_month": {"pk": tree.branch.pk, "year": 2026, "month": 3},
        "district": tree.district.pk,
        "activity": activity.pk,
        "joint_training": scoring_services.record_joint_training(
            unit=tree.town,
            title="党员志愿服务技能培训",
            held_on=dt.date(2026, 3, 20),
            members=[member_user.member_file],
            by=secretary,
        ).pk,
        "entry": activity.attendances.get().points_entries.get().pk,
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
        "partner": PartnerUnitFactory().pk,
        "branch_year": {"pk": tree.branch.pk, "year": 2026},
        "evaluation": evaluation.pk,
        "employer": employer.pk,
        "notification": Notification.objects.create(
            recipient=member_user, subject="岗位已确认", body="您的选岗已确认。"
        ).pk,
        **helpdesk_url_objects(tree, member_user),
        **jobs_url_objects(secretary),
    }


def _kwargs(key, objects):
    if key is None:
        return None
    if callable(key):
        return key(objects)
    return {"pk": objects[key]}


@pytest.mark.parametrize("name", sorted(TABLE))
def test_url_answers_each_role_as_the_table_says(client, people, table_objects, name):
    key, expected = TABLE[name]
    url = reverse(name, kwargs=_kwargs(key, table_objects))
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


HUGE_YEAR = "100000000000000000000"


def test_a_year_out_of_range_in_a_query_is_never_a_server_error(client, people, table_objects):
    """Every page, as the superuser (who may open all of them), asked for ?year= out of
    any range: it answers as it would for the current year, never with a 5xx."""
    client.force_login(people["superuser"])
    answers = {}
    for name, (key, _expected) in TABLE.items():
        url = reverse(name, kwargs=_kwargs(key, table_objects))
        answers[name] = client.get(url, {"year": HUGE_YEAR}).status_code
    assert {name: status for name, status in answers.items() if status >= 500} == {}


@pytest.mark.parametrize("year", ["1999", "2101", "99999", HUGE_YEAR])
def test_a_year_or_month_out_of_range_in_a_path_is_not_found(client, people, table_objects, year):
    client.force_login(people["superuser"])
    dated = {
        name: reverse(name, kwargs=_kwargs(key, table_objects))
        for name, (key, _expected) in TABLE.items()
        if callable(key) and "year" in key(table_objects)
    }
    assert len(dated) >= 10
    for name, url in dated.items():
        assert client.get(url.replace("/2026", f"/{year}", 1)).status_code == 404, name
    months = [url for url in dated.values() if "/2026/3" in url]
    assert months
    for url in months:
        for month in ("0", "13", "99"):
            assert client.get(url.replace("/2026/3", f"/2026/{month}", 1)).status_code == 404


# --- least exposure (issue 19, point 4) ----------------------------------------------------
# No public page shows a whole ID number or a phone number, and no file (workbook or PDF)
# shows a whole ID number to anyone. The table's people have phones and valid ID numbers,
# so a page or file that printed them would be caught. PDFs are read as the HTML they are
# laid out from (the stand-in above keeps it).

MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")  # a mainland mobile number
PUBLIC = sorted(name for name, (_key, expected) in TABLE.items() if expected["anonymous"] == 200)
FILES = sorted(
    name
    for name, (_key, expected) in TABLE.items()
    if any(part in name for part in ("xlsx", "pdf", "export", "badge", "card", "sheet", "slip"))
    and any(status == 200 for role, status in expected.items() if role != "anonymous")
)


def _text(response) -> str:
    """What a reader of the answer sees: a page's HTML, a workbook's cells, a PDF's HTML."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "pdf" in kind:
        text = "\n".join(_PagesNotLaidOut.printed)
        _PagesNotLaidOut.printed = []
        return text
    if "spreadsheet" in kind:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    return content.decode(errors="replace")


def test_the_tables_people_have_phones_and_id_numbers(table_objects):
    """Otherwise the scans below would prove nothing."""
    members = list(Member.objects.all())
    assert sum(1 for m in members if m.phone) >= 2
    assert all(len(m.id_number) == 18 for m in members)


@pytest.mark.parametrize("name", PUBLIC)
def test_a_public_page_shows_no_id_number_and_no_phone(client, table_objects, name):
    key, _expected = TABLE[name]
    response = client.get(reverse(name, kwargs=_kwargs(key, table_objects)))
    assert response.status_code == 200
    text = _text(response)
    assert idnumbers.find_in_text(text) == []
    assert MOBILE.findall(text) == []


@pytest.mark.parametrize("name", FILES)
def test_a_file_shows_no_whole_id_number_to_anyone(client, people, table_objects, name):
    key, expected = TABLE[name]
    url = reverse(name, kwargs=_kwargs(key, table_objects))
    fetched = []
    for role, status in expected.items():
        if status == 200 and people[role] is not None:
            client.force_login(people[role])
            response = client.get(url)
            assert response.status_code == 200
            assert idnumbers.find_in_text(_text(response)) == [], role
            fetched.append(role)
    assert fetched


def test_the_scan_reads_the_files_it_checks(client, people, table_objects):
    """The roster export holds every member's ID number masked: the scan reads that
    column, so a whole number there would be found."""
    client.force_login(people["secretary"])
    member = Member.objects.get(pk=table_objects["member"])
    text = _text(client.get(reverse("members:roster-export", args=[member.branch_id])))
    assert member.masked_id_number in text
    assert idnumbers.find_in_text(text + "\n11010519491231002X") == ["11010519491231002X"]
