"""Writes to the organisation tree and member files. Each takes the acting user so the
history of every change says who made it."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members import audit
from members.models import (
    CapabilityType,
    LocalSituation,
    Member,
    ResidentNeed,
    RoleAssignment,
    Unit,
)
from volunteer.history import save_with_history


@transaction.atomic
def create_unit(*, parent: Unit | None, kind: str, name: str, code: str, by=None, **extra) -> Unit:
    """Add a unit under `parent`; its kind must be the level below the parent's."""
    expected_parent_kind = Unit.PARENT_KIND[Unit.Kind(kind)]
    if (parent.kind if parent else None) != expected_parent_kind:
        raise ValueError(f"A {kind} unit cannot sit under {parent!r}.")
    path = f"{parent.path if parent else '/'}{code}/"
    return save_with_history(
        Unit(parent=parent, kind=kind, name=name, code=code, path=path, **extra), by=by
    )


def next_child_code(parent: Unit) -> str:
    """Codes of new units are numbered within their parent: 01, 02, … (0001 for branches)."""
    width = 4 if parent.kind == Unit.Kind.TOWN else 2
    taken = {code for code in parent.children.values_list("code", flat=True)}
    number = parent.children.count() + 1
    while f"{number:0{width}d}" in taken:
        number += 1
    return f"{number:0{width}d}"


@transaction.atomic
def add_child_unit(form, *, parent: Unit, by) -> Unit:
    """Add the unit one level below `parent` from a validated UnitForm."""
    kind = {
        Unit.Kind.DISTRICT: Unit.Kind.TOWN,
        Unit.Kind.TOWN: Unit.Kind.BRANCH,
        Unit.Kind.BRANCH: Unit.Kind.GRID,
    }[Unit.Kind(parent.kind)]
    Unit.objects.select_for_update().filter(pk=parent.pk).first()  # serialise sibling codes
    return create_unit(
        parent=parent, kind=kind, code=next_child_code(parent), by=by, **form.cleaned_data
    )


@transaction.atomic
def update_unit(form, *, by) -> Unit:
    unit = form.save(commit=False)
    return save_with_history(unit, by=by, update_fields=["name", "households", "address"])


@transaction.atomic
def assign_role(*, user, unit: Unit, role: str, by=None) -> RoleAssignment:
    """Give `user` a role in `unit` (once; granting it again changes nothing). Who may
    grant what is members.roles' rule; this only writes it, with history."""
    existing = RoleAssignment.objects.filter(user=user, unit=unit, role=role).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        assignment = save_with_history(RoleAssignment(user=user, unit=unit, role=role), by=by)
        audit_role(assignment, granted=True, by=by)
    return assignment


def audit_role(assignment: RoleAssignment, *, granted: bool, by) -> None:
    """The grant or revocation in the security trail, in words."""
    person = audit.member_of(assignment.user)
    audit.record(
        audit.Kind.ROLE_GRANTED if granted else audit.Kind.ROLE_REVOKED,
        actor=by,
        member=person,
        unit=assignment.unit,
        detail=_("%(person)s: %(role)s of %(unit)s")
        % {
            "person": person.name if person else assignment.user.get_username(),
            "role": assignment.get_role_display(),
            "unit": assignment.unit.name,
        },
    )


@transaction.atomic
def revoke_role(*, assignment: RoleAssignment, by=None) -> None:
    """End a role; the history keeps who held it, until when and who ended it."""
    assignment._history_user = by
    audit_role(assignment, granted=False, by=by)
    assignment.delete()


@transaction.atomic
def save_member_form(form, *, by) -> Member:
    """Save a validated MemberForm (new or existing file) with its capability types."""
    member = save_with_history(form.save(commit=False), by=by, clean=False)
    form.save_m2m()
    return member


@transaction.atomic
def exempt_member(*, member: Member, reason: str, by) -> Member:
    """Exempt a member from choosing a post (暂不择岗). They stay on the roster and out of
    coverage figures until the exemption is lifted."""
    member.is_exempt = True
    member.exemption_reason = reason
    member.exempted_at = timezone.now()
    return save_with_history(
        member, by=by, update_fields=["is_exempt", "exemption_reason", "exempted_at", "updated_at"]
    )


@transaction.atomic
def lift_exemption(*, member: Member, by) -> Member:
    member.is_exempt = False
    member.exemption_reason = ""
    member.exempted_at = None
    return save_with_history(
        member, by=by, update_fields=["is_exempt", "exemption_reason", "exempted_at", "updated_at"]
    )


@transaction.atomic
def save_local_situation(form, *, branch: Unit, by) -> LocalSituation:
    situation = form.save(commit=False)
    situation.branch = branch
    return save_with_history(situation, by=by)


@transaction.atomic
def save_need(form, *, branch: Unit, by) -> ResidentNeed:
    need = form.save(commit=False)
    need.branch = branch
    return save_with_history(need, by=by)


@transaction.atomic
def save_capability_type(form, *, by) -> CapabilityType:
    capability = form.save(commit=False)
    return save_with_history(capability, by=by)


@transaction.atomic
def record_leaving(*, member: Member, reason: str, left_on, note: str = "", by) -> Member:
    """A member leaves the branch (transferred out, died, removed). Their file and every
    record that names them stay; in the same step their log-in stops and any role they
    held ends, so nothing more reaches or acts in their name."""
    from members import activation

    member = Member.all_files.select_for_update().get(pk=member.pk)
    if member.has_left:
        raise ValueError("This member has already left.")
    member.left_on = left_on
    member.leave_reason = reason
    member.leave_note = note.strip()
    save_with_history(
        member, by=by, update_fields=["left_on", "leave_reason", "leave_note", "updated_at"]
    )
    activation.deactivate_login(member, by=by)
    return member
