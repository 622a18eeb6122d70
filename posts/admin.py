from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from posts.models import (
    Choice,
    DutyItem,
    GuidanceNote,
    Pledge,
    PledgeItem,
    PledgeVersion,
    Post,
    PostType,
)
from volunteer.admin import ReadOnlyAdmin


class DutyItemInline(admin.TabularInline):
    model = DutyItem
    fk_name = "post_type"
    extra = 0


@admin.register(PostType)
class PostTypeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "town", "is_active"]
    list_filter = ["is_active"]
    raw_id_fields = ["town"]
    inlines = [DutyItemInline]


@admin.register(DutyItem)
class DutyItemAdmin(SimpleHistoryAdmin):
    list_display = ["name", "post_type", "post", "is_active"]
    raw_id_fields = ["post_type", "post"]


@admin.register(Post)
class PostAdmin(SimpleHistoryAdmin):
    list_display = ["name", "branch", "year", "seats", "is_active"]
    list_filter = ["year", "is_active"]
    raw_id_fields = ["branch", "post_type", "instructor"]
    filter_horizontal = ["needs"]
    search_fields = ["name", "branch__name"]


@admin.register(Choice)
class ChoiceAdmin(SimpleHistoryAdmin):
    list_display = ["member", "post", "status", "source", "certificate_number"]
    list_filter = ["status", "source"]
    raw_id_fields = ["post", "member", "created_by", "decided_by"]
    readonly_fields = ["certificate_number", "verify_code"]


class PledgeItemInline(admin.TabularInline):
    model = PledgeItem
    extra = 0
    can_delete = False
    readonly_fields = ["duty_item", "commitment"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PledgeVersion)
class PledgeVersionAdmin(ReadOnlyAdmin):
    list_display = ["pledge", "number", "written_by", "written_at", "decision"]
    inlines = [PledgeItemInline]


@admin.register(PledgeItem)
class PledgeItemAdmin(ReadOnlyAdmin):
    list_display = ["version", "duty_item", "commitment"]


@admin.register(Pledge)
class PledgeAdmin(SimpleHistoryAdmin):
    list_display = ["choice", "status", "version_count", "published_at"]
    list_filter = ["status"]
    raw_id_fields = ["choice", "approved_by", "published_by", "published_version"]
    readonly_fields = ["verify_code", "version_count"]


@admin.register(GuidanceNote)
class GuidanceNoteAdmin(ReadOnlyAdmin):
    """Instructors' guidance is kept as written: read here, written on the instructor's
    page."""

    list_display = ["choice", "written_by", "written_at"]
    raw_id_fields = ["choice", "written_by"]
