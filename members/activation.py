"""Log-ins for members, given by their secretary and activated with a printed code.

Villages have phones, not e-mail: a secretary gives a member a log-in and prints a slip
with a one-time activation code; the member opens the activation page on their phone
(the slip's QR code fills the code in), sets their own password and is logged in. A
forgotten password is the same step again: a new code, and the old password stops
working at once. Nobody but the member ever sees a password.

The log-in name is the member's mobile number where the file has one that no other log-in
uses, a short generated name otherwise. Codes are stored as a keyed hash only, work
once, and expire after settings.ACTIVATION_CODE_DAYS days.
"""

import datetime as dt
import hashlib
import hmac
import re
import secrets
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from members import audit
from members.models import ActivationCode, Member, RoleAssignment
from volunteer.history import save_with_history
from volunteer.phones import normalise_mobile

# No 0/O, 1/I/L: a code is read off paper and typed on a phone.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
GENERATED_NAME_PREFIX = "dy"


class ActivationError(ValueError):
    """A log-in cannot be given or a code cannot be used; the message says why."""


@dataclass(frozen=True)
class IssuedCode:
    """A code as printed: shown once, on the slip; only its hash is kept."""

    member: Member
    username: str
    code: str
    expires_at: dt.datetime

    @property
    def printed(self) -> str:
        return f"{self.code[:4]}-{self.code[4:]}"


def code_days() -> int:
    return getattr(settings, "ACTIVATION_CODE_DAYS", 14)


def normalise_code(raw: str) -> str:
    """What the member typed, as stored: full-width to half-width, upper case, and no
    spaces or dashes."""
    text = unicodedata.normalize("NFKC", raw or "").upper()
    return re.sub(r"[\s\-_]", "", text)


def code_digest(code: str) -> str:
    key = hashlib.sha256(("activation-code:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, normalise_code(code).encode(), hashlib.sha256).hexdigest()


def _free_username(member: Member) -> str:
    users = get_user_model().objects
    mobile = normalise_mobile(member.phone)
    if mobile and not users.filter(username=mobile).exists():
        return mobile
    while True:
        name = f"{GENERATED_NAME_PREFIX}{secrets.randbelow(900_000) + 100_000}"
        if not users.filter(username=name).exists():
            return name


def _new_code(user: AbstractBaseUser, *, by, now: dt.datetime) -> tuple[str, dt.datetime]:
    """Void the user's unused codes and store the hash of a fresh one."""
    ActivationCode.objects.filter(user=user, used_at__isnull=True, voided_at__isnull=True).update(
        voided_at=now
    )
    expires_at = now + dt.timedelta(days=code_days())
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        digest = code_digest(code)
        if not ActivationCode.objects.filter(digest=digest).exists():
            break
    ActivationCode.objects.create(
        user=user, digest=digest, issued_by=by, issued_at=now, expires_at=expires_at
    )
    return code, expires_at


@transaction.atomic
def ensure_login(member: Member, *, by) -> AbstractBaseUser:
    """The member's log-in, created without a password if they have none (a role can
    then be given to it; the member gets in with a slip's code)."""
    member = (
        Member.all_files.select_for_update(of=("self",)).select_related("user").get(pk=member.pk)
    )
    if member.has_left:
        raise ActivationError(_("%(name)s has left the branch.") % {"name": member.name})
    if member.user is not None:
        return member.user
    user = get_user_model()(username=_free_username(member), first_name=member.name[:150])
    user.set_unusable_password()
    user.save()
    member.user = user
    save_with_history(member, by=by, update_fields=["user", "updated_at"])
    return user


@transaction.atomic
def issue_code(member: Member, *, by) -> IssuedCode:
    """Give `member` a log-in if they have none, or a new code if they have one (a
    forgotten password): either way the password stops working now and only the code
    printed from the result opens the account."""
    user = ensure_login(member, by=by)
    now = timezone.now()
    if user.has_usable_password() or not user.is_active:
        user.set_unusable_password()
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
    code, expires_at = _new_code(user, by=by, now=now)
    audit.record(
        audit.Kind.CODE_ISSUED,
        actor=by,
        member=member,
        detail=_("Log-in %(username)s: a new code, the old password and codes stop working.")
        % {"username": user.get_username()},
    )
    return IssuedCode(member, user.get_username(), code, expires_at)


def issue_codes(members: list[Member], *, by) -> list[IssuedCode]:
    """`issue_code` for many members in one transaction: the slips of a whole branch."""
    with transaction.atomic():
        return [issue_code(member, by=by) for member in members]


def find_usable_code(raw: str) -> ActivationCode | None:
    """The code someone typed, if it may still be used."""
    code = normalise_code(raw)
    if len(code) != CODE_LENGTH:
        return None
    return (
        ActivationCode.objects.usable()
        .select_related("user")
        .filter(digest=code_digest(code), user__is_active=True)
        .first()
    )


@transaction.atomic
def activate(code: ActivationCode, *, password: str) -> AbstractBaseUser:
    """Use the code: set the member's own password (already validated) and spend it."""
    code = ActivationCode.objects.select_for_update().select_related("user").get(pk=code.pk)
    if code.used_at or code.voided_at or code.expires_at <= timezone.now():
        raise ActivationError(_("This activation code has already been used or has expired."))
    code.used_at = timezone.now()
    code.save(update_fields=["used_at"])
    user = code.user
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(
        audit.Kind.CODE_USED,
        actor=user,
        member=audit.member_of(user),
        detail=_("Own password set with the code issued %(issued)s.")
        % {"issued": timezone.localtime(code.issued_at).strftime("%Y-%m-%d")},
    )
    return user


@transaction.atomic
def deactivate_login(member: Member, *, by) -> None:
    """Stop the member's log-in (it is kept, so their records still say who did what):
    no password, no code, no role."""
    user = member.user
    if user is None:
        return
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["is_active", "password"])
    ActivationCode.objects.filter(user=user, used_at__isnull=True, voided_at__isnull=True).update(
        voided_at=timezone.now()
    )
    from members.services import audit_role  # services imports this module

    for assignment in RoleAssignment.objects.filter(user=user).select_related("unit"):
        assignment._history_user = by
        audit_role(assignment, granted=False, by=by)
        assignment.delete()


# --- what a secretary sees -------------------------------------------------------------


class LoginState:
    NONE = "none"
    WAITING = "waiting"  # a code printed and not used yet
    EXPIRED = "expired"  # the last code ran out unused
    ACTIVE = "active"  # the member set a password
    STOPPED = "stopped"


def with_login_state(members: QuerySet[Member]) -> QuerySet[Member]:
    """Annotate `has_usable_code` and `has_any_code` for `login_state` (two subqueries,
    whatever the number of members)."""
    codes = ActivationCode.objects.filter(user=OuterRef("user"))
    return members.select_related("user").annotate(
        has_usable_code=Exists(codes.usable()), has_any_code=Exists(codes)
    )


def login_state(member: Member) -> str:
    user = member.user
    if user is None:
        return LoginState.NONE
    if not user.is_active:
        return LoginState.STOPPED
    if getattr(member, "has_usable_code", None) is None:
        codes = ActivationCode.objects.filter(user=user)
        member.has_usable_code = codes.usable().exists()
        member.has_any_code = codes.exists()
    if member.has_usable_code:
        return LoginState.WAITING
    if user.has_usable_password():
        return LoginState.ACTIVE
    return LoginState.EXPIRED if member.has_any_code else LoginState.NONE
