"""Checks that the posts tables keep their promises, for `manage.py check_integrity`."""

from django.db.models import Count, F, Q

from posts.models import Choice, Post


def checks() -> list[tuple[str, object]]:
    return [
        ("no post has more confirmed choices than seats", seats),
        ("every confirmed choice has its certificate number and pledge", choices_complete),
    ]


def seats() -> list[str]:
    over = (
        Post.objects.annotate(
            confirmed=Count("choices", filter=Q(choices__status=Choice.Status.CONFIRMED))
        )
        .filter(confirmed__gt=F("seats"))
        .values_list("pk", "name", "seats", "confirmed")
    )
    return [
        f"post {pk} {name}: {confirmed} confirmed for {seats} seat(s)"
        for pk, name, seats, confirmed in over
    ]


def choices_complete() -> list[str]:
    unfinished = (
        Choice.objects.filter(status=Choice.Status.CONFIRMED)
        .filter(
            Q(certificate_number__isnull=True) | Q(certificate_number="") | Q(pledge__isnull=True)
        )
        .values_list("pk", flat=True)
    )
    return [f"confirmed choice {pk} lacks its certificate number or pledge" for pk in unfinished]
