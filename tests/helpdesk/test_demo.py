"""The volunteer-service demo data: teams keep the team rules, the demo leader leads
秦望村 第1网格's team, every state is there, and loading twice adds nothing."""

from django.db.models import Count
from django.utils import timezone

from helpdesk import demo, services
from helpdesk.models import HelpRequest, ServiceLog, ServiceTeam, VolunteerYear
from members import demo as member_demo
from scoring.models import PointsEntry


def load() -> demo.HelpdeskSeedResult:
    member_demo.seed_demo("small")
    return demo.seed_helpdesk_demo("small")


def test_the_small_demo_keeps_the_rules_covers_every_state_and_adds_up(seeded):
    assert seeded.created
    assert seeded.teams >= 14 and seeded.grids_without_team == 2
    for team in ServiceTeam.objects.prefetch_related(
        "volunteers__member__capability_types", "volunteers__membership__team"
    ).select_related("grid__parent", "leader"):
        chosen = list(team.volunteers.all())
        assert (
            services.team_problems(
                grid=team.grid, name=team.name, leader=team.leader, volunteers=chosen
            )
            == []
        ), team.name
    home = ServiceTeam.objects.get(grid__parent__name="秦望村", grid__code="01")
    assert home.leader.member.user.username == "leader"
    states = set(HelpRequest.objects.values_list("state", flat=True))
    assert states == set(HelpRequest.State.values)
    assert HelpRequest.objects.filter(rating__isnull=False).exists()
    assert HelpRequest.objects.late(timezone.now()).exists()
    # Logs earn points, one entry per volunteer present, and the figures add up.
    assert PointsEntry.objects.count() == ServiceLog.volunteers.through.objects.count()
    year = timezone.localdate().year
    top = VolunteerYear.objects.filter(year=year).order_by("-hours").first()
    logs = ServiceLog.objects.filter(volunteers=top.profile, served_at__year=year)
    assert logs.count() == top.services
    assert sum(log.hours for log in logs) == top.hours


def test_loading_twice_adds_nothing(seeded):
    counts = HelpRequest.objects.aggregate(n=Count("id"))
    again = demo.seed_helpdesk_demo("small")
    assert not again.created
    assert HelpRequest.objects.aggregate(n=Count("id")) == counts
