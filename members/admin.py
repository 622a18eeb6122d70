import dataclasses

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from members import audit
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
from members.services import audit_role
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

    # Roles given or taken here are in the security trail as on the roles pages.
    def save_model(self, request, obj, form, change) -> None:
        changed = not change or form.has_changed()
        if change and changed:  # a changed role: the old one revoked, the new one granted
            old = RoleAssignment.objects.select_related("unit", "user").get(pk=obj.pk)
            audit_role(old, granted=False, by=request.user)
        super().save_model(request, obj, form, change)
        if changed:
            audit_role(obj, granted=True, by=request.user)

    def delete_model(self, request, obj) -> None:
        audit_role(obj, granted=False, by=request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        for assignment in queryset.select_related("unit", "user"):
            audit_role(assignment, granted=False, by=request.user)
        super().delete_queryset(request, queryset)


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


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class AuditedUserAdmin(UserAdmin):
    """Django's user admin, with a password set here recorded in the security trail."""

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = User.objects.get(pk=id)
            audit.record(
                audit.Kind.PASSWORD_CHANGED,
                actor=request.user,
                member=audit.member_of(user),
                detail=_("Password of %(username)s set in the administration.")
                % {"username": user.get_username()},
                request=request,
            )
        return response
