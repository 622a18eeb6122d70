from django.contrib import admin

from jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Jobs are made and changed by jobs.services only; the admin looks and may delete."""

    list_display = ["label", "owner", "status", "done", "total", "attempt", "created_at"]
    list_filter = ["status"]
    search_fields = ["label", "owner__username"]
    list_select_related = ["owner"]
    exclude = ["content"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
