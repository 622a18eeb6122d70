"""`manage.py backup FILE`: write the whole database to one gzip file.

See `volunteer/backup.py` for the format. `manage.py restore FILE` reads it back.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from volunteer.backup import BackupError, write_backup


class Command(BaseCommand):
    help = (
        "Write every table (users, member files, posts and pledges, the points ledger, "
        "tallies, help requests, change history, inbox) to one gzip file that "
        "`manage.py restore` loads into an empty database, SQLite or PostgreSQL. Read in "
        "one consistent snapshot while the site keeps running. Sessions are not kept."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="The file to write, e.g. volunteer-2026-03-01.json.gz.")
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: default)."
        )

    def handle(self, *args, path: str, database: str, **options) -> None:
        started = time.monotonic()
        try:
            summary = write_backup(path, using=database)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {summary.rows:,} rows of {summary.tables} tables to {summary.path} "
                f"({summary.size / 1_000_000:.1f} MB) in {elapsed:.1f} s."
            )
        )
