from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from committees.admin import CommitteeListFilter, HistoryAdmin

from .models import Acta, ActaErratum, ActaObservation, Informe, InformeRender


@admin.register(Acta)
class ActaAdmin(HistoryAdmin):
    list_display = ("__str__", "committee", "session_date", "status", "approved_on")
    list_filter = ("status", ("session__committee", CommitteeListFilter))
    list_select_related = ("session__committee__institution",)
    search_fields = ("session__committee__short_name", "session__committee__name", "body")
    autocomplete_fields = ("session", "approved_at_point")
    # The archived PDF and its hash are written once, by reports.archive, never by hand.
    readonly_fields = ("snapshot", "pdf", "pdf_sha256", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("session", "status", "body")}),
        (_("Aprobación"), {"fields": ("approved_at_point", "approved_on")}),
        (_("Versión aprobada"), {"fields": ("pdf", "pdf_sha256", "snapshot")}),
        (_("Registro"), {"fields": ("created_at", "updated_at")}),
    )

    @admin.display(description=_("órgano colegiado"), ordering="session__committee")
    def committee(self, obj):
        return obj.session.committee

    @admin.display(description=_("fecha de la sesión"), ordering="session__date")
    def session_date(self, obj):
        return obj.session.date

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            # An approved acta is immutable; only its publication status still moves.
            return [
                name
                for section in self.fieldsets
                for name in section[1]["fields"]
                if name != "status"
            ]
        return self.readonly_fields


@admin.register(Informe)
class InformeAdmin(HistoryAdmin):
    list_display = (
        "informe_title",
        "committee",
        "kind",
        "number",
        "period_start",
        "period_end",
        "status",
        "presented_on",
    )
    list_display_links = ("informe_title",)
    list_filter = (("committee", CommitteeListFilter), "kind", "status")
    list_select_related = ("committee__institution",)
    search_fields = ("committee__short_name", "committee__name", "narrative")
    autocomplete_fields = ("committee", "presented_at_point")
    readonly_fields = ("pdf", "pdf_sha256")
    date_hierarchy = "period_start"
    fieldsets = (
        (None, {"fields": ("committee", "kind", "number", "period_start", "period_end", "status")}),
        (_("Contenido"), {"fields": ("narrative", "plans", "recommendations")}),
        (
            _("Presentación"),
            {"fields": ("presented_at_point", "presented_on", "pdf", "pdf_sha256")},
        ),
    )

    @admin.display(description=_("informe"), ordering="period_start")
    def informe_title(self, obj):
        return obj.title


@admin.register(ActaObservation)
class ActaObservationAdmin(admin.ModelAdmin):
    list_display = ("acta", "author", "point", "created_at")
    list_select_related = ("acta__session__committee", "author", "point")
    search_fields = ("text", "author__name")
    autocomplete_fields = ("point", "author")
    raw_id_fields = ("acta",)


@admin.register(ActaErratum)
class ActaErratumAdmin(admin.ModelAdmin):
    list_display = ("acta", "recorded_by", "recorded_at")
    list_select_related = ("acta__session__committee", "recorded_by")
    search_fields = ("text",)
    raw_id_fields = ("acta",)
    readonly_fields = ("recorded_by", "recorded_at")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(InformeRender)
class InformeRenderAdmin(admin.ModelAdmin):
    """Background prints of informes, to see what failed and why: read only."""

    list_display = ("informe", "status", "requested_by", "requested_at", "finished_at", "pages")
    list_filter = ("status",)
    list_select_related = ("informe__committee", "requested_by")
    readonly_fields = (
        "informe",
        "status",
        "file",
        "pages",
        "error",
        "requested_by",
        "requested_at",
        "finished_at",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
