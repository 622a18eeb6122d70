"""ID numbers encrypted at rest: each member's number moves into a Fernet token and a
keyed hash (members/idnumbers.py, keys from the settings), history rows keep the hash
only, and the clear column is dropped from both tables."""

from django.db import migrations, models

from members import idnumbers

CHUNK = 500


def encrypt_existing(apps, schema_editor):
    db = schema_editor.connection.alias
    for model_name, fields in (
        ("Member", ["id_number_cipher", "id_number_hash"]),
        ("HistoricalMember", ["id_number_hash"]),
    ):
        model = apps.get_model("members", model_name)
        batch = []
        for row in model._base_manager.using(db).only("pk", "id_number").iterator(CHUNK):
            row.id_number_hash = idnumbers.digest(row.id_number)
            if "id_number_cipher" in fields:
                row.id_number_cipher = idnumbers.encrypt(row.id_number)
            batch.append(row)
            if len(batch) == CHUNK:
                model._base_manager.using(db).bulk_update(batch, fields)
                batch = []
        if batch:
            model._base_manager.using(db).bulk_update(batch, fields)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0003_roster_import_sheet"),
    ]

    operations = [
        migrations.AddField(
            model_name="member",
            name="id_number_cipher",
            field=models.TextField(
                default="", editable=False, verbose_name="ID number (encrypted)"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="member",
            name="id_number_hash",
            field=models.CharField(null=True, max_length=64, verbose_name="ID number"),
        ),
        migrations.AddField(
            model_name="historicalmember",
            name="id_number_hash",
            field=models.CharField(null=True, max_length=64, verbose_name="ID number"),
        ),
        # One way only: the clear numbers are gone afterwards.
        migrations.RunPython(encrypt_existing, elidable=False),
        migrations.RemoveField(model_name="historicalmember", name="id_number"),
        migrations.RemoveField(model_name="member", name="id_number"),
        migrations.AlterField(
            model_name="member",
            name="id_number_hash",
            field=models.CharField(max_length=64, unique=True, verbose_name="ID number"),
        ),
        migrations.AlterField(
            model_name="historicalmember",
            name="id_number_hash",
            field=models.CharField(db_index=True, max_length=64, verbose_name="ID number"),
        ),
    ]
