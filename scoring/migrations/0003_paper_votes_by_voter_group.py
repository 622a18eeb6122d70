"""A paper vote's counts per voter group: party members and residents' representatives.

Counts saved before this change do not say which group cast them, so they are kept as
they were, under "voter group not recorded", and still count in the appraisal; the branch
replaces them when it enters the counts again by group. Published results are unchanged:
the totals they were computed from are the same.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0002_activity_hours"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="evaluation", name="paper_votes_add_up"),
        migrations.RenameField(
            model_name="evaluation",
            old_name="paper_favourable",
            new_name="paper_ungrouped_favourable",
        ),
        migrations.RenameField(
            model_name="evaluation", old_name="paper_total", new_name="paper_ungrouped_total"
        ),
        migrations.RenameField(
            model_name="historicalevaluation",
            old_name="paper_favourable",
            new_name="paper_ungrouped_favourable",
        ),
        migrations.RenameField(
            model_name="historicalevaluation",
            old_name="paper_total",
            new_name="paper_ungrouped_total",
        ),
        migrations.AddField(
            model_name="evaluation",
            name="paper_member_favourable",
            field=models.PositiveIntegerField(
                default=0, verbose_name="favourable votes on paper by party members"
            ),
        ),
        migrations.AddField(
            model_name="evaluation",
            name="paper_member_total",
            field=models.PositiveIntegerField(
                default=0, verbose_name="votes cast on paper by party members"
            ),
        ),
        migrations.AddField(
            model_name="evaluation",
            name="paper_resident_favourable",
            field=models.PositiveIntegerField(
                default=0, verbose_name="favourable votes on paper by residents' representatives"
            ),
        ),
        migrations.AddField(
            model_name="evaluation",
            name="paper_resident_total",
            field=models.PositiveIntegerField(
                default=0, verbose_name="votes cast on paper by residents' representatives"
            ),
        ),
        migrations.AddField(
            model_name="historicalevaluation",
            name="paper_member_favourable",
            field=models.PositiveIntegerField(
                default=0, verbose_name="favourable votes on paper by party members"
            ),
        ),
        migrations.AddField(
            model_name="historicalevaluation",
            name="paper_member_total",
            field=models.PositiveIntegerField(
                default=0, verbose_name="votes cast on paper by party members"
            ),
        ),
        migrations.AddField(
            model_name="historicalevaluation",
            name="paper_resident_favourable",
            field=models.PositiveIntegerField(
                default=0, verbose_name="favourable votes on paper by residents' representatives"
            ),
        ),
        migrations.AddField(
            model_name="historicalevaluation",
            name="paper_resident_total",
            field=models.PositiveIntegerField(
                default=0, verbose_name="votes cast on paper by residents' representatives"
            ),
        ),
        migrations.AlterField(
            model_name="evaluation",
            name="paper_ungrouped_favourable",
            field=models.PositiveIntegerField(
                default=0, verbose_name="favourable votes on paper, voter group not recorded"
            ),
        ),
        migrations.AlterField(
            model_name="evaluation",
            name="paper_ungrouped_total",
            field=models.PositiveIntegerField(
                default=0, verbose_name="votes cast on paper, voter group not recorded"
            ),
        ),
        migrations.AlterField(
            model_name="historicalevaluation",
            name="paper_ungrouped_favourable",
            field=models.PositiveIntegerField(
                default=0, verbose_name="favourable votes on paper, voter group not recorded"
            ),
        ),
        migrations.AlterField(
            model_name="historicalevaluation",
            name="paper_ungrouped_total",
            field=models.PositiveIntegerField(
                default=0, verbose_name="votes cast on paper, voter group not recorded"
            ),
        ),
        migrations.AddConstraint(
            model_name="evaluation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("paper_ungrouped_favourable__lte", models.F("paper_ungrouped_total"))
                ),
                name="paper_votes_add_up",
            ),
        ),
        migrations.AddConstraint(
            model_name="evaluation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("paper_member_favourable__lte", models.F("paper_member_total"))
                ),
                name="paper_member_votes_add_up",
            ),
        ),
        migrations.AddConstraint(
            model_name="evaluation",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("paper_resident_favourable__lte", models.F("paper_resident_total"))
                ),
                name="paper_resident_votes_add_up",
            ),
        ),
    ]
