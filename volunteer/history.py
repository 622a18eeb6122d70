"""Reading django-simple-history records as a change log for a page."""

from dataclasses import dataclass


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class LogEntry:
    when: object
    who: str
    kind: str  # "+", "~" or "-"
    changes: list[Change]


def change_log(
    instance, *, limit: int = 20, hidden: frozenset[str] = frozenset()
) -> list[LogEntry]:
    """The newest `limit` changes of `instance`, each with the fields it changed.
    Values of `hidden` fields are never shown, only that they changed."""
    records = list(
        instance.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    entries = []
    for newer, older in zip(records, [*records[1:], None], strict=False):
        if len(entries) == limit:
            break
        changes = []
        if older is not None:
            delta = newer.diff_against(older, foreign_keys_are_objs=False)
            for change in delta.changes:
                field = instance._meta.get_field(change.field)
                label = str(getattr(field, "verbose_name", change.field))
                if change.field in hidden:
                    changes.append(Change(label, "••••", "••••"))
                else:
                    changes.append(
                        Change(label, _display(field, change.old), _display(field, change.new))
                    )
        who = (
            newer.history_user.get_full_name() or newer.history_user.get_username()
            if newer.history_user
            else ""
        )
        entries.append(LogEntry(newer.history_date, who, newer.history_type, changes))
    return entries


def _display(field, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):  # many-to-many: a list of through rows
        return f"{len(value)}"
    choices = dict(getattr(field, "flatchoices", []) or [])
    if value in choices:
        return str(choices[value])
    if value is True:
        return "✓"
    if value is False:
        return "✗"
    return str(value)


def save_with_history(instance, *, by, update_fields=None, clean=True, validate_unique=True):
    """Save `instance` as `by` did it: its history record names the acting user (what
    every change a secretary makes must show). Validated first unless `clean` is off
    (a form has already validated it)."""
    instance._history_user = by
    if clean:
        instance.full_clean(validate_unique=validate_unique)
    instance.save(update_fields=update_fields)
    return instance
