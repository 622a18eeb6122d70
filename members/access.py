"""Every scope decision goes through this module.

Rules:
- District and town organisers and branch secretaries oversee the units they hold their
  role in and everything below them: they may read those units' records.
- Only a branch's secretary manages (writes) its member files, situation and needs.
- A member reads their own file.
- Anything outside a user's scope answers 404, so that nobody learns a record exists;
  a user who may read but not write gets 403 on a write.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from members.models import Member, ResidentNeed, RoleAssignment, RosterImport, Unit
from volunteer.prepared import PreparedQuery

Role = RoleAssignment.Role
OVERSEER_ROLES = {Role.DISTRICT_ORGANISER, Role.TOWN_ORGANISER, Role.BRANCH_SECRETARY}
ORGANISER_ROLES = {Role.DISTRICT_ORGANISER, Role.TOWN_ORGANISER}

User = AbstractBaseUser | AnonymousUser
_OWN_FILE = Member._meta.get_field("user").remote_field  # user.member_file


@dataclass(frozen=True)
class Held:
    role: str
    unit_id: int
    path: str
    unit: Unit = field(compare=False, repr=False)


# Every scoped page asks for these two: compiled once (volunteer.prepared).
_ROLES = PreparedQuery(
    lambda user: RoleAssignment.objects.filter(user=user).select_related("unit"),
    user=2_000_730_001,
)
_MEMBER_FILE = PreparedQuery(
    # Departed members' files stay readable: their records still name them.
    lambda member: (
        Member.all_files.select_related("branch", "grid", "employer", "user")
        .filter(pk=member)
        .order_by("pk")[:1]
    ),
    member=2_000_730_001,
)


def roles_of(user: User) -> list[Held]:
    """The roles a user holds, with their units, read once per request object and cached
    on it."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_held_roles", None)
    if cached is None:
        cached = [
            Held(held.role, held.unit_id, held.unit.path, held.unit)
            for held in _ROLES.instances(user=user.pk)
        ]
        user._held_roles = cached
    return cached


def has_role(user: User, *roles: str) -> bool:
    return any(held.role in roles for held in roles_of(user))


def overseen_paths(user: User, roles: set[str] = OVERSEER_ROLES) -> list[str]:
    return [held.path for held in roles_of(user) if held.role in roles]


def can_oversee(user: User, unit: Unit) -> bool:
    if user.is_authenticated and user.is_superuser:
        return True
    return any(unit.path.startswith(path) for path in overseen_paths(user))


def can_organise(user: User, unit: Unit) -> bool:
    """Town or district organiser over `unit` (publishing, reports)."""
    if user.is_authenticated and user.is_superuser:
        return True
    return any(unit.path.startswith(path) for path in overseen_paths(user, ORGANISER_ROLES))


def can_manage_branch(user: User, branch: Unit) -> bool:
    """Secretaries write their own branch's records (a grid's belong to its branch)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if branch.kind != Unit.Kind.BRANCH:
        return False
    return any(
        held.role == Role.BRANCH_SECRETARY and held.unit_id == branch.pk for held in roles_of(user)
    )


def may_decide_for(user: User, member_user_id: int | None, branch: Unit) -> bool:
    """Who approves a member's pledge and enters their year-end appraisal: the branch's
    secretary; for the secretary's own, the organisers above the branch. Nobody decides
    on their own record."""
    if not user.is_authenticated or (member_user_id is not None and member_user_id == user.pk):
        return False
    member_is_secretary = member_user_id is not None and (
        RoleAssignment.objects.filter(
            user_id=member_user_id, unit=branch, role=Role.BRANCH_SECRETARY
        ).exists()
    )
    if member_is_secretary:
        return can_organise(user, branch)
    return can_manage_branch(user, branch)


def can_give_logins(user: User, branch: Unit) -> bool:
    """Log-ins and activation codes for a branch's members: its secretary, or an
    organiser above it."""
    return can_manage_branch(user, branch) or can_organise(user, branch)


def can_manage_unit(user: User, unit: Unit) -> bool:
    """Organisers shape the tree below them: the district organiser everywhere, a town
    organiser in their town, a secretary their branch's grids."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return any(
        unit.path.startswith(held.path) for held in roles_of(user) if held.role in OVERSEER_ROLES
    )


def get_unit_to_change(user: User, pk: int, *, add_child: bool) -> Unit:
    """A unit to add a child to (add_child=True) or to edit. Editing a unit is for whoever
    manages the unit above it, so a secretary cannot rename their own branch."""
    granted = get_unit_access(user, pk)
    if add_child and granted.unit.kind == Unit.Kind.GRID:
        raise Http404
    if not (granted.may_add_child if add_child else granted.may_edit):
        raise PermissionDenied
    return granted.unit


def is_district_organiser(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or has_role(user, Role.DISTRICT_ORGANISER))


def is_organiser(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or has_role(user, *ORGANISER_ROLES))


def require_organiser(user: User) -> None:
    """Organiser-only pages answer 404 to everyone else, like any out-of-scope page."""
    if not is_organiser(user):
        raise Http404


def require_overseer(user: User) -> None:
    """Pages about the people one oversees (organisers, secretaries): 404 to the rest."""
    if not (user.is_authenticated and (user.is_superuser or has_role(user, *OVERSEER_ROLES))):
        raise Http404


@dataclass(frozen=True)
class DistrictAccess:
    """A district the user may read, and whether they may also set its rules."""

    district: Unit
    may_set_rules: bool


def get_district_for_user(user: User, pk: int, *, manage: bool = False) -> DistrictAccess:
    """A district's rules (points, evaluation, excellent volunteers) are read by the
    organisers in it (towns included) and set by its district organisers; with
    manage=True the others get 403; everyone else gets 404."""
    require_organiser(user)
    district = Unit.objects.filter(pk=pk, kind=Unit.Kind.DISTRICT).first()
    if district is None:
        raise Http404
    inside = user.is_superuser or any(
        path.startswith(district.path) for path in overseen_paths(user, ORGANISER_ROLES)
    )
    if not inside:
        raise Http404
    may_set_rules = is_district_organiser(user) and can_organise(user, district)
    if manage and not may_set_rules:
        raise PermissionDenied
    return DistrictAccess(district, may_set_rules)


def require_district_organiser(user: User) -> None:
    """District rules: other organisers may look (403 on writes), the rest get 404."""
    require_organiser(user)
    if not is_district_organiser(user):
        raise PermissionDenied


def require_audit_reader(user: User) -> list[str] | None:
    """The security audit trail is read by district organisers only (and the superuser,
    who reads every line): everyone else gets 404. Returns the paths of the districts
    whose lines the user reads, None for every line."""
    if not user.is_authenticated:
        raise Http404
    if user.is_superuser:
        return None
    paths = overseen_paths(user, {Role.DISTRICT_ORGANISER})
    if not paths:
        raise Http404
    return paths


def units_overseen(user: User):
    """Every unit the user oversees, as a queryset."""
    if user.is_authenticated and user.is_superuser:
        return Unit.objects.all()
    return Unit.objects.under_any(overseen_paths(user))


def top_units_for_user(user: User) -> list[Unit]:
    """The highest units a user oversees: the starting points of their navigation."""
    if user.is_authenticated and user.is_superuser:
        return list(Unit.objects.filter(parent__isnull=True))
    held = {h.path: h.unit for h in roles_of(user) if h.role in OVERSEER_ROLES}
    paths = sorted(held)
    # The units came with the roles: no query (ordered by path, as Unit's Meta orders).
    return [held[p] for p in paths if not any(p != q and p.startswith(q) for q in paths)]


def units_above_overseen(user: User, unit: Unit) -> list[Unit]:
    """The units above `unit` that the user may open, top first: a page's breadcrumbs."""
    above = Unit.objects.filter(path__in=unit.ancestor_paths()[:-1]).order_by("path")
    return [u for u in above if can_oversee(user, u)]


def get_unit_for_user(user: User, pk: int) -> Unit:
    """A unit the user oversees, or 404."""
    unit = Unit.objects.select_related("parent").filter(pk=pk).first()
    if unit is None or not can_oversee(user, unit):
        raise Http404
    return unit


@dataclass(frozen=True)
class UnitAccess:
    """A unit the user oversees, and what its page may offer them."""

    unit: Unit
    may_manage_branch: bool  # a branch's secretary: members, roster, logins
    may_organise: bool  # an organiser above or at the unit: publishes pledges
    may_add_child: bool  # adds a town, branch or grid under it
    may_edit: bool  # renames it: whoever manages the unit above (not the unit itself)


def get_unit_access(user: User, pk: int) -> UnitAccess:
    """`get_unit_for_user` with the rights its page offers."""
    unit = get_unit_for_user(user, pk)
    return UnitAccess(
        unit=unit,
        may_manage_branch=can_manage_branch(user, unit),
        may_organise=can_organise(user, unit),
        may_add_child=unit.kind != Unit.Kind.GRID and can_manage_unit(user, unit),
        may_edit=can_manage_unit(user, unit.parent or unit),
    )


@dataclass(frozen=True)
class BranchAccess:
    """A branch the user oversees, and whether they may also change it (its secretary):
    what the page then shows or hides, decided here once."""

    branch: Unit
    may_manage: bool


def get_branch_access(user: User, pk: int, *, manage: bool = False) -> BranchAccess:
    """A branch the user oversees (404 otherwise); with manage=True, 403 unless they are
    its secretary."""
    unit = get_unit_for_user(user, pk)
    if unit.kind != Unit.Kind.BRANCH:
        raise Http404
    may_manage = can_manage_branch(user, unit)
    if manage and not may_manage:
        raise PermissionDenied
    return BranchAccess(unit, may_manage)


def get_branch_for_user(user: User, pk: int, *, manage: bool = False) -> Unit:
    """`get_branch_access` where the page needs only the branch."""
    return get_branch_access(user, pk, manage=manage).branch


@dataclass(frozen=True)
class MemberAccess:
    """A member file the user may read, and in what capacity."""

    member: Member
    is_own: bool
    oversees: bool  # an overseer of the member's branch
    may_manage: bool  # the branch's secretary
    may_give_login: bool = False  # the secretary or an organiser above: codes, slips

    @property
    def may_see_phone(self) -> bool:
        """Phones are for the member and the people who organise them, nobody else."""
        return self.is_own or self.oversees


def get_member_access(user: User, pk: int, *, manage: bool = False) -> MemberAccess:
    """A member file the user may read: their own, or one in a unit they oversee (else
    404); with manage=True, 403 unless they are the branch's secretary."""
    found = _MEMBER_FILE.instances(member=pk)
    if not found:
        raise Http404
    member = found[0]
    own = user.is_authenticated and member.user_id == user.pk
    oversees = can_oversee(user, member.branch)
    if own:
        # The menu asks for `user.member_file` on every page: it has just been read.
        _OWN_FILE.set_cached_value(user, member)
    elif not oversees:
        raise Http404
    may_manage = can_manage_branch(user, member.branch)
    if manage and not may_manage:
        raise PermissionDenied
    may_give_login = may_manage or can_organise(user, member.branch)
    return MemberAccess(member, own, oversees, may_manage, may_give_login)


def get_member_for_user(user: User, pk: int, *, manage: bool = False) -> Member:
    """`get_member_access` where the page needs only the file."""
    return get_member_access(user, pk, manage=manage).member


def get_need_for_user(user: User, pk: int, *, manage: bool = False) -> ResidentNeed:
    need = ResidentNeed.objects.select_related("branch").filter(pk=pk).first()
    if need is None or not can_oversee(user, need.branch):
        raise Http404
    if manage and not can_manage_branch(user, need.branch):
        raise PermissionDenied
    return need


def get_roster_import_for_user(user: User, pk: int) -> RosterImport:
    """An uploaded roster holds whole ID numbers: only the secretary who uploaded it sees
    it (or the superuser), while it is kept at all."""
    roster_import = RosterImport.objects.select_related("branch").filter(pk=pk).first()
    if roster_import is None or not can_oversee(user, roster_import.branch):
        raise Http404
    uploader = user.is_superuser or roster_import.uploaded_by_id == user.pk
    if not (can_manage_branch(user, roster_import.branch) and uploader):
        raise PermissionDenied
    return roster_import


def member_file_of(user: User) -> Member | None:
    if not user.is_authenticated:
        return None
    return Member.objects.filter(user=user).select_related("branch").first()
