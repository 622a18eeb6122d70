from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """For append-only ledgers (台账) and frozen figures: the admin may look, never change."""

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False
