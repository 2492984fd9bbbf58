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
from .models import Attendance, ConveningConfirmation, Folio, NoticeDelivery, Session
from .seal_admin import SealedInlineMixin, SealedRecordAdminMixin
from .services import (
    cancel_session,
    next_session_number,
    postpone_session,
    record_attendance,
    renumber_sessions,
)


class AttendanceInline(SealedInlineMixin, SeatRowsInline):
    """Attendance on the session page; saved through record_attendance, never deleted."""

    model = Attendance
    fields = ("membership", "status", "arrival_time")

    def has_delete_permission(self, request, obj=None):
        # Attendance is corrected (present, absent, excused), not erased.
        return False


@admin.register(Session)
class SessionAdmin(SealedRecordAdminMixin, HistoryAdmin):
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
    # The lifecycle moves the status (convene, postpone, cancel, open, close): the actions
    # of this list and the session's page, never a field typed here.
    readonly_fields = (
        "status",
        "convened_at",
        "status_reason",
        "status_changed_at",
        "rescheduled_from",
        "revision",
        "sealed_at",
    )
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
                    "sealed_at",
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

    def get_changelist_form(self, request, **kwargs):
        """The list's editable dates: disabled on the rows of sealed sessions."""
        base = super().get_changelist_form(request, **kwargs)

        class ChangelistForm(base):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                if self.instance.pk is not None and self.instance.sealed:
                    for field in self.fields.values():
                        field.disabled = True

        return ChangelistForm

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
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            # Through the service: its window (convened or held), seal and term checks.
            for row in formset.forms:
                if not row.has_changed() or not row.cleaned_data:
                    continue
                try:
                    record_attendance(
                        form.instance,
                        row.cleaned_data["membership"],
                        row.cleaned_data["status"],
                        arrival_time=row.cleaned_data.get("arrival_time"),
                        by=request.user,
                    )
                except ValidationError as error:
                    self.message_user(
                        request,
                        _("No se guardó la asistencia de %(person)s: %(error)s")
                        % {
                            "person": row.cleaned_data["membership"].person,
                            "error": " ".join(error.messages),
                        },
                        messages.ERROR,
                    )
            return
        # The agenda's formset saves through the agenda services, as this user.
        formset.user = request.user
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
class AttendanceAdmin(SealedRecordAdminMixin, ListSelectRelatedMixin, admin.ModelAdmin):
    """The attendance of every session, to look up; it is taken on the session's roll call."""

    list_display = ("membership", "session", "status", "arrival_time", "recorded_by")
    list_filter = ("status", ("session__committee", CommitteeListFilter))
    list_select_related = (
        "membership__person",
        "membership__committee",
        "session__committee",
        "recorded_by",
    )
    search_fields = ("membership__person__name", "session__committee__short_name")
    readonly_fields = ("session", "membership", "status", "arrival_time", "recorded_by")

    # Taken through the roll call (record_attendance checks the window, the term and the
    # seal): here it is only read.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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


@admin.register(ConveningConfirmation)
class ConveningConfirmationAdmin(ListSelectRelatedMixin, admin.ModelAdmin):
    """Warnings a secretary confirmed before convening: read only, a record of what was seen."""

    list_display = ("confirmed_at", "session", "confirmed_by")
    list_filter = (("session__committee", CommitteeListFilter), "confirmed_at")
    list_select_related = ("session__committee", "confirmed_by")
    fields = ("session", "confirmed_by", "confirmed_at", "warnings")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Folio)
class FolioAdmin(ListSelectRelatedMixin, admin.ModelAdmin):
    """Oficio numbers issued: read only, a number once taken is never changed or reused."""

    list_display = ("code", "kind", "committee", "session", "informe", "issued_at")
    list_filter = (("committee", CommitteeListFilter), "kind", "year")
    list_select_related = ("committee", "session__committee", "informe__committee")
    search_fields = ("code",)
    fields = ("code", "committee", "year", "number", "kind", "session", "informe", "issued_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
