"""The data migration members 0004: member files and their history rows written with
clear ID numbers (before it) come out encrypted and hashed, readable and found by number,
and the database holds no clear number any more. It runs in a throwaway SQLite database
in a child process, as migrating the test database back is not possible (the migration
is one way)."""

import json
import os
import subprocess
import sys

from django.conf import settings

from members import idnumbers
from tests.factories import next_id_number

SCRIPT = r"""
import datetime as dt, json, sqlite3, sys
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

call_command("migrate", "members", "0003_roster_import_sheet", verbosity=0)
old = MigrationExecutor(connection).loader.project_state(
    ("members", "0003_roster_import_sheet")
).apps
Unit = old.get_model("members", "Unit")
Member = old.get_model("members", "Member")
History = old.get_model("members", "HistoricalMember")
district = Unit._base_manager.create(kind="district", name="越城区", code="330602", path="/330602/")
town = Unit._base_manager.create(
    kind="town", name="鉴湖镇", code="01", parent=district, path="/330602/01/"
)
branch = Unit._base_manager.create(
    kind="branch", name="秦望村", code="0003", parent=town, path="/330602/01/0003/"
)
numbers = sys.argv[1:]
for i, number in enumerate(numbers[:2]):
    m = Member._base_manager.create(
        name=f"党员{i}", gender="M", birth_date=dt.date(1975, 3, 14), id_number=number,
        branch=branch, category="registered",
    )
    for version, value in ((1, numbers[2]), (2, number)):  # corrected once
        History._base_manager.create(
            id=m.pk, name=m.name, gender="M", birth_date=m.birth_date, id_number=value,
            branch_id=branch.pk, category="registered", is_exempt=False,
            created_at=m.created_at, updated_at=m.updated_at,
            history_date=m.created_at + dt.timedelta(minutes=version), history_type="~",
        )

def dump():
    connection.close()
    with sqlite3.connect(connection.settings_dict["NAME"]) as db:
        return "\n".join(db.iterdump())

before = dump()
call_command("migrate", "members", verbosity=0)
from members import idnumbers
from members.models import Member
print(json.dumps({
    "in_clear_before": sorted(set(idnumbers.find_in_text(before))),
    "read": sorted(m.id_number for m in Member.all_files.all()),
    "found": [Member.all_files.filter(id_number_hash=idnumbers.digest(n)).count()
              for n in numbers[:2]],
    "history": sorted(Member.history.values_list("id_number_hash", flat=True)),
    "in_clear": idnumbers.find_in_text(dump()),
}))
"""


def test_the_migration_encrypts_existing_files_and_hashes_their_history(tmp_path):
    numbers = [next_id_number() for _ in range(3)]
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_ENV", "ID_NUMBER_KEYS", "ID_NUMBER_HASH_KEY"}
    } | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'before.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "volunteer.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, *numbers],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    # The child used the same (development) keys as this process.
    assert found["read"] == sorted(numbers[:2])
    assert found["found"] == [1, 1]
    first, second, earlier = numbers
    assert found["history"] == sorted(
        idnumbers.digest(n) for n in [first, second, earlier, earlier]
    )
    assert found["in_clear_before"] == sorted(numbers)
    assert found["in_clear"] == []
