"""What the base layout's menu needs to know about the logged-in user, in one statement.

Every page shows the menu: the inbox's unread count, "My file" and the member's own
links when the user has a member file, and "Volunteer service" for organisers,
secretaries and team leaders. Asked through the ORM that was three queries (the count,
the file, the roles), or two with the roles cached; here it is one small statement that
the database answers from three indexes, written once per database vendor from the
models' own table and column names. `tests/test_layout.py` checks it against the
querysets it stands for: `Notification.objects.for_user(user).unread()`,
`user.member_file` and `members.access.has_role(user, *MENU_SERVICE_ROLES)`.

Nothing is cached across requests, so a message read or arriving, a file linked or a role
given shows on the very next page.
"""

from django.db import connection
from django.http import HttpRequest

from inbox.models import Notification
from members import access
from members.models import Member, RoleAssignment

# Who sees "Volunteer service" in the menu: organisers, secretaries and team leaders.
MENU_SERVICE_ROLES = frozenset({*access.OVERSEER_ROLES, RoleAssignment.Role.TEAM_LEADER})

_statements: dict[str, str] = {}


def _statement() -> str:
    vendor = connection.vendor
    if vendor not in _statements:
        q = connection.ops.quote_name

        def column(model, name: str) -> str:
            return q(model._meta.get_field(name).column)

        roles = ", ".join(["%s"] * len(MENU_SERVICE_ROLES))
        _statements[vendor] = (
            # Only the models' own table and column names are written in; values are bound.
            f"SELECT (SELECT COUNT(*) FROM {q(Notification._meta.db_table)}"  # noqa: S608
            f" WHERE {column(Notification, 'recipient')} = %s"
            f" AND {column(Notification, 'read_at')} IS NULL),"
            f" (SELECT {column(Member, 'id')} FROM {q(Member._meta.db_table)}"
            f" WHERE {column(Member, 'user')} = %s),"
            f" EXISTS (SELECT 1 FROM {q(RoleAssignment._meta.db_table)}"
            f" WHERE {column(RoleAssignment, 'user')} = %s"
            f" AND {column(RoleAssignment, 'role')} IN ({roles}))"
        )
    return _statements[vendor]


class MenuFacts:
    """The three facts, as the menu shows them."""

    __slots__ = ("unread", "has_file", "sees_service")

    def __init__(self, unread: int, has_file: bool, sees_service: bool):
        self.unread = unread
        self.has_file = has_file
        self.sees_service = sees_service


NOBODY = MenuFacts(0, False, False)


def menu_facts(user) -> MenuFacts:
    """From the database, one statement; none for an anonymous visitor."""
    if user is None or not user.is_authenticated:
        return NOBODY
    with connection.cursor() as cursor:
        cursor.execute(_statement(), [user.pk, user.pk, user.pk, *sorted(MENU_SERVICE_ROLES)])
        unread, file_id, held = cursor.fetchone()
    return MenuFacts(int(unread), file_id is not None, user.is_superuser or bool(held))


def menu(request: HttpRequest) -> dict:
    """Context processor: `inbox_unread` (the menu's badge, the home page's tile and the
    inbox's "mark all read"), `has_member_file` and `sees_service` for the menu."""
    facts = menu_facts(getattr(request, "user", None))
    return {
        "inbox_unread": facts.unread,
        "has_member_file": facts.has_file,
        "sees_service": facts.sees_service,
    }
