from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from helpdesk.models import (
    ConductText,
    ExcellenceRule,
    ExcellentNomination,
    ExcellentSelection,
    HelpRequest,
    RequestAlert,
    RequestEvent,
    ResponseRule,
    ServiceLog,
    ServiceLogCorrection,
    ServiceTeam,
    TeamEvent,
    TeamMembership,
    VolunteerApplication,
    VolunteerProfile,
    VolunteerYear,
)
from volunteer.admin import ReadOnlyAdmin


@admin.register(VolunteerProfile)
class VolunteerProfileAdmin(SimpleHistoryAdmin):
    list_display = ["number", "member", "is_active", "enrolled_on"]
    list_filter = ["is_active"]
    search_fields = ["number", "member__name"]
    list_select_related = ["member"]
    raw_id_fields = ["member"]
    readonly_fields = ["number"]

    def has_add_permission(self, request) -> bool:
        # Numbers are given out by helpdesk.services.enrol_volunteer.
        return False


class TeamMembershipInline(admin.TabularInline):
    model = TeamMembership
    extra = 0
    raw_id_fields = ["profile"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ServiceTeam)
class ServiceTeamAdmin(SimpleHistoryAdmin):
    """Teams are shaped on the team editor, which checks the team rules; here they are
    only looked at."""

    list_display = ["name", "grid", "leader"]
    search_fields = ["name", "grid__name"]
    list_select_related = ["grid", "leader"]
    raw_id_fields = ["grid", "leader"]
    inlines = [TeamMembershipInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TeamMembership)
class TeamMembershipAdmin(ReadOnlyAdmin):
    list_display = ["team", "profile", "joined_on"]
    list_select_related = ["team", "profile"]


class RequestEventInline(admin.TabularInline):
    model = RequestEvent
    extra = 0
    can_delete = False
    fields = ["kind", "at", "by", "team", "from_team", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(HelpRequest)
class HelpRequestAdmin(ReadOnlyAdmin):
    list_display = ["code", "state", "channel", "category", "branch", "grid", "received_at"]
    list_filter = ["state", "channel", "category"]
    search_fields = ["code"]
    list_select_related = ["branch", "grid"]
    inlines = [RequestEventInline]


@admin.register(RequestEvent)
class RequestEventAdmin(ReadOnlyAdmin):
    list_display = ["request", "kind", "at", "by"]
    list_filter = ["kind"]
    list_select_related = ["request", "by"]


@admin.register(RequestAlert)
class RequestAlertAdmin(ReadOnlyAdmin):
    list_display = ["request", "stage", "level", "at", "told"]
    list_filter = ["stage", "level"]
    list_select_related = ["request"]


@admin.register(ResponseRule)
class ResponseRuleAdmin(ReadOnlyAdmin):
    """Time limits change through the district organiser's page, which keeps the history."""

    list_display = ["district", "dispatch_minutes", "arrive_minutes", "resolve_hours"]
    list_select_related = ["district"]


@admin.register(TeamEvent)
class TeamEventAdmin(ReadOnlyAdmin):
    list_display = ["team", "profile", "kind", "on", "by", "carried_over"]
    list_filter = ["kind", "carried_over"]
    list_select_related = ["team", "profile", "by"]


@admin.register(ServiceLog)
class ServiceLogAdmin(ReadOnlyAdmin):
    list_display = ["team", "served_at", "category", "hours", "people_count"]
    list_filter = ["category"]
    list_select_related = ["team"]


@admin.register(ServiceLogCorrection)
class ServiceLogCorrectionAdmin(ReadOnlyAdmin):
    list_display = ["log", "corrected_at", "corrected_by", "hours_before", "hours_after", "reason"]
    list_select_related = ["log__team", "corrected_by"]


@admin.register(VolunteerYear)
class VolunteerYearAdmin(ReadOnlyAdmin):
    list_display = ["profile", "year", "hours", "services", "votes", "favourable"]
    list_filter = ["year"]
    list_select_related = ["profile"]


@admin.register(ExcellenceRule)
class ExcellenceRuleAdmin(ReadOnlyAdmin):
    """Rules change through the district organiser's page, which keeps their history."""

    list_display = [
        "district",
        "year",
        "min_hours",
        "min_services",
        "favourable_comparison",
        "min_favourable_percent",
    ]


@admin.register(ExcellentSelection)
class ExcellentSelectionAdmin(ReadOnlyAdmin):
    """Towns propose, the district confirms and publishes on their pages (with history)."""

    list_display = ["district", "year", "published_at", "published_by"]
    list_select_related = ["district", "published_by"]


@admin.register(ExcellentNomination)
class ExcellentNominationAdmin(ReadOnlyAdmin):
    list_display = ["profile", "selection", "town", "state", "proposed_at", "decided_at"]
    list_filter = ["state"]
    list_select_related = ["profile", "selection__district", "town"]


@admin.register(ConductText)
class ConductTextAdmin(ReadOnlyAdmin):
    """Each version stays as members accepted it; the district writes a new one."""

    list_display = ["district", "version", "created_at", "created_by"]
    list_select_related = ["district", "created_by"]


@admin.register(VolunteerApplication)
class VolunteerApplicationAdmin(ReadOnlyAdmin):
    list_display = ["member", "branch", "state", "created_at", "decided_at"]
    list_filter = ["state"]
    list_select_related = ["member", "branch"]
