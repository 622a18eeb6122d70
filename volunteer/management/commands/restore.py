"""`manage.py restore FILE [--force]`: load a file written by `manage.py backup`.

Refuses, changing nothing: a damaged or truncated file, a file made by code with other
migrations, and a database that already holds data (unless --force, which empties it
first). Loads everything in one transaction and checks every table's row count and
checksum before committing.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from volunteer.backup import BackupError, check_compatible, restore_backup, verify_file


class Command(BaseCommand):
    help = (
        "Load a backup written by `manage.py backup` into this database, which must be "
        "migrated (`manage.py migrate`) and empty. All or nothing: the file is checked "
        "whole first, and the loaded rows are compared with its checksums before "
        "committing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="The backup file (.json.gz).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Delete every row in this database (users, members, ledgers…) and "
            "replace them with the backup's.",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only check that the file is whole and fits this code; change nothing.",
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: default)."
        )

    def handle(self, *args, path: str, force: bool, check: bool, database: str, **options):
        started = time.monotonic()
        try:
            if check:
                manifest = verify_file(path)
                check_compatible(manifest, database)
                self.stdout.write(
                    self.style.SUCCESS(
                        f"{path} is whole and fits this code: {manifest.rows:,} rows of "
                        f"{len(manifest.counts)} tables, written {manifest.header['created']} "
                        f"from {manifest.header['database']}."
                    )
                )
                return
            summary = restore_backup(
                path, using=database, force=force, progress=self._progress(options)
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {summary.rows:,} rows of {summary.tables} tables from {path} "
                f"in {elapsed:.1f} s."
            )
        )

    def _progress(self, options):
        if options["verbosity"] < 2:
            return None
        return self.stdout.write
