"""Activities recorded through the ledger service, the way a secretary's form records them."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine

from scoring import services
from scoring.models import ActivityKind

MARCH = dt.date(2026, 3, 12)


def patrol(tree, members, by, held_on=MARCH, title="夜间治安巡逻", hours=None):
    """A collective activity of the tree's branch, attended by `members`."""
    return services.record_activity(
        branch=tree.branch,
        kind=ActivityKind.COLLECTIVE,
        title=title,
        held_on=held_on,
        members=members,
        by=by,
        hours=None if hours is None else Decimal(hours),
    )


def on_day(day: dt.date):
    """The clock set to 9:00 on `day` (Beijing time), for a step done back then, such as a
    district rule set before the date it takes effect."""
    return time_machine.travel(
        dt.datetime.combine(day, dt.time(9), tzinfo=ZoneInfo("Asia/Shanghai")), tick=False
    )
