"""Roles granted down the tree, within scope.

The district organiser names town organisers; a town organiser names the secretaries of
its branches; a secretary names the post instructors and team leaders of the branch.
More generally: a role may be granted or revoked by whoever holds an overseeing role
strictly above it at or above the unit (so nobody grants a role equal to or above their
own, nor outside their scope). The superuser grants anything, district organisers too.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from members import access
from members.models import Member, RoleAssignment, Unit
from volunteer.phones import normalise_mobile

Role = RoleAssignment.Role
RANK = {
    Role.DISTRICT_ORGANISER: 4,
    Role.TOWN_ORGANISER: 3,
    Role.BRANCH_SECRETARY: 2,
    Role.INSTRUCTOR: 1,
    Role.TEAM_LEADER: 1,
}


class GrantRefused(ValueError):
    """The person cannot be found, or the role cannot be given there: the message says."""


def may_grant(user: access.User, role: str, unit: Unit) -> bool:
    if unit.kind not in RoleAssignment.UNIT_KINDS[Role(role)]:
        return False
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return any(
        held.role in access.OVERSEER_ROLES
        and unit.path.startswith(held.path)
        and RANK[Role(held.role)] > RANK[Role(role)]
        for held in access.roles_of(user)
    )


def grantable(user: access.User, units: list[Unit]) -> list[tuple[str, Unit]]:
    """Every (role, unit) pair among `units` the user may grant, highest role first."""
    return [
        (role, unit)
        for role in sorted(Role, key=lambda r: -RANK[r])
        for unit in units
        if may_grant(user, role, unit)
    ]


def units_of_page(unit: Unit) -> list[Unit]:
    """A roles page covers its unit and the units one level below it."""
    return [unit, *Unit.objects.filter(parent=unit).order_by("path")]


def holders(units: list[Unit]) -> QuerySet[RoleAssignment]:
    return (
        RoleAssignment.objects.filter(unit__in=units)
        .select_related("unit", "user", "user__member_file")
        .order_by("unit__path", "role", "user__first_name", "pk")
    )


def find_person(user: access.User, text: str) -> Member:
    """The member file named by `text` (a name, mobile number or log-in name) among the
    members the granter oversees."""
    text = " ".join((text or "").split())
    if not text:
        raise GrantRefused(_("Type the person's name, mobile number or log-in name."))
    scope = Member.objects.all()
    if not user.is_superuser:
        scope = scope.filter(branch__in=access.units_overseen(user))
    mobile = normalise_mobile(text) or text
    found = list(
        scope.filter(Q(name=text) | Q(phone=mobile) | Q(user__username=text)).select_related(
            "branch", "user"
        )[:6]
    )
    if not found:
        raise GrantRefused(
            _("No member named %(text)s among the members you oversee.") % {"text": text}
        )
    if len(found) > 1:
        raise GrantRefused(
            _("%(count)s members match %(text)s: type their mobile number or log-in name.")
            % {"count": len(found), "text": text}
        )
    return found[0]


@dataclass(frozen=True)
class HistoryLine:
    when: object
    who: str
    granted: bool
    person: str
    role: str
    unit: str


def recent_changes(units: list[Unit], limit: int = 20) -> list[HistoryLine]:
    """Grants and revocations in `units`, newest first, in words."""
    history = RoleAssignment.history.model
    records = list(
        history.objects.filter(unit_id__in=[u.pk for u in units], history_type__in=["+", "-"])
        .select_related("history_user", "user")
        .order_by("-history_date", "-history_id")[:limit]
    )
    names = {u.pk: u.name for u in units}
    files = dict(
        Member.all_files.filter(user_id__in={r.user_id for r in records}).values_list(
            "user_id", "name"
        )
    )
    lines = []
    for record in records:
        by = record.history_user
        lines.append(
            HistoryLine(
                when=record.history_date,
                who=(by.get_full_name() or by.get_username()) if by else _("Set-up"),
                granted=record.history_type == "+",
                person=files.get(record.user_id) or display_user(record.user),
                role=str(Role(record.role).label),
                unit=names.get(record.unit_id, ""),
            )
        )
    return lines


def display_user(user: AbstractBaseUser | None) -> str:
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()
