from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from agendas.admin import AgendaPointInline
from agendas.services import add_standard_agenda
from committees.admin import (
    CommitteeListFilter,
    HistoryAdmin,
    ListSelectRelatedMixin,
    SeatRowsInline,
)
from committees.models import Committee

from .forms import CancelSessionsForm, PostponeSessionsForm, SessionAdminForm
from .models import Attendance, NoticeDelivery, Session
from .services import cancel_session, next_session_number, postpone_session, renumber_sessions


class AttendanceInline(SeatRowsInline):
    model = Attendance
    fields = ("membership", "status", "arrival_time")


@admin.register(Session)
class SessionAdmin(HistoryAdmin):
    form = SessionAdminForm
    list_display = (
        "session_title",
        "committee",
        "kind",
        "number",
        "date",
        "start_time",
        "end_time",
        "status",
        "revision",
    )
    list_display_links = ("session_title",)
    list_editable = ("date", "start_time", "end_time")
    list_filter = (("committee", CommitteeListFilter), "kind", "status", "date")
    list_select_related = ("committee__institution",)
    date_hierarchy = "date"
    search_fields = ("committee__short_name", "committee__name", "place", "notes", "status_reason")
    autocomplete_fields = ("committee", "invitations")
    readonly_fields = ("revision", "status_changed_at")
    fieldsets = (
        (None, {"fields": ("committee", "kind", "role", "number")}),
        (_("Fecha y lugar"), {"fields": ("date", "start_time", "end_time", "place", "video_link")}),
        (
            _("Estado"),
            {
                "fields": (
                    "status",
                    "convened_at",
                    "status_reason",
                    "status_changed_at",
                    "rescheduled_from",
                    "revision",
                )
            },
        ),
        (_("Publicación"), {"fields": ("is_public", "invitations", "notes")}),
    )
    inlines = (AgendaPointInline, AttendanceInline)
    actions = ("postpone", "cancel")

    @admin.display(description=_("Sesión"), ordering="number")
    def session_title(self, obj):
        return obj.title

    def get_inlines(self, request, obj):
        # A new session gets the standard agenda of its kind (save_related); its points
        # and attendance are edited once it exists.
        return self.inlines if obj is not None else ()

    def save_model(self, request, obj, form, change):
        previous = None
        if change:
            previous = Session.objects.values("committee_id", "kind", "number").get(pk=obj.pk)
        moved = previous is not None and (previous["committee_id"], previous["kind"]) != (
            obj.committee_id,
            obj.kind,
        )
        if previous is not None and not moved and "number" not in form.changed_data:
            # Another row of the same list may have been saved and renumbered this session
            # since the page was loaded: keep the number the database has now.
            obj.number = previous["number"]
        elif obj.number is None:
            obj.number = next_session_number(obj.committee, obj.kind)
        super().save_model(request, obj, form, change)
        if not change or moved or {"date", "start_time"} & set(form.changed_data):
            # Numbers follow date order until a session is convened (renumber_sessions).
            renumber_sessions(obj.committee, obj.kind)
            if moved:
                renumber_sessions(
                    Committee.objects.get(pk=previous["committee_id"]), previous["kind"]
                )
            obj.refresh_from_db(fields=["number"])

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change and not form.instance.points.exists():
            add_standard_agenda(form.instance)

    def save_formset(self, request, form, formset, change):
        if formset.model is Attendance:
            for new_form in formset.extra_forms:
                new_form.instance.recorded_by = request.user
        super().save_formset(request, form, formset, change)

    @admin.action(description=_("Posponer las sesiones seleccionadas"), permissions=["change"])
    def postpone(self, request, queryset):
        return self._change_status(
            request,
            queryset,
            action="postpone",
            form_class=PostponeSessionsForm,
            apply=lambda session, data: postpone_session(session, **data),
            title=_("Posponer sesiones"),
            intro=_(
                "Las sesiones seleccionadas pasarán a la nueva fecha con estado «Pospuesta»; "
                "su fecha original y el motivo quedan registrados."
            ),
            submit_label=_("Posponer"),
            done=lambda count: (
                ngettext(
                    "Se pospuso %(count)d sesión.", "Se pospusieron %(count)d sesiones.", count
                )
                % {"count": count}
            ),
            failed=_("No se pudo posponer «%(session)s»: %(error)s"),
        )

    @admin.action(description=_("Cancelar las sesiones seleccionadas"), permissions=["change"])
    def cancel(self, request, queryset):
        return self._change_status(
            request,
            queryset,
            action="cancel",
            form_class=CancelSessionsForm,
            apply=lambda session, data: cancel_session(session, **data),
            title=_("Cancelar sesiones"),
            intro=_(
                "Las sesiones seleccionadas quedarán en el calendario como «Cancelada», con "
                "el motivo que indique."
            ),
            submit_label=_("Cancelar sesiones"),
            done=lambda count: (
                ngettext("Se canceló %(count)d sesión.", "Se cancelaron %(count)d sesiones.", count)
                % {"count": count}
            ),
            failed=_("No se pudo cancelar «%(session)s»: %(error)s"),
        )

    def _change_status(
        self,
        request,
        queryset,
        *,
        action,
        form_class,
        apply,
        title,
        intro,
        submit_label,
        done,
        failed,
    ):
        """
        An action with an intermediate page: show the form; once it is submitted and valid,
        apply the service to each session and go back to the list (by returning None).
        """
        if "apply" in request.POST:
            form = form_class(request.POST)
            if form.is_valid():
                changed = 0
                for pk in list(queryset.values_list("pk", flat=True)):
                    # Each change may renumber the others: load each session just before.
                    session = queryset.get(pk=pk)
                    label = str(session)
                    try:
                        apply(session, form.cleaned_data)
                    except ValidationError as error:
                        self.message_user(
                            request,
                            failed % {"session": label, "error": " ".join(error.messages)},
                            messages.ERROR,
                        )
                    else:
                        changed += 1
                if changed:
                    self.message_user(request, done(changed), messages.SUCCESS)
                return None
        else:
            form = form_class()
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "intro": intro,
            "submit_label": submit_label,
            "opts": self.opts,
            "queryset": queryset,
            "form": form,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, "admin/committee_sessions/session/change_status.html", context
        )


@admin.register(Attendance)
class AttendanceAdmin(ListSelectRelatedMixin, admin.ModelAdmin):
    list_display = ("membership", "session", "status", "arrival_time", "recorded_by")
    list_filter = ("status", ("session__committee", CommitteeListFilter))
    list_select_related = (
        "membership__person",
        "membership__committee",
        "session__committee",
        "recorded_by",
    )
    search_fields = ("membership__person__name", "session__committee__short_name")
    autocomplete_fields = ("session", "membership", "recorded_by")

    def save_model(self, request, obj, form, change):
        if not change and obj.recorded_by_id is None:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(NoticeDelivery)
class NoticeDeliveryAdmin(ListSelectRelatedMixin, admin.ModelAdmin):
    """The log of notices e-mailed about sessions: read only, it records what happened."""

    list_display = ("sent_at", "kind", "session", "person", "email", "revision", "delivered")
    list_filter = ("kind", ("session__committee", CommitteeListFilter), "sent_at")
    list_select_related = ("session__committee", "person")
    search_fields = ("person__name", "email", "session__committee__short_name", "error")
    date_hierarchy = "sent_at"
    fields = ("session", "person", "email", "kind", "revision", "sent_at", "error")

    @admin.display(description=_("Entregado"), boolean=True)
    def delivered(self, obj):
        return obj.delivered

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
