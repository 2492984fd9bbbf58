from django.contrib import admin

from .models import Reminder, ReminderPreference


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """The log of reminders: read only, written by the worker's scheduled job."""

    list_display = ("planned_at", "kind", "person", "session", "sent_at", "email", "error")
    list_filter = ("kind", "sent_at")
    list_select_related = ("person", "session__committee")
    search_fields = ("person__name", "email")
    fields = (
        "kind",
        "person",
        "session",
        "key",
        "planned_at",
        "claimed_at",
        "claimed_by",
        "sent_at",
        "email",
        "error",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(admin.ModelAdmin):
    list_display = ("person", "sessions", "agreements")
    list_select_related = ("person",)
    search_fields = ("person__name",)
    autocomplete_fields = ("person",)
