from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from scoring.models import (
    Activity,
    Attendance,
    Ballot,
    Evaluation,
    EvaluationRule,
    Honour,
    JointTraining,
    MonthlyTally,
    PointsEntry,
    PointsRule,
    Sanction,
    TallyLine,
)
from volunteer.admin import ReadOnlyAdmin


@admin.register(PointsRule)
class PointsRuleAdmin(ReadOnlyAdmin):
    """Rules change through the district organiser's page, which keeps every version."""

    list_display = ["district", "kind", "points", "effective_from", "created_by"]
    list_filter = ["kind"]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    raw_id_fields = ["member"]
    can_delete = False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    """Activities are recorded on the branch's page, which writes their points. Here a
    title or a place may be mended; what the points depend on (branch, kind, date,
    hours) may not, and nothing is added or deleted past the ledger."""

    list_display = ["title", "kind", "branch", "held_on"]
    list_filter = ["kind"]
    readonly_fields = ["branch", "kind", "held_on", "hours", "recorded_by"]
    filter_horizontal = ["duty_items"]
    inlines = [AttendanceInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdmin):
    list_display = ["activity", "member"]


@admin.register(JointTraining)
class JointTrainingAdmin(ReadOnlyAdmin):
    """Recorded on the town's page, where attendance becomes each branch's activity."""

    list_display = ["title", "unit", "held_on", "recorded_by"]
    list_select_related = ["unit", "recorded_by"]


@admin.register(PointsEntry)
class PointsEntryAdmin(ReadOnlyAdmin):
    list_display = ["member", "points", "month", "occurred_on", "rule", "corrects", "recorded_by"]
    list_filter = ["month"]
    list_select_related = ["member", "rule", "recorded_by"]


@admin.register(MonthlyTally)
class MonthlyTallyAdmin(ReadOnlyAdmin):
    list_display = ["branch", "month", "total_points", "published_at"]


@admin.register(TallyLine)
class TallyLineAdmin(ReadOnlyAdmin):
    list_display = ["tally", "member_name", "points", "corrections", "year_to_date"]


@admin.register(EvaluationRule)
class EvaluationRuleAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Set on the district organiser's page, which refuses a change once a branch has
    published the year's results (their result pages recompute from the rule)."""

    list_display = ["district", "year", "points_method", "appraisal_weight", "points_weight"]


class BallotInline(admin.TabularInline):
    model = Ballot
    extra = 0
    readonly_fields = ["voter", "favourable", "entered_by", "entered_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Votes, scores and publication go through the secretary's pages, which keep
    history and freeze published results."""

    list_display = ["member", "year", "final_score", "grade", "published_at"]
    list_filter = ["year", "grade"]
    raw_id_fields = ["member", "branch", "rule"]
    readonly_fields = [
        "points_total",
        "points_basis",
        "points_score",
        "appraisal_score",
        "final_score",
        "grade",
        "computed_at",
    ]
    inlines = [BallotInline]


@admin.register(Ballot)
class BallotAdmin(ReadOnlyAdmin):
    list_display = ["evaluation", "voter", "favourable", "entered_by"]


@admin.register(Honour)
class HonourAdmin(SimpleHistoryAdmin):
    list_display = ["member", "year", "kind"]
    raw_id_fields = ["member", "awarded_by"]


@admin.register(Sanction)
class SanctionAdmin(SimpleHistoryAdmin):
    list_display = ["member", "year", "kind", "held_on"]
    raw_id_fields = ["member", "choice", "decided_by"]
