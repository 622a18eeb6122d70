"""A service log's hours reach the volunteers' points cards as hours, not only in a title."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from helpdesk import services
from scoring import queries


def test_the_logged_hours_are_on_every_volunteers_card(team, volunteers, team_leader):
    log = services.log_service(
        team=team,
        served_at=timezone.now() - dt.timedelta(hours=1),
        people_served="王大爷",
        category="daily_life",
        content="修理厨房水管",
        volunteers=volunteers[:2],
        hours=Decimal("2.5"),
        by=team_leader,
    )
    assert log.activity.hours == Decimal("2.5")
    year = timezone.localdate().year
    cards = [queries.points_card(v.member, year) for v in volunteers[:2]]
    assert [card.hours for card in cards] == [Decimal("2.5"), Decimal("2.5")]
