from django.contrib import admin

from inbox.models import NoticeContact, Notification, TextMessage


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["recipient", "subject", "created_at", "read_at"]
    list_filter = ["read_at"]
    search_fields = ["subject", "recipient__username"]
    raw_id_fields = ["recipient"]
    list_select_related = ["recipient"]


@admin.register(TextMessage)
class TextMessageAdmin(admin.ModelAdmin):
    """The SMS outbox: what went, what waits for a retry, what failed and why."""

    list_display = ["mobile", "status", "attempts", "created_at", "sent_at", "last_error"]
    list_filter = ["status"]
    search_fields = ["mobile"]
    raw_id_fields = ["notification"]
    readonly_fields = ["notification", "mobile", "text", "created_at", "sent_at", "last_error"]


@admin.register(NoticeContact)
class NoticeContactAdmin(admin.ModelAdmin):
    list_display = ["user", "mobile", "mobile_confirmed_at", "pending_kind"]
    raw_id_fields = ["user"]
    search_fields = ["user__username", "mobile"]
    exclude = ["pending_digest"]
