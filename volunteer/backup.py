"""Whole-site backups as one gzip file, portable between SQLite and PostgreSQL.

The file is JSON lines inside gzip:

1. a header: format and version, when, from which database, and the migrations
   applied per app (a backup only restores into the same code);
2. one section per table, in dependency order: a `{"model": ...}` line, one line per
   row in primary-key order (Django's serializer output without the model label), and
   an `{"end": ..., "count": ..., "sha256": ...}` line;
3. a trailer repeating every table's count and checksum. A file without it is
   incomplete.

Every table of every installed app is included: users and groups, the apps' data,
django-simple-history's tables, the inbox, and whatever a later release installs.
Sessions are left out (a restore logs everyone out). Content types and permissions are
created by `migrate` with database-specific ids, so they travel by natural key and every
column pointing at them is rewritten to the natural key and back.

Rows are streamed in both directions, table by table, so memory stays flat at city
scale. The checksum of a table is the SHA-256 of its row lines as written; restore
recomputes it from the database after loading, which proves the rows came back
field for field, and rolls back if it differs.

This module imports no app: it works from the app registry.
"""

import datetime as dt
import decimal
import gzip
import hashlib
import io
import json
import os
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import django
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.core.serializers import python as python_serializer
from django.core.serializers.base import DeserializationError
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    IntegrityError,
    connections,
    models,
    transaction,
)
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "volunteer-backup"
FORMAT_VERSION = 1
# Tables never backed up: their rows mean nothing on another installation.
SKIPPED_MODELS = frozenset({"sessions.session"})
# Tables created by `migrate` whose ids differ between databases: matched by natural key.
CONTENT_TYPES = "contenttypes.contenttype"
PERMISSIONS = "auth.permission"
REFERENCE_MODELS = (CONTENT_TYPES, PERMISSIONS)
ROWS_PER_CHUNK = 2000
INTEGER_ORDERED_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveBigIntegerField",
        "PositiveSmallIntegerField",
        # UUIDs sort by their bytes on both backends (hex text on SQLite, uuid on PostgreSQL).
        "UUIDField",
    }
)


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why for an operator."""


# --- which tables, in which order -------------------------------------------------------------


def label(model) -> str:
    return model._meta.label_lower


def data_models() -> list[type[models.Model]]:
    """Every table to copy row by row, parents before children where the foreign keys
    allow (cycles keep registry order: constraints are checked at commit anyway)."""
    candidates = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and not model._meta.swapped
        and label(model) not in SKIPPED_MODELS
        and label(model) not in REFERENCE_MODELS
    ]
    chosen = set(candidates)
    ordered: list[type[models.Model]] = []
    placed: set = set()
    visiting: set = set()

    def place(model) -> None:
        if model in placed or model in visiting:
            return
        visiting.add(model)
        for fk in model._meta.local_concrete_fields:
            target = fk.related_model if fk.is_relation else None
            if target is not None and target is not model and target in chosen:
                place(target._meta.concrete_model)
        visiting.discard(model)
        placed.add(model)
        ordered.append(model)

    for model in candidates:
        place(model)
    return ordered


def flushed_models() -> list[type[models.Model]]:
    """What `restore --force` empties: every data table and the skipped ones (stale
    sessions would otherwise point at whichever user now has their id)."""
    skipped = [
        model
        for model in apps.get_models(include_auto_created=True)
        if label(model) in SKIPPED_MODELS and model._meta.managed
    ]
    return data_models() + skipped


def _stored_fields(model) -> list:
    return [f for f in model._meta.local_concrete_fields if not getattr(f, "generated", False)]


def _orders_in_database(model) -> bool:
    pk = model._meta.pk
    target = pk.target_field if pk.is_relation else pk
    return target.get_internal_type() in INTEGER_ORDERED_TYPES


# --- encoding rows ----------------------------------------------------------------------------


def _encode_value(value):
    # Full precision: DjangoJSONEncoder would cut microseconds to milliseconds.
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    raise TypeError(f"Cannot write {type(value).__name__} to a backup.")


def encode_line(data: dict) -> str:
    return (
        json.dumps(
            data, default=_encode_value, ensure_ascii=False, sort_keys=True, separators=(",", ":")
        )
        + "\n"
    )


@dataclass
class ReferenceKeys:
    """Database ids of content types and permissions ↔ their natural keys."""

    content_types: dict[int, list[str]] = field(default_factory=dict)
    permissions: dict[int, list[str]] = field(default_factory=dict)

    @classmethod
    def from_database(cls, using: str) -> "ReferenceKeys":
        keys = cls()
        for pk, app_label, model in ContentType.objects.using(using).values_list(
            "pk", "app_label", "model"
        ):
            keys.content_types[pk] = [app_label, model]
        for pk, codename, ct_id in Permission.objects.using(using).values_list(
            "pk", "codename", "content_type_id"
        ):
            keys.permissions[pk] = [codename, *keys.content_types[ct_id]]
        return keys

    def table_for(self, related_model) -> dict | None:
        if related_model is None:
            return None
        related = label(related_model)
        if related == CONTENT_TYPES:
            return self.content_types
        if related == PERMISSIONS:
            return self.permissions
        return None

    def reversed(self) -> "ReferenceKeys":
        """Natural key (as a tuple) → id, for reading rows back in."""
        back = ReferenceKeys()
        back.content_types = {tuple(v): k for k, v in self.content_types.items()}
        back.permissions = {tuple(v): k for k, v in self.permissions.items()}
        return back


class RowWriter:
    """Turns a table's model instances into backup lines."""

    def __init__(self, model, keys: ReferenceKeys):
        self.model = model
        self.field_names = [f.name for f in _stored_fields(model) if not f.primary_key]
        self.serializer = python_serializer.Serializer()
        # Columns holding content type or permission ids, and the id → natural key map.
        self.reference_columns = [
            (f.name, keys.table_for(f.related_model))
            for f in _stored_fields(model)
            if f.is_relation and keys.table_for(f.related_model) is not None
        ]

    def lines(self, objects: list) -> Iterator[str]:
        for row in self.serializer.serialize(objects, fields=self.field_names):
            del row["model"]
            for name, table in self.reference_columns:
                value = row["fields"].get(name)
                if value is not None:
                    # A dangling id (history tables keep no constraint) stays a plain id.
                    row["fields"][name] = table.get(value, value)
            yield encode_line(row)


def table_lines(model, keys: ReferenceKeys, using: str) -> Iterator[str]:
    """Every row of `model` as backup lines, in primary-key order, a chunk at a time."""
    writer = RowWriter(model, keys)
    queryset = model._base_manager.using(using).order_by("pk")
    if _orders_in_database(model):
        rows: Iterable = queryset.iterator(chunk_size=ROWS_PER_CHUNK)
    else:
        # Text keys collate differently per database: sort here so both agree.
        rows = sorted(queryset, key=lambda obj: str(obj.pk))
    chunk: list = []
    for obj in rows:
        chunk.append(obj)
        if len(chunk) >= ROWS_PER_CHUNK:
            yield from writer.lines(chunk)
            chunk = []
    if chunk:
        yield from writer.lines(chunk)


# --- migration state --------------------------------------------------------------------------


def migration_state(using: str) -> dict[str, list[str]]:
    """Applied migrations per installed app, as the database records them."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    applied = MigrationRecorder(connections[using]).applied_migrations()
    state: dict[str, list[str]] = {}
    for app_label, name in applied:
        if app_label in loader.migrated_apps:
            state.setdefault(app_label, []).append(name)
    return {app: sorted(names) for app, names in sorted(state.items())}


def pending_migrations(using: str) -> list[str]:
    executor = MigrationExecutor(connections[using])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def migration_differences(saved: dict, current: dict) -> list[str]:
    """Readable lines for each app whose migrations differ; empty when they match."""
    lines = []
    for app in sorted(set(saved) | set(current)):
        only_saved = sorted(set(saved.get(app, [])) - set(current.get(app, [])))
        only_current = sorted(set(current.get(app, [])) - set(saved.get(app, [])))
        if only_saved:
            lines.append(f"  {app}: the backup has {', '.join(only_saved)}, this code has not")
        if only_current:
            lines.append(f"  {app}: this code has {', '.join(only_current)}, the backup has not")
    return lines


# --- writing ----------------------------------------------------------------------------------


@dataclass
class BackupSummary:
    path: str
    tables: int
    rows: int
    size: int
    counts: dict[str, int]


def write_backup(path: str, using: str = DEFAULT_DB_ALIAS) -> BackupSummary:
    """Write the whole database to `path` (gzip), read in one consistent snapshot.

    The file appears under its name only when complete, readable by its owner alone
    (it holds ID numbers and password hashes)."""
    connection = connections[using]
    pending = pending_migrations(using)
    if pending:
        raise BackupError(
            "This database lacks migrations the code has ("
            + ", ".join(pending[:5])
            + (" …" if len(pending) > 5 else "")
            + "), so the code cannot read all of it. Back up with the release that "
            "matches the database (before upgrading), or run `manage.py migrate` first."
        )
    partial = f"{path}.partial"
    counts: dict[str, int] = {}
    checksums: dict[str, str] = {}
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql" and outermost:
            # One snapshot for every table: rows added meanwhile can't half-appear.
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        keys = ReferenceKeys.from_database(using)
        tables = data_models()
        header = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "created": timezone.now().isoformat(),
            "django": django.get_version(),
            "database": connection.vendor,
            "migrations": migration_state(using),
            "models": [label(m) for m in tables],
        }
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with (
                os.fdopen(descriptor, "wb") as raw,
                gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6) as compressed,
                io.TextIOWrapper(compressed, encoding="utf-8", newline="\n") as out,
            ):
                out.write(encode_line(header))
                sections: list[tuple[str, Iterable[str]]] = [
                    (CONTENT_TYPES, _content_type_lines(keys)),
                    (PERMISSIONS, _permission_lines(keys, using)),
                ]
                sections += [(label(m), table_lines(m, keys, using)) for m in tables]
                for model_label, lines in sections:
                    out.write(encode_line({"model": model_label}))
                    digest = hashlib.sha256()
                    count = 0
                    for line in lines:
                        out.write(line)
                        digest.update(line.encode())
                        count += 1
                    counts[model_label] = count
                    checksums[model_label] = digest.hexdigest()
                    out.write(
                        encode_line(
                            {"end": model_label, "count": count, "sha256": checksums[model_label]}
                        )
                    )
                out.write(encode_line({"complete": True, "counts": counts, "sha256": checksums}))
            os.replace(partial, path)
        except BaseException:
            if os.path.exists(partial):
                os.unlink(partial)
            raise
    return BackupSummary(
        path=path,
        tables=len(counts),
        rows=sum(counts.values()),
        size=os.path.getsize(path),
        counts=counts,
    )


def _content_type_lines(keys: ReferenceKeys) -> Iterator[str]:
    for pk in sorted(keys.content_types):
        yield encode_line({"natural": keys.content_types[pk]})


def _permission_lines(keys: ReferenceKeys, using: str) -> Iterator[str]:
    names = dict(Permission.objects.using(using).values_list("pk", "name"))
    for pk in sorted(keys.permissions):
        yield encode_line({"natural": keys.permissions[pk], "name": names[pk]})


# --- reading ----------------------------------------------------------------------------------


@dataclass
class Manifest:
    header: dict
    counts: dict[str, int]
    checksums: dict[str, str]

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


def _damaged(path: str, why: str) -> BackupError:
    return BackupError(
        f"The backup file {path} is damaged or incomplete ({why}). Nothing was changed."
    )


def _read_lines(path: str) -> Iterator[tuple[str, dict]]:
    """The file's lines, each as written and as JSON; any fault in the file becomes a
    BackupError."""
    try:
        with gzip.open(path, "rt", encoding="utf-8", newline="\n") as stream:
            for number, line in enumerate(stream, start=1):
                try:
                    item = json.loads(line)
                except json.JSONDecodeError as error:
                    raise _damaged(path, f"line {number} is not valid JSON") from error
                if not isinstance(item, dict):
                    raise _damaged(path, f"line {number} is not a record")
                yield line, item
    except FileNotFoundError as error:
        raise BackupError(f"There is no backup file at {path}.") from error
    except BackupError:
        raise
    except (EOFError, OSError, UnicodeDecodeError, zlib.error) as error:
        # Truncation (EOFError), a flipped byte (CRC or zlib error), not gzip at all.
        raise _damaged(path, str(error) or type(error).__name__) from error


def read_header(path: str) -> dict:
    lines = _read_lines(path)
    try:
        first = next(lines, None)
    finally:
        lines.close()
    header = first[1] if first else None
    if not header or header.get("format") != FORMAT:
        raise BackupError(f"{path} is not a backup written by `manage.py backup`.")
    if header.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} is a backup of format version {header.get('version')}; this code "
            f"reads version {FORMAT_VERSION}."
        )
    return header


def verify_file(path: str) -> Manifest:
    """Read the whole file once, checking every section's count and checksum and the
    trailer, before the database is touched."""
    header = read_header(path)
    lines = _read_lines(path)
    next(lines)
    counts: dict[str, int] = {}
    checksums: dict[str, str] = {}
    current: str | None = None
    digest = hashlib.sha256()
    count = 0
    trailer = None
    for line, item in lines:
        if trailer is not None:
            raise _damaged(path, "data after the end marker")
        if current is None:
            if item.get("complete"):
                trailer = item
            elif "model" in item:
                current, digest, count = item["model"], hashlib.sha256(), 0
            else:
                raise _damaged(path, "a table section does not start with its name")
        elif "end" in item:
            if item["end"] != current:
                raise _damaged(path, f"the section for {current} ends as {item['end']}")
            if item.get("count") != count or item.get("sha256") != digest.hexdigest():
                raise _damaged(path, f"the rows of {current} do not match their checksum")
            counts[current] = count
            checksums[current] = digest.hexdigest()
            current = None
        else:
            digest.update(line.encode())
            count += 1
    if trailer is None:
        raise _damaged(path, "it ends before its end marker")
    if trailer.get("counts") != counts or trailer.get("sha256") != checksums:
        raise _damaged(path, "the end marker's counts or checksums disagree with the rows")
    if list(counts) != [*REFERENCE_MODELS, *header.get("models", [])]:
        raise _damaged(path, "its tables are not the ones its header lists")
    return Manifest(header=header, counts=counts, checksums=checksums)


def sections(path: str) -> Iterator[tuple[str, Iterator[dict]]]:
    """(model label, its rows) for each table in the file; read after `verify_file`."""
    lines = _read_lines(path)
    next(lines)
    for _line, item in lines:
        if item.get("complete"):
            return
        model_label = item["model"]

        def rows(lines=lines) -> Iterator[dict]:
            for _line, row in lines:
                if "end" in row:
                    return
                yield row

        section = rows()
        yield model_label, section
        for _rest in section:  # whatever the caller did not read
            pass


# --- restoring --------------------------------------------------------------------------------


@dataclass
class RestoreSummary:
    tables: int
    rows: int
    flushed: bool


def check_compatible(manifest: Manifest, using: str) -> None:
    """Refuse a backup made by different code, before anything is written."""
    pending = pending_migrations(using)
    if pending:
        raise BackupError(
            "This database is not fully migrated (pending: "
            + ", ".join(pending[:5])
            + (" …" if len(pending) > 5 else "")
            + "). Run `manage.py migrate` first, then restore."
        )
    differences = migration_differences(
        manifest.header.get("migrations", {}), migration_state(using)
    )
    if differences:
        raise BackupError(
            "This backup was made by a different version of the code; its migrations "
            "do not match this installation's:\n"
            + "\n".join(differences)
            + "\nRestore it with the release that made it (then upgrade and migrate), "
            "or use a backup made by this release. Nothing was changed."
        )
    known = {label(m) for m in data_models()}
    unknown = [name for name in manifest.header["models"] if name not in known]
    missing = sorted(known - set(manifest.header["models"]))
    if unknown or missing:
        raise BackupError(
            "The backup's tables do not match this installation's"
            + (f"; only in the backup: {', '.join(unknown)}" if unknown else "")
            + (f"; only here: {', '.join(missing)}" if missing else "")
            + ". Nothing was changed."
        )


def occupied_tables(using: str) -> dict[str, int]:
    """Data tables that already hold rows, with their counts."""
    found = {}
    for model in data_models():
        count = model._base_manager.using(using).count()
        if count:
            found[label(model)] = count
    return found


def restore_backup(
    path: str,
    *,
    using: str = DEFAULT_DB_ALIAS,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
) -> RestoreSummary:
    """Load `path` into the database in one transaction; refuse (changing nothing) a
    damaged file, a file from other code, or a database holding data unless `force`."""
    say = progress or (lambda message: None)
    manifest = verify_file(path)
    say(f"The file is whole: {len(manifest.counts)} tables, {manifest.rows} rows.")
    check_compatible(manifest, using)
    connection = connections[using]
    try:
        with transaction.atomic(using=using):
            occupied = occupied_tables(using)
            if occupied and not force:
                listed = ", ".join(
                    f"{name} ({count})" for name, count in list(occupied.items())[:6]
                )
                raise BackupError(
                    f"The database already holds data: {listed}"
                    + (" …" if len(occupied) > 6 else "")
                    + ". Restore into an empty, migrated database, or pass --force to "
                    "delete everything in this one first. Nothing was changed."
                )
            if occupied:
                tables = [m._meta.db_table for m in flushed_models()]
                connection.ops.execute_sql_flush(
                    connection.ops.sql_flush(no_style(), tables, reset_sequences=False)
                )
                say(f"Emptied {len(tables)} tables.")
            keys = _load(path, manifest, using, say)
            models_loaded = data_models()
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), models_loaded):
                    cursor.execute(statement)
            connection.check_constraints(table_names=[m._meta.db_table for m in models_loaded])
            _verify_database(manifest, keys, using, say)
    except DeserializationError as error:
        raise BackupError(
            f"A row of the backup does not fit this code ({error}). The restore was rolled "
            "back: nothing was changed."
        ) from error
    except IntegrityError as error:
        raise BackupError(
            f"The backup's rows break the database's constraints ({error}). The restore was "
            "rolled back: nothing was changed."
        ) from error
    except DatabaseError as error:
        raise BackupError(
            f"The database refused the restore ({error}). It was rolled back: nothing was changed."
        ) from error
    return RestoreSummary(tables=len(manifest.counts), rows=manifest.rows, flushed=bool(occupied))


def _load(path: str, manifest: Manifest, using: str, say) -> ReferenceKeys:
    """Insert every row; returns the id ↔ natural key maps of this database."""
    connection = connections[using]
    keys = None
    back = None
    for model_label, rows in sections(path):
        if model_label == CONTENT_TYPES:
            # `migrate` made most of them; add those only the backup knows (old models).
            present = set(ContentType.objects.using(using).values_list("app_label", "model"))
            ContentType.objects.using(using).bulk_create(
                [
                    ContentType(app_label=app_label, model=model)
                    for app_label, model in (row["natural"] for row in rows)
                    if (app_label, model) not in present
                ]
            )
            continue
        if model_label == PERMISSIONS:
            cts = {(ct.app_label, ct.model): ct.pk for ct in ContentType.objects.using(using).all()}
            present = set(
                Permission.objects.using(using).values_list(
                    "codename", "content_type__app_label", "content_type__model"
                )
            )
            Permission.objects.using(using).bulk_create(
                [
                    Permission(
                        codename=row["natural"][0],
                        content_type_id=cts[tuple(row["natural"][1:])],
                        name=row["name"],
                    )
                    for row in rows
                    if tuple(row["natural"]) not in present
                ]
            )
            keys = ReferenceKeys.from_database(using)
            back = keys.reversed()
            continue
        model = apps.get_model(model_label)
        fields = _stored_fields(model)
        reference_columns = [
            (f.name, back.table_for(f.related_model))
            for f in fields
            if f.is_relation and back.table_for(f.related_model) is not None
        ]
        batch_size = max(1, min(500, connection.ops.bulk_batch_size(fields, [None] * 500)))
        manager = model._base_manager.db_manager(using)
        batch: list = []

        def as_objects(rows=rows, model_label=model_label, reference_columns=reference_columns):
            for row in rows:
                for name, table in reference_columns:
                    value = row["fields"].get(name)
                    if isinstance(value, list):
                        row["fields"][name] = table[tuple(value)]
                yield {"model": model_label, "pk": row["pk"], "fields": row["fields"]}

        for deserialized in python_serializer.Deserializer(as_objects(), using=using):
            batch.append(deserialized.object)
            if len(batch) >= batch_size:
                # Raw inserts, many rows a statement: no save(), no signals (no history
                # rows), no auto_now: rows go in as they were. The ledger's save() and
                # delete() guards are not on this path and stay in force for all else.
                manager._insert(batch, fields=fields, using=using, raw=True)
                batch = []
        if batch:
            manager._insert(batch, fields=fields, using=using, raw=True)
        say(f"  {model_label}: {manifest.counts[model_label]}")
    return keys


def _verify_database(manifest: Manifest, keys: ReferenceKeys, using: str, say) -> None:
    """Read every table back and compare with the file; raising rolls the restore back."""
    wrong = []
    for model in data_models():
        model_label = label(model)
        digest = hashlib.sha256()
        count = 0
        for line in table_lines(model, keys, using):
            digest.update(line.encode())
            count += 1
        if count != manifest.counts[model_label]:
            wrong.append(f"{model_label}: {count} rows instead of {manifest.counts[model_label]}")
        elif digest.hexdigest() != manifest.checksums[model_label]:
            wrong.append(f"{model_label}: rows differ from the backup")
    if wrong:
        raise BackupError(
            "After loading, the database does not match the backup, so the restore was "
            "rolled back:\n  " + "\n  ".join(wrong)
        )
    say("Every table matches the backup's counts and checksums.")
