"""Helpdesk objects for tests/test_url_roles.py: a team of 秦望村 第1网格 (led by the
`team_leader` fixture's role), with the `member` log-in's own volunteer profile in it,
a help request dispatched to it and a service log of it."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from helpdesk import services
from members.models import Unit
from tests.factories import CapabilityTypeFactory, MemberFactory


def make_volunteer(branch: Unit, grid: Unit | None, name: str, *types, user=None, **extra):
    member = MemberFactory(branch=branch, grid=grid, name=name, user=user)
    member.capability_types.set(types)
    return services.enrol_volunteer(member=member, by=None, **extra)


def url_objects(tree, member_user) -> dict:
    farming = CapabilityTypeFactory(name="农业服务型")
    daily = CapabilityTypeFactory(name="生活服务型")
    own = member_user.member_file
    own.capability_types.add(farming)
    profile = services.enrol_volunteer(member=own, by=None)
    others = [make_volunteer(tree.branch, tree.grid, name, daily) for name in ["章立新", "俞桂兰"]]
    team = services.set_team(
        grid=tree.grid, name="秦望村第1网格服务队", leader=others[0], volunteers=[profile, *others],
        by=None,
    )  # fmt: skip
    request = services.create_request(
        channel="hotline",
        branch=tree.branch,
        grid=tree.grid,
        resident_name="王大爷",
        phone="13905751234",
        address="秦望村2组15号",
        category="daily_life",
        description="水管漏水",
    )
    applicant = MemberFactory(branch=tree.branch, grid=tree.grid, name="申请人")
    application = services.apply_to_volunteer(
        member=applicant,
        capability_types=[daily],
        conduct_version=services.conduct_text(tree.district).version,
        accepted=True,
        by=None,
    )
    service_log = services.log_service(
        team=team,
        served_at=timezone.now() - dt.timedelta(hours=1),
        people_served="王大爷",
        category="daily_life",
        content="修理水管",
        volunteers=[profile, others[0]],
        hours=Decimal("2"),
        by=member_user,
    )
    return {
        "service_log": service_log.pk,
        "application": application.pk,
        "grid": tree.grid.pk,
        "team": team.pk,
        "profile": profile.pk,
        "help_request": request.pk,
        "help_code": request.code,
        "badge_code": profile.verify_code,
    }
