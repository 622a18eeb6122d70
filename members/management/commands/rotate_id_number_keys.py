"""`manage.py rotate_id_number_keys`: re-encrypt every member's ID number with the newest
key, the first of ID_NUMBER_KEYS (README: Personal data).

Rotation: put a new key in front of ID_NUMBER_KEYS (the old ones stay behind it, so every
number still reads), restart, run this command, then drop the old keys. `--check` only
counts the numbers not under the newest key yet (an error if any), to run before an
old key is dropped. The keyed hash the numbers are found by does not change."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from members import idnumbers
from members.models import Member

CHUNK = 500


class Command(BaseCommand):
    help = "Re-encrypt every member's ID number with the newest key of ID_NUMBER_KEYS."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only count the numbers not yet encrypted with the newest key.",
        )

    def handle(self, *args, check: bool, **options) -> None:
        pks = list(Member.all_files.order_by("pk").values_list("pk", flat=True))
        stale = 0
        for start in range(0, len(pks), CHUNK):
            chunk = pks[start : start + CHUNK]
            with transaction.atomic():
                rows = list(
                    Member.all_files.select_for_update()
                    .filter(pk__in=chunk)
                    .only("pk", "id_number_cipher")
                    .order_by("pk")
                )
                changed = []
                for row in rows:
                    if idnumbers.encrypted_with_newest_key(row.id_number_cipher):
                        continue
                    stale += 1
                    if not check:
                        try:
                            row.id_number_cipher = idnumbers.reencrypt(row.id_number_cipher)
                        except idnumbers.IdNumberKeyError as exc:
                            raise CommandError(f"Member file {row.pk}: {exc}") from None
                        changed.append(row)
                # Not a change anyone made: no history, and `updated_at` stays.
                Member.all_files.bulk_update(changed, ["id_number_cipher"])
        if check:
            message = f"{stale} of {len(pks)} ID numbers are not yet encrypted with the newest key."
            if stale:
                raise CommandError(message + " Run the command without --check.")
            self.stdout.write(message)
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Re-encrypted {stale} of {len(pks)} ID numbers with the newest key; "
                "the others already were."
            )
        )
