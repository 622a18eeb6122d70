import datetime as dt

from django import template
from django.core.cache import cache
from django.utils.translation import gettext as _

from members import access as member_access
from members.models import RoleAssignment

register = template.Library()

STATE_STYLES = {
    "received": "text-bg-secondary",
    "dispatched": "text-bg-primary",
    "on_site": "text-bg-warning",
    "resolved": "text-bg-success",
    "closed": "text-bg-dark",
}


@register.filter
def duration(value: dt.timedelta | None) -> str:
    """A span of time as people say it: 8 min, 2 h 5 min, 3 d 4 h."""
    if value is None:
        return "—"
    minutes = max(int(value.total_seconds() // 60), 0)
    if minutes < 60:
        return _("%(m)s min") % {"m": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return _("%(h)s h %(m)s min") % {"h": hours, "m": minutes}
    days, hours = divmod(hours, 24)
    return _("%(d)s d %(h)s h") % {"d": days, "h": hours}


@register.simple_tag
def since(start: dt.datetime | None, now: dt.datetime) -> str:
    return duration(now - start) if start else "—"


@register.filter
def state_style(state: str) -> str:
    return STATE_STYLES.get(state, "text-bg-light")


NAV_ROLES = {*member_access.OVERSEER_ROLES, RoleAssignment.Role.TEAM_LEADER}
NAV_SECONDS = 300


@register.filter
def sees_helpdesk(user) -> bool:
    """For the navigation bar: organisers, secretaries and team leaders. From the roles
    the page has read already, else from the cache (five minutes), so that the bar adds
    no query to pages that never look at roles."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    held = getattr(user, "_held_roles", None)
    if held is not None:
        return any(h.role in NAV_ROLES for h in held)
    key = f"helpdesk:nav:{user.pk}:{user.date_joined.timestamp()}"
    seen = cache.get(key)
    if seen is None:
        seen = member_access.has_role(user, *NAV_ROLES)
        cache.set(key, seen, NAV_SECONDS)
    return seen


@register.inclusion_tag("helpdesk/_honours.html")
def volunteer_honours(profile) -> dict:
    """The years a volunteer was published as excellent, for any page showing them."""
    from helpdesk import queries

    return {"honours": queries.honours_of(profile)}


@register.filter
def person(user) -> str:
    """Who did something, as the history shows people: full name, else log-in name."""
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()
