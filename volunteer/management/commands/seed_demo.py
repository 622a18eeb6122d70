"""`manage.py seed_demo [--scale small|district|city]`: load the 越城区 demo data.

The project package composes every app's demo data, in the order of their one-way
dependencies: `members.demo` (organisation tree, member files, needs, log-ins),
`posts.demo` (post types, posts, choices, pledges), `scoring.demo` (activities, the
points ledger, published tallies, last year's evaluation), then `helpdesk.demo`
(volunteers, teams, help requests, service logs). All in one transaction.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from helpdesk import demo as helpdesk_demo
from members import demo
from posts import demo as posts_demo
from scoring import demo as scoring_demo


class Command(BaseCommand):
    help = (
        "Load deterministic demo data for 越城区 (units, member files, needs, post types, "
        "posts and pledges, activities, points and tallies) and one log-in per role, all "
        "with the password demo-pass-2026. If the demo district is already there, only "
        "reset the demo passwords. Refused in production."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--scale",
            choices=list(demo.SCALES),
            default="small",
            help="small: 6 branches; district: ~300 branches, ~8,230 members; "
            "city: ~700 branches, ~19,000 members. Default: small.",
        )

    def handle(self, *args, scale: str, **options) -> None:
        if getattr(settings, "IS_PRODUCTION", False):
            raise CommandError(
                "seed_demo refuses to run with production settings (DJANGO_ENV=production): "
                "demo log-ins have a published password."
            )
        started = time.monotonic()
        try:
            with transaction.atomic():
                result = demo.seed_demo(scale)
                posts_result = posts_demo.seed_posts_demo(scale)
                scoring_result = scoring_demo.seed_scoring_demo(scale)
                # Last: its service logs earn points in the months the ledger keeps open.
                helpdesk_result = helpdesk_demo.seed_helpdesk_demo(scale)
        except demo.DemoRefused as refusal:
            raise CommandError(str(refusal)) from refusal
        elapsed = time.monotonic() - started
        if (
            result.created
            or posts_result.created
            or scoring_result.created
            or helpdesk_result.created
        ):
            self.stdout.write(
                self.style.SUCCESS(f"Loaded the {scale} demo data set in {elapsed:.1f} s.")
            )
        else:
            self.stdout.write(
                self.style.WARNING(
                    "Demo data is already present: nothing was added. "
                    "The demo log-ins' passwords have been reset."
                )
            )
        self.stdout.write("")
        self.stdout.write(demo.format_report(result))
