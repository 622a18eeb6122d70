"""The bulk-loaded service logs of the district and city demo data earn their points in
the scoring ledger, as the small demo's logs do through log_service. The bulk path is
run on the small world here (the large ones take minutes)."""

import pytest
from django.conf import settings
from django.db.models import Count, F, Sum
from django.utils import timezone, translation

from helpdesk import demo, services
from helpdesk.models import ServiceLog, VolunteerYear
from members import demo as member_demo
from scoring import queries
from scoring.models import ActivityKind, PointsEntry


def load() -> demo.HelpdeskSeedResult:
    """The small demo, its service logs written through the bulk path."""
    member_demo.seed_demo("small")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo, "_write_logs_through_services", demo._write_logs_in_bulk)
        return demo.seed_helpdesk_demo("small")


def test_every_bulk_loaded_log_earns_an_entry_per_volunteer_present(seeded):
    assert seeded.logs > 0
    assert not ServiceLog.objects.filter(activity__isnull=True).exists()
    assert PointsEntry.objects.count() == ServiceLog.volunteers.through.objects.count()
    present = ServiceLog.objects.annotate(n=Count("volunteers")).values_list("activity_id", "n")
    entries = dict(
        PointsEntry.objects.values("attendance__activity")
        .annotate(n=Count("id"))
        .values_list("attendance__activity", "n")
    )
    assert {activity: entries[activity] for activity, _n in present} == dict(present)


def test_each_entry_keeps_the_rule_of_its_kind_and_the_logs_hours(seeded):
    log = ServiceLog.objects.annotate(n=Count("volunteers")).filter(n__gt=1).first()
    assert log.activity.kind == ActivityKind.COLLECTIVE == services.points_kind(log.n)
    assert log.activity.hours == log.hours
    with translation.override(settings.LANGUAGE_CODE):  # the demo's language
        assert log.activity.title == services.activity_title(log.category, log.hours)
    mismatched = PointsEntry.objects.exclude(rule__kind=F("attendance__activity__kind"))
    assert not mismatched.exists()
    assert not PointsEntry.objects.exclude(points=F("rule__points")).exists()


def test_a_star_volunteers_card_shows_their_service_points_and_hours(seeded):
    year = timezone.localdate().year
    star = VolunteerYear.objects.filter(year=year).order_by("-hours").first()
    card = queries.points_card(star.profile.member, year)
    earned = PointsEntry.objects.filter(
        member=star.profile.member, month__year=year, corrects__isnull=True
    ).aggregate(total=Sum("points"))["total"]
    assert card.total == earned > 0
    assert card.hours > 0
