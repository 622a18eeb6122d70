"""Give the load test its log-ins and work, in a database that holds the city demo set.

    DATABASE_URL=postgres://…/volunteer_load .venv/bin/python scripts/load_prepare.py PLAN.json

`scripts/load.py` (`make load`) runs it after `seed_demo --scale city`. The demo set has
one secretary and one member log-in; a load of 20 users needs more, so this adds, all
with the demo password:

- two secretaries per load branch (`load-sec-<b>-<n>`), so that two of them confirm the
  same branch's choices at once, as the brief's seat rule must survive;
- members with a log-in (`load-mem-<n>`): post holders of the load branches, who have
  points cards;
- pending applications in the load branches: more applicants than free seats, so that
  some confirmations must be refused;

and writes the plan the locustfile reads: the log-ins, the load branches and the branches
the public pages show. Load branches are those whose last month is still open, so that
secretaries can publish it while others record activities that may count in it.
Refused under production settings, like seed_demo.
"""

import json
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "volunteer.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import transaction  # noqa: E402

from members import demo  # noqa: E402
from members.models import Member, RoleAssignment, Unit  # noqa: E402
from members.services import assign_role  # noqa: E402
from posts import services as posts_services  # noqa: E402
from posts.models import Choice, Post  # noqa: E402
from scoring.models import MonthlyTally, PointsEntry  # noqa: E402
from scoring.queries import previous_month, this_month  # noqa: E402

# Six branches at the least; more when the largest run has more secretary users than two
# per branch (LOAD_SECRETARIES, set by scripts/load.py), so no two users share a log-in.
LOAD_BRANCHES = max(6, -(-int(os.environ.get("LOAD_SECRETARIES", "0")) // 2))
SECRETARIES_PER_BRANCH = 2
MEMBERS_PER_BRANCH = 8
APPLICANTS_PER_BRANCH = 24
PUBLIC_BRANCHES = 200


def _load_branches(rng: random.Random) -> list[Unit]:
    """Branches with post holders whose last month is not yet published."""
    last = previous_month(this_month())
    published = set(MonthlyTally.objects.filter(month=last).values_list("branch_id", flat=True))
    with_points = set(
        PointsEntry.objects.filter(month=last).values_list("branch_id", flat=True).distinct()
    )
    candidates = [
        unit
        for unit in Unit.objects.filter(kind=Unit.Kind.BRANCH).order_by("path")
        if unit.pk in with_points and unit.pk not in published
    ]
    return rng.sample(candidates, min(LOAD_BRANCHES, len(candidates)))


def _user(username: str, hashed: str, first_name: str = ""):
    user, _created = get_user_model().objects.update_or_create(
        username=username,
        defaults={"password": hashed, "is_active": True, "first_name": first_name},
    )
    return user


def _applications(branch: Unit, rng: random.Random, by) -> int:
    """Applications by members who hold nothing yet, spread over posts with free seats."""
    year = this_month().year
    posts = [p for p in Post.objects.filter(branch=branch, year=year, is_active=True)]
    open_posts = [p for p in posts if posts_services.seats_left(p) > 0]
    choosing = set(
        Choice.objects.filter(post__branch=branch, status__in=Choice.OPEN_STATUSES).values_list(
            "member_id", flat=True
        )
    )
    free = list(
        Member.objects.filter(branch=branch, is_exempt=False)
        .exclude(pk__in=choosing)
        .order_by("id")
    )
    rng.shuffle(free)
    made = 0
    for member in free[:APPLICANTS_PER_BRANCH]:
        if not open_posts:
            break
        post = rng.choice(open_posts)
        try:
            posts_services.apply_for_post(member=member, post=post, by=by)
        except posts_services.PostsError:
            continue
        made += 1
    return made


def prepare(out: Path) -> dict:
    if getattr(settings, "IS_PRODUCTION", False):
        raise SystemExit("load_prepare refuses to run with production settings.")
    rng = random.Random(20261125)
    hashed = make_password(demo.DEMO_PASSWORD)
    plan: dict = {"password": demo.DEMO_PASSWORD, "secretaries": [], "members": []}
    with transaction.atomic():
        branches = _load_branches(rng)
        if not branches:
            raise SystemExit("No branch with an open last month: seed the city demo set first.")
        applications = 0
        # In branch order, so that the locustfile, handing them out in turn, gives the
        # first two secretary users the same branch.
        for b, branch in enumerate(branches):
            secretaries = []
            for n in range(SECRETARIES_PER_BRANCH):
                user = _user(f"load-sec-{b}-{n}", hashed)
                assign_role(user=user, unit=branch, role=RoleAssignment.Role.BRANCH_SECRETARY)
                secretaries.append(user)
                plan["secretaries"].append({"username": user.username, "branch": branch.pk})
            holders = list(
                Member.objects.filter(
                    branch=branch, user__isnull=True, points_entries__isnull=False
                )
                .distinct()
                .order_by("id")[:MEMBERS_PER_BRANCH]
            )
            for member in holders:
                user = _user(f"load-mem-{member.pk}", hashed, member.name)
                Member.objects.filter(pk=member.pk).update(user=user)
                plan["members"].append({"username": user.username, "member": member.pk})
            # Paper applications a secretary enters for the applicants.
            applications += _applications(branch, rng, by=secretaries[0])
        public = list(
            Unit.objects.filter(kind=Unit.Kind.BRANCH, tallies__isnull=False)
            .distinct()
            .order_by("path")
            .values_list("pk", flat=True)
        )
        plan["public_branches"] = rng.sample(public, min(PUBLIC_BRANCHES, len(public)))
        plan["load_branches"] = [b.pk for b in branches]
        plan["applications"] = applications
    out.write_text(json.dumps(plan, indent=1), encoding="utf-8")
    return plan


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    result = prepare(Path(sys.argv[1]))
    print(
        f"load plan: {len(result['secretaries'])} secretaries in "
        f"{len(result['load_branches'])} branches, {len(result['members'])} members, "
        f"{result['applications']} pending applications"
    )
