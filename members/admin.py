import dataclasses

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from members.models import (
    ActivationCode,
    CapabilityType,
    LocalSituation,
    Member,
    PartnerUnit,
    ResidentNeed,
    RoleAssignment,
    RosterImport,
    SecurityEvent,
    Unit,
)
from volunteer.admin import ReadOnlyAdmin


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "code", "path"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    raw_id_fields = ["parent"]
    readonly_fields = ["path"]


@admin.register(PartnerUnit)
class PartnerUnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "contact_name", "contact_phone"]
    search_fields = ["name"]
    filter_horizontal = ["served_units"]


@admin.register(CapabilityType)
class CapabilityTypeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "is_active", "sort_order"]


class _MaskedIdNumberHistory(HistoricalRecordContextHelper):
    """The history's list of changes says the ID number changed, never its hash."""

    def format_delta_change(self, change):
        formatted = super().format_delta_change(change)
        if change.field == "id_number_hash":
            return dataclasses.replace(formatted, old="••••", new="••••")
        return formatted


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    list_display = ["name", "masked_id_number", "branch", "category", "is_exempt"]
    list_filter = ["category", "is_exempt"]
    search_fields = ["name", "phone"]
    list_select_related = ["branch"]
    raw_id_fields = ["branch", "grid", "user", "employer"]
    # The ID number is never shown whole, not even here: it is typed in the app's form,
    # and stored only encrypted and hashed (neither is shown either).
    exclude = ["id_number_cipher", "id_number_hash"]
    readonly_fields = ["masked_id_number", "created_at", "updated_at"]
    history_list_display = ["is_exempt"]

    def get_historical_record_context_helper(self, request, historical_record):
        return _MaskedIdNumberHistory(self.model, historical_record)

    def has_add_permission(self, request) -> bool:
        # Files are added in the app, where the ID number is validated and typed once.
        return False


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "unit"]
    list_filter = ["role"]
    raw_id_fields = ["user", "unit"]
    search_fields = ["user__username", "unit__name"]


@admin.register(LocalSituation)
class LocalSituationAdmin(SimpleHistoryAdmin):
    list_display = ["branch", "households", "resident_population"]
    raw_id_fields = ["branch"]


@admin.register(ResidentNeed)
class ResidentNeedAdmin(SimpleHistoryAdmin):
    list_display = ["title", "branch", "category", "raised_on", "is_met"]
    list_filter = ["category", "is_met"]
    raw_id_fields = ["branch"]


@admin.register(RosterImport)
class RosterImportAdmin(admin.ModelAdmin):
    list_display = ["filename", "branch", "uploaded_by", "uploaded_at", "status"]
    exclude = ["content"]
    readonly_fields = [
        "branch",
        "uploaded_by",
        "filename",
        "status",
        "applied_at",
        "created_count",
        "updated_count",
    ]


@admin.register(ActivationCode)
class ActivationCodeAdmin(admin.ModelAdmin):
    """Read only: codes are issued on a member's page, where the slip is printed; only
    their hash is kept, so there is nothing here to read off."""

    list_display = ["user", "issued_by", "issued_at", "expires_at", "used_at", "voided_at"]
    list_select_related = ["user", "issued_by"]
    search_fields = ["user__username"]
    exclude = ["digest"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    """The security audit trail: append-only, so read only here too (the district
    organiser reads it in the app, members:security-events)."""

    list_display = ["at", "kind", "username", "actor", "ip_address", "unit", "member", "detail"]
    list_filter = ["kind"]
    list_select_related = ["actor", "unit", "member"]
    search_fields = ["username", "detail", "member__name"]
    date_hierarchy = "at"
