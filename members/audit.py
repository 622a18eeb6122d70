"""The security audit trail (安全审计记录): recording events, and the receivers that
record log-ins, failed log-ins and lock-outs.

Services call `record(...)` with the acting user; the address comes from the request
being served (simple_history's middleware already keeps it at hand), so a service need
not be handed the request. The district organiser reads the trail (members.views_audit).

No page shows a whole ID number to any role (members.idnumbers masks it everywhere), so
there is no "ID number revealed" event to record.
"""

import logging
from collections.abc import Iterator

import django_filters
from axes.helpers import get_client_ip_address
from axes.signals import user_locked_out
from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models import Q, QuerySet
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from simple_history.models import HistoricalRecords

from members.models import Member, SecurityEvent, Unit

logger = logging.getLogger("members.audit")

Kind = SecurityEvent.Kind
DETAIL_LENGTH = SecurityEvent._meta.get_field("detail").max_length


def current_request() -> HttpRequest | None:
    return getattr(HistoricalRecords.context, "request", None)


def client_address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    try:
        return get_client_ip_address(request) or None
    except (AttributeError, KeyError, ValueError):
        return None


def home_unit_id(user: AbstractBaseUser | None) -> int | None:
    """The unit an event of `user` belongs to: their highest role's unit, else the
    branch of their member file."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    from members import access  # access imports models only; kept local for start-up order

    held = sorted(access.roles_of(user), key=lambda h: len(h.path))
    if held:
        return held[0].unit_id
    return Member.all_files.filter(user=user).values_list("branch_id", flat=True).first()


def record(
    kind: str,
    *,
    actor: AbstractBaseUser | None = None,
    username: str = "",
    member: Member | None = None,
    unit: Unit | None = None,
    detail: str = "",
    request: HttpRequest | None = None,
) -> SecurityEvent:
    """Append one event. `actor` is who acted (the request's user by default), `member`
    the person concerned, `unit` where (the member's branch or the actor's unit by
    default)."""
    request = request or current_request()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if actor is not None and not actor.is_authenticated:
        actor = None
    unit_id = unit.pk if unit is not None else None
    if unit_id is None and member is not None:
        unit_id = member.branch_id
    if unit_id is None:
        unit_id = home_unit_id(actor)
    return SecurityEvent.objects.create(
        kind=kind,
        actor=actor,
        username=(username or (actor.get_username() if actor else ""))[:150],
        ip_address=client_address(request),
        unit_id=unit_id,
        member=member,
        detail=detail[:DETAIL_LENGTH],
    )


def member_of(user: AbstractBaseUser | None) -> Member | None:
    if user is None:
        return None
    return Member.all_files.filter(user=user).first()


def member_named(username: str) -> Member | None:
    """The member file whose log-in name or mobile number is `username`, if one."""
    if not username:
        return None
    found = list(Member.all_files.filter(user__username=username)[:1])
    if not found:
        found = list(Member.all_files.filter(phone=username, user__isnull=False)[:2])
    return found[0] if len(found) == 1 else None


# --- log-ins ---------------------------------------------------------------------------


@receiver(user_logged_in, dispatch_uid="members.audit.logged_in")
def _logged_in(sender, request, user, **kwargs) -> None:
    record(Kind.LOGIN, actor=user, member=member_of(user), request=request)


@receiver(user_login_failed, dispatch_uid="members.audit.login_failed")
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    from members.backends import ACTIVATION_USERNAME

    if getattr(request, "axes_locked_out", False):
        return  # refused while locked out: the lock-out is the event
    username = str(credentials.get("username") or "")
    if username == ACTIVATION_USERNAME:
        record(
            Kind.LOGIN_FAILED,
            username=username,
            detail=_("Wrong, used or expired activation code."),
            request=request,
        )
        return
    record(
        Kind.LOGIN_FAILED,
        username=username,
        member=member_named(username),
        detail=_("Wrong log-in name or password."),
        request=request,
    )


@receiver(user_locked_out, dispatch_uid="members.audit.locked_out")
def _locked_out(sender, request, username=None, ip_address=None, **kwargs) -> None:
    # django-axes tells when the limit is reached and at each attempt while locked.
    username = str(username or "")
    record(
        Kind.LOCKED_OUT,
        username=username,
        member=member_named(username),
        detail=_("Log-in refused: too many failed log-ins from this address."),
        request=request,
    )


# --- reading the trail -----------------------------------------------------------------


def trail(paths: list[str] | None) -> QuerySet[SecurityEvent]:
    """The events of the districts at `paths` (None: every event), newest first. Events
    tied to no unit (a failed log-in under a name that matches nobody, the superuser's
    own) belong to every district."""
    events = SecurityEvent.objects.select_related("actor", "member", "unit")
    if paths is None:
        return events
    inside = Q(unit__isnull=True)
    for path in paths:
        inside |= Q(unit__path__startswith=path)
    return events.filter(inside)


class SecurityEventFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("Event"),
        choices=Kind.choices,
        empty_label=gettext_lazy("All events"),
    )
    person = django_filters.CharFilter(
        label=gettext_lazy("Person"),
        method="filter_person",
        help_text=gettext_lazy("Name or log-in name, of who acted or who it concerned."),
    )
    since = django_filters.DateFilter(
        label=gettext_lazy("From"), field_name="at", lookup_expr="date__gte"
    )
    until = django_filters.DateFilter(
        label=gettext_lazy("To"), field_name="at", lookup_expr="date__lte"
    )

    class Meta:
        model = SecurityEvent
        fields = ["kind", "person", "since", "until"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("since", "until"):
            # A phone's date picker reads and writes ISO dates, whatever the language.
            self.form.fields[name].widget = forms.DateInput(
                attrs={"type": "date"}, format="%Y-%m-%d"
            )

    def filter_person(self, queryset, name, value):
        value = value.strip()[:150]
        if not value:
            return queryset
        return queryset.filter(
            Q(username__icontains=value)
            | Q(actor__username__icontains=value)
            | Q(actor__first_name__icontains=value)
            | Q(actor__member_file__name__icontains=value)
            | Q(member__name__icontains=value)
        )


def who(event: SecurityEvent) -> str:
    if event.actor is not None:
        return event.actor.get_full_name() or event.actor.get_username()
    # No log-in and no name typed: the set-up (seed_demo, a script), not a person.
    return event.username or _("Set-up")


def export_headers() -> list[str]:
    return [
        _("Time"),
        _("Event"),
        pgettext("who acted", "By"),
        _("Log-in name"),
        _("Address"),
        _("Unit"),
        _("Person concerned"),
        _("Detail"),
    ]


def export_rows(events: QuerySet[SecurityEvent]) -> Iterator[list]:
    for event in events.iterator(chunk_size=2000):
        yield [
            timezone.localtime(event.at).replace(tzinfo=None),
            event.get_kind_display(),
            who(event),
            event.username,
            event.ip_address or "",
            event.unit.name if event.unit else "",
            event.member.name if event.member else "",
            event.detail,
        ]
