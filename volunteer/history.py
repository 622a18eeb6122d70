"""Reading django-simple-history records as a change log for a page."""

import datetime as dt
from dataclasses import dataclass

from django.utils import formats, timezone


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


# Bookkeeping a reader of the history has no use for: timestamps the row keeps for
# itself, counters and codes the system sets. Fields that are not editable are left out too.
INTERNAL_FIELDS = frozenset({"created_at", "updated_at", "version_count", "verify_code", "path"})


def change_log(
    instance, *, limit: int = 20, hidden: frozenset[str] = frozenset()
) -> list[LogEntry]:
    """The newest `limit` changes of `instance`, each with the fields it changed, in
    words: field labels, people and units by name, dates as dates in local time;
    bookkeeping fields left out. Values of `hidden` fields are never shown, only that
    they changed. Related names are read in one query per related model."""
    records = list(
        instance.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    pending = []  # (entry's changes list, field, old, new), resolved below
    entries = []
    for newer, older in zip(records, [*records[1:], None], strict=False):
        if len(entries) == limit:
            break
        changes: list[Change] = []
        if older is not None:
            delta = newer.diff_against(older, foreign_keys_are_objs=False)
            for change in delta.changes:
                field = instance._meta.get_field(change.field)
                label = str(getattr(field, "verbose_name", change.field))
                if change.field in INTERNAL_FIELDS:
                    continue
                if change.field in hidden:  # a hidden field may be one the system sets
                    changes.append(Change(label, "••••", "••••"))
                elif not getattr(field, "editable", True):
                    continue
                else:
                    changes.append(Change(label, "", ""))
                    pending.append((changes[-1], field, change.old, change.new))
        who = _person(newer.history_user) if newer.history_user else ""
        entries.append(LogEntry(newer.history_date, who, newer.history_type, changes))
    names = _related_names(pending)
    for change, field, old, new in pending:
        change.old = _display(field, old, names)
        change.new = _display(field, new, names)
    return entries


def _person(user) -> str:
    return user.get_full_name() or user.get_username()


def _related_names(pending) -> dict:
    """{(related model, pk): name} for every foreign key value in `pending`."""
    wanted: dict = {}
    for _change, field, old, new in pending:
        if field.is_relation and field.many_to_one:
            wanted.setdefault(field.related_model, set()).update(v for v in (old, new) if v)
    names = {}
    for model, pks in wanted.items():
        for pk, obj in model._base_manager.in_bulk(pks).items():
            is_user = hasattr(obj, "get_full_name") and hasattr(obj, "get_username")
            names[(model, pk)] = _person(obj) if is_user else str(obj)
    return names


def _display(field, value, names: dict) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):  # many-to-many: a list of through rows
        return f"{len(value)}"
    if field.is_relation and field.many_to_one:
        return names.get((field.related_model, value), "—")
    choices = dict(getattr(field, "flatchoices", []) or [])
    if value in choices:
        return str(choices[value])
    if value is True:
        return "✓"
    if value is False:
        return "✗"
    if isinstance(value, dt.datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return formats.date_format(value, "DATE_FORMAT")
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
