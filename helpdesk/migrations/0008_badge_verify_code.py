"""Every volunteer badge gets an unguessable code for its QR verification page (the
printed number stays): added empty, filled row by row, then made unique."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

import helpdesk.models
from volunteer import verification


def give_codes(apps, schema_editor):
    Profile = apps.get_model("helpdesk", "VolunteerProfile")
    profiles = list(Profile.objects.filter(verify_code__isnull=True).only("pk"))
    for profile in profiles:
        profile.verify_code = verification.new_code()
    Profile.objects.bulk_update(profiles, ["verify_code"], batch_size=1000)
    History = apps.get_model("helpdesk", "HistoricalVolunteerProfile")
    current = Profile.objects.filter(pk=OuterRef("id")).values("verify_code")[:1]
    History.objects.filter(verify_code__isnull=True).update(
        verify_code=Coalesce(Subquery(current), Value(""))
    )


class Migration(migrations.Migration):
    dependencies = [("helpdesk", "0007_service_log_corrections")]

    operations = [
        migrations.AddField(
            model_name="volunteerprofile",
            name="verify_code",
            field=models.CharField(
                editable=False, max_length=16, null=True, verbose_name="verification code"
            ),
        ),
        migrations.AddField(
            model_name="historicalvolunteerprofile",
            name="verify_code",
            field=models.CharField(
                editable=False, max_length=16, null=True, verbose_name="verification code"
            ),
        ),
        migrations.RunPython(give_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="volunteerprofile",
            name="verify_code",
            field=models.CharField(
                default=helpdesk.models.new_badge_code,
                editable=False,
                max_length=16,
                unique=True,
                verbose_name="verification code",
            ),
        ),
        migrations.AlterField(
            model_name="historicalvolunteerprofile",
            name="verify_code",
            field=models.CharField(
                db_index=True,
                default=helpdesk.models.new_badge_code,
                editable=False,
                max_length=16,
                verbose_name="verification code",
            ),
        ),
    ]
